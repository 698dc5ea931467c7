"""scripts/release_notes.py: the release workflow's gate (tag = version, dated CHANGELOG entry) and notes."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from generator import __version__

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "release_notes.py"
spec = importlib.util.spec_from_file_location("release_notes", SCRIPT)
assert spec and spec.loader
release_notes = importlib.util.module_from_spec(spec)
spec.loader.exec_module(release_notes)

CHANGELOG = """\
# Changelog

## [0.3.0] - Unreleased

- Not out yet.

## [0.2.0] - 2026-12-01

- Charts follow the dark colour scheme.
- Smaller install.

## [0.1.0] - 2026-10-01

- First release.

## [0.0.9] - 2026-09-01

[0.2.0]: https://github.com/acme/statuspress/releases/tag/v0.2.0
"""


def test_notes_are_the_versions_section_only() -> None:
    assert release_notes.notes(CHANGELOG, "0.2.0") == "- Charts follow the dark colour scheme.\n- Smaller install.\n"
    assert release_notes.notes(CHANGELOG, "0.1.0") == "- First release.\n"


@pytest.mark.parametrize(("version", "message"), [
    ("0.3.0", "dated 'Unreleased'"),
    ("0.4.0", "no '## [0.4.0] - YYYY-MM-DD' section"),
    ("0.0.9", "section for 0.0.9 is empty"),
])
def test_a_release_without_dated_notes_is_refused(version: str, message: str) -> None:
    with pytest.raises(release_notes.ReleaseError, match=message.replace("[", r"\[").replace("]", r"\]")):
        release_notes.notes(CHANGELOG, version)


def test_version_is_read_from_the_package_without_importing_it() -> None:
    assert release_notes.package_version() == __version__


def test_a_tag_that_is_not_the_version_fails_before_anything_is_published() -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "v999.0.0"], capture_output=True, text=True, check=False)
    assert result.returncode == 1 and result.stdout == ""
    assert f"does not match generator/__init__.py's __version__ '{__version__}'" in result.stderr


def test_the_changelog_has_an_entry_for_the_current_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = [m["version"] for line in text.splitlines() if (m := release_notes.HEADING.match(line))]
    assert headings and headings[0] == __version__, "the newest CHANGELOG entry is the version being made"
