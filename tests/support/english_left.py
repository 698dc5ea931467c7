"""Find English interface words left in a site built in another language.

Pages, feeds, the calendar, charts and badges are read. What counts as an interface word: a piece of an English message of the catalog
template (``generator/locale/messages.pot``), split at its placeholders and HTML
tags, that the language's own translation does not also contain (German says
"Status" too). A page's text is every text node and every ``aria-label``,
``title`` and ``alt``. Text the user wrote (``content/`` and ``site_config.yml``)
is the user's: a text node found in those files is not looked at.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "generator" / "locale"
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[-0-9.]*[sd]|%%|<[^>]+>")
_WORD = re.compile(r"[A-Za-z]")
ATTRIBUTES = ("aria-label", "title", "alt")
# Pages, feeds, the calendar, charts and badges (the API's JSON is a machine contract: English).
SCANNED = (".html", ".rss", ".atom", ".svg", ".ics")


def _unfold(text: str) -> str:
    """RFC 5545 folded lines joined again."""
    return re.sub(r"\r?\n[ \t]", "", text)


def _pieces(text: str) -> list[str]:
    out = []
    for piece in _PLACEHOLDER.split(text):
        piece = " ".join(piece.split()).strip(" ,.:;()-")
        if len(re.findall(r"[A-Za-z]", piece)) >= 4:
            out.append(piece)
    return out


def english_pieces(language: str, po_dir: Path = LOCALE) -> set[str]:
    """Pieces of English messages that the language's catalog does not say itself."""
    with (po_dir / "messages.pot").open("rb") as fh:
        template = read_po(fh)
    with (po_dir / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    found: set[str] = set()
    for message in template:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        translated = catalog.get(message.id, context=message.context)
        strings = translated.string if translated is not None else ""
        said = " ".join(strings if isinstance(strings, tuple) else (strings,))
        for text in ids:
            for piece in _pieces(text):
                if piece not in said:
                    found.add(piece)
    return found


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ATTRIBUTES and value:
                self.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(data)


def page_texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return [" ".join(unescape(t).split()) for t in parser.texts]


def user_text(repo: Path) -> str:
    """Everything the user wrote, as one string to look text up in."""
    parts = [(repo / "site_config.yml").read_text(encoding="utf-8")]
    parts += [p.read_text(encoding="utf-8") for p in sorted((repo / "content").rglob("*.md"))]
    return " ".join(" ".join(parts).split())


def english_left(site: Path, repo: Path, language: str, po_dir: Path = LOCALE,
                 skip_material: bool = True) -> dict[str, set[str]]:
    """File path -> the English interface pieces found in it (empty: none)."""
    pieces = english_pieces(language, po_dir)
    single = {p for p in pieces if " " not in p}
    several = {p for p in pieces if " " in p}
    patterns = [(p, re.compile(r"(?<![A-Za-z])" + re.escape(p) + r"(?![A-Za-z])")) for p in several]
    mine = user_text(repo)
    out: dict[str, set[str]] = {}
    files = [p for p in sorted(site.rglob("*")) if p.suffix in SCANNED and p.is_file()]
    for page in files:
        rel = page.relative_to(site).as_posix()
        html = page.read_text(encoding="utf-8")
        if skip_material:
            # Material's own words come from Material's translations (theme.language); ours only.
            html = re.sub(r'<label class="md-(?:search|nav|header)[^"]*".*?</label>', "", html, flags=re.S)
        if page.suffix == ".ics":
            texts = [" ".join(line.split()) for line in _unfold(html).replace("\\n", "\n").replace("\\,", ",")
                     .splitlines() if line.startswith(("SUMMARY", "DESCRIPTION", "X-WR-", " "))]
        else:
            texts = page_texts(html)
            if page.suffix in (".rss", ".atom"):  # entry HTML travels escaped, as text
                texts += [t for text in texts if "<" in text for t in page_texts(text)]
        hits: set[str] = set()
        for text in texts:
            if not _WORD.search(text) or text in mine:
                continue
            bare = text.strip(" ,.:;()-·")
            if bare in single:
                hits.add(bare)
            for piece, pattern in patterns:
                if pattern.search(text) and piece not in mine:
                    hits.add(piece)
        if hits:
            out[rel] = hits
    return out


# ---------------------------------------------------------------- text the same as in English
#
# A word nobody wrapped in _() is in no catalog, so the pieces above cannot know it. It shows as
# text that is the same on the English site and on the other language's: every such text is
# looked at word by word, and a word that is neither the user's, nor in the language's own
# catalog, nor a month or day name of the language, nor one of Material's words for it, is left.

# Addresses, tag URIs, RFC 822 dates, and the site's own paths (api/v2/incidents/unresolved.json).
_MACHINE = re.compile(r"^(?:https?://|tag:|mailto:|[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} |[\w./-]+\.(?:json|svg|rss|atom|ics)$)")
_LATIN = re.compile(r"[A-Za-z]{2,}")


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _LATIN.findall(text)}


def own_words(language: str, po_dir: Path = LOCALE) -> set[str]:
    """Latin-letter words the language itself uses: its catalog, CLDR's month and day names, Material's."""
    from babel import Locale

    from generator import i18n

    with (po_dir / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    words: set[str] = set()
    for m in catalog:
        for s in (m.string if isinstance(m.string, tuple) else (m.string,)):
            words |= _words(_PLACEHOLDER.sub(" ", s or ""))
    loc = Locale.parse(language, sep="-")
    for table in (loc.months, loc.days):
        for context in table.values():
            for names in context.values():
                words |= {n.casefold() for n in names.values()}
    material = Path(i18n._material_dir()) / f"{i18n.material_language(language)}.html"
    if material.is_file():
        words |= _words(" ".join(re.findall(r'": "([^"]*)"', material.read_text(encoding="utf-8"))))
    return words | {"rss", "atom", "json", "svg", "ics", "api", "slo", "sev", "kpis", "utc", "cet", "cest"}


def same_as_english(site: Path, english: Path, repo: Path, language: str,
                    po_dir: Path = LOCALE) -> dict[str, set[str]]:
    """File path -> the words of text identical to the English site's that the language does not use."""
    allowed = own_words(language, po_dir) | _words(user_text(repo))
    out: dict[str, set[str]] = {}
    for page in sorted(p for p in site.rglob("*") if p.suffix in SCANNED and p.is_file()):
        rel = page.relative_to(site).as_posix()
        other = english / rel
        if not other.is_file() or page.suffix == ".ics":
            continue
        same = set(page_texts(page.read_text(encoding="utf-8"))) & set(page_texts(other.read_text(encoding="utf-8")))
        hits = {w for text in same if not _MACHINE.match(text) for w in _words(text) - allowed}
        if hits:
            out[rel] = hits
    return out
