"""The renderer's fast path for raw-HTML pages gives exactly what Python-Markdown (through MkDocs) gives."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.config import load_config
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page as MkDocsPage

from generator.site import mkdocs_backend
from generator.site.pages import build_pages
from generator.validate import check_repository
from tests.site_factories import make_ctx, make_incident, make_model, make_postmortem, sample_model, ts, upd
from tests.site_repo import EXAMPLE_NOW, REPO_ROOT


@pytest.fixture(scope="module")
def config(tmp_path_factory):  # type: ignore[no-untyped-def]
    scratch = tmp_path_factory.mktemp("mkdocs")
    (scratch / "docs").mkdir()
    settings = mkdocs_backend.SiteSettings(name="Test", base_url="https://status.example/")
    cfg = load_config(config_file=io.StringIO("{}"), config_file_path=os.path.join(scratch, "mkdocs.yml"),
                      **mkdocs_backend._config_options(settings, [], scratch / "docs", scratch / "site"))
    cfg.plugins._current_plugin = None  # File.generated reads it; outside a build nobody set it
    return cfg


@pytest.fixture(scope="module")
def fast(config):  # type: ignore[no-untyped-def]
    return mkdocs_backend._FastMarkdown(config["markdown_extensions"], config["mdx_configs"] or {})


def _toc(items) -> list:  # type: ignore[no-untyped-def]
    return [(i.title, i.id, i.level, _toc(i.children)) for i in items]


def mkdocs_render(config, markdown: str) -> tuple[str, list]:  # type: ignore[no-untyped-def]
    """What MkDocs' own Page.render makes of ``markdown``."""
    file = File.generated(config, "page/index.md", content=markdown)
    page = MkDocsPage(None, file, config)
    page.markdown = markdown
    page.render(config, Files([file]))
    return page.content or "", _toc(page.toc)


def fast_render(fast, markdown: str) -> tuple[str, list] | None:  # type: ignore[no-untyped-def]
    result = fast.convert(markdown)
    if result is None:
        return None
    html, tokens = result
    return html, _toc(mkdocs_backend.get_toc(tokens))


def _pages_of(ctx) -> list:  # type: ignore[no-untyped-def]
    return build_pages(ctx)


def test_every_example_page_renders_the_same_both_ways(config, fast) -> None:  # type: ignore[no-untyped-def]
    model, _ = check_repository(REPO_ROOT, ts(EXAMPLE_NOW))
    pages = _pages_of(make_ctx(model, EXAMPLE_NOW)) + _pages_of(make_ctx(model, EXAMPLE_NOW, internal=True, drafts=True))
    taken = 0
    for page in pages:
        got = fast_render(fast, page.markdown)
        if got is not None:
            taken += 1
            assert got == mkdocs_render(config, page.markdown), page.path
    # The point is speed on the many pages: every incident, service and history page takes the fast path.
    assert taken >= len(pages) - 4
    assert all(fast.convert(p.markdown) is not None for p in pages
               if p.path.startswith(("incidents/", "services/", "history/")))


HOSTILE_BODY = """A body with *emphasis*, `code`, <b>raw</b> & an ampersand, 3 < 4 > 2.

<script>alert('x')</script>
<div onclick="x">div</div>

```
<pre> inside a fence, and a blank line:

still the fence </div>
```

| a | b |
| - | - |
| <i>1</i> | 2 |

[link](https://example.com/?a=1&b=2 "a title with > inside") and \\x02 not a control char.

    indented code <span>

<!-- a comment -->
Text after a comment.
"""


def test_hostile_content_renders_the_same_both_ways(config, fast) -> None:  # type: ignore[no-untyped-def]
    inc = make_incident(
        "2026-11-20-hostile", "<script>alert(1)</script> & \"quotes\" 'single' <img src=x onerror=y>",
        started="2026-11-20T09:00:00Z",
        updates=[upd("2026-11-20T09:05:00Z", "investigating", "Line one\n\nLine <b>two</b> & three"),
                 upd("2026-11-20T10:00:00Z", "resolved", "</p><script>x</script>\x02\x03 done")],
        body=HOSTILE_BODY, category="deploy", detection="alert",
    )
    pm = make_postmortem("2026-11-20-hostile", ("2026-11-20-hostile",), title="<b>PM</b> & co",
                         body="## Summary\n\n" + HOSTILE_BODY + "\n## Contributing factors\n\nx\n\n## Action items\n\ny\n")
    base = sample_model()
    model = make_model(list(base.incidents) + [inc], list(base.maintenance), list(base.postmortems) + [pm])
    for ctx in (make_ctx(model), make_ctx(model, internal=True, drafts=True)):
        for page in _pages_of(ctx):
            got = fast_render(fast, page.markdown)
            if got is not None:
                assert got == mkdocs_render(config, page.markdown), page.path


# ---------------------------------------------------------------- generated documents

_TEXT = st.lists(st.sampled_from(list("ab <>&*_`[]()#!-/=\"'\n\t;é") + ["&amp;", "&#183;", "&lt;", "&x"]),
                 max_size=12).map("".join)
_ATTR_VALUE = st.text(alphabet=st.sampled_from(list("ab <>&/-=' ")), max_size=6)
_TAGS = st.sampled_from(["div", "p", "ul", "li", "span", "a", "table", "tr", "td", "section", "h1", "h3", "dl",
                         "details", "summary", "pre", "code", "em", "svg", "path", "br", "img", "hr", "script",
                         "style", "textarea", "time", "nav", "ol"])


@st.composite
def _element(draw, depth: int = 0) -> str:  # type: ignore[no-untyped-def]
    tag = draw(_TAGS)
    attrs = "".join(
        f' {name}="{value}"' if quote else f" {name}={value.replace(' ', '') or 'x'}"
        for name, value, quote in draw(st.lists(st.tuples(st.sampled_from(["class", "id", "href", "markdown",
                                                                            "data-x", "title",
                                                                            "data-search-exclude"]),
                                                          _ATTR_VALUE, st.booleans()), max_size=2))
    )
    if tag in ("br", "img", "hr") or draw(st.integers(0, 12)) == 0:
        return f"<{tag}{attrs}{draw(st.sampled_from(['', '/', ' /']))}>"
    inner = draw(st.lists(st.one_of(_TEXT, _element(depth + 1)) if depth < 3 else _TEXT, max_size=3))
    close = draw(st.sampled_from([f"</{tag}>"] * 8 + ["", f"</{tag}> tail", "</other>"]))
    return f"<{tag}{attrs}>{''.join(inner)}{close}"


_HEADING = st.builds(lambda level, words, anchor: f"{'#' * level} {words}" + (f" {{#{anchor}}}" if anchor else ""),
                     st.integers(1, 4), st.text(alphabet=st.sampled_from(list("ab *_&<")), min_size=1, max_size=8)
                     .filter(lambda t: t.strip()), st.sampled_from(["", "x", "y", "x-1"]))
_BLOCK = st.one_of(_element(), _HEADING, _TEXT, st.just("<!-- c -->"), st.just("<p>a</p><p>b</p>"))
_SEP = st.sampled_from(["\n\n", "\n\n\n", "\n", "\n\n\n\n"])


# Documents shaped like ours (closed elements, headings, blank lines between), with hostile text inside.
_TOP_TAGS = st.sampled_from(["div", "p", "ul", "ol", "table", "section", "h1", "h3", "dl", "details", "nav", "pre"])
_INNER_TAGS = st.sampled_from(["span", "a", "em", "code", "li", "td", "tr", "p", "div", "time", "svg", "strong"])
_GOOD_TEXT = st.lists(st.sampled_from(list("ab  \n\t*_`[](){}#!-/=;é\x02\r") + ["&amp;", "&lt;", "&#183;", "&x", " < ",
                                                                                 "\n    \n", "\n\n"]),
                      max_size=10).map("".join)


@st.composite
def _good_element(draw, tags=_TOP_TAGS, depth: int = 0) -> str:  # type: ignore[no-untyped-def]
    tag = draw(tags)
    attrs = "".join(f' {name}="{value}"' for name, value in draw(st.lists(
        st.tuples(st.sampled_from(["class", "id", "href", "title", "data-search-exclude", "aria-label"]),
                  st.one_of(st.just("linenodiv"),
                            st.text(alphabet=st.sampled_from(list("ab <>&/-=' ")), max_size=6))), max_size=2)))
    parts = draw(st.lists(st.one_of(_GOOD_TEXT, st.just("<br>"), st.just('<path d="M0"/>'),
                                    _good_element(_INNER_TAGS, depth + 1) if depth < 3 else _GOOD_TEXT), max_size=3))
    return f"<{tag}{attrs}>{''.join(parts)}</{tag}>"


_GOOD_HEADING = st.builds(lambda level, words, anchor: f"{'#' * level} {words} {{#{anchor}}}",
                          st.integers(2, 4), st.sampled_from(["Updates", "May 2026", "A & B", "x *y*", "<b>t</b>"]),
                          st.sampled_from(["x", "y", "updates", "2026-05"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.one_of(_good_element(), _GOOD_HEADING), st.sampled_from(["\n\n", "\n\n\n"])),
                min_size=1, max_size=6))
def test_generated_pages_render_the_same_both_ways(config, fast, blocks) -> None:  # type: ignore[no-untyped-def]
    markdown = "".join(block + sep for block, sep in blocks)
    got = fast_render(fast, markdown)
    if got is not None:
        assert got == mkdocs_render(config, markdown)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_BLOCK, _SEP), min_size=1, max_size=6))
def test_generated_documents_render_the_same_or_take_the_slow_path(config, fast, blocks) -> None:  # type: ignore[no-untyped-def]
    markdown = "".join(block + sep for block, sep in blocks)
    got = fast_render(fast, markdown)
    if got is not None:
        assert got == mkdocs_render(config, markdown)


def test_plain_pages_take_the_fast_path(fast) -> None:  # type: ignore[no-untyped-def]
    page = '<h1 class="t">T &amp; <b>x</b></h1>\n\n## Part {#part}\n\n<div a="1 > 0"><p>x<br>y</p><svg><path d="M0"/></svg></div>\n'
    html, tokens = fast.convert(page)
    assert html == '<h1 class="t">T &amp; <b>x</b></h1>\n\n<h2 id="part">Part</h2>\n<div a="1 > 0"><p>x<br>y</p><svg><path d="M0"/></svg></div>'
    assert [t["id"] for t in tokens] == ["part"]
    # Text outside a block, a second element after a block on its line, comments: left to Markdown.
    for other in ("Some *text*\n", "<p>a</p><p>b</p>\n", "<div>a</div>\n<!-- c -->\n", "<span>inline</span>\n"):
        assert fast.convert(other) is None, other


def test_theme_that_mangles_the_build_time_is_caught(tmp_path: Path) -> None:
    # The footer's build time is filled in after rendering; a theme that transforms it must fail loudly.
    theme = tmp_path / "theme"
    (theme / "partials").mkdir(parents=True)
    (theme / "main.html").write_text((mkdocs_backend.THEME_DIR / "main.html").read_text(encoding="utf-8"),
                                     encoding="utf-8")
    footer = (mkdocs_backend.THEME_DIR / "partials" / "footer.html").read_text(encoding="utf-8")
    assert "config.extra.sp_footer.now_text | e" in footer
    (theme / "partials" / "footer.html").write_text(
        footer.replace("config.extra.sp_footer.now_text | e", "config.extra.sp_footer.now_text | upper"),
        encoding="utf-8")
    model = sample_model()
    ctx = make_ctx(model)
    settings_ = mkdocs_backend.SiteSettings(name="x", base_url="https://x.example/", theme_dir=theme,
                                            now_iso="2026-11-26T12:00:00Z", now_text="26 Nov 2026, 13:00 CET")
    with pytest.raises(mkdocs_backend.RenderError, match="build time"):
        mkdocs_backend.render_site(build_pages(ctx)[:3], {}, [], settings_, tmp_path / "out", ctx.now)


# ---------------------------------------------------------------- search indexing


def _sections(parser) -> list:  # type: ignore[no-untyped-def]
    return [(s.el.tag, dict(s.el.attrs), s.id, s.depth, list(s.title), list(s.text), s.is_excluded())
            for s in parser.data]


def search_both(content: str) -> tuple[list, list | None]:
    """Material's search parser on ``content``: fed by html.parser, and by the fast tokenizer (None: declined)."""
    from material.plugins.search.plugin import Parser

    def outcome(feed) -> list | str:  # type: ignore[no-untyped-def]
        parser = Parser()
        try:
            if feed(parser) is False:
                return "declined"
        except Exception as exc:  # Material's parser has its own failures on odd HTML: they must match too
            return type(exc).__name__
        return _sections(parser)

    slow = outcome(lambda p: (p.feed(content), p.close()))
    quick = outcome(lambda p: mkdocs_backend._feed_fast(p, content))
    return slow, None if quick == "declined" else quick


def test_excluded_elements_are_skipped_only_when_nothing_changes() -> None:
    # Material matches skipped elements by tag name: an inner <div> closing inside an excluded <div>
    # takes it off the skip list, and the text after it is indexed after all. Both ways agree on that.
    quirky = '<h1 id="t">T</h1><div data-search-exclude=""><div>in</div>after</div><p>kept</p>'
    slow, quick = search_both(quirky)
    assert quick == slow and "after" in "".join(slow[0][5])
    plain = '<h1 id="t">T</h1><div data-search-exclude=""><ul><li>in <b>x</b></li></ul></div><p>kept</p>'
    slow, quick = search_both(plain)
    assert quick == slow and "in" not in "".join(slow[0][5]) and "kept" in "".join(slow[0][5])


def test_search_sections_of_every_example_page_are_the_same_both_ways(fast) -> None:  # type: ignore[no-untyped-def]
    model, _ = check_repository(REPO_ROOT, ts(EXAMPLE_NOW))
    pages = _pages_of(make_ctx(model, EXAMPLE_NOW)) + _pages_of(make_ctx(model, EXAMPLE_NOW, internal=True, drafts=True))
    taken = 0
    for page in pages:
        converted = fast.convert(page.markdown)
        if converted is None:
            continue
        slow, quick = search_both(converted[0])
        if quick is not None:
            taken += 1
            assert quick == slow, page.path
    assert taken == sum(1 for p in pages if fast.convert(p.markdown) is not None)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.one_of(_good_element(), _GOOD_HEADING, _element(), _TEXT), _SEP), min_size=1, max_size=6))
def test_search_sections_of_generated_html_are_the_same_both_ways(fast, blocks) -> None:  # type: ignore[no-untyped-def]
    markdown = "".join(block + sep for block, sep in blocks)
    converted = fast.convert(markdown)
    for content in ([converted[0]] if converted else []) + [markdown]:
        slow, quick = search_both(content)
        if quick is not None:
            assert quick == slow
