"""The one module that talks to MkDocs (and Material for MkDocs).

Everything else in statuspress produces finished HTML: each page's content as
a :class:`generator.site.contract.Page` (its HTML, its headings, plain-text
title and description) and every other file as bytes. This module puts them
in Material's frame (header, navigation, table of contents, search, footer)
and writes the folder. No Markdown is run here: a page's HTML is handed to
MkDocs as the page's ``content`` and its headings as its ``toc``. Swapping the
renderer (for Zensical, say) means writing another module with the same
``Renderer.render(pages, files, nav, settings, folder, now)``; see
"Renderer contract" in ``docs/site.md``.

Private MkDocs and Material API this module relies on (tested with mkdocs
1.6.1 and mkdocs-material 9.8.2; ``pyproject.toml`` pins mkdocs 1.6.x and
mkdocs-material 9.8.x while this list is not empty):

- ``mkdocs.commands.build.get_context``, ``_build_theme_template`` and
  ``_build_extra_template``, with the structure functions MkDocs' own
  ``build()`` calls (``get_files``, ``set_exclusions``, ``get_navigation``,
  ``Files.add_files_from_theme``, ``Files.copy_static_files``,
  ``Files.documentation_pages``, ``InclusionLevel``) and the plugin events in
  its order: :func:`_build` drives MkDocs' build loop step by step so that
  pages render on several cores and are reused between builds.
- ``MkDocsPage`` attributes set directly (``markdown``, ``content``, ``toc``,
  ``meta``, ``active``) and ``config._current_page``: how a page gets its
  finished HTML without ``Page.render`` (which would run Markdown on it).
- ``config.theme.dirs`` (the theme's search path; the bundled overrides are
  inserted below the repository's ``theme/``) and ``Theme.get_env``'s loader
  (wrapped to hide ``theme/statuspress/``, which is not a Material folder).
- ``mkdocs.utils.CountHandler``, ``clean_directory`` and ``write_file``.
- Material's search plugin: ``plugin.search_index`` with its ``entries`` list,
  ``SearchIndex.add_entry_from_context`` (replaced by a faster one that feeds
  the same ``material.plugins.search.plugin.Parser`` through its handlers and
  reads ``parser.skip``, ``parser.context``, ``parser.data``) and
  ``create_entry_for_section``; its ``on_page_context`` removing
  ``data-search-*="..."`` attributes from the page after indexing (pages mark
  headings that way); and ``html.parser.tagfind_tolerant`` and
  ``attrfind_tolerant`` from the standard library.
- Material's templates: the ``extrahead`` and ``announce`` blocks of
  ``base.html``, and copies of ``partials/header.html`` (support link) and
  ``partials/toc.html`` (valid HTML off the navigation) in the bundled theme;
  and the markup of its checkbox toggles (:func:`valid_toggles`); ``partials/nav.html`` and
  ``partials/tabs.html`` reading nothing of a page outside the navigation but the links they
  print relative to it (:func:`_memoize_nav`, which replaces those templates'
  ``root_render_func``, Jinja's compiled render function).

How the build is wired:

- The configuration is built in memory (``load_config`` on an empty YAML
  document plus keyword options); there is no ``mkdocs.yml``.
- ``docs_dir`` is an empty temporary folder: every page and file is added
  by :class:`_StatuspressPlugin` in ``on_files`` as ``File.generated``.
- Page metadata (title, description, search exclusion, feed links) comes
  from the :class:`Page` objects, never from user text. Titles and
  descriptions are HTML-escaped and wrapped in ``Markup`` because Material's
  templates print them without escaping.
- The theme is layered: the repository's ``theme/`` first, then the bundled
  overrides (``generator/theme``), then Material; one file replaces one file.
  statuspress's stylesheet comes through ``extra_css`` and its footer through
  a partial, so a repository's own ``main.html`` keeps both.
- ``SOURCE_DATE_EPOCH`` is set to the build's ``now`` while MkDocs runs, so
  that ``sitemap.xml`` dates and the ``sitemap.xml.gz`` header are the same
  on every build of the same input.

Speed (large histories have thousands of pages; see benchmarks/PROFILE.md):

- Pages render on several cores (:func:`_build`), and Material's search
  indexing reads our HTML with a faster tokenizer where that provably gives
  the same result (:func:`_feed_fast`). Material's navigation partials are made once per set
  of relative links for the pages outside the navigation (:func:`_memoize_nav`).
- :class:`Renderer` keeps each page's HTML and search entries, keyed by the
  page and everything site-wide a page shows, so a rebuild after one file
  changes renders only the pages that changed. The build time in the footer
  is filled in after rendering, so a new ``now`` alone re-renders nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import html
import html.parser
import io
import json
import logging
import os
import re
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from markupsafe import Markup, escape

from generator import i18n
from generator.i18n import _, material_language
from generator.site import forked
from generator.site.contract import Heading, Page

# Material prints a banner about MkDocs 2 on import unless this is set.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from mkdocs import exceptions as mkdocs_exceptions  # noqa: E402
from mkdocs import utils as mkdocs_utils  # noqa: E402
from mkdocs.commands import build as mkdocs_build_module  # noqa: E402
from mkdocs.config import load_config  # noqa: E402
from mkdocs.plugins import BasePlugin  # noqa: E402
from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions  # noqa: E402
from mkdocs.structure.nav import get_navigation  # noqa: E402
from mkdocs.structure.pages import Page as MkDocsPage  # noqa: E402
from mkdocs.structure.toc import get_toc  # noqa: E402

# The bundled theme overrides (Material templates, partials, statuspress.css).
THEME_DIR = Path(__file__).resolve().parents[1] / "theme"

# The bundled favicon (theme/assets/images/favicon.svg), unless theme.favicon names another.
DEFAULT_FAVICON = "assets/images/favicon.svg"

# Where the theme's stylesheet lands in the site (theme/assets/css/statuspress.css).
EXTRA_CSS = "assets/css/statuspress.css"
# The stylesheet made from theme.primary_color and theme.accent_color.
BRAND_CSS = "assets/css/statuspress-brand.css"
EXTRA_JS = "assets/js/statuspress.js"
# A repository's theme/statuspress/ holds page templates (generator/site/templating.py), not Material files.
PAGE_TEMPLATES = "statuspress"

_ENV_LOCK = threading.Lock()


class RenderError(Exception):
    """MkDocs could not build the site; ``str()`` is a message for people."""


@dataclass(frozen=True)
class Branding:
    """``theme:`` of site_config.yml as the renderer uses it: site paths, checked colours, sanitised HTML."""

    logo: str = ""  # site path of the copied file
    favicon: str = ""
    primary_color: str = ""  # "#rrggbb"
    accent_color: str = ""
    extra_css: tuple[str, ...] = ()  # site paths, loaded after statuspress.css
    announcement_html: str = ""  # sanitised inline HTML
    support_url: str = ""
    auto_refresh_seconds: int = 0  # theme.auto_refresh; 0: off


@dataclass(frozen=True)
class SiteSettings:
    """Site-wide values for the renderer. Strings are plain text (escaped here)."""

    name: str
    base_url: str
    description: str = ""
    internal: bool = False
    theme_dir: Path = THEME_DIR  # the repository's theme/ (looked up before the bundled one), or THEME_DIR
    feeds: tuple[Any, ...] = ()  # FeedLink-like (title, href, type): autodiscovery for pages without their own
    now_iso: str = ""  # the build's "as of" moment, shown in the footer
    now_text: str = ""
    footer_feed: str = "feeds/incidents.rss"
    branding: Branding = Branding()
    # The finished content of 404.html (escaped, sanitised), or "" for Material's own.
    not_found_html: str = ""
    language: str = "en"  # site.language (BCP 47): <html lang> and Material's interface
    words: tuple[tuple[str, str], ...] = ()  # the theme's own words in that language (theme_words())

    @property
    def theme_dirs(self) -> tuple[Path, ...]:
        """Where templates and assets are looked up, first match wins (Material's own come last)."""
        own, bundled = Path(self.theme_dir), THEME_DIR
        if own.resolve() == bundled.resolve():
            return (bundled,)
        return (own, bundled)


def theme_words() -> tuple[tuple[str, str], ...]:
    """The theme templates' own words (header, footer, banners), in the active language."""
    return (
        ("subscribe", _("Subscribe")),
        ("support", _("Contact support")),
        ("internal_build", _("Internal build.")),
        ("internal_note", _("This site shows internal fields and unpublished post-mortems. Do not publish it.")),
        ("status_as_of", _("status as of")),
        ("feeds_api_badges", _("Feeds, API and badges")),
        ("history", _("History")),
        ("not_found", _("404 - Not found")),
        ("script", js_words()),
    )


_JS_PLACEHOLDER = re.compile(r"%\(([a-z_]+)\)(02)?[ds]")


def js_words() -> str:
    """The words statuspress.js writes into the page, as JSON; ``{name}`` / ``{name:02}`` placeholders.

    Empty in English: the script's own words are English, so English pages carry nothing more.
    """
    if i18n.active().locale.language == "en":
        return ""
    def js(message: str) -> str:
        return _JS_PLACEHOLDER.sub(lambda m: "{" + m.group(1) + (":02" if m.group(2) else "") + "}", message)

    words = {
        "locale": i18n.active().tag,
        "days": js(_("%(days)d d %(hours)d h")),
        "hours": js(_("%(hours)d h %(minutes)02d min")),
        "whole_hours": js(_("%(hours)d h 00 min")),
        "minutes": js(_("%(minutes)d min")),
        "ago": js(_("%(duration)s ago")),
        "ongoing": js(_("ongoing for %(duration)s")),
        "zone_local": js(_("Times in your time zone (%(zone)s).")),
        "zone_local_unknown": _("local"),
        "zone_site": _("Times in the site's time zone."),
        "show_site": _("Show the site's time zone"),
        "show_mine": _("Show my time zone"),
        "estimate_passed": js(_("(estimate passed, awaiting update)")),
        "stale": js(_("This page may be out of date: it was built %(duration)s ago, at %(when)s. "
                      "Reload it for the latest status.")),
    }
    return json.dumps(words, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _markup(text: str) -> Markup:
    """Plain text -> HTML-safe Markup that Jinja's ``| e`` leaves alone (no double escaping)."""
    return Markup(escape(text))


def _feeds(feeds: Sequence[Any]) -> list[dict[str, Markup]]:
    return [{"title": _markup(f.title), "href": _markup(f.href), "type": _markup(f.type)} for f in feeds]


def toc_tokens(headings: Sequence[Heading]) -> list[dict[str, Any]]:
    """Headings -> MkDocs' table-of-contents tokens, nested by level (names are HTML, as Markdown's are)."""
    root: list[dict[str, Any]] = []
    stack: list[tuple[int, list[dict[str, Any]]]] = [(0, root)]
    for heading in headings:
        token = {"level": heading.level, "id": heading.id, "name": str(escape(heading.title)), "children": []}
        while len(stack) > 1 and stack[-1][0] >= heading.level:
            stack.pop()
        stack[-1][1].append(token)
        stack.append((heading.level, token["children"]))
    return root


class _StatuspressPlugin(BasePlugin):
    """Adds the generated pages and files, and sets each page's metadata."""

    def __init__(self, pages: Sequence[Page], files: Mapping[str, bytes], now: tuple[str, str] = ("", "")) -> None:
        super().__init__()
        self._pages = {p.path: p for p in pages}
        self._files = files
        self._now = now  # (iso, text) as HTML: put in place of the footer's markers in templates (404.html)

    def spec(self, src_uri: str) -> Page | None:
        return self._pages.get(src_uri)

    def on_files(self, files: Files, *, config):  # type: ignore[override]
        for page in self._pages.values():
            # No source text: the page's content is set from its HTML, never read or converted.
            files.append(File.generated(config, page.path, content=""))
        for path in sorted(self._files):
            files.append(File.generated(config, path, content=self._files[path]))
        return files

    def on_page_markdown(self, markdown: str, *, page, config, files):  # type: ignore[override]
        spec = self._pages.get(page.file.src_uri)
        if spec is None:
            return markdown
        meta: dict[str, object] = {"title": _markup(spec.title)}
        if spec.description:
            meta["description"] = _markup(spec.description)
        if not spec.search:
            meta["search"] = {"exclude": True}
        hide = ["navigation", "toc"] if spec.layout == "status" else (["toc"] if not spec.toc else [])
        if hide:
            meta["hide"] = hide
        meta["sp_feeds"] = _feeds(spec.feeds)
        meta["sp_layout"] = spec.layout  # the header leaves search out of status pages (no index download)
        meta["sp_labels"] = [_markup(label) for label in spec.labels]
        page.meta = meta
        return markdown

    def on_post_page(self, output: str, *, page, config):  # type: ignore[override]
        return valid_toggles(output)

    def on_post_template(self, output_content: str, *, template_name: str, config):  # type: ignore[override]
        if not template_name.endswith(".html"):
            return output_content
        html = output_content.replace(_NOW_ISO, self._now[0]).replace(_NOW_TEXT, self._now[1])
        return valid_toggles(html)


# Material's base template puts autocomplete="off" on its checkbox toggles (drawer, search);
# HTML allows that attribute only on text-like inputs, so the validator rejects every page.
# The template cannot be overridden piecemeal (and a copy would pin Material's asset hashes),
# so the attribute is removed from exactly those checkbox inputs here.
_CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input class="md-toggle"[^>]*type="checkbox"[^>]*?) autocomplete="off"')


def valid_toggles(html: str) -> str:
    return _CHECKBOX_AUTOCOMPLETE.sub(r"\1", html)


_SP_TABLE = re.compile(r'<table class="sp-table[^"]*">.*?</table>', re.S)
_COL_HEAD = re.compile(r'<th scope="col"[^>]*>(.*?)</th>', re.S)
_BODY_CELL = re.compile(r'<(th|td)((?: [^>]*)?)>')
_ROW = re.compile(r'<tr[^>]*>.*?</tr>', re.S)
_TAG = re.compile(r"<[^>]+>")


def labelled_tables(html: str) -> str:
    """Each body cell of statuspress's tables gets ``data-label="<its column's heading>"``.

    Under 600 px the stylesheet stacks a table's rows and prints the label before each value
    (``td::before``), so no table is wider than a phone's screen and no JavaScript is needed.
    The headings are statuspress's own escaped text, copied as they are.
    """

    def one_table(match: re.Match[str]) -> str:
        table = match.group(0)
        head_end = table.find("</thead>")
        if head_end < 0:
            return table
        labels = [" ".join(_TAG.sub("", h).split()) for h in _COL_HEAD.findall(table[:head_end])]

        def one_row(row: re.Match[str]) -> str:
            column = iter(labels)

            def one_cell(cell: re.Match[str]) -> str:
                label = next(column, "")
                if not label or "data-label=" in cell.group(2):
                    return cell.group(0)
                return f'<{cell.group(1)}{cell.group(2)} data-label="{label}">'

            return _BODY_CELL.sub(one_cell, row.group(0))

        return table[:head_end] + _ROW.sub(one_row, table[head_end:])

    return _SP_TABLE.sub(one_table, html) if "sp-table" in html else html


def _palette(branding: Branding) -> list[dict[str, object]]:
    # Follows the reader's system setting; the toggle overrides it (stored by Material's JS).
    # A brand colour makes Material's palette "custom": the colours come from BRAND_CSS.
    primary = "custom" if branding.primary_color else "indigo"
    accent = "custom" if branding.accent_color else "indigo"
    return [
        {
            "media": "(prefers-color-scheme: light)",
            "scheme": "default",
            "primary": primary,
            "accent": accent,
            "toggle": {"icon": "material/brightness-7", "name": _("Switch to dark mode")},
        },
        {
            "media": "(prefers-color-scheme: dark)",
            "scheme": "slate",
            "primary": primary,
            "accent": accent,
            "toggle": {"icon": "material/brightness-4", "name": _("Switch to light mode")},
        },
    ]


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _shade(color: str, factor: float) -> str:
    """``color`` with each channel scaled towards black (factor < 1) or white (factor > 1)."""
    out = []
    for c in _rgb(color):
        out.append(round(c * factor) if factor <= 1 else round(c + (255 - c) * (factor - 1)))
    return "#" + "".join(f"{min(255, max(0, c)):02x}" for c in out)


def brand_css(branding: Branding) -> bytes:
    """Material's colour variables for the brand colours (both checked for white text at 4.5:1)."""
    parts = []
    if branding.primary_color:
        c = branding.primary_color
        parts.append(
            ":root > * {\n"
            f"  --md-primary-fg-color: {c};\n"
            f"  --md-primary-fg-color--light: {_shade(c, 1.3)};\n"
            f"  --md-primary-fg-color--dark: {_shade(c, 0.8)};\n"
            "  --md-primary-bg-color: #ffffff;\n"
            "  --md-primary-bg-color--light: #ffffff;\n"
            "}\n"
            # Links on the light page are a shade darker: they also sit on tinted cards.
            f'[data-md-color-scheme="default"] {{ --md-typeset-a-color: {_shade(c, 0.8)}; }}\n'
        )
    if branding.accent_color:
        c = branding.accent_color
        r, g, b = _rgb(c)
        parts.append(
            ":root > * {\n"
            f"  --md-accent-fg-color: {c};\n"
            f"  --md-accent-fg-color--transparent: rgba({r}, {g}, {b}, 0.1);\n"
            "  --md-accent-bg-color: #ffffff;\n"
            "  --md-accent-bg-color--light: #ffffff;\n"
            "}\n"
        )
    return ("/* Made by statuspress from theme: in site_config.yml. */\n" + "".join(parts)).encode()


def _config_options(
    settings: SiteSettings, nav: Sequence[tuple[str, str]], docs_dir: Path, site_dir: Path
) -> dict[str, object]:
    branding = settings.branding
    extra_css = [EXTRA_CSS]
    if branding.primary_color or branding.accent_color:
        extra_css.append(BRAND_CSS)
    extra_css.extend(branding.extra_css)
    theme: dict[str, object] = {
        "name": "material",
        "custom_dir": str(settings.theme_dirs[0]),
        # Material's words (search, "Back to top", <html lang>, dir="rtl"...) in the site's language; a
        # tag Material lacks falls back to its language without region, then to English.
        "language": material_language(settings.language),
        # No Google Fonts: the page must not call third parties, and must render offline.
        "font": False,
        "palette": _palette(branding),
        # Sections as tabs in the header: status pages drop the sidebar and keep the way around.
        "features": ["navigation.tabs"],
    }
    if branding.logo:
        theme["logo"] = branding.logo
    # Material's own favicon is a 2 KB PNG on every first visit; ours is a small SVG.
    theme["favicon"] = branding.favicon or DEFAULT_FAVICON
    return {
        "site_name": _markup(settings.name),
        "site_description": _markup(settings.description) if settings.description else None,
        "site_url": settings.base_url,
        "docs_dir": str(docs_dir),
        "site_dir": str(site_dir),
        "use_directory_urls": True,
        "strict": True,
        "theme": theme,
        "plugins": ["search"],
        # Nothing is converted from Markdown: pages arrive as finished HTML.
        "markdown_extensions": [],
        "extra_css": extra_css,
        # Deferred: runs after the page is parsed and before Material looks at it (see the script).
        "extra_javascript": [{"path": EXTRA_JS, "defer": True}],
        "extra": {
            "generator": False,
            "sp_internal": settings.internal,
            "sp_feeds": _feeds(settings.feeds),
            "sp_footer": {
                "now_iso": _markup(settings.now_iso),
                "now_text": _markup(settings.now_text),
                "feed": settings.footer_feed,
            },
            "sp_announcement": Markup(branding.announcement_html),  # sanitised by the Markdown renderer
            "sp_support": _markup(branding.support_url),
            "sp_refresh": branding.auto_refresh_seconds,
            "sp_not_found": Markup(settings.not_found_html),  # finished HTML from the page templates
            "sp_words": {key: _markup(text) for key, text in settings.words},
            "sp_lang": _markup(settings.language),
            "sp_dir": "rtl" if i18n.language(settings.language).rtl else "ltr",
        },
        "nav": [{title: path} for title, path in nav],
        # Incident pages are deliberately not in the nav: say nothing about them.
        "validation": {
            "nav": {"omitted_files": "ignore", "not_found": "warn", "absolute_links": "ignore"},
            "links": {"not_found": "warn", "absolute_links": "ignore", "unrecognized_links": "ignore",
                      "anchors": "ignore"},
        },
    }


class _PageTemplatesHidden(jinja2.BaseLoader):
    """The theme's loader without ``statuspress/``: those are page templates, not Material overrides."""

    def __init__(self, inner: jinja2.BaseLoader) -> None:
        self.inner = inner

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Any]:
        if template.split("/", 1)[0] == PAGE_TEMPLATES:
            raise jinja2.TemplateNotFound(template)
        return self.inner.get_source(environment, template)

    def list_templates(self) -> list[str]:
        return [t for t in self.inner.list_templates() if t.split("/", 1)[0] != PAGE_TEMPLATES]


class _Collect(logging.Handler):
    """Keeps MkDocs' warnings and errors so a failed build can say why."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _quiet_mkdocs() -> Iterator[_Collect]:
    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False  # the CLI prints its own summary; MkDocs' INFO lines are noise
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


@contextlib.contextmanager
def _source_date_epoch(now: datetime) -> Iterator[None]:
    # MkDocs reads the build date (sitemap lastmod, gzip mtime) from this variable only.
    with _ENV_LOCK:
        old = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(int(now.timestamp()))
        try:
            yield
        finally:
            if old is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = old


# ---------------------------------------------------------------- fast search indexing

_TAG_NAME = getattr(html.parser, "tagfind_tolerant", None)
_ATTRIBUTE = getattr(html.parser, "attrfind_tolerant", None)
# A tag as HTMLParser reads it (a quoted value may hold ">"); or "<" opening anything else tag-like.
_TAG = re.compile(
    r"""<(?:(/)?([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'=<>/`]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(/)?>"""
    r"""|[!?/a-zA-Z])"""
)
_VOID_TAGS = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                        "source", "track", "wbr"))
_CDATA_TAGS = frozenset(("script", "style"))


_HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))


def _feed_fast(parser: Any, content: str) -> bool:
    """Give Material's search ``parser`` the calls ``feed(content); close()`` would make; False if unsure.

    Material's search plugin parses every page with ``html.parser``; that
    tokenizer, not the plugin's own logic, is most of the cost. For HTML
    without comments, declarations, scripts or a stray ``<`` this finds the
    same start tags (attributes read with the parser's own expressions), end
    tags and text runs, and calls the plugin's handlers with them.

    An element the plugin excludes from search (``data-search-exclude``) is
    skipped whole when that provably changes nothing: its inside is plainly
    nested, has no headings and no tag the plugin would take off its skip
    list on closing (the plugin matches elements by tag name). Large pages
    keep most of their bulk (day tables, incident lists) in such elements.

    On False the parser may have been fed part of the page: use a new one.
    """
    if _TAG_NAME is None or _ATTRIBUTE is None:
        return False
    handle_data, handle_start, handle_end = parser.handle_data, parser.handle_starttag, parser.handle_endtag
    skip = getattr(parser, "skip", None)
    context = getattr(parser, "context", None)
    unescape = html.unescape
    pos, n = 0, len(content)
    while pos < n:
        lt = content.find("<", pos)
        if lt < 0:
            lt = n
        if lt > pos:
            handle_data(unescape(content[pos:lt]))
        if lt >= n:
            break
        m = _TAG.match(content, lt)
        if m is None or m.group(2) is None:
            return False  # a comment, declaration or a "<" that is text: the real parser decides
        end = m.end()
        if m.group(1):
            handle_end(m.group(2).lower())
            pos = end
            continue
        name = _TAG_NAME.match(content, lt + 1)
        if name is None:
            return False
        tag = name.group(1).lower()
        if tag in _CDATA_TAGS:
            return False
        attrs: list[tuple[str, str | None]] = []
        k = name.end()
        while k < end:
            a = _ATTRIBUTE.match(content, k)
            if not a:
                break
            attrname, rest, value = a.group(1, 2, 3)
            if not rest:
                value = None
            elif value[:1] == "'" == value[-1:] or value[:1] == '"' == value[-1:]:
                value = value[1:-1]
            if value:
                value = unescape(value)
            attrs.append((attrname.lower(), value))
            k = a.end()
        closing = content[k:end].strip()
        if closing == "/>":
            handle_start(tag, attrs)
            handle_end(tag)  # HTMLParser.handle_startendtag does exactly this
        elif closing == ">":
            handle_start(tag, attrs)
            if skip is not None and context and any(el is context[-1] for el in skip if not isinstance(el, str)):
                inside = _plain_inside(content, end, tag)
                if inside is not None:
                    close, tags = inside
                    skipped = {el if isinstance(el, str) else el.tag for el in skip}
                    if tags.isdisjoint(skipped):
                        end = close  # straight to the element's end tag
        else:
            return False
        pos = end
    return True


def _plain_inside(content: str, start: int, tag: str) -> tuple[int, set[str]] | None:
    """Where the element whose inside starts at ``start`` closes, and the tags inside; None if not plain."""
    stack = [tag]
    tags: set[str] = set()
    pos = start
    while True:
        lt = content.find("<", pos)
        if lt < 0:
            return None
        m = _TAG.match(content, lt)
        if m is None or m.group(2) is None:
            return None
        name = m.group(2).lower()
        if m.group(1):
            if stack[-1] != name:
                return None
            stack.pop()
            if not stack:
                return lt, tags
        else:
            attrs = m.group(3)
            if name in _HEADING_TAGS or name in _CDATA_TAGS or "data-search-" in attrs or "linenodiv" in attrs:
                return None
            tags.add(name)
            if name not in _VOID_TAGS and not m.group(4):
                stack.append(name)
        pos = m.end()


def _fast_search_entries(index: Any, parser_class: type) -> Callable[[Any], None]:
    """Material's ``SearchIndex.add_entry_from_context``, parsing with :func:`_feed_fast` where it can."""

    def add_entry_from_context(page: Any) -> None:
        search = page.meta.get("search") or {}
        if search.get("exclude"):
            return
        parser = parser_class()
        if not _feed_fast(parser, page.content):
            parser = parser_class()  # it may have read part of the page
            parser.feed(page.content)
            parser.close()
        for section in parser.data:
            if not section.is_excluded():
                index.create_entry_for_section(section, page.toc, page.url, page)

    return add_entry_from_context


def _speed_up_search(index: Any) -> None:
    """Use :func:`_fast_search_entries` for Material's own search index (and nothing else)."""
    try:
        from material.plugins.search.plugin import Parser, SearchIndex
    except ImportError:
        return
    if type(index) is SearchIndex and SearchIndex.add_entry_from_context.__qualname__ == "SearchIndex.add_entry_from_context":
        index.add_entry_from_context = _fast_search_entries(index, Parser)


# ---------------------------------------------------------------- the build loop

# The build moment is printed in every page's footer. Pages are rendered with these
# markers in its place (HTML comments: nothing a user writes can produce one, since all
# user text is escaped or sanitised) and the values are put in when a file is written,
# so a page whose content did not change is reused even when ``now`` moved on.
_NOW_ISO = "<!--sp:now-iso-->"
_NOW_TEXT = "<!--sp:now-text-->"
_NOW_MARK = "<!--sp:now"

# Below this many pages to render, a second process costs more than it saves.
PARALLEL_MIN_PAGES = 200
# Bump when rendering changes in a way the cache keys cannot see.
_RENDERER_VERSION = "2"


def _cpus() -> int:
    return forked.cpus()


def _folder_id(folder: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _page_key(page: Page) -> bytes:
    return hashlib.sha256(repr(page).encode("utf-8", "surrogatepass")).digest()


def _site_key(settings: SiteSettings, nav: Sequence[tuple[str, str]], nav_pages: Sequence[Page]) -> bytes:
    """Everything besides its own content that a rendered page shows (the build moment aside)."""
    h = hashlib.sha256()
    # 404.html (its status banner changes with the build moment) is rendered on every build, never kept.
    fixed = dataclasses.replace(settings, now_iso="", now_text="", theme_dir=Path("."), not_found_html="")
    versions = []
    for dist in ("mkdocs", "mkdocs-material", "markdown", "jinja2", "pymdown-extensions"):
        try:
            versions.append(metadata.version(dist))
        except metadata.PackageNotFoundError:
            versions.append("")
    # Nav entries show their pages' titles, and nav pages show their neighbours'.
    nav_meta = [(p.path, p.title, p.description, p.search, p.toc, p.labels, p.layout) for p in nav_pages]
    h.update(repr((_RENDERER_VERSION, fixed, list(nav), nav_meta, versions)).encode("utf-8", "surrogatepass"))
    for theme in settings.theme_dirs:
        h.update(b"\1layer\0")
        for path in sorted(theme.rglob("*")):
            if path.is_file():
                h.update(path.relative_to(theme).as_posix().encode("utf-8", "surrogatepass") + b"\0")
                h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.digest()


class TemplateFailure(Exception):
    """A theme template could not be compiled or rendered; ``str()`` names the file and line."""


def _template_label(filename: str | None, theme_dirs: Sequence[Path]) -> str:
    """A template file as a person finds it: ``theme/partials/logo.html`` for the repository's own."""
    if not filename:
        return "a theme template"
    path = Path(filename)
    for n, folder in enumerate(theme_dirs):
        try:
            rel = path.resolve().relative_to(Path(folder).resolve()).as_posix()
        except (OSError, ValueError):
            continue
        if n == 0 and len(theme_dirs) > 1:
            return f"theme/{rel}"
        return f"statuspress's bundled theme file {rel}"
    return filename


def describe_template_error(error: jinja2.TemplateError, theme_dirs: Sequence[Path]) -> str:
    """``theme/main.html:3: unexpected '}'``: the template and line where Jinja failed, and what failed."""
    filename: str | None = None
    line: int | None = None
    if isinstance(error, jinja2.TemplateSyntaxError):
        filename, line = error.filename, error.lineno
    else:
        # Jinja rewrites tracebacks so that template frames carry the template's file and line.
        tb = error.__traceback__
        while tb is not None:
            name = tb.tb_frame.f_code.co_filename
            if name.endswith((".html", ".xml", ".txt")) and os.path.isfile(name):
                filename, line = name, tb.tb_lineno
            tb = tb.tb_next
    where = _template_label(filename, theme_dirs)
    if line:
        where += f":{line}"
    kind = "template syntax error" if isinstance(error, jinja2.TemplateSyntaxError) else "template error"
    return f"{where}: {kind}: {error.message or type(error).__name__} (fix the template, or remove it to use the bundled one)"


@dataclass
class _Rendered:
    """One page's output with the build moment left as markers, and its search entries.

    Kept between builds, ``html`` is zlib-compressed (a large site is hundreds of MB of HTML)
    and ``digest`` identifies it uncompressed, so that a page the output folder already
    holds is recognised without unpacking it.
    """

    html: bytes
    entries: list[dict[str, Any]]
    written: bool = False  # already in the output folder (a one-off build writes as it goes)
    digest: bytes = b""
    packed: bool = False

    def pack(self) -> _Rendered:
        if self.packed or self.written:
            return self
        return _Rendered(zlib.compress(self.html, 1), self.entries, False,
                         hashlib.blake2b(self.html, digest_size=16).digest(), True)

    def unpacked(self) -> bytes:
        return zlib.decompress(self.html) if self.packed else self.html

    def final_digest(self, now_values: tuple[bytes, bytes]) -> bytes:
        """Identifies the file as written: the page with these build-time values put in."""
        base = self.digest or hashlib.blake2b(self.html, digest_size=16).digest()
        return hashlib.blake2b(base + b"\0" + now_values[0] + b"\0" + now_values[1], digest_size=16).digest()


def _with_now(html: bytes, now_values: tuple[bytes, bytes]) -> bytes:
    return html.replace(_NOW_ISO.encode(), now_values[0]).replace(_NOW_TEXT.encode(), now_values[1])


def _search_index(config: Any) -> Any:
    """Material's search index object (the search plugin collects entries into it page by page)."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if index is not None and isinstance(getattr(index, "entries", None), list):
            return index
    return None


def _populate(page: MkDocsPage, config: Any, files: Files, spec: Page | None) -> None:
    """MkDocs' ``_populate_page`` for a page of finished HTML: its content and toc are set, not converted."""
    config._current_page = page
    try:
        page = config.plugins.on_pre_page(page, config=config, files=files)
        page.markdown = config.plugins.on_page_markdown("", page=page, config=config, files=files)
        if spec is not None:
            page.content = labelled_tables(spec.html)
            page.toc = get_toc(toc_tokens(spec.headings))
        else:  # not one of ours (a plugin's page): MkDocs' own way
            page.read_source(config)
            page.render(config, files)
        page.content = config.plugins.on_page_content(page.content, page=page, config=config, files=files)
    except Exception as e:
        _log_page_error("reading", page, e)
        raise
    finally:
        config._current_page = None


def _page_template(env: jinja2.Environment) -> str:
    """``main.html``, or the template it only extends when it is the bundled one (one level less per page)."""
    try:
        filename = env.loader.get_source(env, "main.html")[1] if env.loader is not None else None
    except jinja2.TemplateNotFound:
        return "main.html"
    if filename and Path(filename).resolve() == (THEME_DIR / "main.html").resolve():
        return "statuspress-base.html"
    return "main.html"


def _remember_templates(env: jinja2.Environment) -> None:
    """Look each template up once per build: a page includes about 40, and Jinja's own cache (an LRU
    list behind a lock) costs more per include than a dictionary. Templates do not change meanwhile."""
    lookup = env.get_template
    found: dict[str, jinja2.Template] = {}

    def get_template(name: Any, parent: str | None = None, globals: Any = None) -> jinja2.Template:  # noqa: A002
        if globals or not isinstance(name, str):
            return lookup(name, parent, globals)
        key = env.join_path(name, parent) if parent is not None else name
        template = found.get(key)
        if template is None:
            template = found[key] = lookup(name, parent)
        return template

    env.get_template = get_template  # type: ignore[method-assign]


# Material's partials that print the navigation (sidebar and tabs). On a page outside the
# navigation (incidents, services, history: nearly all pages of a large site) they print the same
# HTML for every page whose links to the navigation's pages come out the same, so they are made
# once per such set of links. Only Material's own files: an override may print anything.
_NAV_PARTIALS = ("partials/nav.html", "partials/tabs.html")


def _memoize_nav(env: jinja2.Environment, nav: Any, config: Any) -> None:
    """Make :data:`_NAV_PARTIALS` once per set of relative links, for pages outside the navigation."""
    try:
        import material
    except ImportError:
        return
    material_dir = Path(material.__file__).resolve().parent / "templates"
    nav_pages = list(nav.pages)
    if not all(isinstance(item, MkDocsPage) for item in nav.items):
        return  # sections or links: their own states and URLs would need a larger key
    in_nav = {id(page) for page in nav_pages}
    # Other URLs these partials print relative to the page: the logo (the home link is a nav page).
    logo = config.theme.get("logo") or ""

    def key_of(context: Any) -> tuple[object, ...] | None:
        page = context.get("page")
        if not isinstance(page, MkDocsPage) or id(page) in in_nav or any(p.active for p in nav_pages):
            return None
        return (context.get("base_url"), tuple(mkdocs_utils.normalize_url(p.url, page) for p in nav_pages),
                mkdocs_utils.normalize_url(logo, page) if logo else "")

    for name in _NAV_PARTIALS:
        try:
            template = env.get_template(name)
        except jinja2.TemplateError:
            continue  # a theme without it: nothing to make once
        if not template.filename or not Path(template.filename).resolve().is_relative_to(material_dir):
            continue
        template.root_render_func = _memoized(template.root_render_func, key_of)


def _memoized(render: Callable[[Any], Iterator[str]],
              key_of: Callable[[Any], tuple[object, ...] | None]) -> Callable[[Any], Iterator[str]]:
    """A template's render function that keeps its output per key (``None``: render each time)."""
    made: dict[tuple[object, ...], str] = {}

    def root(context: Any) -> Iterator[str]:
        key = key_of(context)
        if key is None:
            yield from render(context)
            return
        html = made.get(key)
        if html is None:
            html = made[key] = "".join(render(context))
        yield html

    return root


def _log_page_error(stage: str, page: MkDocsPage, error: Exception) -> None:
    """Log a page failure the way MkDocs' own build loop does."""
    message = f"Error {stage} page '{page.file.src_uri}':"
    if not isinstance(error, mkdocs_exceptions.BuildError):
        message += f" {error}"
    logging.getLogger("mkdocs.commands.build").error(message)


def _render_page(page: MkDocsPage, config: Any, doc_files: Sequence[File], nav: Any, env: Any,
                 index: Any, theme_dirs: Sequence[Path] = (), main_template: str = "main.html") -> _Rendered:
    """MkDocs' ``_build_page`` up to the output, which is returned instead of written."""
    config._current_page = page
    before = len(index.entries) if index is not None else 0
    try:
        page.active = True
        context = mkdocs_build_module.get_context(nav, doc_files, config, page)
        template = env.get_template(page.meta.get("template", main_template))
        context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
        output = template.render(context)
        output = config.plugins.on_post_page(output, page=page, config=config)
    except jinja2.TemplateError as e:
        _log_page_error("building", page, e)
        raise TemplateFailure(describe_template_error(e, theme_dirs)) from None
    except Exception as e:
        _log_page_error("building", page, e)
        raise
    finally:
        page.active = False
        config._current_page = None
    marks = output.lower().count(_NOW_MARK)
    if marks != output.count(_NOW_ISO) + output.count(_NOW_TEXT):
        raise mkdocs_exceptions.BuildError("the theme changed how the footer prints the build time")
    entries = index.entries[before:] if index is not None else []
    if index is not None:
        del index.entries[before:]  # put back in page order once every page is done
    # Pages are written whole, and only once, like MkDocs does; empty output is skipped as there.
    html = output.encode("utf-8", errors="xmlcharrefreplace") if output.strip() else b""
    page.content = None  # the site can be large: keep only what the cache needs
    return _Rendered(html, entries)


class _TemplateCode(jinja2.BytecodeCache):
    """Compiled theme templates kept in memory between builds (MkDocs makes a new environment each
    time). Jinja checks each entry against the template's source, so a changed theme recompiles."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


class _Logged(logging.Handler):
    """Records a worker's warnings so that the parent can log them (and count them under strict)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _split(pages: Sequence[MkDocsPage], parts: int, sizes: Mapping[str, int]) -> list[list[MkDocsPage]]:
    """Contiguous runs of about equal work (the HTML's length is a fair proxy for rendering time)."""
    weights = [sizes.get(p.file.src_uri, 0) + 2000 for p in pages]
    total = sum(weights)
    runs: list[list[MkDocsPage]] = [[] for _ in range(parts)]
    acc = 0
    for page, weight in zip(pages, weights, strict=True):
        runs[min(parts - 1, acc * parts // max(total, 1))].append(page)
        acc += weight
    return runs


@dataclass
class RenderStats:
    pages: int
    rendered: int
    reused: int
    workers: int


# What a folder holds after a build, per page file: (digest, (size, mtime_ns)) as written.
_Manifest = dict[str, tuple[bytes, tuple[int, int]]]


def _snapshot(folder: str) -> dict[str, tuple[int, int]]:
    """Every file (and link) under ``folder``: relative path -> (size, mtime_ns)."""
    out: dict[str, tuple[int, int]] = {}
    todo = [("", folder)]
    while todo:
        rel, path = todo.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                name = f"{rel}{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    todo.append((name + "/", entry.path))
                else:
                    st = entry.stat(follow_symlinks=False)
                    out[name] = (st.st_size, st.st_mtime_ns)
    return out


def _prune(folder: str, stale: Sequence[str]) -> None:
    """Delete ``stale`` files, then every folder left empty."""
    for rel in stale:
        os.unlink(os.path.join(folder, rel))
    for dirpath, dirnames, filenames in os.walk(folder, topdown=False):
        if dirpath != folder and not dirnames and not filenames:
            try:
                os.rmdir(dirpath)
            except OSError:
                pass


def _build(config: Any, cache: dict[bytes, _Rendered] | None, keys: Mapping[str, bytes],
           now_values: tuple[str, str], workers: int,
           template_code: jinja2.BytecodeCache | None = None,
           known: _Manifest | None = None, theme_dirs: Sequence[Path] = ()) -> tuple[RenderStats, _Manifest]:
    """MkDocs' ``build()`` (1.6), step for step, except that pages are rendered by :func:`_render_page`:
    on several cores when there are many, and not at all when ``cache`` holds them.

    ``known``: the folder holds an earlier build, whose page files are as recorded there. It is then
    not emptied first: unchanged page files are left as they are, and what the new build does not
    produce is deleted at the end (MkDocs rewrites its other files anyway).
    """
    logger = logging.getLogger("mkdocs")
    warning_counter = mkdocs_utils.CountHandler()
    warning_counter.setLevel(logging.WARNING)
    if config.strict:
        logger.addHandler(warning_counter)
    inclusion = InclusionLevel.is_included
    try:
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        site_dir = config.site_dir
        if known is None:
            mkdocs_utils.clean_directory(site_dir)
            before: dict[str, tuple[int, int]] = {}
        else:
            before = _snapshot(site_dir)

        files = get_files(config)
        # The layers below the repository's theme/: the bundled overrides, then Material's own.
        for n, folder in enumerate(theme_dirs[1:], start=1):
            config.theme.dirs.insert(n, str(folder))
        env = config.theme.get_env()
        env.loader = _PageTemplatesHidden(env.loader)
        # Templates do not change during a build: no file check on each of the ~40 includes per page.
        env.auto_reload = False
        _remember_templates(env)
        if template_code is not None:
            env.bytecode_cache = template_code
        files.add_files_from_theme(env, config)
        main_template = _page_template(env)
        if theme_dirs:
            own = os.path.join(str(theme_dirs[0]), PAGE_TEMPLATES, "")
            for file in [f for f in files if f.abs_src_path and f.abs_src_path.startswith(own)]:
                files.remove(file)  # page templates are never published
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)
        _memoize_nav(env, nav, config)

        doc_files = files.documentation_pages(inclusion=inclusion)
        pages: list[MkDocsPage] = []
        for file in doc_files:
            if file.page is None and file.inclusion.is_not_in_nav():
                MkDocsPage(None, file, config)
            assert file.page is not None
            pages.append(file.page)

        done: dict[str, _Rendered] = {}
        if cache is not None:
            for page in pages:
                hit = cache.get(keys.get(page.file.src_uri, b""))
                if hit is not None:
                    done[page.file.src_uri] = hit
        todo = [p for p in pages if p.file.src_uri not in done]

        plugin = config.plugins.get("statuspress")
        specs: Mapping[str, Page] = plugin._pages if isinstance(plugin, _StatuspressPlugin) else {}
        index = _search_index(config)
        if index is not None:
            _speed_up_search(index)
        # The navigation (on every page, and on 404.html) shows these pages: read them first.
        for page in nav.pages:
            _populate(page, config, files, specs.get(page.file.src_uri))
        env = config.plugins.on_env(env, config=config, files=files)

        now_bytes = (now_values[0].encode("utf-8", "xmlcharrefreplace"), now_values[1].encode("utf-8", "xmlcharrefreplace"))
        # A one-off build writes each page where it is rendered (workers too): nothing to keep, and
        # the HTML need not travel back to this process. Otherwise the pages are written below.
        direct = cache is None and known is None

        def render(run: Sequence[MkDocsPage]) -> dict[str, _Rendered]:
            out = {}
            for page in run:
                if page.content is None:
                    _populate(page, config, files, specs.get(page.file.src_uri))
                rendered = _render_page(page, config, doc_files, nav, env, index, theme_dirs, main_template)
                if direct:
                    if rendered.html:
                        mkdocs_utils.write_file(_with_now(rendered.html, now_bytes), page.file.abs_dest_path)
                    rendered = _Rendered(b"", rendered.entries, written=True)
                elif cache is not None:
                    rendered = rendered.pack()
                out[page.file.src_uri] = rendered
            return out

        def in_worker(run: Sequence[MkDocsPage]) -> tuple[str, Any, list[tuple[str, int, str]]]:
            logged = _Logged()  # the worker's warnings, to be logged (and counted) by the parent
            logging.getLogger("mkdocs").addHandler(logged)
            try:
                return "ok", render(run), logged.records
            except TemplateFailure as exc:
                return "template", str(exc), logged.records
            except Exception as exc:
                return "error", f"{type(exc).__name__}: {exc}", logged.records

        parts = max(1, min(workers, len(todo) // max(PARALLEL_MIN_PAGES // 2, 1)))
        if parts > 1 and forked.fork_safe():
            runs = _split(todo, parts, {k: len(v.html) for k, v in specs.items()})
            children = [forked.Forked(lambda run=run: in_worker(run)) for run in runs[1:]]
            try:
                done.update(render(runs[0]))
            except BaseException:
                for child in children:
                    child.discard()
                raise
            errors = []
            for child in children:
                try:
                    kind, value, records = child.result()
                except forked.WorkerDied as exc:
                    errors.append(str(exc))
                    continue
                for name, level, message in records:
                    logging.getLogger(name).log(level, message)
                if kind == "ok":
                    done.update(value)
                elif kind == "template":
                    raise TemplateFailure(value)
                else:
                    errors.append(value)
            if errors:
                raise mkdocs_exceptions.BuildError(errors[0])
        else:
            parts = 1
            done.update(render(todo))

        files.copy_static_files(inclusion=inclusion)
        try:
            for template in config.theme.static_templates:
                mkdocs_build_module._build_theme_template(template, env, files, config, nav)
            for template in config.extra_templates:
                mkdocs_build_module._build_extra_template(template, files, config, nav)
        except jinja2.TemplateError as e:
            raise TemplateFailure(describe_template_error(e, theme_dirs)) from None

        entries: list[dict[str, Any]] = []
        manifest: _Manifest = {}
        for page in pages:
            rendered = done[page.file.src_uri]
            entries.extend(rendered.entries)
            if rendered.html and not rendered.written:
                dest = page.file.dest_uri
                digest = rendered.final_digest(now_bytes)
                kept = known.get(dest) if known is not None else None
                if kept is not None and kept[0] == digest and before.get(dest) == kept[1]:
                    manifest[dest] = kept  # the folder already holds exactly this file
                    continue
                html = _with_now(rendered.unpacked(), now_bytes)
                mkdocs_utils.write_file(html, page.file.abs_dest_path)
                st = os.stat(page.file.abs_dest_path)
                manifest[dest] = (digest, (st.st_size, st.st_mtime_ns))
        if index is not None:
            index.entries[:] = entries

        config.plugins.on_post_build(config=config)
        if counts := warning_counter.get_counts():
            msg = ", ".join(f"{v} {k.lower()}s" for k, v in counts)
            raise mkdocs_exceptions.Abort(f"Aborted with {msg} in strict mode!")

        if known is not None:
            # Left over from the earlier build: not a page of this one and not written just now.
            after = _snapshot(site_dir)
            _prune(site_dir, [rel for rel, sig in after.items() if rel not in manifest and before.get(rel) == sig])

        if cache is not None:
            cache.clear()
            for page in pages:
                key = keys.get(page.file.src_uri)
                if key is not None:
                    cache[key] = done[page.file.src_uri]
        return RenderStats(len(pages), len(todo), len(pages) - len(todo), parts), manifest
    except Exception as e:
        config.plugins.on_build_error(error=e)
        if isinstance(e, mkdocs_exceptions.BuildError):
            logging.getLogger("mkdocs.commands.build").error(str(e))
            raise mkdocs_exceptions.Abort("Aborted with a BuildError!") from None
        raise
    finally:
        logger.removeHandler(warning_counter)


class Renderer:
    """Renders sites with MkDocs; with ``reuse``, keeps each page's output for the next build.

    ``statuspress serve`` keeps one across rebuilds: a page whose content and
    site-wide settings (navigation, theme, base URL, versions) did not change
    is not rendered again. The output is byte-for-byte what a fresh build
    writes; tests compare the two.
    """

    def __init__(self, reuse: bool = False, workers: int | None = None) -> None:
        self._cache: dict[bytes, _Rendered] | None = {} if reuse else None
        self._site_key: bytes | None = None
        self.workers = workers if workers is not None else _cpus()
        self.last: RenderStats | None = None
        self._templates = _TemplateCode()
        # Page files each output folder holds, by the folder's identity (it moves when swapped in).
        self._folders: dict[tuple[int, int], _Manifest] = {}

    @property
    def reuses(self) -> bool:
        """Whether this renderer keeps work between builds (and can update an earlier output folder)."""
        return self._cache is not None

    def knows(self, folder: Path) -> bool:
        """Whether ``folder`` is one this renderer filled (and can update rather than rewrite)."""
        ident = _folder_id(folder)
        return ident is not None and ident in self._folders

    def adopt(self, folder: Path, copy: Path) -> None:
        """``copy`` is a copy of ``folder`` with sizes and times kept: update it like ``folder``."""
        source, target = _folder_id(folder), _folder_id(copy)
        if self._cache is not None and source in self._folders and target is not None:
            self._folders[target] = dict(self._folders[source])

    def render(
        self,
        pages: Sequence[Page],
        files: Mapping[str, bytes],
        nav: Sequence[tuple[str, str]],
        settings: SiteSettings,
        site_dir: Path,
        now: datetime,
    ) -> RenderStats:
        """Build the whole site into ``site_dir``, which ends up holding exactly this site.

        With ``reuse``, a folder this renderer filled before is updated (only the
        page files that differ are written); any other folder is emptied first.
        Raises :class:`RenderError` for anything MkDocs rejects, including its
        ``Abort`` (a ``SystemExit``) so that no caller is ever terminated by it.
        """
        cache = self._cache
        folder = _folder_id(site_dir)
        known = self._folders.pop(folder, None) if folder is not None else None
        if cache is None:
            known = None
        keys: dict[str, bytes] = {}
        if cache is not None:
            nav_paths = {path for _, path in nav}
            site_key = _site_key(settings, nav, [p for p in pages if p.path in nav_paths])
            if site_key != self._site_key:
                cache.clear()
                self._site_key = site_key
            keys = {p.path: site_key + _page_key(p) for p in pages}
        # What the footer template prints for the real values (they arrive escaped, as Markup).
        now_html = (str(_markup(settings.now_iso)), str(_markup(settings.now_text)))
        with (
            tempfile.TemporaryDirectory(prefix="statuspress-mkdocs-") as scratch,
            _quiet_mkdocs() as log,
            _source_date_epoch(now),
        ):
            # An empty docs_dir: MkDocs insists on one; every page comes from the plugin.
            docs_dir = Path(scratch) / "docs"
            docs_dir.mkdir()
            try:
                config = load_config(
                    config_file=io.StringIO("{}"),
                    config_file_path=os.path.join(scratch, "mkdocs.yml"),
                    **_config_options(settings, nav, docs_dir, site_dir),
                )
                footer = dict(config["extra"]["sp_footer"])
                footer.update(now_iso=Markup(_NOW_ISO), now_text=Markup(_NOW_TEXT))
                config["extra"]["sp_footer"] = footer
                if settings.branding.primary_color or settings.branding.accent_color:
                    files = {**files, BRAND_CSS: brand_css(settings.branding)}
                config.plugins["statuspress"] = _StatuspressPlugin(pages, files, now_html)
                stats, manifest = _build(config, cache, keys, now_html, self.workers, self._templates, known,
                                         settings.theme_dirs)
            except TemplateFailure as exc:
                if cache is not None:
                    cache.clear()
                raise RenderError(str(exc)) from None
            except jinja2.TemplateError as exc:  # anywhere else MkDocs reads a template
                if cache is not None:
                    cache.clear()
                raise RenderError(describe_template_error(exc, settings.theme_dirs)) from None
            except (mkdocs_exceptions.Abort, mkdocs_exceptions.MkDocsException) as exc:
                if cache is not None:
                    cache.clear()
                details = "; ".join(log.messages) or str(exc)
                raise RenderError(f"MkDocs could not build the site: {details}") from None
            except SystemExit as exc:  # anything else MkDocs or a plugin may exit with
                if cache is not None:
                    cache.clear()
                details = "; ".join(log.messages) or f"exit code {exc.code}"
                raise RenderError(f"MkDocs stopped the build: {details}") from None
        self.last = stats
        if cache is not None and folder is not None:
            self._folders[folder] = manifest
            while len(self._folders) > 2:  # the live folder and the spare
                self._folders.pop(next(iter(self._folders)))
        return stats


def render_site(
    pages: Sequence[Page],
    files: Mapping[str, bytes],
    nav: Sequence[tuple[str, str]],
    settings: SiteSettings,
    site_dir: Path,
    now: datetime,
) -> None:
    """Build the whole site into ``site_dir`` once (see :class:`Renderer` for repeated builds)."""
    Renderer().render(pages, files, nav, settings, site_dir, now)


class ServeError(Exception):
    """The preview server cannot listen (port taken, host unknown); ``str()`` says why."""


def serve(
    rebuild: Callable[[Path], None],
    watch: Sequence[Path],
    site_dir: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
) -> None:
    """Serve ``site_dir`` with live reload; ``rebuild(site_dir)`` runs on start and on every change.

    ``rebuild`` goes through the same pipeline as ``statuspress build`` (it
    validates, renders and swaps the folder in), so what you preview is what
    gets published. A failed rebuild keeps the last good site on screen.
    """
    from mkdocs.livereload import LiveReloadServer

    def builder() -> None:
        rebuild(site_dir)

    server = LiveReloadServer(builder=builder, host=host, port=port, root=str(site_dir))
    # Listen before the first build, so a taken port or unknown host is reported before
    # anything says "serving"; serve() would bind again, so it is told not to.
    try:
        server.server_bind()
        server.server_activate()
    except OSError as exc:
        server.server_close()
        raise ServeError(exc.strerror or str(exc)) from None
    server.server_bind = server.server_activate = lambda: None  # type: ignore[method-assign]
    app = server.serve_request

    def guarded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        # A NUL in the path (GET /%00) cannot name a file: open() would raise inside the server.
        if "\x00" in environ.get("PATH_INFO", ""):
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"400 Bad Request: the path holds a NUL character\n"]
        return app(environ, start_response)

    server.set_app(guarded)
    for path in watch:
        if path.exists():
            server.watch(str(path))

    def error_page(code: int) -> bytes | None:
        page = site_dir / f"{code}.html"
        return page.read_bytes() if code in (404, 500) and page.is_file() else None

    server.error_handler = error_page
    builder()
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
