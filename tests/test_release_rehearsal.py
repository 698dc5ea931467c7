"""A rehearsal of the release workflow: its own shell steps, run here, in order, as a runner would.

tests/test_workflows.py checks the workflow's shape (schema, zizmor, pins, permissions); this
runs what it says. Every `run:` step of the `build` and `smoke` jobs is executed verbatim with
`bash -e` (GitHub's default shell), with `${{ github.ref_name }}` and `${{ runner.temp }}` set as
on a tag push of this version. The `uses:` steps are played by their local equivalents: checkout
is a copy of the tracked files, setup-python a fresh virtual environment on PATH, and the
artifact upload and download a copied `dist/` folder. The maintainer's one manual step before
tagging (dating the CHANGELOG section, docs/releasing.md) is made on the copy. Not rehearsed:
the upload to PyPI (trusted publishing needs GitHub's identity token) and `gh release create`;
the release notes they would publish are produced and checked.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from generator import __version__

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
TAG = f"v{__version__}"
# The `uses:` steps this rehearsal knows how to play; any other action makes it fail, not skip.
PLAYED = ("actions/checkout@", "actions/setup-python@", "actions/upload-artifact@", "actions/download-artifact@")


def _jobs() -> dict[str, Any]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]


def _expand(text: str, runner_temp: Path) -> str:
    """Replace the workflow expressions a tag push would fill in; refuse any other."""
    text = text.replace("${{ github.ref_name }}", TAG).replace("${{ runner.temp }}", str(runner_temp))
    left = re.findall(r"\$\{\{.*?\}\}", text)
    assert not left, f"release.yml uses expressions this rehearsal cannot fill in: {left}"
    return text


def _checkout(workspace: Path) -> None:
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in tracked.decode().split("\0"):
        source = ROOT / name
        if not name or not source.exists() and not source.is_symlink():
            continue
        target = workspace / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        elif source.is_file():
            shutil.copy2(source, target)


def _date_changelog(workspace: Path) -> None:
    """What docs/releasing.md asks of the maintainer before tagging: date the version's section."""
    changelog = workspace / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    heading = f"## [{__version__}] - Unreleased"
    if heading in text:
        changelog.write_text(text.replace(heading, f"## [{__version__}] - 2026-12-02"), encoding="utf-8")


def _run_job(name: str, job: dict[str, Any], workspace: Path, runner_temp: Path, python_bin: Path,
             dist: Path) -> list[str]:
    """Run one job's steps; returns the names of the shell steps that ran."""
    ran = []
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(RUNNER_TEMP=str(runner_temp), PATH=f"{python_bin}{os.pathsep}{env.get('PATH', '')}",
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    for step in job["steps"]:
        uses = step.get("uses")
        if uses is not None:
            assert uses.startswith(PLAYED), f"{name}: no local equivalent for {uses}"
            if uses.startswith("actions/checkout@"):
                _checkout(workspace)
                _date_changelog(workspace)
            elif uses.startswith("actions/upload-artifact@"):
                shutil.copytree(workspace / step["with"]["path"], dist, dirs_exist_ok=True)
            elif uses.startswith("actions/download-artifact@"):
                shutil.copytree(dist, workspace / step["with"]["path"], dirs_exist_ok=True)
            continue  # setup-python: python_bin is first on PATH
        script = _expand(step["run"], runner_temp)
        step_env = dict(env, **{k: _expand(str(v), runner_temp) for k, v in step.get("env", {}).items()})
        cwd = Path(_expand(step["working-directory"], runner_temp)) if "working-directory" in step else workspace
        result = subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=step_env, capture_output=True,
                                text=True, check=False)
        assert result.returncode == 0, (
            f"release.yml, job {name}, step {step.get('name')!r} failed ({result.returncode}):\n"
            f"{script}\n--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}"
        )
        ran.append(step.get("name", script.splitlines()[0]))
    return ran


def test_release_workflow_build_and_smoke_jobs_run(tmp_path: Path) -> None:
    jobs = _jobs()
    assert jobs["smoke"]["needs"] == "build"
    # setup-python's stand-in: a fresh environment that sees the installed tools (build, twine)
    # without writing into the test environment.
    venv = tmp_path / "python"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", venv], check=True)
    dist = tmp_path / "artifact-dist"
    ran = {}
    for name in ("build", "smoke"):
        workspace, runner_temp = tmp_path / name / "work", tmp_path / name / "temp"
        workspace.mkdir(parents=True)
        runner_temp.mkdir()
        ran[name] = _run_job(name, jobs[name], workspace, runner_temp, venv / "bin", dist)
    # Every shell step ran, and the smoke job left a built site from the released wheel.
    assert len(ran["build"]) == sum("run" in s for s in jobs["build"]["steps"]) >= 3
    assert len(ran["smoke"]) == sum("run" in s for s in jobs["smoke"]["steps"]) >= 2
    assert sorted(p.name for p in dist.iterdir()) == [
        f"statuspress-{__version__}-py3-none-any.whl", f"statuspress-{__version__}.tar.gz"]
    site = tmp_path / "smoke" / "temp" / "new-site" / "site"
    assert (site / "index.html").is_file() and (site / "api" / "v2" / "summary.json").is_file()
    # The wheel, not this checkout, made the site: the fresh environment has no path back here.
    fresh = tmp_path / "smoke" / "temp" / "fresh"
    where = subprocess.run([fresh / "bin" / "python", "-c", "import generator; print(generator.__file__)"],
                           capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    assert str(fresh) in where and str(ROOT) not in where


def test_release_notes_step_produces_this_versions_notes(tmp_path: Path) -> None:
    """The github-release job's first line, on the dated copy; the notes are the CHANGELOG section."""
    _checkout(tmp_path)
    _date_changelog(tmp_path)
    script = _jobs()["github-release"]["steps"][-1]["run"].splitlines()[0]
    assert script.startswith("python3 scripts/release_notes.py")
    runner_temp = tmp_path / "temp"
    runner_temp.mkdir()
    subprocess.run(["bash", "-e", "-c", _expand(script, runner_temp)], cwd=tmp_path, check=True,
                   env=dict(os.environ, TAG=TAG, RUNNER_TEMP=str(runner_temp)))
    notes = (runner_temp / "notes.md").read_text(encoding="utf-8")
    assert notes.strip() and "## [" not in notes
    assert notes.splitlines()[0] in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
