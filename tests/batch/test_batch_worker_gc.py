"""A batch worker keeps the garbage collector off its loaded models (see ``warm_up``)."""

from __future__ import annotations

import json
import subprocess
import sys

_PROBE = """
import gc, json
from factsift.batch.worker import warm_up
before = gc.get_threshold()
warm_up({"fast": True, "stages": ["ingest", "claims"]})
print(json.dumps({"before": before, "after": gc.get_threshold(), "frozen": gc.get_freeze_count()}))
"""


def test_warm_up_freezes_loaded_objects_and_raises_the_first_threshold() -> None:
    # in a child process: the tuning is process-wide and must not leak into the test run
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120, check=True)
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert probe["after"][0] > probe["before"][0]
    assert probe["frozen"] > 10_000  # the models and caches warm-up loaded
