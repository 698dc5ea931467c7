"""The built site in headless Chromium: axe (WCAG 2.1 A/AA) in light and dark, phones, keyboard, no JavaScript."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import PHONE_WIDTH, Browser, format_violations, serve_directory

pytestmark = pytest.mark.browser

INCIDENT = "incidents/2026-11-26-nordic-card-payment-timeouts/"
SERVICE = "services/card-processing/"
POSTMORTEM = "postmortems/2026-03-03-payouts-database-failover/"
PUBLIC_PAGES = {"home": "", "incident": INCIDENT, "service": SERVICE, "postmortem": POSTMORTEM}
INTERNAL_PAGES = {"kpis": "kpis/", "incident-internal": INCIDENT, "postmortem-internal": POSTMORTEM}


@pytest.fixture(scope="module")
def public_url(built_site: Path) -> Iterator[str]:
    with serve_directory(built_site) as base:
        yield base


@pytest.fixture(scope="module")
def internal_url(built_site_internal: Path) -> Iterator[str]:
    with serve_directory(built_site_internal) as base:
        yield base


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", sorted(PUBLIC_PAGES))
def test_axe_public_pages(browser: Browser, public_url: str, name: str, scheme: str) -> None:
    violations = browser.axe(public_url + PUBLIC_PAGES[name], color_scheme=scheme)
    assert not violations, format_violations(violations)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", sorted(INTERNAL_PAGES))
def test_axe_internal_pages(browser: Browser, internal_url: str, name: str, scheme: str) -> None:
    violations = browser.axe(internal_url + INTERNAL_PAGES[name], color_scheme=scheme)
    assert not violations, format_violations(violations)


def test_dark_scheme_follows_the_system_setting(browser: Browser, public_url: str) -> None:
    schemes = {}
    for scheme in ("light", "dark"):
        with browser.page(public_url, color_scheme=scheme) as page:
            schemes[scheme] = page.evaluate(
                "() => [document.body.dataset.mdColorScheme, getComputedStyle(document.body).backgroundColor]"
            )
    assert schemes["light"][0] == "default" and schemes["dark"][0] == "slate"
    assert schemes["light"][1] != schemes["dark"][1]


def test_screenshots_and_no_horizontal_overflow_on_phones(
    browser: Browser, public_url: str, internal_url: str
) -> None:
    shots = []
    overflow = {}
    pages = [(public_url, name, path, True) for name, path in PUBLIC_PAGES.items()]
    pages += [(internal_url, "kpis", "kpis/", True), (public_url, "history", "history/", False),
              (public_url, "maintenance", "maintenance/", False), (public_url, "about", "about/", False)]
    for base, name, path, screenshot in pages:
        if screenshot:
            shots += browser.screenshots(base + path, name)
        problems = browser.horizontal_overflow(base + path, width=PHONE_WIDTH)
        if problems:
            overflow[name] = problems
    shots.append(browser.screenshot(public_url, "home", color_scheme="dark"))
    shots.append(browser.screenshot(public_url, "home", width=PHONE_WIDTH, color_scheme="dark"))
    assert not overflow, overflow
    assert all(p.is_file() and p.stat().st_size > 10_000 for p in shots)
    assert {p.name for p in shots} >= {"home-1280.png", "home-375.png", "kpis-1280.png", "home-375-dark.png"}


DAY_STATE = """
() => {
  const a = document.activeElement;
  if (!a || !a.closest('ol.sp-bars__days') || a.tagName !== 'A') return null;
  const tip = a.querySelector('span').getBoundingClientRect();
  return {href: a.getAttribute('href'), text: a.textContent.trim(), tipWidth: tip.width,
          tipLeft: tip.left, tipRight: tip.right, viewport: document.documentElement.clientWidth};
}
"""


# With JavaScript each strip is one tab stop with arrow keys: tests/test_browser_status.py.
@pytest.mark.parametrize("width", [1280, PHONE_WIDTH])
def test_day_bars_are_keyboard_reachable_with_a_visible_summary(
    browser: Browser, public_url: str, width: int
) -> None:
    with browser.page(public_url, width=width, javascript=False) as page:
        # Tab from the service's name: the next stop is its oldest day, then the next day.
        page.focus(".sp-service__name a")
        page.keyboard.press("Tab")
        first = page.evaluate(DAY_STATE)
        page.keyboard.press("Tab")
        second = page.evaluate(DAY_STATE)
        assert first is not None and second is not None
        assert first["href"] != second["href"] and "#day-" in first["href"]
        assert "uptime" in first["text"] or "No data" in first["text"]
        # The summary is shown (not just read out) and stays inside the page.
        assert first["tipWidth"] > 100
        assert first["tipLeft"] >= 0 and first["tipRight"] <= first["viewport"]
        # Following the link lands on that day's row of the service page.
        with page.expect_navigation(wait_until="load"):
            page.keyboard.press("Enter")
        assert page.evaluate("() => document.querySelector(':target').tagName") == "TR"


def test_pages_work_without_javascript_and_call_no_third_party(browser: Browser, public_url: str) -> None:
    with browser.page(public_url, javascript=False) as page:
        assert page.locator(".sp-banner").inner_text().strip()
        assert page.locator("ol.sp-bars__days a[href]").count() >= 90
        assert page.locator(".sp-card").count() >= 3
    # The browser is shared by the session: look only at what these page loads asked for.
    start = len(browser.blocked_requests)
    for path in ("", INCIDENT, SERVICE):
        with browser.page(public_url + path) as page:
            page.wait_for_load_state("networkidle")
    outside = browser.blocked_requests[start:]
    # No fonts, CDNs or scripts from elsewhere, and no probe of the feed links' origin for a
    # sitemap (statuspress.js keeps the feed links out of Material's language lookup).
    assert outside == []
