"""User-written Markdown -> sanitised HTML: the one source of trusted markup.

Incident, maintenance and post-mortem bodies are converted with
Python-Markdown and cleaned with nh3 (no scripts, event handlers, styles or
``javascript:`` links). The result is :class:`markupsafe.Markup`, so
templates insert it as it is; everything else a template prints is
escaped by autoescape.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import markdown as md_lib
import nh3
from markupsafe import Markup

# Valid HTML5 only (nh3's defaults include obsolete tags such as <center> that
# the validator rejects) and no <h1>: a page has one, ours.
_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "time": {"datetime"},
    "code": {"class"},
}
# magiclink: a bare https://... or www. address becomes a link, as readers expect of a status page.
# tilde: ~~struck~~ times ("~~17:00~~ 13:00"), without ~subscript~.
_MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "sane_lists", "pymdownx.magiclink", "pymdownx.tilde"]
_EXTENSION_CONFIGS = {"pymdownx.tilde": {"subscript": False}}
# Short texts (update messages, summaries, factors) keep their line breaks, as they showed before Markdown.
_SHORT_EXTENSIONS = [*_MARKDOWN_EXTENSIONS, "nl2br"]
_PARAGRAPH = re.compile(r"\A<p>(.*)</p>\Z", re.DOTALL)
_H1 = re.compile(r"<(/?)h1>")

_MARKDOWN = threading.local()

# Plain text: most update messages and bodies are a sentence or two with no Markdown in them.
# For those the HTML is known without running Markdown and nh3 (tests/test_markdown_plain.py
# compares the two ways on generated texts). Anything Markdown or magiclink could read as syntax
# goes the full way: these characters anywhere, a line that could open a list, quote or heading,
# a web or mail address, whitespace other than single spaces inside a line.
_SYNTAX_CHARS = frozenset("\\`*_{}[]<>#|~&@=^")
_LINE_START = re.compile(r"[-+*>#]|\d+[.)]")
_ADDRESS = re.compile(r"(?i)www\.|://")


def _plain_html(text: str, short: bool) -> str | None:
    """The HTML Markdown and nh3 make of ``text`` when it is plain text, else None."""
    text = text.rstrip("\n")  # (trailing spaces are kept: ". " is "<p>. </p>")
    if not text.replace("\n", "").isprintable() or not _SYNTAX_CHARS.isdisjoint(text) or _ADDRESS.search(text):
        return None
    lines = text.split("\n")
    for line in lines:
        if not line or line[0] == " " or line[-1] == " " or _LINE_START.match(line):
            return None
    return "<p>" + ("<br>\n" if short else "\n").join(lines) + "</p>"


def render_markdown(text: str) -> Markup:
    """User-written Markdown -> sanitised HTML (``Markup``; empty for a blank body)."""
    if not text.strip():
        return Markup("")
    plain = _plain_html(text, short=False)
    return Markup(plain) if plain is not None else _render_markdown(text)


def render_short_markdown(text: str) -> Markup:
    """An update message, summary or contributing factor: Markdown with its line breaks kept."""
    if not text.strip():
        return Markup("")
    plain = _plain_html(text, short=True)
    return Markup(plain) if plain is not None else _render_markdown(text, short=True)


def render_inline_markdown(text: str) -> Markup:
    """One line of Markdown for a place inside a sentence or list item: no wrapping paragraph."""
    html = str(render_short_markdown(text)).strip()
    match = _PARAGRAPH.match(html)
    if match and "<p>" not in match.group(1):
        html = match.group(1)
    return Markup(html)  # sanitised above; unwrapping a paragraph adds nothing


@lru_cache(maxsize=32768)
def _render_markdown(text: str, short: bool = False) -> Markup:
    # Pure, so remembered: a preview's rebuild, or the internal build after the public one,
    # does not convert the same body again. One Markdown instance per thread and kind, reset
    # between texts (building one costs more than converting a short body).
    attr = "short" if short else "md"
    md = getattr(_MARKDOWN, attr, None)
    if md is None:
        md = md_lib.Markdown(extensions=_SHORT_EXTENSIONS if short else _MARKDOWN_EXTENSIONS,
                             extension_configs=_EXTENSION_CONFIGS, output_format="html")
        setattr(_MARKDOWN, attr, md)
    html = md.reset().convert(text)
    # Demote a body's "# Title" to h2: the page's own h1 is the title.
    html = _H1.sub(r"<\1h2>", html)
    cleaned = nh3.clean(
        html,
        # No images in short texts: an update goes into every feed entry, where an <img> would
        # load (and track) for every reader.
        tags=_ALLOWED_TAGS - {"img"} if short else _ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return Markup(cleaned)  # nh3 output: the only markup trusted as it is
