"""Files saved on Windows (UTF-8 BOM, CRLF line endings) build the very same site, byte for byte."""

from __future__ import annotations

from pathlib import Path

from tests.site_repo import build, copy_example
from tests.test_site_determinism import assert_same


def test_bom_and_crlf_content_builds_the_same_site_as_lf(built_site: Path, tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo", reverse=True)
    converted = 0
    for path in [root / "site_config.yml", *sorted((root / "content").rglob("*.md"))]:
        text = path.read_bytes().decode("utf-8")
        assert "\r" not in text
        path.write_bytes(("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"))
        converted += 1
    assert converted > 40
    out = build(root, tmp_path / "site").out
    assert_same(built_site, out)
