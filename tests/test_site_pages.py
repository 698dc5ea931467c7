"""Page content as pure functions of the model and `now` (no MkDocs): hand-built models."""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from generator.compute.status import overall_status, service_statuses
from generator.site.pages import build_pages, nav_entries, rel, render_markdown
from tests.site_factories import make_ctx, make_incident, make_model, sample_model, upd
from tests.site_repo import Element


def pages_by_url(ctx):  # type: ignore[no-untyped-def]
    return {p.url: p for p in build_pages(ctx)}


def section(html: str, anchor: str) -> str:
    """The HTML of one section: from its h2 to the next h2."""
    return html.split(f'<h2 id="{anchor}"')[1].split("<h2 ")[0]


def test_home_shows_maintenance_in_progress_and_the_worst_status() -> None:
    model = sample_model()
    ctx = make_ctx(model)
    home = pages_by_url(ctx)[""].html
    statuses = service_statuses(model, ctx.now)
    overall = overall_status(statuses)
    assert f"sp-banner--{overall}" in home
    banner = home.split("</h1>")[0]  # the banner is the page's h1, and names every service not operational
    assert all((model.config.service(sid).name in banner) == (word != "operational")  # type: ignore[union-attr]
               for sid, word in statuses.items())
    running = section(home, "maintenance-in-progress")
    assert "Cache cluster resize" in running
    upcoming = section(home, "upcoming-maintenance")
    assert "Network switch replacement" in upcoming and "DNS provider migration" not in upcoming
    active = section(home, "active-incidents")
    assert "Delayed email delivery" in active and "ongoing for 2 h 00 min" in active
    assert "Elevated error rates on the API" not in active


def test_all_operational_home() -> None:
    ctx = make_ctx(make_model())
    home = pages_by_url(ctx)[""].html
    assert "All systems operational</strong>" in home and "sp-banner--operational" in home
    assert 'id="active-incidents"' not in home
    assert home.count("No incidents reported.") == 14


def test_incident_page_states_escalation_and_zone_names() -> None:
    ctx = make_ctx(sample_model())
    page = pages_by_url(ctx)["incidents/2026-03-14-api-errors/"]
    assert "SEV-" not in page.html  # public pages: impact, not severity
    shown = make_ctx(replace(sample_model(), config=replace(sample_model().config, publish_severity=True)))
    assert "SEV-1 (Critical) (highest reached; declared as SEV-2)" in pages_by_url(shown)["incidents/2026-03-14-api-errors/"].html
    # 14 March is winter time in Berlin, 26 November too; a summer incident says CEST.
    assert "14 Mar 2026, 10:12 CET" in page.html
    summer = make_model([make_incident("2026-07-01-x", started="2026-07-01T09:00:00Z", resolved="2026-07-01T10:00:00Z",
                                       updates=[upd("2026-07-01T09:00:00Z", "investigating", "Looking."),
                                                upd("2026-07-01T10:00:00Z", "resolved", "Fixed.")])])
    assert "1 Jul 2026, 11:00 CEST" in pages_by_url(make_ctx(summer))["incidents/2026-07-01-x/"].html
    assert "Commander" not in page.html


def test_internal_and_draft_content_only_when_asked() -> None:
    model = sample_model()
    public = pages_by_url(make_ctx(model))
    internal = pages_by_url(make_ctx(model, internal=True, drafts=True))
    secrets = ("oncall-canary", "canary-error-message", "canary-internal", "canary-draft")
    assert not any(secret in p.html for p in public.values() for secret in secrets)
    assert "postmortems/2026-03-14-api-errors-draft/" not in public
    assert "postmortems/2026-03-14-api-errors-internal/" not in public
    draft = internal["postmortems/2026-03-14-api-errors-draft/"]
    assert "Draft" in draft.labels and "sp-label--draft" in draft.html
    assert "Internal" in internal["postmortems/2026-03-14-api-errors-internal/"].labels
    inc = internal["incidents/2026-03-14-api-errors/"].html
    assert "sre-oncall-canary" in inc and "HTTP 503 canary-error-message" in inc and "Novel failure mode</dt><dd>yes" in inc
    kpis = internal["kpis/"]
    assert "Internal" in kpis.labels and "not enough data (n=" in kpis.html
    assert "Means (outlier-sensitive)" in kpis.html
    assert "kpis/" not in public
    assert [e.title for e in nav_entries(make_ctx(model))] == ["Home", "History", "Maintenance", "Post-mortems",
                                                               "Services", "About"]


def test_maintenance_states() -> None:
    page = pages_by_url(make_ctx(sample_model()))["maintenance/"].html
    sections = dict(re.findall(r'<h2 id="[\w-]+">(\w[\w ]*)</h2>(.*?)(?=<h2 |\Z)', page, re.DOTALL))
    assert "Cache cluster resize" in sections["In progress"]
    assert "Network switch replacement" in sections["Scheduled"]
    assert "Database upgrade" in sections["Past"]
    assert "DNS provider migration" in sections["Cancelled"] and "sp-label--cancelled" in sections["Cancelled"]


def test_user_strings_are_escaped_everywhere() -> None:
    hostile = '<b onmouseover="x()">API & "co"</b>'
    inc = make_incident("2026-11-26-x", title=hostile, started="2026-11-26T10:00:00Z",
                        updates=[upd("2026-11-26T10:00:00Z", "investigating", hostile)])
    for page in build_pages(make_ctx(make_model([inc]))):
        assert "<b onmouseover" not in page.html, page.url
    page = pages_by_url(make_ctx(make_model([inc])))["incidents/2026-11-26-x/"]
    # Escaped once, quotes too (as autoescape writes them).
    assert "&lt;b onmouseover=&#34;x()&#34;&gt;API &amp; &#34;co&#34;&lt;/b&gt;" in page.html
    assert page.title == hostile  # plain text; the renderer escapes it


HTMLISH = st.lists(
    st.sampled_from([
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[a](javascript:alert(1))",
        "<a href='jAvAscript:alert(1)'>x</a>", "<svg onload=alert(1)>", "<iframe src=//evil>", "<style>*{}</style>",
        "**bold**", "`code`", "\n\n", "# Title\n", "<div onclick='x'>d</div>", "![i](javascript:x)", "text", " ",
        "<", ">", "\"", "'", "&", "<scr", "ipt>", "javascript:", "java\nscript:", "<a href=\"javascript&#58;alert(1)\">e</a>",
    ]),
    max_size=12,
).map("".join)


@given(st.one_of(HTMLISH, st.text(max_size=80)))
def test_rendered_markdown_is_never_executable(text: str) -> None:
    parsed = Element()
    parsed.feed(render_markdown(text))
    parsed.close()
    for tag, attrs in parsed.tags:
        assert tag not in ("script", "iframe", "style", "svg", "h1", "object", "embed"), tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src"):
                assert not re.sub(r"[\s\x00-\x1f]", "", value or "").lower().startswith("javascript"), value


@given(st.lists(st.sampled_from(["a", "b", "incidents", "x-1"]), max_size=3),
       st.lists(st.sampled_from(["a", "b", "services", "y"]), max_size=3),
       st.booleans())
def test_relative_links_resolve_to_their_target(here: list[str], there: list[str], is_dir: bool) -> None:
    page = "".join(f"{p}/" for p in here)
    target = "/".join(there) + ("/" if is_dir and there else "")
    link = rel(page, target)
    resolved = posixpath.normpath(posixpath.join("/" + page, link))
    expected = posixpath.normpath("/" + target)
    assert resolved == expected
    assert link.endswith("/") == (target.endswith("/") or target == "")


def test_history_pages_cover_every_month() -> None:
    ctx = make_ctx(sample_model(), now="2026-11-26T12:00:00Z")
    history = [p for url, p in pages_by_url(ctx).items() if url.startswith("history/")]
    months = [m for p in history for m in [h.id for h in p.headings if re.fullmatch(r"\d{4}-\d\d", h.id)]]
    assert months[0] == "2026-11" and months[-1] == "2026-03" and len(months) == len(set(months)) == 9
    assert all(len([h for h in p.headings if re.fullmatch(r"\d{4}-\d\d", h.id)]) <= 3 for p in history)


def test_public_kpis_when_configured() -> None:
    from dataclasses import replace

    model = sample_model()
    model = replace(model, config=replace(model.config, publish_kpis="public"))
    pages = pages_by_url(make_ctx(model))
    assert "kpis/" in pages and "Internal" not in pages["kpis/"].labels
    assert "KPIs" in [e.title for e in nav_entries(make_ctx(model))]
    chart_imgs = re.findall(r'<img class="sp-chart__img sp-chart__img--(light|dark)" src="([^"]+\.svg)" alt="([^"]+)"',
                            pages["kpis/"].html)
    # Four charts, each drawn for the light and the dark scheme.
    assert len(chart_imgs) == 8 and all(alt.strip() for _, _, alt in chart_imgs)
    assert [src for scheme, src, _ in chart_imgs if scheme == "dark"] == [
        src.replace(".svg", "-dark.svg") for scheme, src, _ in chart_imgs if scheme == "light"]
    assert pages["kpis/"].html.count("Data table:") == 4
