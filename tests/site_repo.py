"""Helpers for the site tests: copy the example repository, add content, read a built site."""

from __future__ import annotations

import gzip
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

from generator.site.build import BuildOptions, BuildResult, build_site
from generator.timeparse import parse_timestamp

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_NOW = "2026-11-26T12:00:00Z"


def copy_example(dest: Path, *, reverse: bool = False) -> Path:
    """Copy site_config.yml and content/ to ``dest`` (the bundled theme is used from the checkout).

    ``reverse=True`` creates the content files in reverse name order, so a
    build that depended on directory listing order would differ.
    """
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO_ROOT / "site_config.yml", dest / "site_config.yml")
    files = sorted(p for p in (REPO_ROOT / "content").rglob("*") if p.is_file())
    if reverse:
        files.reverse()
    for folder in ("incidents", "maintenance", "postmortems"):
        (dest / "content" / folder).mkdir(parents=True, exist_ok=True)
    for src in files:
        target = dest / src.relative_to(REPO_ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
    return dest


def build(root: Path, out: Path, *, internal: bool = False, drafts: bool = False,
          now: str = EXAMPLE_NOW) -> BuildResult:
    return build_site(BuildOptions(root=root, out=out, now=parse_timestamp(now), internal=internal, drafts=drafts))


def incidents_without_postmortem(root: Path) -> list[str]:
    taken: set[str] = set()
    for pm in (root / "content" / "postmortems").glob("*.md"):
        m = re.search(r"^incidents:\s*\[([^\]]*)\]", pm.read_text(encoding="utf-8"), re.MULTILINE)
        if m:
            taken.update(x.strip() for x in m.group(1).split(","))
    ids = sorted(p.stem for p in (root / "content" / "incidents").glob("*.md"))
    return [i for i in ids if i not in taken]


def postmortem_text(incident_id: str, *, title: str, summary: str, body_marker: str, action_title: str,
                    owner: str, status: str = "published", visibility: str = "public") -> str:
    """A complete, valid post-mortem file (front matter and every required heading)."""
    published = "published_at: 2026-11-20T10:00:00Z\n" if status == "published" else ""
    return f"""---
title: {title}
incidents: [{incident_id}]
status: {status}
visibility: {visibility}
authors: [{owner}]
{published}review_meeting: 2026-11-19
follow_up_review: 2027-02-19
summary: {summary}
contributing_factors:
  - The alert threshold was tuned for weekday traffic. {body_marker}
action_items:
  - title: {action_title}
    type: detect
    owner: {owner}
    due: 2027-01-15
    status: open
---
## Summary

{body_marker} The summary of what happened.

## Impact

Some requests failed.

## Timeline

- 09:00 the alert fired.

## Contributing factors

The threshold was tuned for weekday traffic.

## What went well

The rollback was quick.

## What went wrong

The dashboard lagged by five minutes.

## Where we got lucky

Traffic was low.

## Action items

Tracked in the table.
"""


def site_files(site: Path) -> Iterator[tuple[Path, bytes]]:
    """Every file of a built site; gzip files are yielded decompressed."""
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        yield path, data


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


class Element(HTMLParser):
    """Collects (tag, attrs, text-inside-script) for every start tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None
        self._script_text: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr_map = dict(attrs)
        self.tags.append((tag, attr_map))
        if tag == "script":
            self._in_script = attr_map
            self._script_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script is not None:
            self.scripts.append((self._in_script, "".join(self._script_text)))
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._script_text.append(data)
        else:
            self.text.append(data)


def parse_html(path: Path) -> Element:
    parser = Element()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def nav_html(page_html: str) -> str:
    """The primary navigation sidebar of a Material page (what is rendered on every page)."""
    start = page_html.index('md-sidebar--primary')
    end = page_html.index('md-sidebar--secondary', start)
    return page_html[start:end]
