"""Rebuild the shipped encoder files (and the reference-vector fixture): ``python -m factsift.encoder.rebuild``.

A script on top of :mod:`factsift.encoder.export`, :mod:`factsift.encoder.reference` and the claims model,
kept apart from them so that none of those imports another's script (no import cycle).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from factsift.encoder.export import BUNDLED_ID, bundled_source, export_folder
from factsift.encoder.runtime import bundled_folder


def main(argv: list[str] | None = None) -> int:
    """Rebuild the shipped encoder files (``--to`` another folder to compare them) and, with ``--reference``,
    the test fixture of the reference encoder's vectors (needs PyTorch)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--to", type=Path, default=bundled_folder(), help="output folder (default: the package's)")
    parser.add_argument("--reference", type=Path, help="write the reference vectors of fixed sentences here (.npz)")
    args = parser.parse_args(argv)
    export_folder(bundled_source(), args.to, BUNDLED_ID)
    print(f"wrote {args.to}")
    if args.reference is not None:
        from factsift.claims.classifier import shipped
        from factsift.encoder.reference import reference_vectors

        np.savez_compressed(args.reference, **reference_vectors(shipped().layers_file))
        print(f"wrote {args.reference}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
