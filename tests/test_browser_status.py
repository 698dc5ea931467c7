"""The status pages in real Chromium: layout at 1280 and 375 px, requests and their weight, live
times under an emulated zone and clock, the uptime strips by keyboard and by tap, axe (WCAG 2.2 AA)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import (
    DESKTOP_WIDTH,
    PHONE_WIDTH,
    SCREENSHOT_DIR,
    Browser,
    format_violations,
    serve_directory,
)

pytestmark = pytest.mark.browser

INCIDENT = "incidents/2026-11-26-nordic-card-payment-timeouts/"
BUILT_AT = "2026-11-26T12:00:00Z"  # the example's --now: the footer's "status as of"
# One page of each kind; "status" pages are one centred column without sidebars.
STATUS_PAGES = {
    "home": "",
    "incident": INCIDENT,
    "services": "services/",
    "service": "services/card-processing/",
    "maintenance": "maintenance/",
    "maintenance-window": "maintenance/2025-11-18-payouts-database-upgrade/",
    "history": "history/",
}
DOCS_PAGES = {
    "postmortems": "postmortems/",
    "postmortem": "postmortems/2026-03-03-payouts-database-failover/",
    "about": "about/",
}
ALL_PAGES = {**STATUS_PAGES, **DOCS_PAGES, "404": "404.html"}
HOME_BUDGET = 80 * 1024  # bytes transferred, gzip-compressed, for a first visit to the home page


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    with serve_directory(built_site, compress=True) as base:
        yield base


# ---------------------------------------------------------------- layout

LAYOUT_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('.md-content *')) {
    const r = el.getBoundingClientRect();
    if (r.width > width + 1 && getComputedStyle(el).position !== 'fixed') wide.push(el.tagName + '.' + el.className);
  }
  const visible = (sel) => { const el = document.querySelector(sel); return !!el && el.offsetParent !== null && !el.hidden; };
  const article = document.querySelector('.md-content__inner');
  // The banner is the title itself, or the first thing after it.
  const kids = [...article.children];
  const first = kids[0] && kids[0].classList.contains('sp-banner') ? kids[0] : kids.find((el) => el.tagName !== 'H1');
  const content = document.querySelector('.md-content').getBoundingClientRect();
  return {
    scroll: document.documentElement.scrollWidth - width,
    wide: wide.slice(0, 5),
    nav: visible('.md-sidebar--primary'), toc: visible('.md-sidebar--secondary'),
    tabs: !!document.querySelector('.md-tabs'),
    search: !!document.querySelector('form[name=search]'),
    firstClass: first ? first.className : '',
    centre: Math.round((content.left + content.right) / 2), half: Math.round(width / 2),
  };
}
"""


@pytest.mark.parametrize("width", [DESKTOP_WIDTH, PHONE_WIDTH])
@pytest.mark.parametrize("name", sorted(ALL_PAGES))
def test_no_page_scrolls_sideways_and_status_pages_are_one_column(
    browser: Browser, site_url: str, name: str, width: int
) -> None:
    with browser.page(site_url + ALL_PAGES[name], width=width, clock=BUILT_AT) as page:
        state = page.evaluate(LAYOUT_JS)
        page.screenshot(path=str(_screenshot(name, width)), full_page=True)
    assert state["scroll"] <= 0, state
    assert state["wide"] == [], state
    if name in STATUS_PAGES:
        assert not state["nav"] and not state["toc"] and not state["search"], state
        if width == DESKTOP_WIDTH:
            assert state["tabs"], "sections are header tabs at desktop width"
            assert abs(state["centre"] - state["half"]) <= 16, state
    if name == "postmortem" and width == DESKTOP_WIDTH:
        assert state["nav"] and state["search"], "a long post-mortem keeps its navigation and search"
    if name == "home":
        assert "sp-banner" in state["firstClass"], "the overall banner comes first under the title"


def _screenshot(name: str, width: int) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR / f"status-{name}-{width}.png"


# ---------------------------------------------------------------- requests and weight


@pytest.mark.parametrize("name", sorted(ALL_PAGES))
def test_no_request_fails_and_status_pages_do_not_load_the_search_index(
    browser: Browser, site_url: str, name: str
) -> None:
    log = browser.network_log(site_url + ALL_PAGES[name], width=PHONE_WIDTH)
    failed = [(r["url"], r["status"], r["failure"]) for r in log if r["status"] == 0 or r["status"] >= 400]
    assert failed == []
    assert all(r["url"].startswith(site_url) for r in log), [r["url"] for r in log]
    if name in STATUS_PAGES:
        assert not any("search_index.json" in r["url"] or "/workers/search" in r["url"] for r in log)


@pytest.mark.parametrize("width", [DESKTOP_WIDTH, PHONE_WIDTH])
def test_home_page_first_visit_is_within_80_kb_compressed(browser: Browser, site_url: str, width: int) -> None:
    log = browser.network_log(site_url, width=width)
    total = sum(r["transferred"] for r in log)
    kinds = {r["url"].rsplit(".", 1)[-1] for r in log}
    assert {"css", "js"} <= kinds, "stylesheets and scripts are counted"
    html = next(r for r in log if r["url"] == site_url)
    assert 0 < html["transferred"] < 16 * 1024, "the home page's HTML is sent compressed"
    assert total <= HOME_BUDGET, f"{total} bytes in {len(log)} requests: " + ", ".join(
        f"{r['url'].replace(site_url, '/')} {r['transferred']}" for r in log
    )


# ---------------------------------------------------------------- live times

TIMES_JS = """
() => ({
  footer: document.querySelector('.sp-footer time').textContent,
  first: document.querySelector('.md-content time[datetime*="T"]').textContent,
  stale: document.querySelector('.sp-stale') ? document.querySelector('.sp-stale').textContent : null,
  afterBanner: document.querySelector('.sp-banner + *') ? document.querySelector('.sp-banner + *').className : '',
  toggle: document.querySelector('.sp-zone__toggle') ? document.querySelector('.sp-zone__toggle').textContent : null,
})
"""


def test_times_show_in_the_readers_zone_with_the_sites_zone_one_click_away(browser: Browser, site_url: str) -> None:
    with browser.page(site_url + INCIDENT, timezone="America/New_York", clock="2026-11-26T12:10:00Z") as page:
        before = page.evaluate(TIMES_JS)
        page.click(".sp-zone__toggle")
        site = page.evaluate(TIMES_JS)
        page.click(".sp-zone__toggle")
        again = page.evaluate(TIMES_JS)
    # 12:00 UTC is 07:00 in New York in November (EST), 13:00 CET in the site's zone.
    assert before["footer"].startswith("26 Nov 2026, 07:00") and ("EST" in before["footer"] or "GMT-5" in before["footer"])
    assert "America/New_York" in before["toggle"] or before["toggle"] == "Show the site's time zone"
    assert site["footer"] == "26 Nov 2026, 13:00 CET" and site["toggle"] == "Show my time zone"
    assert again == before
    assert before["stale"] is None, "built ten minutes ago: not out of date"


def test_a_page_built_over_30_minutes_ago_says_it_may_be_out_of_date(browser: Browser, site_url: str) -> None:
    with browser.page(site_url, timezone="Europe/Berlin", clock="2026-11-26T14:30:00Z") as page:
        state = page.evaluate(TIMES_JS)
        role = page.get_attribute(".sp-stale", "role")
    assert state["stale"] is not None and state["stale"].startswith("This page may be out of date")
    assert "2 h 30 min ago" in state["stale"] and "at 26 Nov 2026, 13:00 CET" in state["stale"]
    assert role == "status"
    assert state["afterBanner"] == "sp-stale", "the notice sits right under the overall banner"


def test_without_javascript_the_sites_times_stay(browser: Browser, site_url: str) -> None:
    with browser.page(site_url, javascript=False, timezone="America/New_York") as page:
        assert page.locator(".sp-footer time").inner_text() == "26 Nov 2026, 13:00 CET"
        assert page.locator(".sp-zone, .sp-stale").count() == 0


def test_ongoing_for_is_recomputed_from_the_readers_clock(browser: Browser, site_url: str) -> None:
    with browser.page(site_url, clock="2026-11-26T12:00:00Z") as page:
        at_build = page.locator(".sp-card__facts").first.inner_text()
    with browser.page(site_url, clock="2026-11-26T15:00:00Z") as page:
        later = page.locator(".sp-card__facts").first.inner_text()
    assert "ongoing for" in at_build.lower() and "ongoing for" in later.lower()
    assert at_build != later
    assert "7 h 20 min" in later  # started 07:40 UTC, read at 15:00 UTC


# ---------------------------------------------------------------- uptime strips

FOCUS_JS = """
() => {
  const el = document.activeElement;
  const strip = el.closest('ol.sp-bars__days');
  const day = strip ? document.getElementById(strip.getAttribute('aria-activedescendant')) : null;
  const days = strip ? [...strip.children] : [];
  const tip = day ? day.querySelector('span').getBoundingClientRect() : null;
  return {tag: el.tagName, strip: strip ? [...document.querySelectorAll('ol.sp-bars__days')].indexOf(strip) : -1,
          index: day ? days.indexOf(day) : -1, count: days.length,
          text: day ? day.textContent : '', tipWidth: tip ? tip.width : 0,
          tipLeft: tip ? tip.left : 0, tipRight: tip ? tip.right : 0,
          viewport: document.documentElement.clientWidth};
}
"""


@pytest.mark.parametrize("width", [DESKTOP_WIDTH, PHONE_WIDTH])
def test_each_strip_is_one_tab_stop_with_arrow_keys(browser: Browser, site_url: str, width: int) -> None:
    with browser.page(site_url, width=width) as page:
        page.focus(".sp-service__name a")
        page.keyboard.press("Tab")
        entered = page.evaluate(FOCUS_JS)
        assert entered["tag"] == "OL" and entered["strip"] == 0
        assert entered["index"] == entered["count"] - 1, "the strip opens on today"
        assert entered["tipWidth"] > 100 and entered["tipLeft"] >= 0 and entered["tipRight"] <= entered["viewport"]
        page.keyboard.press("ArrowLeft")
        left = page.evaluate(FOCUS_JS)
        assert left["index"] == entered["count"] - 2 and left["text"] != entered["text"]
        page.keyboard.press("Home")
        home = page.evaluate(FOCUS_JS)
        # Phones show the last 30 days: Home goes to the first day shown.
        assert home["index"] == (0 if width == DESKTOP_WIDTH else entered["count"] - 30)
        assert "uptime" in home["text"] or "No data" in home["text"]
        page.keyboard.press("End")
        assert page.evaluate(FOCUS_JS)["index"] == entered["count"] - 1
        page.keyboard.press("Tab")
        after = page.evaluate(FOCUS_JS)
        assert after["strip"] != 0, "one Tab leaves the strip"
        # Enter opens the chosen day on the service page.
        page.focus("ol.sp-bars__days")
        page.keyboard.press("ArrowLeft")
        with page.expect_navigation(wait_until="load"):
            page.keyboard.press("Enter")
        assert "#day-" in page.url
        assert page.evaluate("() => document.querySelector(':target').tagName") == "TR"


def test_tab_presses_past_the_bars_are_one_per_service(browser: Browser, site_url: str) -> None:
    with browser.page(site_url) as page:
        strips = page.locator("ol.sp-bars__days").count()
        stops = page.evaluate(
            "() => [...document.querySelectorAll('.sp-bars a[href], .sp-bars [tabindex=\"0\"]')].length"
        )
    assert strips >= 8 and stops == strips


def test_a_tap_shows_the_days_words_and_stays_on_the_page(browser: Browser, site_url: str) -> None:
    with browser.page(site_url, width=PHONE_WIDTH) as page:
        url = page.url
        day = page.locator("ol.sp-bars__days").first.locator("li").nth(-3)
        day.click()
        page.wait_for_timeout(200)
        assert page.url == url
        tip = day.locator("span").bounding_box()
        assert tip is not None and tip["width"] > 100
        assert page.evaluate("() => document.activeElement.matches('ol.sp-bars__days')")


def test_without_javascript_every_day_is_a_link_with_its_words(browser: Browser, site_url: str) -> None:
    with browser.page(site_url, javascript=False, width=PHONE_WIDTH) as page:
        page.focus(".sp-service__name a")
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => [document.activeElement.getAttribute('href'), document.activeElement.textContent,"
            " document.activeElement.querySelector('span').getBoundingClientRect().width]"
        )
    assert "#day-" in focused[0] and "uptime" in focused[1] and focused[2] > 100


# ---------------------------------------------------------------- accessibility


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", sorted(ALL_PAGES))
def test_axe_wcag22_aa_on_every_page_kind(browser: Browser, site_url: str, name: str, scheme: str) -> None:
    violations = browser.axe(site_url + ALL_PAGES[name], color_scheme=scheme, width=PHONE_WIDTH)
    violations += browser.axe(site_url + ALL_PAGES[name], color_scheme=scheme)
    assert not violations, format_violations(violations)


# ---------------------------------------------------------------- subscribe menu


def test_the_subscribe_link_opens_a_menu_of_feeds_where_javascript_runs(browser: Browser, site_url: str) -> None:
    with browser.page(site_url + INCIDENT, width=PHONE_WIDTH) as page:
        url = page.url
        page.click("a.sp-subscribe")
        assert page.url == url
        menu = page.locator("#sp-subscribe-menu")
        assert menu.is_visible()
        entries = menu.locator("a").all_inner_texts()
        hrefs = [menu.locator("a").nth(i).get_attribute("href") for i in range(len(entries))]
        assert entries[-1] == "All feeds, calendar, API and badges" and hrefs[-1].endswith("subscribe/")
        assert any(h.endswith("feeds/incidents.rss") for h in hrefs)
        assert page.evaluate("() => document.activeElement.closest('#sp-subscribe-menu') !== null")
        box = menu.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH
        page.keyboard.press("Escape")
        assert not menu.is_visible()
        assert page.get_attribute("a.sp-subscribe", "aria-expanded") == "false"
    with browser.page(site_url, javascript=False) as page:
        with page.expect_navigation(wait_until="load"):
            page.click("a.sp-subscribe")
        assert page.url.endswith("/subscribe/")
