"""The browser and validator harness itself works: it finds real problems and passes clean pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.browser import Browser, format_violations, serve_directory
from tests.support.vnu import format_messages, validate_html

CLEAN_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Clean page</title></head>
<body><main><h1>All systems operational</h1>
<p>Nothing to report.</p><img src="dot.svg" alt="Green dot"></main></body>
</html>
"""

DOT_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><circle cx="4" cy="4" r="4"/></svg>'


def _write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def pages(tmp_path: Path) -> Path:
    _write(tmp_path, "index.html", CLEAN_PAGE)
    _write(tmp_path, "dot.svg", DOT_SVG)
    # Same page, but the image lost its alt text: axe rule image-alt (WCAG 1.1.1).
    _write(tmp_path, "no-alt/index.html", CLEAN_PAGE.replace(' alt="Green dot"', ""))
    # A fixed 900px box makes a phone scroll sideways.
    _write(
        tmp_path,
        "wide/index.html",
        CLEAN_PAGE.replace("<p>Nothing", '<div id="banner" style="width:900px">wide</div><p>Nothing'),
    )
    return tmp_path


def test_server_serves_directory_index(browser: Browser, pages: Path) -> None:
    with serve_directory(pages) as base:
        assert base.startswith("http://127.0.0.1:") and base.endswith("/")
        assert browser.evaluate(base + "no-alt/", "document.title") == "Clean page"
        heading = browser.evaluate(base, "(sel) => document.querySelector(sel).textContent", "h1")
        assert heading == "All systems operational"


def test_axe_passes_clean_page_and_flags_missing_alt(browser: Browser, pages: Path) -> None:
    with serve_directory(pages) as base:
        results = browser.axe_many([base, base + "no-alt/"])
    clean, broken = results[base], results[base + "no-alt/"]
    assert clean == [], format_violations(clean)
    assert [v.rule for v in broken] == ["image-alt"], format_violations(broken)
    assert broken[0].targets == ("img",)
    assert broken[0].impact == "critical"


def test_axe_checks_contrast(browser: Browser, tmp_path: Path) -> None:
    _write(tmp_path, "index.html", CLEAN_PAGE.replace("<p>Nothing", '<p style="color:#ccc">Nothing'))
    with serve_directory(tmp_path) as base:
        rules = {v.rule for v in browser.axe(base)}
        assert "color-contrast" in rules
        assert browser.axe(base, disable_rules=["color-contrast"]) == []


def test_overflow_detected_only_on_wide_page(browser: Browser, pages: Path) -> None:
    with serve_directory(pages) as base:
        assert browser.horizontal_overflow(base, width=375) == []
        report = browser.horizontal_overflow(base + "wide/", width=375)
        assert browser.horizontal_overflow(base + "wide/", width=1280) == []
    assert report[0].startswith("page is "), report
    assert any(line.startswith("div#banner") for line in report[1:]), report


def test_screenshots_at_desktop_and_phone_width(browser: Browser, pages: Path, tmp_path: Path) -> None:
    out = tmp_path / "shots"
    with serve_directory(pages) as base:
        paths = browser.screenshots(base, "smoke/home", out_dir=out)
    assert [p.name for p in paths] == ["smoke_home-1280.png", "smoke_home-375.png"]
    for path, width in zip(paths, (1280, 375), strict=True):
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(data[16:20], "big") == width  # PNG IHDR width


def test_external_requests_are_blocked_and_recorded(browser: Browser, tmp_path: Path) -> None:
    page = CLEAN_PAGE.replace(
        "</head>", '<link rel="stylesheet" href="https://fonts.example.invalid/x.css"></head>'
    )
    _write(tmp_path, "index.html", page)
    _write(tmp_path, "dot.svg", DOT_SVG)
    before = len(browser.blocked_requests)
    with serve_directory(tmp_path) as base:
        assert browser.evaluate(base, "document.title") == "Clean page"
    assert browser.blocked_requests[before:] == ["https://fonts.example.invalid/x.css"]


@pytest.mark.usefixtures("html_validator")
def test_vnu_passes_valid_and_flags_broken_html(tmp_path: Path) -> None:
    good = _write(tmp_path, "good/index.html", CLEAN_PAGE)
    bad = _write(
        tmp_path,
        "bad.html",
        "<!doctype html><html lang=en><head><title>x</title></head><body><p><div></span></body></html>",
    )
    _write(tmp_path, "notes.txt", "not html")
    report = validate_html([tmp_path])
    assert set(report) == {good.resolve(), bad.resolve()}
    assert report[good.resolve()] == [], format_messages(report)
    messages = [m.message for m in report[bad.resolve()]]
    assert any("Stray end tag" in m and "span" in m for m in messages), messages
    assert all(m.kind == "error" and m.line == 1 for m in report[bad.resolve()])
    # A known message can be ignored on purpose.
    assert all(
        "Stray end tag" not in m.message
        for m in validate_html([bad], ignore=["Stray end tag"])[bad.resolve()]
    )


@pytest.mark.parametrize(("allow", "expected_rc", "expected"), [("", 1, "1 error"), ("1", 0, "1 skipped")])
def test_missing_browser_fails_unless_explicitly_allowed(
    tmp_path: Path, allow: str, expected_rc: int, expected: str
) -> None:
    # CI must never pass by skipping the browser tests: a missing Chromium is an error there.
    env = dict(
        os.environ,
        STATUSPRESS_CHROMIUM=str(tmp_path / "no-such-chromium"),
        STATUSPRESS_ALLOW_NO_BROWSER=allow,
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"{Path(__file__).resolve()}::test_server_serves_directory_index",
        ],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == expected_rc, output
    assert expected in output, output
    assert "Chromium not found" in output, output
