"""theme.auto_refresh in real Chromium: while something is under way the page asks the status API
and reloads when it changed; without the setting, or with nothing under way, it asks nothing."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.site_repo import EXAMPLE_NOW, copy_example
from tests.support.browser import Browser, serve_directory

pytestmark = pytest.mark.browser

STATUS = "api/v2/status.json"


def build(tmp: Path, theme: str) -> Path:
    root = copy_example(tmp / "repo")
    config = root / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8").rstrip("\n") + "\n" + theme, encoding="utf-8")
    out = tmp / "site"
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--out", str(out), "--now", EXAMPLE_NOW],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def status_requests(log: list[dict]) -> int:
    return sum(1 for entry in log if entry["url"].endswith(STATUS))


def marker_gone(page) -> bool:  # type: ignore[no-untyped-def]
    """Has the page been reloaded (the marker set on the old document is gone)?

    Asked while the reload is under way, Chromium destroys the context the question runs in:
    that is a reload too, but the answer is read again once the new document has loaded.
    """
    try:
        return bool(page.evaluate("() => window.spMarker === undefined"))
    except Exception as error:  # playwright's Error: "Execution context was destroyed"
        if "context was destroyed" not in str(error) and "navigat" not in str(error):
            raise
        page.wait_for_load_state("load")
        return bool(page.evaluate("() => window.spMarker === undefined"))


@pytest.fixture(scope="module")
def refreshing_site(tmp_path_factory):  # type: ignore[no-untyped-def]
    return build(tmp_path_factory.mktemp("refresh"), "theme:\n  auto_refresh: 5s\n")


def test_the_setting_reaches_every_page_and_only_then(refreshing_site: Path, built_site: Path) -> None:
    home = (refreshing_site / "index.html").read_text(encoding="utf-8")
    assert '<meta name="statuspress-refresh" content="5">' in home
    assert "statuspress-refresh" not in (built_site / "index.html").read_text(encoding="utf-8")


def test_a_changed_status_reloads_the_page(refreshing_site: Path, browser: Browser, tmp_path: Path) -> None:
    status = refreshing_site / STATUS
    original = status.read_bytes()
    assert json.loads(original)["status"]["indicator"] != "none"  # the example has incidents under way
    log: list[dict] = []
    try:
        with serve_directory(refreshing_site) as base, browser.page(base + "/", network=log) as page:
            page.evaluate("() => { window.spMarker = 1; }")
            page.wait_for_timeout(6500)  # one more look at the API: unchanged, so no reload
            assert page.evaluate("() => window.spMarker") == 1
            asked = status_requests(log)
            assert asked >= 2, log
            data = json.loads(original)
            data["page"]["updated_at"] = "2026-11-26T12:30:00.000Z"  # a new build went out
            status.write_text(json.dumps(data), encoding="utf-8")
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                page.wait_for_timeout(500)
                if marker_gone(page):
                    break
            assert marker_gone(page), "the page did not reload"
            assert page.statuspress_errors == []
    finally:
        status.write_bytes(original)


def test_nothing_under_way_or_no_setting_asks_nothing_more(refreshing_site: Path, built_site: Path,
                                                         browser: Browser) -> None:
    status = refreshing_site / STATUS
    original = status.read_bytes()
    data = json.loads(original)
    data["status"]["indicator"] = "none"
    try:
        status.write_text(json.dumps(data), encoding="utf-8")
        log: list[dict] = []
        with serve_directory(refreshing_site) as base, browser.page(base + "/", network=log) as page:
            page.wait_for_timeout(6500)
        assert status_requests(log) == 1  # asked once, saw nothing under way, stopped
    finally:
        status.write_bytes(original)
    log = []
    with serve_directory(built_site) as base, browser.page(base + "/", network=log) as page:
        page.wait_for_timeout(1500)
    assert status_requests(log) == 0
