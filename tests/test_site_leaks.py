"""The public build never contains an internal field or an unpublished/internal post-mortem, in any file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.site_repo import build, copy_example, incidents_without_postmortem, postmortem_text, site_files

CANARY = "LEAKCANARY"
COMMANDER = f"{CANARY}-commander"
ERROR = f"{CANARY}-error-message"
DRAFT = f"{CANARY}-draft"
INTERNAL = f"{CANARY}-internal"
INTERNAL_KEYS = {"commander", "novel", "error_messages"}


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """The example with canaries in every internal field, a draft and an internal post-mortem; built twice."""
    tmp = tmp_path_factory.mktemp("leaks")
    root = copy_example(tmp / "repo")
    planted = 0
    for path in sorted((root / "content" / "incidents").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        head, sep, body = text.partition("\n---\n")
        # Drop the existing internal fields (block lists included), then add canaries.
        head = re.sub(r"^(commander|novel|error_messages):.*\n(?:[ \t]+-.*\n)*", "", head + "\n", flags=re.M)
        head = head.rstrip("\n")
        head += f'\ncommander: {COMMANDER}\nnovel: true\nerror_messages: ["{ERROR} 503 from {path.stem}"]'
        path.write_text(head + sep + body, encoding="utf-8")
        planted += 1
    assert planted >= 30
    free = incidents_without_postmortem(root)
    assert len(free) >= 2
    pm_dir = root / "content" / "postmortems"
    (pm_dir / f"{free[0]}.md").write_text(postmortem_text(
        free[0], title=f"{DRAFT} title", summary=f"{DRAFT} summary.", body_marker=f"{DRAFT} body.",
        action_title=f"Add an alert for {DRAFT} action", owner=f"{DRAFT.lower()}-owner", status="draft",
    ), encoding="utf-8")
    (pm_dir / f"{free[1]}.md").write_text(postmortem_text(
        free[1], title=f"{INTERNAL} title", summary=f"{INTERNAL} summary.", body_marker=f"{INTERNAL} body.",
        action_title=f"Add an alert for {INTERNAL} action", owner=f"{INTERNAL.lower()}-owner", visibility="internal",
    ), encoding="utf-8")
    public = build(root, tmp / "public").out
    internal = build(root, tmp / "internal", internal=True, drafts=True).out
    return public, internal


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_public_build_has_no_canary_in_any_file(planted: tuple[Path, Path]) -> None:
    public, _ = planted
    checked = 0
    leaks = []
    for path, data in site_files(public):
        checked += 1
        if CANARY.lower().encode() in data.lower() or CANARY.lower() in str(path).lower():
            leaks.append(str(path.relative_to(public)))
    assert checked > 100
    assert not leaks, leaks
    # The kinds of file the spec names are all among those checked.
    names = {p.relative_to(public).as_posix() for p, _ in site_files(public)}
    for required in ("index.html", "search/search_index.json", "sitemap.xml", "sitemap.xml.gz", "maintenance.ics",
                     "feeds/incidents.atom", "feeds/postmortems.rss", "api/v2/summary.json", "api/v2/incidents.json"):
        assert required in names


def test_public_json_has_no_internal_keys(planted: tuple[Path, Path]) -> None:
    public, _ = planted
    for path, data in site_files(public):
        if path.suffix == ".json":
            assert not (_keys(json.loads(data)) & INTERNAL_KEYS), path


def test_public_pages_have_no_internal_sections(planted: tuple[Path, Path]) -> None:
    public, _ = planted
    for path, data in site_files(public):
        if path.suffix == ".html":
            text = data.decode("utf-8")
            assert "Novel failure mode" not in text and "Commander" not in text, path
            assert "Internal build" not in text


def test_internal_build_shows_them_marked(planted: tuple[Path, Path]) -> None:
    _, internal = planted
    incident_pages = sorted((internal / "incidents").glob("*/index.html"))
    for page in incident_pages:
        html = page.read_text(encoding="utf-8")
        assert COMMANDER in html and ERROR in html
        section = html.split('id="internal"')[1]
        assert "sp-label--internal" in section and "Novel failure mode</dt><dd>yes" in section
    drafts = [p for p in (internal / "postmortems").glob("*/index.html") if DRAFT in p.read_text(encoding="utf-8")]
    internals = [p for p in (internal / "postmortems").glob("*/index.html") if INTERNAL in p.read_text(encoding="utf-8")]
    assert len(drafts) == 1 and len(internals) == 1
    assert "sp-label--draft" in drafts[0].read_text(encoding="utf-8")
    assert "sp-label--internal" in internals[0].read_text(encoding="utf-8")
    index = (internal / "search" / "search_index.json").read_text(encoding="utf-8")
    assert DRAFT in index and INTERNAL in index
