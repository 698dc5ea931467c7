"""Open incidents that look forgotten: each fixture gives its warning and line; thresholds come from stale:."""

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
STALE = FIXTURES / "stale"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
EXPECTED = yaml.safe_load((STALE / "expected.yml").read_text())


def make_repo(tmp: Path, names: list[str], config_extra: str = "") -> Path:
    (tmp / "site_config.yml").write_text((FIXTURES / "site_config.yml").read_text() + config_extra)
    shutil.copytree(FIXTURES / "valid", tmp / "content")
    for name in names:
        shutil.copy(STALE / name, tmp / "content" / name)
    return tmp


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_stale_fixture_gives_its_warning_and_line(tmp_path: Path, name: str) -> None:
    _model, problems = check_repository(make_repo(tmp_path, [name]), NOW)
    found = [(p.code, p.line, p.level) for p in problems if p.path == f"content/{name}"]
    assert found == [(EXPECTED[name]["code"], EXPECTED[name]["line"], "warning")]
    assert not has_errors(problems)


def test_every_fixture_on_disk_is_paired_with_a_code() -> None:
    on_disk = {p.relative_to(STALE).as_posix() for p in STALE.rglob("*.md")}
    assert on_disk == set(EXPECTED) and {v["code"] for v in EXPECTED.values()} == {"W090", "W091", "W092"}


def test_thresholds_come_from_site_config(tmp_path: Path) -> None:
    names = sorted(EXPECTED)
    relaxed = make_repo(tmp_path, names, "stale:\n  open_days: 30\n  update_hours: 72\n")
    _model, problems = check_repository(relaxed, NOW)
    assert [p.code for p in problems] == ["W092"]  # an estimate in the past has no threshold


def test_tight_thresholds_and_strict(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, ["incidents/2026-11-26-estimate-passed.md"], "stale:\n  open_days: 1\n  update_hours: 1\n")
    # Open 4 h: under a day. Last update 2 h ago: over an hour.
    _model, problems = check_repository(repo, NOW, strict=True)
    codes = sorted(p.code for p in problems if p.path.endswith("estimate-passed.md"))
    assert codes == ["W091", "W092"] and has_errors(problems)


def test_a_resolved_incident_is_never_stale(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, sorted(EXPECTED))
    later = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    for name in EXPECTED:
        path = repo / "content" / name
        text = path.read_text()
        front = text[len("---\n"):text.rindex("---\n")]
        path.write_text("---\n" + front + "  - at: 2026-11-26T11:30:00Z\n    status: resolved\n    message: Fixed.\n"
                        "resolved_at: 2026-11-26T11:30:00Z\n"
                        + ("" if "acknowledged_at" in front else "acknowledged_at: 2026-11-24T08:05:00Z\n") + "---\n")
    _model, problems = check_repository(repo, later)
    assert not has_errors(problems), problems
    assert not [p for p in problems if p.code.startswith("W09")], problems


def test_bad_threshold_and_bad_subscribe_link_are_errors(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, [], "stale:\n  open_days: 0\n")
    text = (repo / "site_config.yml").read_text()
    (repo / "site_config.yml").write_text(text + "theme:\n  subscribe_url: 'javascript:alert(1)'\n")
    _model, problems = check_repository(repo, NOW)
    assert {(p.code, p.path) for p in problems} == {("E016", "site_config.yml"), ("E086", "site_config.yml")}
    e086 = next(p for p in problems if p.code == "E086")
    assert "subscribe_url" in (repo / "site_config.yml").read_text().splitlines()[e086.line - 1]


def test_cli_reports_the_warnings_as_json(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, sorted(EXPECTED))
    result = CliRunner().invoke(main, ["validate", "--format", "json", "--now", "2026-11-26T12:00:00Z",
                                       "--root", str(repo)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    codes = sorted(p["code"] for p in json.loads(result.output)["problems"])
    assert codes == ["W090", "W091", "W092"]


def test_subscribe_link_is_read_from_theme(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, [], "theme:\n  subscribe_url: https://updates.fixture.example/join\n")
    model, problems = check_repository(repo, NOW)
    assert problems == [] and model.config.site.subscribe_url == "https://updates.fixture.example/join"
