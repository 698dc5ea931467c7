"""Repository-level commands: `statuspress diff` (and `init`)."""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from pathlib import Path

import click

from generator.cli import main
from generator.cli.common import now_option, resolve_now, root_option
from generator.diff import diff_json, diff_markdown, diff_models
from generator.load import load_repository
from generator.report import format_text


def _git(root: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise click.ClickException("git is not installed") from exc
    if done.returncode != 0:
        raise click.ClickException(f"git {' '.join(args)}: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def _check_revision(root: Path, rev: str) -> None:
    """Refuse a revision git does not have, saying why and what to do (git itself says nothing)."""
    done = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
                          capture_output=True, check=False)
    if done.returncode == 0:
        return
    remote, slash, branch = rev.partition("/")
    remotes = _git(root, "remote").decode(errors="replace").split()
    if slash and remote in remotes:
        hint = f"fetch it first (git fetch {remote} {branch}); in GitHub Actions check out with fetch-depth: 0"
    elif slash and not remotes:
        hint = f"this repository has no remote '{remote}': give a local branch, tag or commit (git branch, git log --oneline)"
    else:
        hint = "give a branch, tag or commit that exists here (git branch -a, git log --oneline)"
    raise click.ClickException(f"--base {rev}: git has no commit of that name in {root} (hint: {hint})")


def extract_revision(root: Path, rev: str, into: Path) -> None:
    """Write the status repository as it was at ``rev`` into ``into`` (only what git tracked)."""
    prefix = _git(root, "rev-parse", "--show-prefix").decode().strip()
    _check_revision(root, rev)
    data = _git(root, "archive", "--format=tar", f"{rev}:{prefix}")
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        members = [m for m in tar.getmembers()
                   if (m.name == "site_config.yml" or m.name.startswith("content/") or m.name == "content")
                   and (m.isfile() or m.isdir()) and ".." not in m.name.split("/")]
        if hasattr(tarfile, "data_filter"):
            tar.extractall(into, members=members, filter="data")
        else:  # Python < 3.11.4: the member list above already holds only plain files and folders inside
            tar.extractall(into, members=members)


@main.command()
@click.option("--base", required=True, help="The git revision to compare with, e.g. origin/main.")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
@now_option
@root_option
def diff(base: str, fmt: str, now, root: Path) -> None:
    """Show what the working tree changes on the site compared with git revision BASE.

    Incidents added, updated and resolved; status per service; uptime per window and the
    30-day error budget before and after. Markdown is meant for a pull request's job summary.

    \b
    Example:
      statuspress diff --base origin/main >> "$GITHUB_STEP_SUMMARY"
    """
    at = resolve_now(now)
    after, problems = load_repository(root)
    errors = [p for p in problems if p.level == "error"]
    with tempfile.TemporaryDirectory(prefix="statuspress-base-") as tmp:
        extract_revision(root, base, Path(tmp))
        before, _ = load_repository(Path(tmp))
    result = diff_models(before, after, at)
    click.echo(diff_markdown(result, after) if fmt == "markdown" else diff_json(result), nl=False)
    if errors:
        click.echo(format_text(errors), err=True, nl=False)
        raise SystemExit(1)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option("--install", "install_spec", default=None, metavar="SPEC",
              help="What the workflows pip-install (default: statuspress==<this version>); "
              "e.g. 'statuspress @ git+https://github.com/ORG/statuspress@v0.1.0'.")
@now_option
def init(directory: Path, force: bool, install_spec: str | None, now) -> None:
    """Scaffold a new status repository in DIRECTORY (default: here).

    Writes site_config.yml with commented examples, content/ with one example incident,
    the GitHub Actions workflows (validate pull requests, deploy to Pages), theme/ overrides
    and a README for contributors. It validates and builds at once. Existing files are
    never overwritten unless --force is given.

    \b
    Example:
      statuspress init my-status && cd my-status && statuspress build --out site
    """
    from generator.init import InitError, write_scaffold

    try:
        written = write_scaffold(directory, resolve_now(now), force=force, install_spec=install_spec)
    except InitError as exc:
        raise click.ClickException(f"{exc.message} (hint: {exc.hint})" if exc.hint else exc.message) from exc
    except OSError as exc:
        raise click.ClickException(f"cannot write to {directory}: {exc.strerror or exc}") from exc
    for rel in written:
        click.echo(f"  {rel}")
    click.echo(f"created a status repository in {directory} ({len(written)} files). Next: cd {directory} && "
               "statuspress validate && statuspress serve")
