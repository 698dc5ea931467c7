"""Golden snapshots: the finished content HTML of each template for the example repository.

Each file in ``tests/golden/`` is one page's content (or one feed entry's HTML)
at ``--now 2026-11-26T12:00:00Z`` with the bundled templates. A change to a
template or view shows up here as a diff to review; after an intended change,
write the snapshots again and commit them with it:

    STATUSPRESS_REGEN_GOLDEN=1 python -m pytest tests/test_site_golden.py
"""

from __future__ import annotations

import difflib
import os
from functools import lru_cache
from pathlib import Path

import pytest

from generator.site.contract import Page
from generator.site.feeds import incident_entry, maintenance_entry, postmortem_entry
from generator.site.pages import build_pages
from generator.site.visibility import SiteContext
from generator.timeparse import parse_timestamp
from generator.validate import check_repository
from tests.site_repo import EXAMPLE_NOW, REPO_ROOT

GOLDEN = Path(__file__).resolve().parent / "golden"
REGENERATE = os.environ.get("STATUSPRESS_REGEN_GOLDEN") == "1"

# snapshot name -> (internal build?, page URL)
PAGES = {
    "home": (False, ""),
    "incident_open": (False, "incidents/2026-11-26-nordic-card-payment-timeouts/"),
    "incident_resolved": (False, "incidents/2026-09-15-dashboard-outage-schema-change/"),
    "incident_internal": (True, "incidents/2026-11-19-amex-payments-declined/"),
    "history": (False, "history/"),
    "service": (False, "services/card-processing/"),
    "services": (False, "services/"),
    "postmortem": (False, "postmortems/2026-09-15-dashboard-outage-schema-change/"),
    "postmortems": (False, "postmortems/"),
    "maintenance": (False, "maintenance/2026-12-03-security-module-firmware-upgrade/"),
    "maintenance_index": (False, "maintenance/"),
    "about": (False, "about/"),
    "kpis": (True, "kpis/"),
}


@lru_cache(maxsize=2)
def example(internal: bool) -> SiteContext:
    now = parse_timestamp(EXAMPLE_NOW)
    model, problems = check_repository(REPO_ROOT, now)
    assert not [p for p in problems if p.level == "error"], problems
    return SiteContext(model, now, model.config.site.url, internal=internal)  # bundled templates only


@lru_cache(maxsize=2)
def pages(internal: bool) -> dict[str, Page]:
    return {p.url: p for p in build_pages(example(internal))}


def feed_entry(name: str) -> str:
    ctx = example(False)
    if name == "feed_incident":
        inc = ctx.model.incident("2026-11-26-nordic-card-payment-timeouts")
        assert inc is not None
        return incident_entry(ctx, inc).content_html
    if name == "feed_maintenance":
        m = next(m for m in ctx.model.maintenance if m.id == "2026-12-03-security-module-firmware-upgrade")
        return maintenance_entry(ctx, m).content_html
    pm = next(pm for pm in ctx.visible_postmortems() if pm.id == "2026-09-15-dashboard-outage-schema-change")
    return postmortem_entry(ctx, pm).content_html


def check(name: str, html: str) -> None:
    path = GOLDEN / f"{name}.html"
    if REGENERATE:
        path.write_text(html, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8")
    if html != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), html.splitlines(True),
                                            f"golden/{name}.html", "rendered", n=2))
        pytest.fail(f"{name} differs from its snapshot (STATUSPRESS_REGEN_GOLDEN=1 writes it again):\n{diff[:6000]}")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_matches_its_snapshot(name: str) -> None:
    internal, url = PAGES[name]
    check(name, pages(internal)[url].html)


@pytest.mark.parametrize("name", ["feed_incident", "feed_maintenance", "feed_postmortem"])
def test_feed_entry_matches_its_snapshot(name: str) -> None:
    check(name, feed_entry(name))


def test_every_snapshot_is_checked() -> None:
    names = set(PAGES) | {"feed_incident", "feed_maintenance", "feed_postmortem"}
    assert {p.stem for p in GOLDEN.glob("*.html")} == names
