"""The validator: every invalid fixture gives its code and line; valid fixtures and the example are clean."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.validate import check_repository, has_errors

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
NOW_TEXT = "2026-11-26T12:00:00Z"
EXPECTED = yaml.safe_load((FIXTURES / "invalid" / "expected.yml").read_text())


def make_repo(tmp: Path, extra: dict[str, Path] | None = None) -> Path:
    """A repository with the fixture config and the valid fixtures, plus extra files (dest -> source)."""
    shutil.copy(FIXTURES / "site_config.yml", tmp / "site_config.yml")
    shutil.copytree(FIXTURES / "valid", tmp / "content")
    for dest, src in (extra or {}).items():
        target = tmp / "content" / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, target)
    return tmp


def test_valid_fixtures_are_clean(tmp_path: Path) -> None:
    model, problems = check_repository(make_repo(tmp_path), NOW)
    assert problems == []
    assert len(model.incidents) == 2 and len(model.postmortems) == 1 and len(model.maintenance) == 1
    inc = model.incident("2026-03-14-api-errors")
    assert inc is not None and inc.max_severity == "SEV-1" and inc.status == "resolved"
    # The +01:00 offset is converted to UTC.
    assert inc.updates[2].at == datetime(2026, 3, 14, 10, 0, tzinfo=UTC)
    assert model.incident("2026-11-26-dashboard-slow").severity == "SEV-3"  # P3 alias


def test_there_are_enough_invalid_cases() -> None:
    assert len(EXPECTED) >= 25
    on_disk = {p.relative_to(FIXTURES / "invalid").as_posix() for p in (FIXTURES / "invalid").rglob("*.md")}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_fixture_gives_its_code_and_line(tmp_path: Path, name: str) -> None:
    src = FIXTURES / "invalid" / name
    dest = name
    if name.startswith("postmortems/"):
        dest = "postmortems/2026-03-14-api-errors.md"  # replaces the valid one
    repo = make_repo(tmp_path, {dest: src})
    _model, problems = check_repository(repo, NOW)
    want = EXPECTED[name]
    path = f"content/{dest}"
    found = [(p.code, p.line) for p in problems if p.path == path]
    assert (want["code"], want["line"]) in found, f"{name}: got {found}"


def test_all_problems_are_collected_not_just_the_first(tmp_path: Path) -> None:
    extra = {n: FIXTURES / "invalid" / n for n in EXPECTED if n.startswith("incidents/")}
    _model, problems = check_repository(make_repo(tmp_path, extra), NOW)
    paths = {p.path for p in problems if p.level == "error"}
    assert len(paths) == len(extra)


def test_warnings_become_errors_under_strict(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    pm = repo / "content/postmortems/2026-03-14-api-errors.md"
    pm.write_text(pm.read_text().replace("due: 2026-12-15", "due: 2026-10-01"))
    _m, problems = check_repository(repo, NOW)
    assert [p.code for p in problems] == ["W061"] and not has_errors(problems)
    _m, strict = check_repository(repo, NOW, strict=True)
    assert [p.code for p in strict] == ["W061"] and has_errors(strict)


def test_required_postmortem_missing_is_reported(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    (repo / "content/postmortems/2026-03-14-api-errors.md").unlink()
    (repo / "content/incidents/2026-11-26-dashboard-slow.md").unlink()
    _m, problems = check_repository(repo, NOW)
    assert [(p.code, p.path) for p in problems] == [("W060", "content/incidents/2026-03-14-api-errors.md")]
    # Not yet due four days after resolution (SEV-1 reached: five days).
    _m, early = check_repository(repo, datetime(2026, 3, 18, 10, tzinfo=UTC))
    assert not [p for p in early if p.code == "W060"]


def test_missing_config_is_one_clear_problem(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    _m, problems = check_repository(tmp_path, NOW)
    assert [(p.path, p.code) for p in problems] == [("site_config.yml", "E070")]


def test_config_typos_are_reported_with_did_you_mean(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    cfg = repo / "site_config.yml"
    cfg.write_text(cfg.read_text().replace("publish: {kpis: internal}", "publsh: {kpis: internal}")
                   .replace("timezone: Europe/Berlin", "timezone: Europe/Berlinn"))
    _m, problems = check_repository(repo, NOW)
    codes = {(p.code, p.line) for p in problems}
    assert ("E011", 14) in codes and ("E071", 2) in codes
    assert any("did you mean 'publish'" in p.hint for p in problems)


def test_example_history_validates_clean() -> None:
    model, problems = check_repository(REPO, NOW)
    assert not has_errors(problems), "\n".join(map(str, problems))
    assert len(model.incidents) >= 30
    assert sum(inc.is_open for inc in model.incidents) == 2
    assert len(model.config.services) >= 6 and len(model.config.groups()) >= 2
    assert len(model.maintenance) >= 4 and any(mw.state(NOW) == "scheduled" for mw in model.maintenance)
    assert len(model.postmortems) >= 6
    assert {pm.status for pm in model.postmortems} >= {"draft", "published"}
    assert {pm.visibility for pm in model.postmortems} == {"public", "internal"}
    assert {a.status for pm in model.postmortems for a in pm.action_items} == {"open", "in_progress", "done", "wont_do"}
    assert {inc.max_severity for inc in model.incidents} == {"SEV-1", "SEV-2", "SEV-3", "SEV-4"}


# ---------------------------------------------------------------- the CLI and its reporters


def run(args: list[str], **kw):
    return CliRunner().invoke(main, args, catch_exceptions=False, **kw)


def test_cli_text_format(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"incidents/2026-01-01-naive-timestamp.md":
                                FIXTURES / "invalid/incidents/2026-01-01-naive-timestamp.md"})
    result = run(["validate", "--root", str(repo), "--now", NOW_TEXT])
    assert result.exit_code == 1
    assert ("content/incidents/2026-01-01-naive-timestamp.md:7: E012 started_at: '2026-03-14T09:12:00' has no time "
            "zone offset (hint: add Z or +HH:MM)") in result.output


def test_cli_clean_exit_zero(tmp_path: Path) -> None:
    result = run(["validate", "--root", str(make_repo(tmp_path)), "--now", NOW_TEXT])
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_cli_json_format(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"incidents/2026-01-07-unknown-service.md":
                                FIXTURES / "invalid/incidents/2026-01-07-unknown-service.md"})
    result = run(["validate", "--root", str(repo), "--now", NOW_TEXT, "--format", "json"])
    data = json.loads(result.output)
    assert result.exit_code == 1 and data["ok"] is False
    unknown = [p for p in data["problems"] if p["code"] == "E040"]
    assert len(unknown) == 1 and "did you mean 'dashboard'" in unknown[0]["hint"] and unknown[0]["line"] == 6


def test_cli_github_format_escapes_and_writes_summary(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"incidents/2026-01-02-malformed-timestamp.md":
                                FIXTURES / "invalid/incidents/2026-01-02-malformed-timestamp.md"})
    summary = tmp_path / "summary.md"
    result = run(["validate", "--root", str(repo), "--now", NOW_TEXT, "--format", "github"],
                 env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if x.startswith("::error"))
    assert line.startswith("::error file=content/incidents/2026-01-02-malformed-timestamp.md,line=8,title=E013::")
    # A ':' in a message is fine, but newlines and '%' must be escaped for the workflow command.
    assert "\n" not in line and "%" not in line.split("::", 2)[2].replace("%25", "").replace("%0A", "")
    assert "| error | `content/incidents/2026-01-02-malformed-timestamp.md` | 8 | E013 |" in summary.read_text()


def test_cli_usage_error_exit_two(tmp_path: Path) -> None:
    result = run(["validate", "--root", str(tmp_path), "--now", "yesterday"])
    assert result.exit_code == 2
    assert "not an RFC 3339 timestamp" in result.output


def test_github_escaping() -> None:
    from generator.model import Problem
    from generator.report import format_github

    out = format_github([Problem("a,b:c.md", 3, "E001", "50% bad\nnext", "fix")])
    assert out.splitlines()[0] == "::error file=a%2Cb%3Ac.md,line=3,title=E001::50%25 bad%0Anext (hint: fix)"
