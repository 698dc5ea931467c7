"""validate checks notify: like any other section: each invalid fixture gives its code and line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.load import load_config

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notify"
EXPECTED = yaml.safe_load((FIXTURES / "expected.yml").read_text(encoding="utf-8"))
NOW = "2026-11-26T12:00:00Z"


def _repo(tmp_path: Path, notify: str) -> Path:
    (tmp_path / "site_config.yml").write_text((FIXTURES / "base.yml").read_text(encoding="utf-8") + notify,
                                              encoding="utf-8")
    return tmp_path


def test_every_invalid_fixture_is_listed() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in (FIXTURES / "invalid").glob("*.yml"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_notify_fixture_gives_its_code_and_line(tmp_path: Path, name: str) -> None:
    code, line = EXPECTED[name]
    root = _repo(tmp_path, (FIXTURES / "invalid" / name).read_text(encoding="utf-8"))
    config, problems, _ = load_config(root)
    found = [(p.code, p.line) for p in problems]
    assert (code, line) in found, problems
    assert all(p.path == "site_config.yml" for p in problems)
    result = CliRunner().invoke(main, ["validate", "--root", str(root), "--now", NOW], catch_exceptions=False)
    assert result.exit_code == 1
    assert f"site_config.yml:{line}: {code}" in result.output
    # A channel with a problem is never used (of two with one name, the first stays).
    assert len(config.notify) == (1 if name == "duplicate-channel.yml" else 0)


def test_valid_channels_load_with_their_defaults(tmp_path: Path) -> None:
    root = _repo(tmp_path, (FIXTURES / "valid.yml").read_text(encoding="utf-8"))
    config, problems, _ = load_config(root)
    assert problems == []
    assert [(c.type, c.name) for c in config.notify] == [
        ("slack", "slack-slack-webhook-url"), ("teams", "teams-teams-webhook-url"),
        ("discord", "discord-discord-webhook-url"), ("webhook", "webhook-status-webhook-url"),
        ("email", "email-smtp-url"), ("slack", "payments")]
    email = config.notify[4]
    assert (email.sender, email.to, email.smtp_url_env) == ("status@example.com", ("customers@example.com",), "SMTP_URL")
    assert config.notify[5].services == ("api", "dashboard") and config.notify[0].services is None
    assert config.notify[2].timeout.total_seconds() == 5 and config.notify[0].timeout.total_seconds() == 10


def test_unknown_service_hint_suggests_the_closest(tmp_path: Path) -> None:
    root = _repo(tmp_path, (FIXTURES / "invalid" / "unknown-service.yml").read_text(encoding="utf-8"))
    _, problems, _ = load_config(root)
    [problem] = [p for p in problems if p.code == "E040"]
    assert "dashbord" in problem.message and "dashboard" in problem.hint
