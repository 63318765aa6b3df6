"""The ``[archive]`` section of factsift.toml: whether the watcher and the web app keep what they analyse."""

from __future__ import annotations

from pathlib import Path

import pytest

from factsift.config import Config, read_file
from factsift.errors import InputError
from factsift.options import Options


def _config(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "factsift.toml"
    path.write_text(text)
    options, sections = read_file(path)
    return Config.from_options(Options.from_kwargs(**options), sections)


def test_keeping_is_on_unless_the_file_turns_it_off(tmp_path: Path) -> None:
    assert _config(tmp_path, "").archive.keep is True
    assert _config(tmp_path, "[archive]\nkeep = false\n").archive.keep is False
    assert _config(tmp_path, "[archive]\nkeep = true\n").archive.keep is True


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[archive]\nkeep = "no"\n', r"\[archive\] keep must be true or false, not 'no'"),
        ("[archive]\nkept = false\n", "unknown setting.*archive.kept.*archive.keep"),
    ],
)
def test_a_bad_setting_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        _config(tmp_path, text)
