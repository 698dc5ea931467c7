"""What both importers share: the result type, the mapping file, front-matter text, HTML to Markdown.

Importers are pure: ``source data -> ImportResult``. Only :mod:`generator.importers.apply`
touches the repository, and it never overwrites a file the user changed.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import yaml

from generator.slug import slugify
from generator.timeparse import format_timestamp


@dataclass(frozen=True)
class ReportItem:
    """One thing in the source a person should look at. ``source`` names the file and record."""

    source: str
    code: str
    message: str


@dataclass(frozen=True)
class ServiceSpec:
    """A service the import needs in site_config.yml."""

    id: str
    name: str
    group: str
    description: str = ""


@dataclass(frozen=True)
class SiteSpec:
    """``site:`` values for a repository that has no site_config.yml yet."""

    name: str
    url: str
    timezone: str
    description: str = ""


@dataclass(frozen=True)
class ImportResult:
    files: tuple[tuple[str, str], ...]  # (path relative to the root, text), sorted by path
    services: tuple[ServiceSpec, ...]
    report: tuple[ReportItem, ...]
    site: SiteSpec | None = None
    counts: tuple[tuple[str, int], ...] = ()
    strays: tuple[tuple[str, int], ...] = ()  # undeclared names and how many records name them


# Import report codes: what kind of inconsistency was found. Documented in docs/importing.md.
REPORT_CODES: dict[str, str] = {
    "I001": "unreadable source file (not JSON / YAML, or not the expected shape); skipped",
    "I002": "unparseable or missing timestamp; the record is skipped",
    "I003": "resolution before the start; the record is skipped",
    "I004": "zero-length incident (resolved at its start, typical of back-dated imports); duration marked unknown",
    "I005": "copied timestamp: several updates share one time",
    "I006": "update before the incident's start; started_at set to the first update (a reported repair)",
    "I007": "component or system not declared and not in the mapping file; left out of the incident",
    "I008": "impact taken from the incident's overall impact (no per-update affected components)",
    "I009": "text cut to the field's length limit",
    "I010": "update without text in the source",
    "I011": "status the model has no word for; kept as text in the body",
    "I012": "update without a time in the source; kept in the body, not as an update",
    "I013": "resolved with no closing update; a resolved update was added at the recorded resolution time",
    "I014": "naive time read in the site's time zone",
    "I015": "duplicate record id; the later one is skipped",
    "I016": "a file already in the repository differs from the import; kept (use --force to replace)",
    "I017": "mapping file entry names a service that does not exist",
    "I018": "updates after the resolution (a reopening)",
    "I019": "HTML with tags beyond simple lists, links and emphasis; tags dropped, text kept",
    "I020": "a time after now (--now); the record is skipped",
    "I021": "a dated section after the recorded resolution; the resolution is moved to it (a reported repair)",
}


def future_times(front: dict[str, Any], now: datetime | None) -> list[str]:
    """Times in a generated record that lie after ``now`` (validation refuses them)."""
    if now is None:
        return []
    limit = utc(now)
    stamps = [front.get("started_at"), front.get("resolved_at")] + [u.get("at") for u in front.get("updates") or []]
    return sorted({s for s in stamps if isinstance(s, str) and s > limit})


def parse_map(data: Any) -> tuple[dict[str, str], list[str]]:
    """The ``--map`` file: ``name or id -> service id``. Returns (mapping, errors)."""
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, ["the mapping file must be a YAML mapping: 'Old component name: service-id'"]
    out: dict[str, str] = {}
    errors: list[str] = []
    for key, value in data.items():
        if not isinstance(value, str) or slugify(value) != value:
            errors.append(f"{key!r}: {value!r} is not a service id (lowercase letters, digits, -)")
            continue
        out[str(key)] = value
    return out, errors


def utc(value: datetime) -> str:
    return format_timestamp(value.astimezone(UTC))


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.nodes.ScalarNode:
    # Multi-line text as a literal block, so imported messages stay readable in the file.
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str_presenter)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096,
                     default_flow_style=False)


def content_file(front: dict[str, Any], body: str) -> str:
    """A content file: front-matter, then the Markdown body (one trailing newline)."""
    text = "---\n" + dump_yaml(front) + "---\n"
    body = body.strip("\n")
    return text + (body + "\n" if body else "")


def clean_text(text: str) -> str:
    """Line endings normalised, trailing spaces and control characters removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\x85]", " ", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


_SIMPLE_TAGS = {"a", "b", "strong", "i", "em", "code", "br", "p", "ul", "ol", "li", "div", "span", "pre"}


class _ToMarkdown(HTMLParser):
    """Simple HTML (lists, links, emphasis, paragraphs) to Markdown; other tags lose their markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [is_ordered, counter]
        self.href: list[str | None] = []
        self.other_tags = False
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SIMPLE_TAGS:
            self.other_tags = True
        if tag in ("b", "strong"):
            self.out.append("**")
        elif tag in ("i", "em"):
            self.out.append("_")
        elif tag == "code":
            self.out.append("`")
        elif tag == "br":
            self.out.append("\n")
        elif tag in ("p", "div"):
            self.out.append("\n\n")
        elif tag == "pre":
            self.pre += 1
            self.out.append("\n\n```\n")
        elif tag in ("ul", "ol"):
            self.lists.append([1 if tag == "ol" else 0, 0])
            self.out.append("\n")
        elif tag == "li":
            indent = "  " * max(len(self.lists) - 1, 0)
            if self.lists and self.lists[-1][0]:
                self.lists[-1][1] += 1
                self.out.append(f"\n{indent}{self.lists[-1][1]}. ")
            else:
                self.out.append(f"\n{indent}- ")
        elif tag == "a":
            href = dict(attrs).get("href")
            safe = href if href and re.match(r"^(https?://|mailto:)", href) else None
            self.href.append(safe)
            if safe:
                self.out.append("[")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("b", "strong"):
            self.out.append("**")
        elif tag in ("i", "em"):
            self.out.append("_")
        elif tag == "code":
            self.out.append("`")
        elif tag in ("p", "div"):
            self.out.append("\n\n")
        elif tag == "pre":
            self.pre = max(self.pre - 1, 0)
            self.out.append("\n```\n\n")
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.out.append("\n\n")
        elif tag == "a" and self.href:
            href = self.href.pop()
            if href:
                self.out.append(f"]({href.replace(')', '%29').replace(' ', '%20')})")

    def handle_data(self, data: str) -> None:
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
        self.out.append(data)


_TAG = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9]*\b[^>]*>")


def html_to_markdown(text: str) -> tuple[str, bool]:
    """(Markdown, had tags beyond the simple ones). Text without tags is returned as it is."""
    if not _TAG.search(text):
        return clean_text(html.unescape(text) if re.search(r"&[a-z]+;|&#\d+;", text) else text), False
    parser = _ToMarkdown()
    try:
        parser.feed(text)
        parser.close()
    except Exception:  # html.parser is lenient; this is for the unforeseen
        return clean_text(_TAG.sub(" ", html.unescape(text))), True
    md = "".join(parser.out)
    md = "\n".join(line.strip() if not line.lstrip().startswith(("- ", "* ")) and not re.match(r"^\s*\d+\. ", line)
                   else line.rstrip() for line in md.split("\n"))
    return clean_text(md), parser.other_tags


def unique_id(base: str, taken: set[str], suffix: str) -> str:
    """``base`` if free, else ``base-<suffix>``, else numbered: deterministic for one input."""
    candidates = [base, f"{base}-{slugify(suffix, fallback='x', max_length=12)}"]
    for candidate in candidates:
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    n = 2
    while f"{candidates[1]}-{n}" in taken:
        n += 1
    taken.add(f"{candidates[1]}-{n}")
    return f"{candidates[1]}-{n}"


@dataclass
class Reporter:
    items: list[ReportItem] = field(default_factory=list)

    def add(self, source: str, code: str, message: str) -> None:
        self.items.append(ReportItem(source, code, message))

    def sorted(self) -> tuple[ReportItem, ...]:
        return tuple(sorted(set(self.items), key=lambda r: (r.source, r.code, r.message)))
