"""On a phone, the first screen says what is broken and when it should be fixed (headless Chromium)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import PHONE_WIDTH, Browser, serve_directory

pytestmark = pytest.mark.browser

BUILT_AT = "2026-11-26T12:05:00Z"  # the example's build moment, and five minutes on: nothing is stale yet


@pytest.fixture(scope="module")
def public_url(built_site: Path) -> Iterator[str]:
    with serve_directory(built_site) as base:
        yield base


def test_phone_first_screen_names_the_services_and_the_expected_fix(browser: Browser, public_url: str) -> None:
    with browser.page(public_url, width=PHONE_WIDTH, height=812, clock=BUILT_AT) as page:
        facts = page.evaluate("""() => {
            const banner = document.querySelector('.sp-banner');
            const card = document.querySelector('.sp-card');
            const fix = card.querySelector('.sp-estimate');
            const body = getComputedStyle(card.querySelector('.sp-card__facts dd')).fontSize;
            const first = document.querySelector('.md-content__inner').firstElementChild;
            return {
                bannerText: banner.innerText, bannerIsFirst: first === banner, bannerTag: banner.tagName,
                bannerTop: banner.getBoundingClientRect().top,
                fixText: fix.innerText, fixBottom: fix.getBoundingClientRect().bottom,
                fixSize: parseFloat(getComputedStyle(fix).fontSize), bodySize: parseFloat(body),
                paragraphSize: parseFloat(getComputedStyle(document.querySelector('.md-typeset p')).fontSize),
                viewport: innerHeight,
            };
        }""")
    assert facts["bannerIsFirst"] and facts["bannerTag"] == "H1"
    assert "Card Processing" in facts["bannerText"] and "Email Notifications" in facts["bannerText"]
    assert facts["bannerTop"] < 200  # right under the header
    assert facts["fixText"].strip() and facts["fixBottom"] <= facts["viewport"], facts  # above the fold
    assert facts["fixSize"] >= facts["paragraphSize"] and facts["fixSize"] == facts["bodySize"], facts


def test_incident_page_has_the_banner_before_its_title(browser: Browser, public_url: str) -> None:
    with browser.page(public_url + "incidents/2026-11-26-nordic-card-payment-timeouts/", width=PHONE_WIDTH,
                      clock=BUILT_AT) as page:
        order = page.evaluate("""() => {
            const inner = document.querySelector('.md-content__inner');
            const banner = inner.querySelector('.sp-banner'), title = inner.querySelector('h1.sp-title');
            return [inner.firstElementChild === banner,
                    Boolean(banner.compareDocumentPosition(title) & Node.DOCUMENT_POSITION_FOLLOWING)];
        }""")
        text = page.locator(".sp-banner").inner_text()
    assert order == [True, True]  # first under the header, then the incident's own title
    assert text.startswith("Partial outage: Card Processing")
