"""Templates: autoescape is the only way in, overrides in theme/statuspress/ replace or extend the bundled ones."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import feedparser
import pytest
from markupsafe import Markup

from generator.site import templating
from generator.site.feeds import render_feeds
from generator.site.markdown import render_markdown
from generator.site.pages import build_pages
from generator.site.templating import TemplateProblem, bundled_templates, templates_for, unknown_overrides
from tests.site_factories import make_ctx, make_incident, make_model, sample_model, upd

SITE = Path(templating.__file__).resolve().parent
TEMPLATES = SITE / "templates"
# Python that makes page and feed-entry HTML: it prepares data, templates write markup.
PAGE_CODE = [SITE / "pages.py", SITE / "feeds.py", *sorted((SITE / "views").glob("*.py"))]
TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?=[\s>/]|$)")
# The renderer puts the finished content HTML into its own frame (MkDocs templates): that is not page code.
RENDERERS = {"generator/site/mkdocs_backend.py"}


def test_no_template_marks_anything_safe() -> None:
    offenders = [p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")
                 if re.search(r"\|\s*safe\b|\bMarkup\b|autoescape\s+false", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_markup_is_made_only_by_the_markdown_renderer() -> None:
    makers = []
    for path in sorted((SITE.parent).rglob("*.py")):
        name = path.relative_to(SITE.parent.parent).as_posix()
        if name not in RENDERERS and "Markup(" in path.read_text(encoding="utf-8"):
            makers.append(name)
    assert makers == ["generator/site/markdown.py"]


def _string_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_no_html_tag_literals_in_page_code() -> None:
    found = [f"{path.name}:{line}: {text[:60]!r}" for path in PAGE_CODE
             for line, text in _string_literals(path) if TAG.search(text)]
    assert found == []


def test_the_tag_scan_finds_a_tag() -> None:
    # The scan above is only worth something if it sees tags where they are.
    assert TAG.search('<p class="x">') and TAG.search("</div>") and TAG.search("<br>")
    assert TAG.search("x<div") and not TAG.search("a < b") and not TAG.search("n<3")


def test_bundled_template_names() -> None:
    names = bundled_templates()
    for kind in ("home", "incident", "history", "service", "services", "postmortem", "postmortems",
                 "maintenance", "maintenance_index", "about", "kpis"):
        assert f"{kind}.html" in names
    for part in ("banner", "incident_card", "update", "update_timeline", "uptime_bars", "service_row", "table"):
        assert f"partials/{part}.html" in names
    assert "feeds/incident.html" in names
    assert names == {p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")}


def test_markdown_is_markup_and_sanitised() -> None:
    html = render_markdown('Hi <script>alert(1)</script> <a href="javascript:x()">l</a> <b onclick="y()">b</b>')
    assert isinstance(html, Markup)
    assert "<script" not in html and "javascript:" not in html and "onclick" not in html


# ---------------------------------------------------------------- overrides


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / "theme" / "statuspress" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def _ctx(root: Path | None, **kw):  # type: ignore[no-untyped-def]
    from dataclasses import replace
    return replace(make_ctx(sample_model(), **kw), root=root)


def _pages(root: Path | None) -> dict:  # type: ignore[type-arg]
    return {p.url: p for p in build_pages(_ctx(root))}


def test_an_override_replaces_the_bundled_template(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"about.html": "<h1>Ours</h1><p>{{ page.timezone }}</p>"})
    pages = _pages(root)
    assert pages["about/"].html == "<h1>Ours</h1><p>Europe/Berlin</p>"
    assert "Ours" not in pages[""].html  # only that template


def test_an_override_extends_the_original_and_adds_a_home_section(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"home.html": (
        '{% extends "statuspress/home.html" %}\n'
        '{% block after_services %}<h2 id="contact">Contact</h2><p>Call {{ "<b>us</b>" }}</p>{% endblock %}\n')})
    bundled, ours = _pages(None)[""], _pages(root)[""]
    assert '<h2 id="contact">Contact</h2><p>Call &lt;b&gt;us&lt;/b&gt;</p>' in ours.html  # still autoescaped
    assert ours.html.replace('<h2 id="contact">Contact</h2><p>Call &lt;b&gt;us&lt;/b&gt;</p>', "") == bundled.html
    ids = [h.id for h in ours.headings]
    assert ids.index("services") < ids.index("contact") < ids.index("recent-history")


def test_a_partial_override_reaches_pages_and_feeds(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"partials/update.html": (
        '{% import "statuspress/partials/update.html" as original %}'
        '{% macro update(u) %}<div class="mine">{{ original.update(u) }}</div>{% endmacro %}')})
    pages = _pages(root)
    incident = pages["incidents/2026-11-26-email-delays/"].html
    assert '<div class="mine"><p class="sp-update__head">' in incident
    assert '<div class="mine">' in pages[""].html  # the incident card's latest update
    feeds = render_feeds(_ctx(root))
    atom = feedparser.parse(feeds["feeds/incidents.atom"])
    assert all('<div class="mine">' in e.content[0].value for e in atom.entries if e.content[0].value.count("<hr") > 0)
    assert '<div class="mine">' not in render_feeds(_ctx(None))["feeds/incidents.atom"].decode()


@pytest.mark.parametrize(("source", "line", "words"), [
    ("<p>ok</p>\n{% if %}\n", 2, "Expected an expression"),
    ("<p>\n{{ page.nope }}\n</p>", 2, "nope"),
    ('{% extends "statuspress/missing.html" %}', 1, "missing.html"),
])
def test_a_broken_override_names_its_file_and_line(tmp_path: Path, source: str, line: int, words: str) -> None:
    root = _repo(tmp_path, {"about.html": source})
    with pytest.raises(TemplateProblem) as caught:
        build_pages(_ctx(root))
    problem = caught.value
    assert problem.path == "theme/statuspress/about.html" and problem.line == line
    assert words in problem.message and str(problem).startswith(f"theme/statuspress/about.html:{line}: ")


def test_an_override_that_links_outside_the_repository_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.html"
    outside.write_text("<p>SECRET-OUTSIDE</p>", encoding="utf-8")
    root = tmp_path / "repo"
    (root / "theme" / "statuspress").mkdir(parents=True)
    os.symlink(outside, root / "theme" / "statuspress" / "about.html")
    pages = _pages(root)
    assert "SECRET-OUTSIDE" not in pages["about/"].html and "About this page" in pages["about/"].html


def test_an_edited_override_is_used_by_the_next_build(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"about.html": "<p>one</p>"})
    assert _pages(root)["about/"].html == "<p>one</p>"
    first = templates_for(root)
    assert templates_for(root) is first  # compiled once while nothing changes
    path = root / "theme" / "statuspress" / "about.html"
    path.write_text("<p>two, longer</p>", encoding="utf-8")
    assert _pages(root)["about/"].html == "<p>two, longer</p>"


def test_files_that_override_nothing_are_listed(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"home.html": "x", "hom.html": "x", "partials/card.html": "x"})
    assert unknown_overrides(root) == ["theme/statuspress/hom.html", "theme/statuspress/partials/card.html"]


def test_hostile_text_is_escaped_by_every_template() -> None:
    hostile = '<img src=x onerror="alert(1)">'
    inc = make_incident("2026-11-26-x", title=hostile, started="2026-11-26T10:00:00Z",
                        updates=[upd("2026-11-26T10:00:00Z", "investigating", hostile)])
    for page in build_pages(make_ctx(make_model([inc]))):
        assert "<img src=x" not in page.html, page.url


def test_a_partial_override_without_its_macro_says_which(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"partials/status.html": "{% macro pill(s) %}{{ s.text }}{% endmacro %}"})
    with pytest.raises(TemplateProblem) as caught:
        build_pages(_ctx(root))
    assert caught.value.path == "theme/statuspress/partials/status.html"
    assert "defines no macro 'status'" in caught.value.message


def test_a_partial_override_is_used_by_name_everywhere(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"partials/status.html": '{% macro status(s) %}<b class="pill">{{ s.text }}</b>{% endmacro %}'})
    pages = _pages(root)
    assert '<b class="pill">' in pages["services/"].html and '<b class="pill">' in pages[""].html
    assert "sp-status--" not in pages["services/"].html
