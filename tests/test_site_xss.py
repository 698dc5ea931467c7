"""Hostile content (titles, messages, names, Markdown bodies) never becomes executable in the built site."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.site_repo import Element, build, copy_example, html_pages, parse_html, postmortem_text

MARK = "XSSMARK"
PAYLOAD = f"<script>alert('{MARK}')</script>"
IMG = f"<img src=x onerror=alert('{MARK}')>"
MARKDOWN_BODY = f"""Hostile body.

<script src="https://evil.example/{MARK}.js"></script>
<script>alert('{MARK}-inline')</script>

[click me](javascript:alert('{MARK}-md-link'))
[spaced](  JaVaScRiPt:alert('{MARK}-case'))
![pic](javascript:alert('{MARK}-img'))

<a href="javascript:alert('{MARK}-raw')" onclick="alert('{MARK}-onclick')">raw link</a>
<div onmouseover="alert('{MARK}-div')" style="position:fixed">hover</div>
<iframe src="https://evil.example/{MARK}"></iframe>
<svg onload="alert('{MARK}-svg')"><circle r="4"/></svg>
<form action="javascript:alert('{MARK}-form')"><button formaction="javascript:alert(1)">go</button></form>
<style>body {{ display: none }}</style>
<object data="https://evil.example/{MARK}.swf"></object>

```
<script>alert('{MARK}-code')</script>
```
"""


def _yaml(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid YAML double-quoted scalar


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("xss")
    root = copy_example(tmp / "repo")
    config = root / "site_config.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("name: Public API", f"name: {_yaml('Public ' + IMG + ' API')}", 1)
    text = text.replace("name: Lumen Pay Status", f"name: {_yaml('Lumen ' + PAYLOAD + ' Status')}", 1)
    text = re.sub(r"^(  description: ).*$", lambda m: m.group(1) + _yaml(f'Status "{PAYLOAD}" & more'), text,
                  count=1, flags=re.M)
    config.write_text(text, encoding="utf-8")

    incident_id = "2026-11-21-hostile-probe"
    (root / "content" / "incidents" / f"{incident_id}.md").write_text(f"""---
title: {_yaml(PAYLOAD + ' ' + IMG + ' Outage')}
severity: SEV-2
services:
  api: major_outage
started_at: 2026-11-21T09:00:00Z
detected_at: 2026-11-21T09:05:00Z
acknowledged_at: 2026-11-21T09:06:00Z
resolved_at: 2026-11-21T10:00:00Z
detection: alert
reported_by: {_yaml(IMG)}
category: deploy
updates:
  - at: 2026-11-21T09:10:00Z
    status: investigating
    message: {_yaml(f'{IMG} and [x](javascript:alert(1)) "quotes" & ampersands {PAYLOAD}')}
  - at: 2026-11-21T10:00:00Z
    status: resolved
    message: {_yaml(f'Fixed. </p><script>alert("{MARK}-break")</script>')}
---
{MARKDOWN_BODY}""", encoding="utf-8")
    pm = postmortem_text(
        incident_id, title=_yaml(f"Post-mortem {PAYLOAD}"), summary=_yaml(f"Summary {IMG}."),
        body_marker="Hostile marker.",
        action_title=_yaml(f"Add {IMG} alert"), owner="sre-team",
    )
    pm = pm.replace("    status: open\n", f"    status: open\n    tracker: {_yaml('javascript:alert(1)')}\n")
    pm += "\n" + MARKDOWN_BODY
    (root / "content" / "postmortems" / f"{incident_id}.md").write_text(pm, encoding="utf-8")
    (root / "content" / "maintenance" / "2026-12-10-hostile-window.md").write_text(f"""---
title: {_yaml('Window ' + PAYLOAD)}
services: {{api: under_maintenance}}
scheduled_start: 2026-12-10T02:00:00Z
scheduled_end: 2026-12-10T03:00:00Z
updates:
  - at: 2026-11-25T10:00:00Z
    status: scheduled
    message: {_yaml(IMG)}
---
{MARKDOWN_BODY}""", encoding="utf-8")
    return build(root, tmp / "site").out


# Material's own bundle and statuspress.js, linked relatively (404.html links them from the site root).
LOCAL_SCRIPT = re.compile(
    r"^(?:(?:\.\./)*|/(?:[\w.-]+/)*)assets/(?:javascripts/bundle\.[0-9a-f]+\.min|js/statuspress)\.js$"
)
URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset")


def _problems(doc: Element, where: str) -> list[str]:
    out = []
    for tag, attrs in doc.tags:
        for name, value in attrs.items():
            if name.startswith("on"):
                out.append(f"{where}: <{tag} {name}=...>")
            if name in URL_ATTRS and value and re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith("javascript:"):
                out.append(f"{where}: <{tag} {name}={value!r}>")
        if tag in ("iframe", "object", "embed", "style", "base"):
            out.append(f"{where}: <{tag}>")
        if tag == "form" and attrs.get("action"):
            out.append(f"{where}: <form action>")
    for attrs, text in doc.scripts:
        src = attrs.get("src")
        if src is not None and not LOCAL_SCRIPT.match(src):
            out.append(f"{where}: <script src={src!r}>")
        if MARK in text or "evil" in text:
            out.append(f"{where}: injected inline script")
    return out


def test_no_executable_injection_in_any_page(hostile_site: Path) -> None:
    problems = []
    for path in html_pages(hostile_site):
        problems += _problems(parse_html(path), str(path.relative_to(hostile_site)))
    assert not problems, "\n".join(problems[:30])


def test_hostile_text_is_shown_as_text(hostile_site: Path) -> None:
    incident = parse_html(hostile_site / "incidents" / "2026-11-21-hostile-probe" / "index.html")
    text = "".join(incident.text)
    assert PAYLOAD in text and IMG in text  # escaped, so it reads literally
    assert "Hostile body." in text
    titles = [t for t, _ in incident.tags if t == "title"]
    assert titles
    html = (hostile_site / "incidents" / "2026-11-21-hostile-probe" / "index.html").read_text(encoding="utf-8")
    assert "<title>&lt;script&gt;" in html
    pm = (hostile_site / "postmortems" / "2026-11-21-hostile-probe" / "index.html").read_text(encoding="utf-8")
    assert "Add &lt;img" in pm and 'href="javascript' not in pm.lower()


def test_search_index_holds_no_markup_from_content(hostile_site: Path) -> None:
    # Material's search renders titles and text of results as HTML.
    index = json.loads((hostile_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    problems = []
    for doc in index["docs"]:
        for key in ("title", "text"):
            parsed = Element()
            parsed.feed(doc.get(key, ""))
            problems += _problems(parsed, f"search {doc['location']} {key}")
            assert not any(t == "img" for t, _ in parsed.tags)
    assert not problems, problems[:10]
    assert any(MARK in doc["title"] for doc in index["docs"])  # indexed, as text
