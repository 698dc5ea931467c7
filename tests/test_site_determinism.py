"""Same input and `now` -> byte-identical site, whatever the folder, file order or way of giving `now`."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from generator.timeparse import parse_timestamp
from tests.site_repo import EXAMPLE_NOW, build, copy_example


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same(a: Path, b: Path) -> None:
    left, right = snapshot(a), snapshot(b)
    assert sorted(left) == sorted(right)
    different = [name for name in left if left[name] != right[name]]
    assert not different, different[:10]


def test_public_build_is_byte_identical_from_a_reordered_copy_via_source_date_epoch(
    built_site: Path, tmp_path: Path
) -> None:
    # Same content, files created in reverse order, another folder, and `now` from SOURCE_DATE_EPOCH.
    root = copy_example(tmp_path / "repo", reverse=True)
    out = tmp_path / "elsewhere" / "public"
    epoch = str(int(parse_timestamp(EXAMPLE_NOW).timestamp()))
    result = CliRunner(env={"SOURCE_DATE_EPOCH": epoch}).invoke(
        main, ["build", "--root", str(root), "--out", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert_same(built_site, out)


def test_internal_build_with_charts_is_byte_identical(built_site_internal: Path, tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo", reverse=True)
    out = build(root, tmp_path / "internal", internal=True, drafts=True).out
    assert_same(built_site_internal, out)
    assert list((out / "kpis").glob("*.svg"))


def test_dates_in_the_output_come_from_now(built_site: Path) -> None:
    now = parse_timestamp(EXAMPLE_NOW)
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    assert set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap)) == {now.date().isoformat()}
    raw = (built_site / "sitemap.xml.gz").read_bytes()
    # gzip header MTIME: MkDocs takes the newest page date, i.e. midnight UTC of `now`'s day.
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    assert int.from_bytes(raw[4:8], "little") == int(midnight.timestamp())
    assert gzip.decompress(raw).decode("utf-8") == sitemap


def test_charts_carry_no_build_date(built_site_internal: Path) -> None:
    for svg in (built_site_internal / "kpis").glob("*.svg"):
        text = svg.read_text(encoding="utf-8")
        assert "<dc:date>" not in text and "<svg" in text
