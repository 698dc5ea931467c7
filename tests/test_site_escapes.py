"""No escapes: output and new files stay inside their folders, and a failed build changes nothing.

tests/test_site_build.py covers --out at the repository root, in content/, above the repository
and in a folder that is not a previous build; here: links on the way, odd targets, and builds
that die half-way.
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from generator.site import mkdocs_backend
from generator.site.mkdocs_backend import THEME_DIR
from tests.test_hostile_cli import NOW, snapshot, tiny_repo


def cli(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def build(root: Path, out: Path | str) -> Result:
    return cli("build", "--root", str(root), "--out", str(out), "--now", NOW)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tiny_repo(tmp_path / "repo")
    (root / "theme").mkdir()
    (root / ".git").mkdir()
    (root / "generator").mkdir()
    return root


@pytest.mark.parametrize("link_to, below, words", [
    ("content", "site", "inside content/"),
    ("theme", "site", "inside theme/"),
    ("generator", "x/site", "inside generator/"),
    (".git", "site", "inside .git/"),
    ("", "content/site", "inside content/"),
    ("", "", "exists and is not a folder"),
    ("..", "", "exists and is not a folder"),
])
def test_out_through_a_link_cannot_reach_the_sources(repo: Path, tmp_path: Path, link_to: str, below: str,
                                                      words: str) -> None:
    link = tmp_path / "link"
    link.symlink_to(repo / link_to if link_to else repo, target_is_directory=True)
    before = snapshot(tmp_path)
    result = build(repo, link / below if below else link)
    assert result.exit_code == 1 and words in result.output, result.output
    assert snapshot(tmp_path) == before


def test_a_linked_root_is_checked_as_the_real_folder(repo: Path, tmp_path: Path) -> None:
    link = tmp_path / "checkout"
    link.symlink_to(repo, target_is_directory=True)
    before = snapshot(repo)
    result = cli("build", "--root", str(link), "--out", str(repo / "content" / "site"), "--now", NOW)
    assert result.exit_code == 1 and "inside content/" in result.output
    assert snapshot(repo) == before


@pytest.mark.parametrize("out, words", [
    ("/", "contains the repository"),
    ("{repo}/content/../..", "contains the repository"),
    ("{tmp}/a-file/site", "cannot create a folder"),
    ("{tmp}/empty-link", "exists and is not a folder"),
])
def test_odd_out_folders_are_refused(repo: Path, tmp_path: Path, out: str, words: str) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty-link").symlink_to(tmp_path / "empty", target_is_directory=True)
    before = snapshot(tmp_path)
    result = build(repo, out.format(repo=repo, tmp=tmp_path))
    assert result.exit_code == 1 and words in result.output, result.output
    assert snapshot(tmp_path) == before


def test_an_out_link_elsewhere_is_not_followed(repo: Path, tmp_path: Path) -> None:
    # A previous build behind a link: replacing the link's target through it is refused, not followed.
    real = tmp_path / "real-site"
    assert build(repo, real).exit_code == 0
    (tmp_path / "published").symlink_to(real, target_is_directory=True)
    before = snapshot(real)
    result = build(repo, tmp_path / "published")
    assert result.exit_code == 1 and "not a folder" in result.output
    assert snapshot(real) == before


# ---------------------------------------------------------------- a build that dies half-way


@pytest.mark.parametrize("failure", ["interrupt", "disk-full"])
def test_a_build_that_dies_after_writing_leaves_the_previous_output(repo: Path, tmp_path: Path, monkeypatch,  # type: ignore[no-untyped-def]
                                                                    failure: str) -> None:
    out = tmp_path / "site"
    assert build(repo, out).exit_code == 0
    before = snapshot(out)
    (repo / "content/incidents/2026-11-26-dashboard-slow.md").write_text(
        (repo / "content/incidents/2026-11-26-dashboard-slow.md").read_text(encoding="utf-8")
        .replace("Dashboard pages load slowly", "Dashboard pages load slowly, edited"), encoding="utf-8")
    real = mkdocs_backend.Renderer.render
    written: list[Path] = []

    def dies_after_writing(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        real(self, *args, **kwargs)
        folder = next(a for a in [*args, *kwargs.values()] if isinstance(a, Path))
        written.extend(folder.rglob("*.html"))  # the new site is complete in the temporary folder...
        if failure == "interrupt":
            raise KeyboardInterrupt  # ...when Ctrl-C (or a kill) arrives before the swap
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(mkdocs_backend.Renderer, "render", dies_after_writing)
    result = build(repo, out)
    monkeypatch.undo()
    assert result.exit_code == (130 if failure == "interrupt" else 1) and written
    if failure == "interrupt":
        assert "build interrupted; the previous output is unchanged" in result.output  # 130: as shells report Ctrl-C
    else:
        assert "No space left on device" in result.output and "previous output is unchanged" in result.output
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo", "site"]  # the temporary folder is gone
    # And the next build goes through.
    assert build(repo, out).exit_code == 0
    assert "edited" in (out / "incidents/2026-11-26-dashboard-slow/index.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- new files stay in their folder


@pytest.mark.parametrize("title", ["../../x", "/etc/passwd", "..\\..\\x", "./.hidden", "con", "a/../../b"])
def test_new_maintenance_and_incident_titles_write_inside_their_folder(repo: Path, title: str) -> None:
    r = ["--root", str(repo), "--now", NOW]
    for kind, args in (("incidents", ["new", "incident", "--severity", "SEV-3", "--service", "api", *r, "--", title]),
                       ("maintenance", ["new", "maintenance", "--start", "2026-12-01T00:00:00Z",
                                        "--end", "2026-12-01T01:00:00Z", "--service", "api", *r, "--", title])):
        result = cli(*args)
        assert result.exit_code == 0, result.output
        path = Path(result.output.strip())
        assert path.resolve().parent == (repo / "content" / kind).resolve()
        assert not path.name.startswith(".") and ".." not in path.name
    assert sorted(p.name for p in repo.iterdir()) == [".git", "content", "generator", "site_config.yml", "theme"]
    assert cli("validate", *r).exit_code == 0


@pytest.mark.parametrize("ident", ["../../site_config", "/etc/passwd", "../incidents/2026-11-26-dashboard-slow/..",
                                   ".", ""])
def test_ids_cannot_point_outside_the_incident_folder(repo: Path, ident: str) -> None:
    before = snapshot(repo.parent)
    r = ["--root", str(repo), "--now", NOW]
    for args in (["update", ident, "--status", "identified", "-m", "x", *r], ["resolve", ident, "-m", "x", *r],
                 ["new", "postmortem", ident, *r]):
        result = cli(*args)
        assert result.exit_code in (1, 2) and "no incident" in result.output.lower(), result.output
    assert snapshot(repo.parent) == before


# ---------------------------------------------------------------- the theme is published: no links out of it


def test_theme_links_outside_the_repository_are_refused(repo: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRETCANARY", encoding="utf-8")
    theme = repo / "theme"
    shutil.copytree(THEME_DIR, theme, dirs_exist_ok=True)
    (theme / "assets" / "leak.txt").symlink_to(secret)
    (theme / "assets" / "inside.txt").symlink_to(repo / "site_config.yml")  # inside the repository: fine
    result = cli("validate", "--root", str(repo), "--now", NOW)
    assert result.exit_code == 1
    assert "theme/assets/leak.txt:1: E008" in result.output and "inside.txt" not in result.output
    out = tmp_path / "site"
    result = build(repo, out)
    assert result.exit_code == 1 and "theme/assets/leak.txt" in result.output and not out.exists()
    (theme / "assets" / "leak.txt").unlink()
    assert build(repo, out).exit_code == 0
    assert not [p for p in out.rglob("*") if p.is_file() and b"SECRETCANARY" in p.read_bytes()]


def test_a_content_folder_linked_elsewhere_is_neither_read_nor_written(repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.move(repo / "content", elsewhere)
    (repo / "content").symlink_to(elsewhere, target_is_directory=True)
    before = snapshot(elsewhere)
    r = ["--root", str(repo), "--now", NOW]
    result = cli("validate", *r)
    assert result.exit_code == 1 and "content/incidents/2026-11-26-dashboard-slow.md:1: E008" in result.output
    for args in (["new", "incident", "Slow", "--severity", "SEV-3", "--service", "api", *r],
                 ["new", "maintenance", "Upgrade", "--start", "2026-12-01T00:00:00Z", "--end", "2026-12-01T01:00:00Z",
                  "--service", "api", *r],
                 ["update", "2026-11-26-dashboard-slow", "--status", "identified", "-m", "x", *r],
                 ["resolve", "2026-11-26-dashboard-slow", "-m", "x", *r],
                 ["new", "postmortem", "2026-11-26-dashboard-slow", *r]):
        result = cli(*args)
        assert result.exit_code == 1 and "outside the repository" in result.output, (args, result.output)
    assert snapshot(elsewhere) == before
