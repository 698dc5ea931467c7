"""Each build flag opens exactly its own door: --drafts shows drafts but nothing internal, --internal
shows internal fields and post-mortems but no drafts, and only both together show internal drafts.

tests/test_site_leaks.py checks the public build of the example against canaries; here a tiny
repository is built four ways and every file of each build is searched for every canary.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.site_repo import postmortem_text, site_files
from tests.test_hostile_cli import NOW, RESOLVED, tiny_repo

FIELD = "CANARYFIELD"  # commander and error_messages: internal fields
DRAFT = "CANARYDRAFT"  # a public post-mortem still in draft
REVIEW = "CANARYREVIEW"  # a public post-mortem in review
INTERNAL = "CANARYINTERNAL"  # a published internal post-mortem
INTERNAL_DRAFT = "CANARYINTDRAFT"  # an internal post-mortem in draft
BUILDS = {
    "public": [],
    "drafts": ["--drafts"],
    "internal": ["--internal"],
    "internal-drafts": ["--internal", "--drafts"],
}
SHOWN_IN = {
    FIELD: {"internal", "internal-drafts"},
    DRAFT: {"drafts", "internal-drafts"},
    REVIEW: {"drafts", "internal-drafts"},
    INTERNAL: {"internal", "internal-drafts"},
    INTERNAL_DRAFT: {"internal-drafts"},
}


def _postmortem(root: Path, incident: str, canary: str, status: str, visibility: str) -> None:
    text = postmortem_text(incident, title=f"{canary} title", summary=f"{canary} summary.",
                           body_marker=f"{canary} body.", action_title=f"Add an alert for {canary}",
                           owner=f"{canary.lower()}-owner", status=status, visibility=visibility)
    (root / "content/postmortems" / f"{incident}.md").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("flags")
    root = tiny_repo(tmp / "repo")
    incidents = root / "content/incidents"
    for path in sorted(incidents.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        text = "".join(line for line in text.splitlines(keepends=True)
                       if not line.startswith(("commander:", "novel:", "error_messages:")))
        head, sep, body = text.partition("\n---\n")
        assert sep, path  # the canaries go into the front-matter, not the body
        head += f'\ncommander: {FIELD}-commander\nnovel: true\nerror_messages: ["{FIELD} 503 in {path.stem}"]'
        path.write_text(head + sep + body, encoding="utf-8")
    for n, (canary, status, visibility) in enumerate([(REVIEW, "in_review", "public"),
                                                      (INTERNAL, "published", "internal"),
                                                      (INTERNAL_DRAFT, "draft", "internal")]):
        incident = f"2026-03-1{5 + n}-copy"
        (incidents / f"{incident}.md").write_text(
            RESOLVED.replace("2026-03-14T", f"2026-03-1{5 + n}T").replace(
                "commander: sre-oncall", f"commander: {FIELD}-commander"), encoding="utf-8")
        _postmortem(root, incident, canary, status, visibility)
    _postmortem(root, "2026-11-26-dashboard-slow", DRAFT, "draft", "public")
    out = {}
    for name, flags in BUILDS.items():
        result = CliRunner().invoke(main, ["build", "--root", str(root), "--out", str(tmp / name), "--now", NOW,
                                           *flags], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        out[name] = tmp / name
    return out


def _holding(site: Path, canary: str) -> list[str]:
    needle = canary.lower().encode()
    return [str(path.relative_to(site)) for path, data in site_files(site)
            if needle in data.lower() or canary.lower() in str(path.relative_to(site)).lower()]


@pytest.mark.parametrize("build", sorted(BUILDS))
def test_each_build_shows_exactly_what_its_flags_allow(builds: dict[str, Path], build: str) -> None:
    site = builds[build]
    for canary, shown_in in SHOWN_IN.items():
        found = _holding(site, canary)
        if build in shown_in:
            assert any(f.endswith(".html") for f in found), (build, canary)
        else:
            assert not found, (build, canary, found[:10])


@pytest.mark.parametrize("build", ["public", "drafts"])
def test_builds_without_internal_have_no_internal_keys_or_sections(builds: dict[str, Path], build: str) -> None:
    site = builds[build]

    def keys(value: object) -> set[str]:
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    for path, data in site_files(site):
        if path.suffix == ".json":
            assert not keys(json.loads(data)) & {"commander", "novel", "error_messages"}, path
        elif path.suffix in (".html", ".rss", ".atom", ".ics", ".xml"):
            text = data.decode("utf-8")
            assert "Novel failure mode" not in text and "Commander" not in text, path
    assert not (site / "kpis").exists()  # KPIs are internal in this configuration


def test_draft_and_internal_pages_are_marked(builds: dict[str, Path]) -> None:
    site = builds["internal-drafts"]
    pages = {canary: next(p for p in (site / "postmortems").glob("*/index.html")
                          if canary in p.read_text(encoding="utf-8"))
             for canary in (DRAFT, REVIEW, INTERNAL, INTERNAL_DRAFT)}
    assert "sp-label--draft" in pages[DRAFT].read_text(encoding="utf-8")
    assert "sp-label--in-review" in pages[REVIEW].read_text(encoding="utf-8")
    assert "sp-label--internal" in pages[INTERNAL].read_text(encoding="utf-8")
    both = pages[INTERNAL_DRAFT].read_text(encoding="utf-8")
    assert "sp-label--internal" in both and "sp-label--draft" in both
