"""`statuspress init`: a new status repository that validates and builds at once."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from generator.cli.common import NOW
from generator.validate import check_repository

NOW_TEXT = "2026-11-26T12:00:00Z"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_init_makes_a_repository_that_validates(tmp_path: Path) -> None:
    target = tmp_path / "status"
    result = run("init", str(target), "--now", NOW_TEXT)
    assert result.exit_code == 0, result.output
    for rel in ("site_config.yml", "README.md", ".gitignore", ".github/workflows/validate.yml",
                ".github/workflows/deploy.yml", "theme/README.md", "content/maintenance/.gitkeep"):
        assert (target / rel).is_file(), rel
    model, problems = check_repository(target, NOW.convert(NOW_TEXT, None, None), strict=True)
    assert problems == []
    assert len(model.incidents) == 1 and not model.incidents[0].is_open
    assert "# the page title" in (target / "site_config.yml").read_text()  # comments kept for people
    # The workflows install the release that made them, and nothing else differs from ours.
    assert 'uv pip install --system "statuspress==' in (target / ".github/workflows/deploy.yml").read_text()


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "site_config.yml").write_text("mine\n")
    result = run("init", str(tmp_path), "--now", NOW_TEXT)
    assert result.exit_code == 1 and "would overwrite site_config.yml" in result.output
    assert (tmp_path / "site_config.yml").read_text() == "mine\n"
    assert not (tmp_path / "README.md").exists()  # refused before writing anything
    forced = run("init", str(tmp_path), "--now", NOW_TEXT, "--force")
    assert forced.exit_code == 0 and "mine" not in (tmp_path / "site_config.yml").read_text()


def test_init_refuses_a_file_as_target(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    result = run("init", str(target), "--now", NOW_TEXT)
    assert result.exit_code == 2 and "is a file" in result.output
    assert target.read_text() == "x"


def test_init_repository_builds_with_its_own_theme(tmp_path: Path) -> None:
    target = tmp_path / "status"
    assert run("init", str(target), "--now", NOW_TEXT).exit_code == 0
    # The new repository's theme/ is looked up first: a stylesheet put there replaces statuspress's.
    css = target / "theme/assets/css/statuspress.css"
    css.parent.mkdir(parents=True)
    css.write_text("/* local-override-marker */\n")
    out = tmp_path / "site"
    result = run("build", "--root", str(target), "--out", str(out), "--now", NOW_TEXT)
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file() and (out / "api/v2/summary.json").is_file()
    assert "local-override-marker" in (out / "assets/css/statuspress.css").read_text()


def test_init_install_spec_goes_into_the_workflows(tmp_path: Path) -> None:
    spec = "statuspress @ git+https://github.com/acme/statuspress@v0.1.0"
    assert run("init", str(tmp_path), "--now", NOW_TEXT, "--install", spec).exit_code == 0
    for name in ("validate.yml", "deploy.yml"):
        assert f'uv pip install --system "{spec}"' in (tmp_path / ".github/workflows" / name).read_text()
    bad = run("init", str(tmp_path / "x"), "--now", NOW_TEXT, "--install", 'statuspress"; curl evil')
    assert bad.exit_code == 1 and "cannot go into a workflow" in bad.output
