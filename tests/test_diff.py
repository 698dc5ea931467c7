"""`statuspress diff`: what a pull request changes, against a real git repository."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
NOW = "2026-11-26T12:00:00Z"
NEW_INCIDENT = """---
title: Payments API returns errors
severity: SEV-1
services: {api: major_outage}
started_at: 2026-11-26T10:00:00Z
detected_at: 2026-11-26T10:05:00Z
updates:
  - at: 2026-11-26T10:06:00Z
    status: investigating
    message: We are looking into errors on the API.
---
"""


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def make_git_repo(tmp: Path) -> Path:
    shutil.copy(FIXTURES / "site_config.yml", tmp / "site_config.yml")
    shutil.copytree(FIXTURES / "valid", tmp / "content")
    git(tmp, "init", "-q", "-b", "main")
    git(tmp, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", ".")
    git(tmp, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base")
    return tmp


def run(args: list[str]):
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_no_change_is_said_plainly(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path)
    result = run(["diff", "--base", "HEAD", "--root", str(repo), "--now", NOW])
    assert result.exit_code == 0 and "No visible change." in result.output


def test_new_incident_changes_status_uptime_and_budget(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path)
    (repo / "content/incidents/2026-11-26-payments-api-errors.md").write_text(NEW_INCIDENT)
    result = run(["diff", "--base", "HEAD", "--root", str(repo), "--now", NOW, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["incidents"]["added"] == ["2026-11-26-payments-api-errors"]
    assert data["status"]["api"] == {"before": "operational", "after": "major_outage"}
    assert data["overall"]["after"] == "major_outage"
    # Two hours of major outage in the last 24 h: 1 - 120/1440.
    assert abs(data["uptime"]["api"]["24h"]["after"] - 100 * (1 - 120 / 1440)) < 1e-9
    assert data["uptime"]["api"]["24h"]["before"] == 100.0
    before, after = data["budget_remaining_minutes_30d"]["api"].values()
    assert abs((before - after) - 120) < 1e-6

    md = run(["diff", "--base", "HEAD", "--root", str(repo), "--now", NOW]).output
    assert "| Public API | operational | **major outage** |" in md
    assert "Payments API returns errors" in md


def test_resolution_and_update_are_told_apart(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path)
    path = repo / "content/incidents/2026-11-26-dashboard-slow.md"
    text = path.read_text().replace("---\n", "", 1)
    text = text.replace("updates:", "acknowledged_at: 2026-11-26T09:20:00Z\nresolved_at: 2026-11-26T11:00:00Z\nupdates:")
    path.write_text("---\n" + text.rstrip("-\n") + "\n  - at: 2026-11-26T11:00:00Z\n    status: resolved\n"
                    "    message: Pages load normally again.\n---\n")
    incident = repo / "content/incidents/2026-03-14-api-errors.md"
    incident.write_text(incident.read_text().replace("Error rates are back to normal.", "Error rates are normal."))
    data = json.loads(run(["diff", "--base", "HEAD", "--root", str(repo), "--now", NOW, "--format", "json"]).output)
    assert data["incidents"]["resolved"] == ["2026-11-26-dashboard-slow"]
    assert data["incidents"]["updated"] == ["2026-03-14-api-errors"]
    assert data["status"]["dashboard"] == {"before": "degraded_performance", "after": "operational"}


def test_bad_revision_is_a_clear_error(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path)
    result = run(["diff", "--base", "no-such-branch", "--root", str(repo), "--now", NOW])
    assert result.exit_code == 1 and "--base no-such-branch: git has no commit" in result.output
    assert "Traceback" not in result.output
