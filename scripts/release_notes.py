"""Print the CHANGELOG.md notes of one release, after checking the tag matches the package version.

Used by .github/workflows/release.yml before anything is published:

    python scripts/release_notes.py v0.2.0 > notes.md

Fails (exit 1, with what to fix) when the tag is not ``v`` + ``generator.__version__``, when
CHANGELOG.md has no ``## [X.Y.Z] - YYYY-MM-DD`` section for that version, or when the section
is still marked Unreleased or empty. See docs/releasing.md.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\](?:\s+-\s+(?P<date>.+?))?\s*$")


class ReleaseError(Exception):
    pass


def package_version(root: Path = ROOT) -> str:
    """``__version__`` from generator/__init__.py, read without importing the package."""
    tree = ast.parse((root / "generator" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__version__" for t in node.targets):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                return node.value.value
    raise ReleaseError("generator/__init__.py has no __version__ = \"X.Y.Z\"")


def notes(changelog: str, version: str) -> str:
    """The body of ``version``'s section, without its heading."""
    lines = changelog.splitlines()
    found = [(i, m) for i, line in enumerate(lines) if (m := HEADING.match(line)) and m["version"] == version]
    if not found:
        raise ReleaseError(f"CHANGELOG.md has no '## [{version}] - YYYY-MM-DD' section: add one")
    start, match = found[0]
    date = match["date"] or ""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise ReleaseError(f"CHANGELOG.md: release {version} is dated {date or 'nothing'!r}: "
                           "write the release date as YYYY-MM-DD before tagging")
    body: list[str] = []
    for line in lines[start + 1:]:
        if HEADING.match(line) or (line.startswith("[") and "]: " in line):
            break  # next release, or the link references at the end
        body.append(line)
    text = "\n".join(body).strip()
    if not text:
        raise ReleaseError(f"CHANGELOG.md: the section for {version} is empty: say what changed")
    return text + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python scripts/release_notes.py vX.Y.Z", file=sys.stderr)
        return 2
    tag = argv[0].removeprefix("refs/tags/")
    try:
        version = package_version()
        if tag != f"v{version}":
            raise ReleaseError(f"tag {tag} does not match generator/__init__.py's __version__ {version!r}: "
                               f"tag v{version}, or change __version__ and tag again")
        sys.stdout.write(notes((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), version))
    except ReleaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
