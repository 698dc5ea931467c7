"""No injection in any output: HTML pages, RSS and Atom, JSON (API, badges, search), SVG badges and
charts, the ICS calendar and the sitemap.

tests/test_site_xss.py plants payloads in the example and checks the HTML pages and the search
index; here a tiny repository gets the tricks that slip past naive filters (entity-encoded
``javascript:``, data: URLs, SVG scripts, mXSS, reference links, a ``javascript:`` tracker) in
every user-written field, and every kind of output file is parsed and checked.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from icalendar import Calendar

from generator.cli import main
from tests.site_repo import Element, html_pages, parse_html, site_files
from tests.test_hostile_cli import FIXTURES, NOW, tiny_repo
from tests.test_site_xss import _problems

MARK = "INJMARK"
PAYLOAD = f"<script>alert('{MARK}')</script>"
TITLE = f"{PAYLOAD} & <b>bold</b> \"quoted\""
BREAKOUT = f"line one\nEND:VEVENT\nBEGIN:VEVENT\r\nATTACH:https://evil.example/ ]]> <![CDATA[ {PAYLOAD}"
BODY = f"""Hostile body.

<a href="jav&#x61;script:alert('{MARK}-entity')">entity</a>
<a href="&#106;avascript:alert('{MARK}-decimal')">decimal</a>
<a href=" javascript:alert('{MARK}-space')">space</a>
<a href="java&#x09;script:alert('{MARK}-tab')">tab</a>
[md link](jav&#x61;script:alert('{MARK}-md'))
[reference][evil]
<javascript:alert('{MARK}-autolink')>
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a>
![data image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)
<img src="x" onerror="alert('{MARK}-img')">
<details open ontoggle="alert('{MARK}-toggle')"><summary>s</summary></details>

[evil]: javascript:alert('{MARK}-reference')

<svg><script>alert('{MARK}-svg')</script></svg>
<math><mtext><table><mglyph><style><img src=x onerror=alert('{MARK}-mxss')>
<scr<script>ipt>alert('{MARK}-nested')</script>
<noscript><p title="</noscript><img src=x onerror=alert('{MARK}-noscript')>"></noscript>
<iframe srcdoc="<script>alert(1)</script>"></iframe>
<base href="https://evil.example/">
<meta http-equiv="refresh" content="0;url=https://evil.example/">
<link rel="stylesheet" href="https://evil.example/x.css">
<script src="//evil.example/{MARK}.js"></script>
"""


def q(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


def _plant(root: Path) -> None:
    config = root / "site_config.yml"
    text = config.read_text(encoding="utf-8")
    for old, new in (("name: Fixture Status", f"name: {q('Status ' + PAYLOAD)}"),
                     ("description: Fixtures", f"description: {q(TITLE)}"),
                     ("name: Public API", f"name: {q('API ' + PAYLOAD)}"),
                     ("group: Core", f"group: {q('Core ' + PAYLOAD)}"),
                     ("description: REST API", f"description: {q(TITLE)}"),
                     ("label: Critical", f"label: {q('Critical ' + PAYLOAD)}"),
                     ("label: Moderate", f"label: {q('Moderate ' + PAYLOAD)}"),
                     ("kpis: internal", "kpis: public")):
        assert old in text
        text = text.replace(old, new, 1)
    config.write_text(text, encoding="utf-8")

    inc = root / "content/incidents/2026-03-14-api-errors.md"
    text = inc.read_text(encoding="utf-8")
    for old, new in (("title: Elevated error rates on the API", f"title: {q(TITLE)}"),
                     ("message: We are investigating elevated error rates on the API.", f"message: {q(BREAKOUT)}"),
                     ("reported_by: alertmanager/api-5xx", f"reported_by: {q(PAYLOAD)}"),
                     ("commander: sre-oncall", f"commander: {q(PAYLOAD)}"),
                     ('error_messages: ["HTTP 503 from api-gateway"]', f"error_messages: [{q(TITLE)}]"),
                     ("Optional Markdown body: the public description shown on the incident page.", BODY)):
        assert old in text
        text = text.replace(old, new, 1)
    inc.write_text(text, encoding="utf-8")

    mw = root / "content/maintenance/2026-04-02-db-upgrade.md"
    text = mw.read_text(encoding="utf-8")
    text = text.replace("title: Database upgrade", f"title: {q('Upgrade ' + TITLE)}")
    text = text.replace("message: We will upgrade the primary database.", f"message: {q(BREAKOUT)}")
    mw.write_text(text + BODY, encoding="utf-8")
    upcoming = text.replace("2026-04-02T22:00", "2026-12-02T22:00").replace("2026-04-02T23:30", "2026-12-02T23:30")
    upcoming = upcoming.split("  - at: 2026-04-02T22:01:00Z")[0] + "---\n"
    (root / "content/maintenance/2026-12-02-db-upgrade.md").write_text(upcoming + BODY, encoding="utf-8")

    pm = root / "content/postmortems/2026-03-14-api-errors.md"
    text = pm.read_text(encoding="utf-8")
    for old, new in (("title: API errors after the 14 March deploy", f"title: {q('PM ' + TITLE)}"),
                     ("authors: [sre-team]", f"authors: [{q(PAYLOAD)}]"),
                     ("tracker: https://tracker.example/PLAT-123", f"tracker: {q('javascript:alert(1)')}"),
                     ("owner: sre-team", f"owner: {q(PAYLOAD)}"),
                     ("  - The deploy pipeline did not canary configuration changes.",
                      f"  - {q('The pipeline skipped the canary. ' + PAYLOAD)}"),
                     ("## Summary\n", "## Summary\n\n" + BODY)):
        assert old in text, old
        text = text.replace(old, new, 1)
    text = re.sub(r"^summary: .*$", f"summary: {q('Summary ' + PAYLOAD)}", text, count=1, flags=re.M)
    pm.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("inject")
    root = tiny_repo(tmp / "repo")
    _plant(root)
    out = {}
    for name, flags in (("public", []), ("internal", ["--internal", "--drafts"])):
        result = CliRunner().invoke(main, ["build", "--root", str(root), "--out", str(tmp / name), "--now", NOW,
                                           *flags], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        out[name] = tmp / name
    return out


BUILDS = ["public", "internal"]


@pytest.mark.parametrize("build", BUILDS)
def test_html_pages_run_nothing_and_load_nothing_remote(sites: dict[str, Path], build: str) -> None:
    site = sites[build]
    problems = []
    for path in html_pages(site):
        doc = parse_html(path)
        where = str(path.relative_to(site))
        problems += _problems(doc, where)
        for tag, attrs in doc.tags:
            for name in ("href", "src"):
                value = re.sub(r"[\s\x00-\x1f]", "", attrs.get(name) or "").lower()
                if (tag, name) == ("a", "href") and value.startswith("https://") \
                        and "nofollow" in (attrs.get("rel") or ""):
                    continue  # a bare address in an update is a link (Markdown, autolinked): loads nothing
                if value.startswith(("data:", "vbscript:")) or "evil.example" in value:
                    problems.append(f"{where}: <{tag} {name}={value[:40]}>")
            if tag in ("meta", "link") and ("evil" in str(attrs) or attrs.get("http-equiv")):
                problems.append(f"{where}: <{tag} {attrs}>")
    assert not problems, "\n".join(problems[:30])
    incident = (site / "incidents/2026-03-14-api-errors/index.html").read_text(encoding="utf-8")
    assert "Hostile body." in incident  # the body was rendered, not dropped wholesale
    text = "".join(parse_html(site / "incidents/2026-03-14-api-errors/index.html").text)
    assert TITLE in text and PAYLOAD in text  # shown to the reader as the literal text it is


def test_a_javascript_tracker_is_not_a_link(sites: dict[str, Path]) -> None:
    for build in BUILDS:
        pm = sites[build] / "postmortems/2026-03-14-api-errors/index.html"
        links = [a.get("href") or "" for t, a in parse_html(pm).tags if t == "a"]
        assert links and not [h for h in links if "javascript" in h.lower()]
        assert "Route configuration changes through the canary stage" in pm.read_text(encoding="utf-8")


def _entry_html(root: ET.Element) -> list[tuple[str, str]]:
    """(element name, HTML text) for every element a feed reader renders as HTML."""
    out = []
    for el in root.iter():
        name = el.tag.rsplit("}", 1)[-1]
        if name in ("description", "content", "summary", "encoded") and el.text:
            out.append((name, el.text))
    return out


@pytest.mark.parametrize("build", BUILDS)
def test_feeds_are_well_formed_and_their_html_is_inert(sites: dict[str, Path], build: str) -> None:
    site = sites[build]
    feeds = sorted(site.glob("feeds/**/*.rss")) + sorted(site.glob("feeds/**/*.atom"))
    assert len(feeds) >= 10
    titles = set()
    for path in feeds:
        root = ET.fromstring(path.read_bytes())  # raises on any escaping mistake
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        for name, html in _entry_html(root):
            doc = Element()
            doc.feed(html)
            assert not _problems(doc, f"{path.name} <{name}>")
            assert not any(t in ("img", "iframe", "svg", "math") for t, _ in doc.tags)
        for el in root.iter():
            if el.tag.rsplit("}", 1)[-1] == "title" and el.text:
                titles.add(el.text)
    # Titles are plain text in XML: the reader sees exactly what was written, once escaped.
    assert TITLE in titles and f"Upgrade {TITLE}" in titles
    incidents = feedparser.parse((site / "feeds/incidents.atom").read_bytes())
    entry = next(e for e in incidents.entries if e.title == TITLE)
    assert "END:VEVENT" in entry.content[0].value  # the message, as text
    assert "<script" not in entry.content[0].value


@pytest.mark.parametrize("build", BUILDS)
def test_json_files_parse_and_carry_the_text_exactly(sites: dict[str, Path], build: str) -> None:
    site = sites[build]
    count = 0
    for path, data in site_files(site):
        if path.suffix != ".json":
            continue
        count += 1
        json.loads(data)
        if "search" not in path.parts:
            # The API and badge files escape < > & so no file can be read as markup.
            assert b"<" not in data and b">" not in data, path
    assert count >= 12
    incidents = json.loads((site / "api/v2/incidents.json").read_bytes())["incidents"]
    hostile = next(i for i in incidents if i["id"] == "2026-03-14-api-errors" or i["name"] == TITLE)
    assert hostile["name"] == TITLE
    assert BREAKOUT.replace("\r\n", "\n") in [u["body"].replace("\r\n", "\n") for u in hostile["incident_updates"]]
    summary = json.loads((site / "api/v2/summary.json").read_bytes())
    assert summary["page"]["name"] == f"Status {PAYLOAD}"
    assert f"API {PAYLOAD}" in {c["name"] for c in summary["components"]}


@pytest.mark.parametrize("build", BUILDS)
def test_svg_files_are_inert(sites: dict[str, Path], build: str) -> None:
    site = sites[build]
    svgs = sorted(site.glob("badges/**/*.svg")) + sorted(site.glob("kpis/*.svg"))
    assert len(svgs) >= 5 and list(site.glob("kpis/*.svg"))  # KPIs are public here: charts too
    labels = []
    for path in svgs:
        root = ET.fromstring(path.read_bytes())
        for el in root.iter():
            name = el.tag.rsplit("}", 1)[-1]
            assert name not in ("script", "foreignObject", "iframe", "a", "image"), (path, name)
            for key, value in el.attrib.items():
                key = key.rsplit("}", 1)[-1]
                assert not key.startswith("on"), (path, key)
                assert key != "href" or value.startswith("#"), (path, value)  # chart markers: <use href="#m..">
            if name == "title" and el.text:
                labels.append(el.text)
    assert any(label.startswith(f"API {PAYLOAD} ") for label in labels)


@pytest.mark.parametrize("build", BUILDS)
def test_calendar_and_sitemap_cannot_be_broken_out_of(sites: dict[str, Path], build: str) -> None:
    site = sites[build]
    calendar = Calendar.from_ical((site / "maintenance.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 2  # the message's "END:VEVENT / BEGIN:VEVENT" did not add one
    assert not [c for c in calendar.walk() if "ATTACH" in c]
    assert {str(e["SUMMARY"]) for e in events} == {f"Upgrade {TITLE}"}
    assert any("END:VEVENT" in str(e.get("DESCRIPTION", "")) for e in events)

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [el.text or "" for el in ET.fromstring((site / "sitemap.xml").read_bytes()).findall("s:url/s:loc", ns)]
    assert locs and all(re.fullmatch(r"https://status\.fixture\.example/[a-z0-9/._-]*", loc) for loc in locs), locs


def test_a_base_url_that_could_break_out_of_an_attribute_is_refused(tmp_path: Path) -> None:
    root = tiny_repo(tmp_path / "repo")
    runner = CliRunner()
    for url in ('https://x.example/"><script>alert(1)</script>/', "javascript:alert(1)//", "https://a b/"):
        result = runner.invoke(main, ["build", "--root", str(root), "--out", str(tmp_path / "site"), "--now", NOW,
                                      "--base-url", url], catch_exceptions=False)
        assert result.exit_code == 2 and "--base-url" in result.output
        config = (FIXTURES / "site_config.yml").read_text(encoding="utf-8")
        (root / "site_config.yml").write_text(config.replace("url: https://status.fixture.example/",
                                                             f"url: {q(url)}"), encoding="utf-8")
        result = runner.invoke(main, ["build", "--root", str(root), "--out", str(tmp_path / "site"), "--now", NOW],
                               catch_exceptions=False)
        assert result.exit_code == 1 and "site_config.yml:2: E016 site.url" in result.output
        assert not (tmp_path / "site").exists()
