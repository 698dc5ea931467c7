"""Authoring commands: new incident / update / resolve / new postmortem / new maintenance.

Every command runs through the real CLI against a small repository in tmp_path,
and every file it writes must pass ``check_repository``.
"""

from __future__ import annotations

import difflib
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from generator.author import AuthoringError, new_incident, split_lines, yaml_scalar
from generator.cli import main
from generator.model import DEFAULT_HEADINGS
from generator.slug import free_path, slugify
from generator.validate import check_repository

SITE_CONFIG = """\
site: {name: Test Status, url: https://status.test.example/, timezone: Europe/Berlin, description: A test site}
services:
  - {id: api, name: Public API, group: Core, slo: 99.9, since: 2025-01-01}
  - {id: dashboard, name: Dashboard, group: Core, since: 2025-01-01}
severities:
  SEV-1: {label: Critical, response_target: 1h}
  SEV-2: {label: Major, response_target: 4h}
  SEV-3: {label: Moderate, response_target: 24h}
  SEV-4: {label: Low, response_target: next_business_day}
categories: [deploy, configuration, capacity, network, database, dependency, security, hardware, other]
uptime: {weights: {major_outage: 1.0, partial_outage: 0.3, degraded_performance: 0.0}, bars_days: 90}
postmortems: {required_for: [SEV-1, SEV-2], due_days: {SEV-1: 5, SEV-2: 10, default: 15}, late_detection: 30m, long_major_outage: 60m}
publish: {kpis: internal}
"""

T0 = "2026-03-14T09:20:00Z"
T_LATER = "2026-03-14T09:48:00Z"
T_END = "2026-03-14T10:30:00Z"
INC = "2026-03-14-elevated-error-rates-on-the-api"


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "site_config.yml").write_text(SITE_CONFIG, encoding="utf-8")
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def ok(*args: str) -> Path:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return Path(result.output.strip().splitlines()[-1])


def refused(*args: str, says: str) -> str:
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert says in result.output, result.output
    assert "Traceback" not in result.output
    return result.output


def problems(root: Path, now: str, strict: bool = True) -> list[str]:
    _, found = check_repository(root, ts(now), strict=strict)
    return [f"{p.path}:{p.line}: {p.code} {p.message}" for p in found]


def declare(root: Path, *extra: str) -> Path:
    return ok("new", "incident", "Elevated error rates on the API", "--severity", "SEV-2",
              "--service", "api=major_outage", "--started-at", "2026-03-14T09:12:00Z",
              "--now", T0, "--root", str(root), *extra)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def load_front(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---", 2)[1])


# ------------------------------------------------------------------ new incident


def test_new_incident_writes_a_valid_file(repo: Path) -> None:
    path = declare(repo, "--service", "dashboard", "--detection", "alert", "--category", "deploy",
                   "--detected-at", "2026-03-14T09:15:00Z", "--commander", "sre-oncall")
    assert path == repo / "content" / "incidents" / f"{INC}.md"
    front = load_front(path)
    assert front["severity"] == "SEV-2"
    assert front["services"] == {"api": "major_outage", "dashboard": "partial_outage"}  # partial by default
    assert path.read_text().count("started_at: 2026-03-14T09:12:00Z") == 1
    assert "detected_at: 2026-03-14T09:15:00Z" in path.read_text()
    assert "acknowledged_at" not in front and "resolved_at" not in front
    assert front["updates"][0]["status"] == "investigating"
    assert "Public API, Dashboard" in front["updates"][0]["message"]
    assert problems(repo, T0) == []
    model, _ = check_repository(repo, ts(T0))
    (inc,) = model.incidents
    assert inc.id == INC and inc.is_open and inc.commander == "sre-oncall"
    assert inc.updates[0].at == ts(T0)


def test_new_incident_accepts_priority_alias_and_defaults_started_at_to_now(repo: Path) -> None:
    path = ok("new", "incident", "Slow dashboard", "--severity", "p3", "--service", "dashboard=degraded_performance",
              "--now", T0, "--root", str(repo))
    front = load_front(path)
    assert front["severity"] == "SEV-3"
    assert "started_at: 2026-03-14T09:20:00Z" in path.read_text()
    assert problems(repo, T0) == []


@pytest.mark.parametrize("title", [
    'Errors: "API" #3 down',
    "It's 50% broken - [EU] {prod} & more",
    "yes",
    "null",
    "2026-03-14",
    "- leading dash",
    "Ünïcödé Störung",
])
def test_titles_that_need_quoting_round_trip(repo: Path, title: str) -> None:
    # "--" lets a title start with a dash.
    path = ok("new", "incident", "--severity", "SEV-3", "--service", "api", "--now", T0, "--root", str(repo), "--", title)
    assert problems(repo, T0) == []
    model, _ = check_repository(repo, ts(T0))
    assert model.incident(path.stem).title == title


@pytest.mark.parametrize("title, says", [
    ("Two\nlines", "line break"),
    ("   ", "title is empty"),
    ("x" * 121, "at most 120"),
])
def test_bad_titles_are_refused(repo: Path, title: str, says: str) -> None:
    refused("new", "incident", title, "--severity", "SEV-2", "--service", "api", "--now", T0, "--root", str(repo),
            says=says)
    assert not (repo / "content" / "incidents").exists() or not any((repo / "content" / "incidents").iterdir())


def test_a_title_cannot_escape_the_content_folder(repo: Path) -> None:
    path = ok("new", "incident", "../../x", "--severity", "SEV-2", "--service", "api", "--now", T0,
              "--root", str(repo))
    folder = (repo / "content" / "incidents").resolve()
    assert path.resolve().parent == folder
    assert path.name == "2026-03-14-x.md"
    assert sorted(p.name for p in repo.iterdir()) == ["content", "site_config.yml"]


def test_name_clash_adds_a_number_and_never_overwrites(repo: Path) -> None:
    first = declare(repo)
    before = first.read_bytes()
    second = declare(repo)
    third = declare(repo)
    assert [first.name, second.name, third.name] == [f"{INC}.md", f"{INC}-2.md", f"{INC}-3.md"]
    assert first.read_bytes() == before


@pytest.mark.parametrize("args, says", [
    (["--service", "apx"], "did you mean api"),
    (["--service", "api=down"], "unknown impact 'down'"),
    (["--service", "api", "--category", "deploys"], "did you mean deploy"),
    (["--service", "api", "--started-at", "2026-03-14T10:00:00Z"], "after now"),
    (["--service", "api", "--started-at", "2026-03-14T09:10:00Z", "--detected-at", "2026-03-14T09:00:00Z"],
     "not between started_at"),
])
def test_new_incident_refusals(repo: Path, args: list[str], says: str) -> None:
    refused("new", "incident", "Broken", "--severity", "SEV-2", *args, "--now", T0, "--root", str(repo), says=says)
    assert snapshot(repo) == {"site_config.yml": SITE_CONFIG.encode()}


def test_bad_severity_and_bad_timestamps(repo: Path) -> None:
    refused("new", "incident", "Broken", "--severity", "SEV-9", "--service", "api", "--now", T0, "--root", str(repo),
            says="unknown severity")
    # A naive timestamp is a usage error (exit 2) from the option type.
    result = run("new", "incident", "Broken", "--severity", "SEV-2", "--service", "api",
                 "--now", "2026-03-14T09:20:00", "--root", str(repo))
    assert result.exit_code == 2 and "no time zone offset" in result.output


def test_missing_site_config_is_a_clear_refusal(tmp_path: Path) -> None:
    refused("new", "incident", "Broken", "--severity", "SEV-2", "--service", "api", "--now", T0,
            "--root", str(tmp_path), says="site_config.yml: not found")


def test_core_function_raises_authoring_error_with_hint(repo: Path) -> None:
    with pytest.raises(AuthoringError) as info:
        new_incident(repo, ts(T0), "Broken", "SEV-2", [("nope", None)])
    assert "unknown service 'nope'" in info.value.message
    assert "api" in info.value.hint


# ------------------------------------------------------------------ update / resolve


def test_update_appends_and_sets_acknowledged_at(repo: Path) -> None:
    path = declare(repo)
    ok("update", INC, "--status", "identified", "-m", "A bad deploy: rolling back.", "--service", "api=partial_outage",
       "--severity", "P1", "--eta", "2026-03-14T10:30:00Z", "--now", T_LATER, "--root", str(repo))
    front = load_front(path)
    assert "acknowledged_at: 2026-03-14T09:48:00Z" in path.read_text()
    last = front["updates"][-1]
    assert last["status"] == "identified" and last["message"] == "A bad deploy: rolling back."
    assert last["services"] == {"api": "partial_outage"} and last["severity"] == "SEV-1"
    assert problems(repo, T_LATER) == []
    model, _ = check_repository(repo, ts(T_LATER))
    inc = model.incident(INC)
    assert inc.max_severity == "SEV-1"
    assert inc.current_impacts() == {"api": "partial_outage"}
    assert inc.updates[-1].eta == ts("2026-03-14T10:30:00Z")
    # A later update leaves acknowledged_at alone.
    ok("update", INC, "--status", "monitoring", "-m", "Fix deployed.", "--now", "2026-03-14T10:00:00Z",
       "--root", str(repo))
    assert path.read_text().count("acknowledged_at:") == 1
    assert "acknowledged_at: 2026-03-14T09:48:00Z" in path.read_text()
    assert problems(repo, "2026-03-14T10:00:00Z") == []


def test_update_still_investigating_does_not_acknowledge(repo: Path) -> None:
    path = declare(repo)
    ok("update", INC, "--status", "investigating", "-m", "Still looking.", "--now", T_LATER, "--root", str(repo))
    assert "acknowledged_at" not in load_front(path)
    assert len(load_front(path)["updates"]) == 2


def test_resolve_sets_resolved_at_to_the_update_time(repo: Path) -> None:
    path = declare(repo)
    ok("resolve", INC, "-m", "Error rates are back to normal.", "--now", T_END, "--root", str(repo))
    front = load_front(path)
    text = path.read_text()
    assert front["updates"][-1]["status"] == "resolved"
    assert "resolved_at: 2026-03-14T10:30:00Z" in text
    assert "acknowledged_at: 2026-03-14T10:30:00Z" in text  # it was never acknowledged before
    model, found = check_repository(repo, ts(T_END), strict=True)
    assert [p for p in found if p.level == "error"] == []
    inc = model.incident(INC)
    assert inc.resolved_at == inc.updates[-1].at == ts(T_END)
    assert not inc.is_open


def test_update_accepts_a_path_as_id(repo: Path) -> None:
    path = declare(repo)
    ok("update", str(path), "--status", "identified", "-m", "Found it.", "--now", T_LATER, "--root", str(repo))
    assert len(load_front(path)["updates"]) == 2


def _untouched(repo: Path, *args: str, says: str) -> None:
    before = snapshot(repo)
    refused(*args, "--root", str(repo), says=says)
    assert snapshot(repo) == before


def test_update_refuses_unknown_id_with_suggestion(repo: Path) -> None:
    declare(repo)
    _untouched(repo, "update", INC[:-3], "--status", "identified", "-m", "x", "--now", T_LATER,
               says=f"did you mean {INC}")
    _untouched(repo, "resolve", "../site_config", "-m", "x", "--now", T_LATER, says="no incident")


def test_resolve_refuses_a_resolved_incident(repo: Path) -> None:
    declare(repo)
    ok("resolve", INC, "-m", "Fixed.", "--now", T_END, "--root", str(repo))
    _untouched(repo, "resolve", INC, "-m", "again", "--now", "2026-03-14T11:00:00Z", says="already resolved")


def test_update_after_resolution_reopens_and_resolve_closes_again(repo: Path) -> None:
    declare(repo)
    ok("resolve", INC, "-m", "Fixed.", "--now", T_END, "--root", str(repo))
    ok("update", INC, "--status", "investigating", "-m", "Reopened: errors are back.", "--now",
       "2026-03-14T11:00:00Z", "--root", str(repo))
    path = repo / "content" / "incidents" / f"{INC}.md"
    text = path.read_text(encoding="utf-8")
    assert "resolved_at" not in text and "Reopened: errors are back." in text
    model, problems = check_repository(repo, ts("2026-03-14T11:30:00Z"))
    assert [p for p in problems if p.level == "error"] == []
    inc = model.incident(INC)
    assert inc is not None and inc.is_open and inc.reopened
    ok("resolve", INC, "-m", "Fixed for good.", "--now", "2026-03-14T12:00:00Z", "--root", str(repo))
    model, problems = check_repository(repo, ts("2026-03-14T12:30:00Z"))
    assert [p for p in problems if p.level == "error"] == []
    inc = model.incident(INC)
    assert inc is not None and inc.resolved_at == ts("2026-03-14T12:00:00Z") and not inc.is_open


def test_update_refuses_time_before_last_update(repo: Path) -> None:
    declare(repo)
    _untouched(repo, "update", INC, "--status", "identified", "-m", "x", "--now", "2026-03-14T09:19:00Z",
               says="before the last one")


def test_update_refuses_eta_in_the_past(repo: Path) -> None:
    declare(repo)
    _untouched(repo, "update", INC, "--status", "identified", "-m", "x", "--eta", "2026-03-14T09:00:00Z",
               "--now", T_LATER, says="--eta")


def test_update_refuses_unknown_service(repo: Path) -> None:
    declare(repo)
    _untouched(repo, "update", INC, "--status", "identified", "-m", "x", "--service", "dashbord=major_outage",
               "--now", T_LATER, says="did you mean dashboard")


def test_update_refuses_impact_words_validate_would_reject(repo: Path) -> None:
    declare(repo)
    _untouched(repo, "update", INC, "--status", "monitoring", "-m", "x", "--service", "api=under_maintenance",
               "--now", T_LATER, says="unknown impact 'under_maintenance'")


def test_update_can_mark_one_service_recovered(repo: Path) -> None:
    from generator.compute.status import service_statuses

    path = declare(repo, "--service", "dashboard=degraded_performance")
    ok("update", INC, "--status", "monitoring", "-m", "The API has recovered.", "--service", "api=operational",
       "--now", T_LATER, "--root", str(repo))
    assert problems(repo, T_LATER) == []
    assert load_front(path)["updates"][-1]["services"] == {"api": "operational"}
    model, _ = check_repository(repo, ts(T_LATER))
    statuses = service_statuses(model, ts(T_LATER))
    assert statuses["api"] == "operational" and statuses["dashboard"] == "degraded_performance"


def test_update_refuses_symlink(repo: Path) -> None:
    path = declare(repo)
    real = repo / "elsewhere.md"
    real.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(real)
    _untouched(repo, "update", INC, "--status", "identified", "-m", "x", "--now", T_LATER, says="symbolic link")


@pytest.mark.parametrize("front, says", [
    ("title: [unclosed\nupdates: []\n", "does not parse"),
    ("title: A\ntitle: B\nupdates:\n  - at: 2026-03-14T09:20:00Z\n    status: investigating\n    message: x\n",
     "duplicate key"),
    ("- just\n- a list\n", "not a mapping"),
    ("title: A\nupdates: [{at: 2026-03-14T09:20:00Z, status: investigating, message: x}]\n", "not a block list"),
])
def test_update_refuses_front_matter_it_cannot_edit_safely(repo: Path, front: str, says: str) -> None:
    folder = repo / "content" / "incidents"
    folder.mkdir(parents=True)
    (folder / "2026-03-14-bad.md").write_text(f"---\n{front}---\nbody\n", encoding="utf-8")
    _untouched(repo, "update", "2026-03-14-bad", "--status", "identified", "-m", "x", "--now", T_LATER, says=says)


def test_duplicate_key_refusal_names_the_line(repo: Path) -> None:
    folder = repo / "content" / "incidents"
    folder.mkdir(parents=True)
    (folder / "dup.md").write_text("---\ntitle: A\nseverity: SEV-2\ntitle: B\n---\n", encoding="utf-8")
    out = refused("resolve", "dup", "-m", "x", "--now", T_LATER, "--root", str(repo), says="duplicate key")
    assert "dup.md:4:" in out


def test_file_without_front_matter_is_refused(repo: Path) -> None:
    folder = repo / "content" / "incidents"
    folder.mkdir(parents=True)
    (folder / "plain.md").write_text("no front matter\n", encoding="utf-8")
    _untouched(repo, "resolve", "plain", "-m", "x", "--now", T_LATER, says="no front-matter")


# ------------------------------------------------------------------ byte-for-byte edits

HAND_WRITTEN = """\
---
# Incident declared by hand; keep this comment.
title: 'Checkout: payments "stuck"'   # quoted on purpose
services:
    api:   major_outage        # odd indentation and spacing
severity: SEV-2
started_at: 2026-03-14T10:12:00+01:00
detected_at: "2026-03-14T09:15:00Z"
commander: sre-oncall
updates:
-   at: 2026-03-14T09:20:00Z     # the first one
    status: investigating
    message: >-
      We are investigating
      stuck payments.

# trailing comment, after the list
category: deploy
---
Body with trailing spaces\x20\x20\x20
  and an indented line\t
"""


def _only_insertions(old: str, new: str) -> list[str]:
    """The inserted lines, after asserting that no original line changed or moved."""
    a, b = split_lines(old), split_lines(new)
    inserted: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        assert op in ("equal", "insert"), (op, a[i1:i2], b[j1:j2])
        if op == "insert":
            inserted.extend(b[j1:j2])
    return inserted


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_update_changes_nothing_but_the_appended_lines(repo: Path, newline: str) -> None:
    folder = repo / "content" / "incidents"
    folder.mkdir(parents=True)
    path = folder / "2026-03-14-checkout.md"
    original = HAND_WRITTEN.replace("\n", newline)
    path.write_bytes(original.encode("utf-8"))
    os.chmod(path, 0o640)

    ok("update", "2026-03-14-checkout", "--status", "identified", "-m", "Payments: a queue is stuck",
       "--service", "api=partial_outage", "--now", T_LATER, "--root", str(repo))
    new = path.read_bytes().decode("utf-8")
    inserted = _only_insertions(original, new)
    assert inserted == [
        f"acknowledged_at: 2026-03-14T09:48:00Z{newline}",
        f"-   at: 2026-03-14T09:48:00Z{newline}",
        f"    status: identified{newline}",
        f'    message: "Payments: a queue is stuck"{newline}',
        f"    services: {{api: partial_outage}}{newline}",
    ]
    # The body is untouched, trailing spaces and all; every line keeps the file's line ending.
    assert new.endswith(original.split(f"---{newline}", 2)[2])
    if newline == "\r\n":
        assert new.count("\r\n") == new.count("\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    # The new item sits right after the last one, before the blank line and the trailing comment.
    lines = split_lines(new)
    idx = lines.index(f"    services: {{api: partial_outage}}{newline}")
    assert lines[idx + 1] == newline and lines[idx + 2].startswith("# trailing comment")
    assert lines[lines.index(f"detected_at: \"2026-03-14T09:15:00Z\"{newline}") + 1].startswith("acknowledged_at")
    assert problems(repo, T_LATER) == []

    ok("resolve", "2026-03-14-checkout", "-m", "Payments flow again.", "--now", T_END, "--root", str(repo))
    final = path.read_bytes().decode("utf-8")
    assert _only_insertions(new, final) == [
        f"resolved_at: 2026-03-14T10:30:00Z{newline}",
        f"-   at: 2026-03-14T10:30:00Z{newline}",
        f"    status: resolved{newline}",
        f"    message: Payments flow again.{newline}",
    ]
    model, found = check_repository(repo, ts(T_END))
    assert [p for p in found if p.level == "error"] == []
    inc = model.incident("2026-03-14-checkout")
    assert inc.title == 'Checkout: payments "stuck"'
    assert inc.updates[0].message == "We are investigating stuck payments."
    assert inc.resolved_at == ts(T_END)


def test_update_keeps_block_scalar_that_keeps_trailing_newlines(repo: Path) -> None:
    folder = repo / "content" / "incidents"
    folder.mkdir(parents=True)
    path = folder / "keep.md"
    original = (
        "---\ntitle: Keep\nseverity: SEV-3\nservices: {api: degraded_performance}\n"
        "started_at: 2026-03-14T09:00:00Z\ndetected_at: 2026-03-14T09:00:00Z\n"
        "updates:\n  - at: 2026-03-14T09:20:00Z\n    status: investigating\n    message: |+\n      first\n\n\n"
        "resolved_at: null   # filled in on resolve\n---\n"
    )
    path.write_text(original, encoding="utf-8")
    ok("resolve", "keep", "-m", "Done.", "--now", T_END, "--root", str(repo))
    new = path.read_text(encoding="utf-8")
    data = YAML(typ="safe").load(new.split("---\n")[1])
    assert data["updates"][0]["message"] == "first\n\n\n"  # the kept newlines are still there
    assert data["updates"][1]["message"] == "Done."
    assert "resolved_at: 2026-03-14T10:30:00Z   # filled in on resolve\n" in new
    assert "resolved_at: null" not in new


def test_update_adds_updates_list_when_missing(repo: Path) -> None:
    folder = repo / "content" / "incidents"
    folder.mkdir(parents=True)
    path = folder / "2026-03-14-bare.md"
    original = ("---\ntitle: Bare\nseverity: SEV-3\nservices: {api: degraded_performance}\n"
                "started_at: 2026-03-14T09:00:00Z\ndetected_at: 2026-03-14T09:10:00Z\n---\n")
    path.write_text(original, encoding="utf-8")
    ok("update", "2026-03-14-bare", "--status", "investigating", "-m", "Looking.", "--now", T0, "--root", str(repo))
    assert _only_insertions(original, path.read_text()) == [
        "updates:\n", "  - at: 2026-03-14T09:20:00Z\n", "    status: investigating\n", "    message: Looking.\n",
    ]
    assert problems(repo, T0) == []


# ------------------------------------------------------------------ post-mortem


def test_new_postmortem_is_a_valid_blameless_draft_with_the_timeline(repo: Path) -> None:
    declare(repo, "--detection", "customer_report")
    ok("update", INC, "--status", "identified", "-m", "A bad deploy is being rolled back.", "--now", T_LATER,
       "--root", str(repo))
    ok("resolve", INC, "-m", "Error rates are back to normal.", "--now", T_END, "--root", str(repo))
    path = ok("new", "postmortem", INC, "--author", "sre-team", "--now", "2026-03-15T08:00:00Z", "--root", str(repo))
    assert path == repo / "content" / "postmortems" / f"{INC}.md"
    text = path.read_text(encoding="utf-8")
    front = load_front(path)
    assert front["incidents"] == [INC] and front["status"] == "draft" and front["visibility"] == "public"
    assert front["authors"] == ["sre-team"] and front["summary"] and front["contributing_factors"]
    (item,) = front["action_items"]
    assert str(item["due"]) == "2026-04-14" and item["status"] == "open" and item["owner"] == "sre-team"
    for heading in DEFAULT_HEADINGS:
        assert f"\n## {heading}\n" in text
    timeline = text.split("## Timeline\n", 1)[1].split("\n## ", 1)[0]
    assert "- 2026-03-14 09:12 — Customer impact began." in timeline
    assert "- 2026-03-14 09:20 — Detected (customer report)." in timeline
    assert "- 2026-03-14 09:48 — Identified: A bad deploy is being rolled back." in timeline
    assert "- 2026-03-14 10:30 — Resolved: Error rates are back to normal." in timeline
    assert timeline.index("09:20 — Investigating") < timeline.index("09:48 — Identified") < timeline.index("10:30")
    # Strict: not even a blameless-lint warning in the placeholders.
    assert problems(repo, "2026-03-15T08:00:00Z", strict=True) == []
    model, _ = check_repository(repo, ts("2026-03-15T08:00:00Z"))
    assert [pm.id for pm in model.postmortems_for(INC)] == [INC]


def test_new_postmortem_uses_configured_headings_and_refuses_twice(repo: Path) -> None:
    config = repo / "site_config.yml"
    config.write_text(SITE_CONFIG.replace(
        "long_major_outage: 60m}",
        "long_major_outage: 60m, required_headings: [Summary, Timeline, Customer communication, Action items]}"))
    declare(repo)
    path = ok("new", "postmortem", INC, "--now", T_LATER, "--root", str(repo))
    text = path.read_text()
    assert "## Customer communication\n" in text and "## Where we got lucky" not in text
    assert load_front(path)["authors"] == ["incident-team"]
    assert problems(repo, T_LATER) == []
    _untouched(repo, "new", "postmortem", INC, "--now", T_LATER, says="already exists")


def test_new_postmortem_refuses_when_another_covers_the_incident(repo: Path) -> None:
    declare(repo)
    folder = repo / "content" / "postmortems"
    folder.mkdir(parents=True)
    (folder / "combined.md").write_text(f"---\ntitle: Combined\nincidents: [{INC}]\n---\n", encoding="utf-8")
    _untouched(repo, "new", "postmortem", INC, "--now", T_LATER, says="already covers")


def test_new_postmortem_refuses_unknown_incident(repo: Path) -> None:
    declare(repo)
    _untouched(repo, "new", "postmortem", "2026-03-14-elevated-errors", "--now", T_LATER, says=f"did you mean {INC}")


# ------------------------------------------------------------------ maintenance


def test_new_maintenance_writes_a_valid_file(repo: Path) -> None:
    path = ok("new", "maintenance", "Database upgrade", "--start", "2026-04-02T22:00:00Z",
              "--end", "2026-04-03T01:30:00+02:00", "--service", "api", "--service", "dashboard=degraded_performance",
              "--now", T0, "--root", str(repo))
    assert path == repo / "content" / "maintenance" / "2026-04-02-database-upgrade.md"
    front = load_front(path)
    assert front["services"] == {"api": "under_maintenance", "dashboard": "degraded_performance"}
    assert "scheduled_end: 2026-04-02T23:30:00Z" in path.read_text()
    assert front["updates"] == [{"at": ts(T0), "status": "scheduled",
                                 "message": "Scheduled maintenance of Public API, Dashboard."}]
    assert problems(repo, T0) == []
    model, _ = check_repository(repo, ts(T0))
    assert model.maintenance[0].state(ts(T0)) == "scheduled"


def test_new_maintenance_refusals(repo: Path) -> None:
    args = ["new", "maintenance", "Upgrade", "--now", T0, "--root", str(repo)]
    refused(*args, "--start", "2026-04-02T22:00:00Z", "--end", "2026-04-02T21:00:00Z", "--service", "api",
            says="not after --start")
    refused(*args, "--start", "2026-04-02T22:00:00Z", "--end", "2026-04-02T23:00:00Z", "--service", "api=broken",
            says="unknown impact")
    assert snapshot(repo) == {"site_config.yml": SITE_CONFIG.encode()}


# ------------------------------------------------------------------ help


@pytest.mark.parametrize("command", [["new"], ["new", "incident"], ["new", "postmortem"], ["new", "maintenance"],
                                     ["update"], ["resolve"]])
def test_every_command_help_has_an_example(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output and "statuspress " in result.output


def test_help_states_the_default_impact() -> None:
    assert "partial_outage (the default)" in " ".join(run("new", "incident", "--help").output.split())


# ------------------------------------------------------------------ slugs and scalars


def test_slugify_examples() -> None:
    assert slugify("Elevated error rates on the API") == "elevated-error-rates-on-the-api"
    assert slugify("Élevé: Störung / API #2") == "eleve-storung-api-2"
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("日本語") == "incident"
    assert slugify("!!!", fallback="maintenance") == "maintenance"
    long = slugify("word " * 40)
    assert len(long) <= 60 and long.endswith("word")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_slugify_is_always_a_safe_file_name(title: str) -> None:
    slug = slugify(title)
    assert slug and len(slug) <= 60
    assert "/" not in slug and ".." not in slug and "\\" not in slug
    assert slug == slug.strip("-") and slug.isascii()


def test_free_path_refuses_names_outside(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        free_path(tmp_path, "../outside")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",))))
def test_yaml_scalar_round_trips_through_both_readers(value: str) -> None:
    text = f"k: {yaml_scalar(value)}\n"
    assert "\n" not in text[:-1]  # always one line
    assert yaml.safe_load(text) == {"k": value}
    assert YAML(typ="safe").load(text) == {"k": value}


def test_now_defaults_to_source_date_epoch(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 2026-03-14T09:20:00Z: the CLI reads the clock (here SOURCE_DATE_EPOCH) once, at the edge.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime(2026, 3, 14, 9, 20, tzinfo=UTC).timestamp())))
    path = ok("new", "incident", "Clock", "--severity", "SEV-4", "--service", "api", "--root", str(repo))
    assert load_front(path)["updates"][0]["at"] == ts(T0)


def test_docs_authoring_examples_match_real_output(repo: Path) -> None:
    """docs/authoring.md shows files these commands really write (times as in the doc)."""
    import re

    doc = (Path(__file__).resolve().parents[1] / "docs" / "authoring.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```(?:yaml|markdown)\n(.*?)^```$", doc, flags=re.M | re.S)
    assert len(blocks) == 4
    r = ["--root", str(repo)]
    inc = ok("new", "incident", "Elevated error rates on the API", "--severity", "SEV-2",
             "--service", "api=major_outage", "--service", "dashboard=degraded_performance",
             "--detection", "alert", "--reported-by", "alertmanager/api-5xx", "--category", "deploy",
             "--started-at", "2026-03-14T09:12:00Z", "--detected-at", "2026-03-14T09:15:00Z", "--now", T0, *r)
    assert inc.read_text() == blocks[0]
    ok("update", inc.stem, "--status", "identified", "-m", "A bad deploy is being rolled back.",
       "--service", "api=partial_outage", "--eta", "+45m", "--now", T_LATER, *r)
    ok("update", inc.stem, "--status", "monitoring", "-m", "The rollback is complete; error rates are falling.",
       "--now", "2026-03-14T10:02:00Z", *r)
    ok("resolve", inc.stem, "-m", "Error rates are back to normal.", "--now", T_END, *r)
    assert inc.read_text() == blocks[1]
    pm = ok("new", "postmortem", inc.stem, "--author", "sre-team", "--now", "2026-03-15T09:00:00Z", *r)
    assert pm.read_text() == blocks[2]
    mw = ok("new", "maintenance", "Database upgrade", "--start", "2027-04-02T22:00:00Z", "--end", "2027-04-02T23:30:00Z",
            "--service", "api", "--service", "dashboard=degraded_performance", "--now", "2026-03-20T10:00:00Z", *r)
    assert mw.read_text() == blocks[3]
    assert problems(repo, "2026-03-20T10:00:00Z") == []


# ------------------------------------------------------------------ property: edits only insert


@st.composite
def incident_files(draw) -> str:
    """Hand-written incident front-matter in many layouts, with comments and blank lines."""
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    pad = draw(st.sampled_from([0, 2, 4]))
    off = draw(st.sampled_from([2, 4]))
    comment = st.sampled_from(["", "# a note", "   # indented note", "#"])
    message = draw(st.sampled_from([
        ["message: Plain text."],
        ['message: "Quoted: text #1"'],
        ["message: 'single ''quoted'''"],
        ["message: >-", "  Folded", "  text."],
        ["message: |", "  Literal", "", "  text."],
    ]))
    lines_after = draw(st.lists(st.sampled_from(["", "# after", "  # indented after"]), max_size=3))
    item = [f"{' ' * pad}-{' ' * (off - 1)}at: 2026-03-14T09:20:00Z   # first",
            f"{' ' * (pad + off)}status: investigating"]
    item += [f"{' ' * (pad + off)}{m}" if m else "" for m in message]
    top = [
        ["title: 'Hand: written'  # c"], ["severity: SEV-3"], ["services:", "  api: degraded_performance"],
        ["started_at: 2026-03-14T09:00:00Z"], ["detected_at: 2026-03-14T09:10:00Z"],
    ]
    order = draw(st.permutations(range(len(top))))
    body = []
    for i in order:
        c = draw(comment)
        body += ([c] if c else []) + top[i]
    body += ["updates:", *item, *lines_after]
    if draw(st.booleans()):
        body += ["category: deploy  # trailing key"]
    text_body = draw(st.sampled_from(["", "Body line   ", "Body\n\n  indented\t\n"]))
    return nl.join(["---", *body, "---", ""]) + text_body.replace("\n", nl)


@settings(max_examples=120, deadline=None)
@given(incident_files(), st.sampled_from(["investigating", "identified", "resolved"]))
def test_any_layout_gets_only_insertions(original: str, status: str) -> None:
    import tempfile

    from generator.author import update_incident

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "site_config.yml").write_text(SITE_CONFIG, encoding="utf-8")
        folder = root / "content" / "incidents"
        folder.mkdir(parents=True)
        path = folder / "2026-03-14-hand.md"
        path.write_bytes(original.encode("utf-8"))
        before = yaml.safe_load(original.replace("\r\n", "\n").split("---\n")[1])
        update_incident(root, ts(T_LATER), "2026-03-14-hand", status, "Next: step.")
        new = path.read_bytes().decode("utf-8")
        inserted = _only_insertions(original, new)
        newline = "\r\n" if "\r\n" in original else "\n"
        assert all(line.endswith(newline) for line in inserted)
        after = yaml.safe_load(new.replace("\r\n", "\n").split("---\n")[1])
        expected_update = {"at": ts(T_LATER), "status": status, "message": "Next: step."}
        assert after["updates"] == before["updates"] + [expected_update]
        extra = {k: v for k, v in after.items() if k != "updates" and before.get(k) != v}
        want = {}
        if status != "investigating":
            want["acknowledged_at"] = ts(T_LATER)
        if status == "resolved":
            want["resolved_at"] = ts(T_LATER)
        assert extra == want
        _, found = check_repository(root, ts(T_LATER))
        assert [p for p in found if p.level == "error"] == []


def test_new_postmortem_and_update_accept_unknown_times(repo: Path) -> None:
    declare(repo)
    path = repo / "content" / "incidents" / f"{INC}.md"
    text = path.read_text(encoding="utf-8")
    lines = [("detected_at: unknown" if line.startswith("detected_at:") else line) for line in text.split("\n")]
    path.write_text("\n".join(lines), encoding="utf-8")
    ok("update", INC, "--status", "identified", "-m", "Found it.", "--now", T_LATER, "--root", str(repo))
    ok("new", "postmortem", INC, "--now", T_LATER, "--root", str(repo))
    written = (repo / "content" / "postmortems" / f"{INC}.md").read_text(encoding="utf-8")
    assert "Detected" not in written and "Found it." in written
