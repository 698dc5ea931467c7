"""The renderer's own work on finished HTML: table of contents, footer time, fast search indexing.

Pages reach MkDocs as finished HTML (no Markdown runs in the renderer); these
tests check what the renderer still does itself, against Material's own code.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.site import mkdocs_backend
from generator.site.contract import Heading
from generator.site.contract import Page as ContractPage
from generator.site.pages import build_pages
from generator.validate import check_repository
from tests.site_factories import make_ctx, sample_model, ts
from tests.site_repo import EXAMPLE_NOW, REPO_ROOT


def _pages_of(ctx) -> list:  # type: ignore[no-untyped-def]
    return build_pages(ctx)


def _toc(items) -> list:  # type: ignore[no-untyped-def]
    return [(i.title, i.id, i.level, _toc(i.children)) for i in items]


def test_headings_nest_into_the_table_of_contents_by_level() -> None:
    headings = (Heading(2, "a", "A & <b>"), Heading(3, "a1", "A1"), Heading(4, "a1x", "deep"), Heading(3, "a2", "A2"),
                Heading(2, "b", "B"), Heading(4, "b-deep", "skips a level"), Heading(2, "c", "C"))
    toc = _toc(mkdocs_backend.get_toc(mkdocs_backend.toc_tokens(headings)))
    assert toc == [
        ("A &amp; &lt;b&gt;", "a", 2, [("A1", "a1", 3, [("deep", "a1x", 4, [])]), ("A2", "a2", 3, [])]),
        ("B", "b", 2, [("skips a level", "b-deep", 4, [])]),
        ("C", "c", 2, []),
    ]


def test_page_html_reaches_the_site_as_it_is(tmp_path: Path) -> None:
    # Markdown syntax in finished HTML stays text: nothing converts it on the way.
    html = '<h2 id="x">Part *one*</h2>\n<div class="c">## not a heading\n\n*not emphasis* [a](b)</div>'
    page = ContractPage(url="incidents/x/", title="T <&>", html=html, headings=(Heading(2, "x", "Part *one*"),))
    settings_ = mkdocs_backend.SiteSettings(name="x", base_url="https://x.example/")
    mkdocs_backend.render_site([page], {}, [], settings_, tmp_path / "out", ts(EXAMPLE_NOW))
    out = (tmp_path / "out" / "incidents" / "x" / "index.html").read_text(encoding="utf-8")
    assert html in out
    assert "<title>T &lt;&amp;&gt; - x</title>" in out
    toc = out.split('data-md-component="toc"', 1)[1]
    assert 'href="#x"' in toc and "Part *one*" in toc.split('href="#x"', 1)[1][:200]


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


_HTML_HEADING = st.builds(lambda level, words, anchor: f'<h{level} id="{anchor}">{words}</h{level}>',
                          st.integers(2, 4), st.sampled_from(["Updates", "May 2026", "A &amp; B", "x <em>y</em>"]),
                          st.sampled_from(["x", "y", "updates", "2026-05"]))
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


def test_search_sections_of_every_example_page_are_the_same_both_ways() -> None:
    model, _ = check_repository(REPO_ROOT, ts(EXAMPLE_NOW))
    pages = _pages_of(make_ctx(model, EXAMPLE_NOW)) + _pages_of(make_ctx(model, EXAMPLE_NOW, internal=True, drafts=True))
    taken = 0
    for page in pages:
        slow, quick = search_both(page.html)
        if quick is not None:
            taken += 1
            assert quick == slow, page.path
    # The point is speed on the many pages: every incident, service and history page takes the fast way.
    assert taken >= len(pages) - 4


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.one_of(_good_element(), _element(), _TEXT, _HTML_HEADING), _SEP), min_size=1, max_size=6))
def test_search_sections_of_generated_html_are_the_same_both_ways(blocks) -> None:  # type: ignore[no-untyped-def]
    content = "".join(block + sep for block, sep in blocks)
    slow, quick = search_both(content)
    if quick is not None:
        assert quick == slow
