"""The GitHub Actions workflows are valid, pinned and least-privilege, checked offline.

Three layers: the workflow JSON schema vendored by check-jsonschema (structure, typos), zizmor
(security audits: template injection, credential persistence, excessive permissions...), and
this project's own invariants (what the docs promise about the workflows). Each checker is also
run on a deliberately bad workflow, so a checker that silently stopped working fails here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW_DIR = ROOT / ".github" / "workflows"
SCAFFOLD_WORKFLOW_DIR = ROOT / "generator" / "scaffold" / ".github" / "workflows"
WORKFLOWS = sorted(WORKFLOW_DIR.glob("*.yml"))
SCAFFOLDED = [p for p in WORKFLOWS if p.name in ("deploy.yml", "validate.yml")]  # copied by `init`

# The lines that differ between this repository's workflows and a scaffolded site's: what is
# installed (this checkout at the lock's versions / the pinned release) and what keys the cache.
REPO_INSTALL = "uv pip install --system -c constraints.txt ."
SCAFFOLD_INSTALL = "uv pip install --system statuspress"
REPO_CACHE_KEY, SCAFFOLD_CACHE_KEY = "constraints.txt", ".github/workflows/*.yml"
REPO_TO_SCAFFOLD = (
    (REPO_INSTALL, SCAFFOLD_INSTALL),
    (f"cache-dependency-glob: {REPO_CACHE_KEY}", f'cache-dependency-glob: "{SCAFFOLD_CACHE_KEY}"'),
    (
        "# Runtime dependencies only, at the lock's versions (the test tools stay in the test job).",
        "# The statuspress release this repository pins (README: upgrading statuspress).",
    ),
)
# Write permissions a job may hold, by (workflow, job); every other job gets none.
WRITE_ALLOWED = {
    ("deploy.yml", "deploy"): {"pages", "id-token"},
    ("release.yml", "publish"): {"id-token"},
    ("release.yml", "github-release"): {"contents"},
}
# And --strict on pull requests (this repository's example content keeps warnings on purpose).
REPO_VALIDATE = "run: statuspress validate --format github"
SCAFFOLD_PR_VALIDATE = "run: statuspress validate --strict --format github"

# Commands from the SPEC's CLI table: a workflow may only call these.
SPEC_COMMANDS = {"init", "new", "update", "resolve", "validate", "build", "serve", "uptime", "kpis", "diff", "notify"}

# The deploy workflow's notify job, between these lines, is commented out in the scaffold.
NOTIFY_BEGIN, NOTIFY_END = "  # notify:begin\n", "  # notify:end\n"
SCAFFOLD_NOTIFY_INTRO = (
    "  # Uncomment this job (remove the first '# ' of each line) once notify: in site_config.yml\n"
    "  # names a channel and its secrets are set: see docs/deploy.md#notifications.\n"
)

SHA_PIN = re.compile(r"^\s*(?:-\s*)?uses:\s*(?P<action>[^@\s]+)@(?P<ref>\S+)(?P<comment>.*)$")
VERSION_COMMENT = re.compile(r"^\s*#\s*v\d+\.\d+\.\d+\s*$")


# --------------------------------------------------------------------------- loading


def load_workflow(text: str) -> dict[str, Any]:
    """YAML as GitHub reads it: PyYAML (YAML 1.1) turns the key `on` into True; undo that."""
    data = yaml.safe_load(text)
    assert isinstance(data, dict), "a workflow is a mapping"
    if True in data:
        data["on"] = data.pop(True)
    return data


def _schema(relative: str) -> dict[str, Any]:
    path = resources.files("check_jsonschema") / "builtin_schemas" / relative
    return json.loads(path.read_text(encoding="utf-8"))


def schema_errors(workflow: dict[str, Any]) -> list[str]:
    """Schema violations against schemastore's github-workflow schema (vendored by
    check-jsonschema) and check-jsonschema's "every job has timeout-minutes" schema."""
    errors = []
    for relative in ("vendor/github-workflows.json", "custom/github-workflows-require-timeout.json"):
        validator = jsonschema.Draft7Validator(_schema(relative))
        for error in validator.iter_errors(workflow):
            # oneOf/anyOf errors only say "not valid under any of the given schemas": report the
            # most relevant nested error instead, which names the offending key.
            while error.context:
                error = jsonschema.exceptions.best_match(error.context)
            where = "/".join(str(p) for p in error.absolute_path) or "<root>"
            errors.append(f"{relative}: {where}: {error.message[:200]}")
    return errors


# --------------------------------------------------------------------------- invariants


def _events(workflow: dict[str, Any]) -> dict[str, Any]:
    on = workflow.get("on")
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return dict(on or {})


def _steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (job_id, step) for job_id, job in workflow.get("jobs", {}).items() for step in job.get("steps", [])
    ]


def _writes(permissions: Any) -> set[str]:
    if permissions in ("write-all", "read-all"):
        return {"*"} if permissions == "write-all" else set()
    return {scope for scope, level in (permissions or {}).items() if level == "write"}


def invariant_problems(name: str, text: str) -> list[str]:
    """The project's rules for a workflow file; returns one line per breach."""
    problems: list[str] = []
    workflow = load_workflow(text)
    events = _events(workflow)

    if "pull_request_target" in events or "workflow_run" in events:
        problems.append("pull_request_target/workflow_run run untrusted code with secrets: use pull_request")

    # Every action pinned by full commit SHA, with the release it matches as a comment.
    for lineno, line in enumerate(text.splitlines(), 1):
        match = SHA_PIN.match(line)
        if not match or match["action"].startswith("./"):
            continue
        if not re.fullmatch(r"[0-9a-f]{40}", match["ref"]):
            problems.append(
                f"line {lineno}: {match['action']}@{match['ref']} is not pinned by a 40-hex commit SHA"
            )
        if not VERSION_COMMENT.match(match["comment"]):
            problems.append(f"line {lineno}: {match['action']} lacks a '# vX.Y.Z' comment naming the release")

    # Read-only token unless a job says otherwise.
    top = workflow.get("permissions")
    if top is None or _writes(top) or (isinstance(top, dict) and set(top) - {"contents"}):
        problems.append(f"top-level permissions must be `contents: read` or `{{}}`, got {top!r}")

    for job_id, job in workflow.get("jobs", {}).items():
        writes = _writes(job.get("permissions"))
        allowed = WRITE_ALLOWED.get((name, job_id), set())
        if writes - allowed:
            problems.append(f"job {job_id}: write permissions {sorted(writes - allowed)} not allowed here")

    for job_id, step in _steps(workflow):
        uses = step.get("uses", "")
        if uses.startswith("actions/checkout@"):
            if (step.get("with") or {}).get("persist-credentials") is not False:
                problems.append(f"job {job_id}: checkout without `persist-credentials: false`")
        # Context values reach the shell through env, never pasted into the script.
        if "${{" in str(step.get("run", "")):
            problems.append(f"job {job_id}: `${{{{ }}}}` inside run: (template injection); pass it via env")
    return problems


def deploy_problems(text: str) -> list[str]:
    """What the Pages deployment must look like (see docs and SPEC: scheduled rebuild)."""
    problems = []
    workflow = load_workflow(text)
    events = _events(workflow)
    if (events.get("push") or {}).get("branches") != ["main"]:
        problems.append("deploy on push to main")
    if "workflow_dispatch" not in events:
        problems.append("allow a manual deploy (workflow_dispatch)")
    crons = [entry.get("cron") for entry in events.get("schedule") or []]
    if not crons or not all(crons):
        problems.append("a schedule rebuilds the site (time-relative text, rolling windows)")
    if workflow.get("concurrency") != {"group": "pages", "cancel-in-progress": False}:
        problems.append("concurrency group `pages` without cancelling a deployment in flight")
    jobs = workflow.get("jobs", {})
    deploy, build = jobs.get("deploy", {}), jobs.get("build", {})
    if deploy.get("permissions") != {"pages": "write", "id-token": "write"}:
        problems.append("deploy job: exactly pages: write and id-token: write")
    if (deploy.get("environment") or {}).get("name") != "github-pages":
        problems.append("deploy job: environment github-pages")
    if deploy.get("needs") != "build":
        problems.append("deploy job needs the build job")
    build_uses = [step.get("uses", "").split("@")[0] for step in build.get("steps", [])]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact"):
        if action not in build_uses:
            problems.append(f"build job uses {action}")
    if [s.get("uses", "").split("@")[0] for s in deploy.get("steps", [])] != ["actions/deploy-pages"]:
        problems.append("deploy job only runs actions/deploy-pages")
    runs = " ".join(str(step.get("run", "")) for step in build.get("steps", []))
    if 'statuspress build --out site --base-url "$BASE_URL"' not in runs:
        problems.append("build job builds with the Pages base URL")
    return problems


# --------------------------------------------------------------------------- the real workflows


def test_expected_workflows_exist() -> None:
    assert [p.name for p in WORKFLOWS] == ["deploy.yml", "release.yml", "validate.yml"]
    assert sorted(p.name for p in SCAFFOLD_WORKFLOW_DIR.glob("*.yml")) == ["deploy.yml", "validate.yml"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_github_schema(path: Path) -> None:
    workflow = load_workflow(path.read_text(encoding="utf-8"))
    assert schema_errors(workflow) == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_invariants(path: Path) -> None:
    assert invariant_problems(path.name, path.read_text(encoding="utf-8")) == []


def test_deploy_workflow_shape() -> None:
    assert deploy_problems((WORKFLOW_DIR / "deploy.yml").read_text(encoding="utf-8")) == []


def test_validate_workflow_shape() -> None:
    workflow = load_workflow((WORKFLOW_DIR / "validate.yml").read_text(encoding="utf-8"))
    assert set(_events(workflow)) == {"pull_request"}
    steps = workflow["jobs"]["validate"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0, "diff --base needs the base branch's history"
    runs = [str(step.get("run", "")) for step in steps]
    assert "statuspress validate --format github" in runs
    assert "statuspress build --out site" in runs
    diff = next(step for step in steps if "statuspress diff" in str(step.get("run", "")))
    assert diff["env"] == {"BASE_REF": "${{ github.base_ref }}"}
    assert diff["run"].endswith('>> "$GITHUB_STEP_SUMMARY"')
    tests = workflow["jobs"]["tests"]["steps"]
    assert tests[-1]["run"] == "bash scripts/test.sh"


def test_same_action_same_pin_everywhere() -> None:
    pins: dict[str, set[str]] = {}
    for path in WORKFLOWS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if match := SHA_PIN.match(line):
                pins.setdefault(match["action"], set()).add(match["ref"] + match["comment"].strip())
    assert {action: refs for action, refs in pins.items() if len(refs) > 1} == {}
    assert set(pins) == {
        "actions/checkout",
        "actions/setup-python",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
        "actions/upload-artifact",
        "actions/download-artifact",
        "pypa/gh-action-pypi-publish",
        "astral-sh/setup-uv",
        "actions/cache/restore",
        "actions/cache/save",
    }


def comment_out_notify(text: str) -> str:
    """The scaffold's form of a workflow: the notify job commented out until it is configured."""
    if NOTIFY_BEGIN not in text:
        return text
    head, rest = text.split(NOTIFY_BEGIN)
    block, tail = rest.split(NOTIFY_END)
    lines = ["#\n" if not line.strip() else "# " + line for line in block.splitlines(keepends=True)]
    return head + NOTIFY_BEGIN + SCAFFOLD_NOTIFY_INTRO + "".join(lines) + NOTIFY_END + tail


def uncomment_notify(text: str) -> str:
    """What a user gets by uncommenting the scaffold's notify job."""
    head, rest = text.split(NOTIFY_BEGIN + SCAFFOLD_NOTIFY_INTRO)
    block, tail = rest.split(NOTIFY_END)
    lines = ["\n" if line == "#\n" else line.removeprefix("# ") for line in block.splitlines(keepends=True)]
    return head + NOTIFY_BEGIN + "".join(lines) + NOTIFY_END + tail


def to_scaffold(name: str, repo_text: str) -> str:
    """A scaffolded site's copy of one of this repository's workflows."""
    for repo_line, scaffold_line in REPO_TO_SCAFFOLD:
        repo_text = repo_text.replace(repo_line, scaffold_line)
    if name == "validate.yml":  # a new site's pull requests are validated with --strict
        assert REPO_VALIDATE in repo_text
        repo_text = repo_text.replace(REPO_VALIDATE, SCAFFOLD_PR_VALIDATE)
    return comment_out_notify(repo_text)


@pytest.mark.parametrize("path", SCAFFOLDED, ids=lambda p: p.name)
def test_scaffold_copy_differs_only_in_install_and_cache_key(path: Path) -> None:
    repo_text = path.read_text(encoding="utf-8")
    scaffold_text = (SCAFFOLD_WORKFLOW_DIR / path.name).read_text(encoding="utf-8")
    for repo_line, _ in REPO_TO_SCAFFOLD:
        assert repo_line in repo_text, repo_line
    assert scaffold_text == to_scaffold(path.name, repo_text)


def _setup_uv_and_install(job: dict[str, Any]) -> tuple[dict[str, Any], str]:
    steps = job["steps"]
    install = next(i for i, step in enumerate(steps) if step.get("name") == "Install statuspress")
    setup = steps[install - 1]
    assert setup["uses"].startswith("astral-sh/setup-uv@"), "setup-uv comes right before the install"
    assert steps[install - 2]["uses"].startswith("actions/setup-python@"), "uv installs into setup-python's Python"
    return setup.get("with") or {}, steps[install]["run"]


@pytest.mark.parametrize(("path", "job_id"), [(p, "build" if p.name == "deploy.yml" else "validate") for p in SCAFFOLDED],
                         ids=lambda v: getattr(v, "name", v))
def test_deploy_and_validate_jobs_install_runtime_dependencies_only_with_a_cache(path: Path, job_id: str) -> None:
    for folder, key in ((WORKFLOW_DIR, REPO_CACHE_KEY), (SCAFFOLD_WORKFLOW_DIR, SCAFFOLD_CACHE_KEY)):
        job = load_workflow((folder / path.name).read_text(encoding="utf-8"))["jobs"][job_id]
        setup, install = _setup_uv_and_install(job)
        assert "[test]" not in install and " -e " not in install, install  # no test tools on the way to live
        assert install in (REPO_INSTALL, SCAFFOLD_INSTALL)
        # uv's download cache, keyed on the file that pins the versions installed; uv itself pinned.
        assert setup.get("enable-cache") is True and setup.get("cache-dependency-glob") == key, setup
        assert re.fullmatch(r"\d+\.\d+\.\d+", setup.get("version", "")), setup


def test_notify_job_installs_as_lean_as_the_build() -> None:
    jobs = load_workflow((WORKFLOW_DIR / "deploy.yml").read_text(encoding="utf-8"))["jobs"]
    assert _setup_uv_and_install(jobs["notify"]) == _setup_uv_and_install(jobs["build"])


def test_scaffolded_workflows_pin_the_release_that_made_them() -> None:
    from datetime import UTC, datetime

    from generator import __version__
    from generator.init import scaffold_files

    files = scaffold_files(datetime(2026, 11, 26, 12, tzinfo=UTC))
    for name in ("deploy.yml", "validate.yml"):
        workflow = load_workflow(files[f".github/workflows/{name}"].decode())
        job = workflow["jobs"]["build" if name == "deploy.yml" else "validate"]
        setup, install = _setup_uv_and_install(job)
        assert install == f'uv pip install --system "statuspress=={__version__}"'
        # The pin lives in the workflow files, so they key the cache: a new pin, a new cache.
        assert setup["cache-dependency-glob"] == SCAFFOLD_CACHE_KEY


def test_release_workflow_shape() -> None:
    workflow = load_workflow((WORKFLOW_DIR / "release.yml").read_text(encoding="utf-8"))
    assert _events(workflow) == {"push": {"tags": ["v*.*.*"]}}
    jobs = workflow["jobs"]
    assert list(jobs) == ["build", "smoke", "publish", "github-release"]
    # Nothing is published before the wheel has made and built a site; the release comes last.
    assert [jobs[j].get("needs") for j in ("smoke", "publish", "github-release")] == ["build", "smoke", "publish"]
    assert {j for j, job in jobs.items() if "id-token" in (job.get("permissions") or {})} == {"publish"}
    publish = jobs["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    assert [s["uses"].split("@")[0] for s in publish["steps"]] == [
        "actions/download-artifact", "pypa/gh-action-pypi-publish",
    ]
    assert "with" not in publish["steps"][-1], "trusted publishing: no password or token input"
    # A cache restored into a release could carry something another run put there.
    for job in jobs.values():
        for step in job["steps"]:
            assert "cache" not in (step.get("with") or {}), step

    def runs(job_id: str) -> str:
        return "\n".join(str(step.get("run", "")) for step in jobs[job_id]["steps"])

    assert 'python scripts/release_notes.py "$TAG"' in runs("build")
    assert "python -m build" in runs("build") and "twine check --strict dist/*" in runs("build")
    smoke = runs("smoke")
    assert 'python -m venv "$RUNNER_TEMP/fresh"' in smoke and "pip install -c constraints.txt dist/*.whl" in smoke
    for command in ("init new-site", "validate --root new-site", "build --root new-site"):
        assert f'"$RUNNER_TEMP/fresh/bin/statuspress" {command}' in smoke
    release = runs("github-release")
    assert "scripts/release_notes.py" in release and "gh release create" in release
    assert "--notes-file" in release and "--verify-tag" in release


def test_notify_job_runs_after_deploy_with_the_ledger_cached_and_secrets_only_there() -> None:
    text = (WORKFLOW_DIR / "deploy.yml").read_text(encoding="utf-8")
    jobs = load_workflow(text)["jobs"]
    job = jobs["notify"]
    assert job["needs"] == "deploy" and job["permissions"] == {"contents": "read"}
    steps = job["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    restore, notify, save = (uses.index("actions/cache/restore"), next(
        i for i, s in enumerate(steps) if s.get("run") == "statuspress notify"), uses.index("actions/cache/save"))
    assert restore < notify < save
    assert steps[restore]["with"]["path"] == steps[save]["with"]["path"] == ".statuspress/notified.json"
    assert steps[restore]["with"]["key"] == steps[save]["with"]["key"]
    assert "${{ github.run_id }}" in steps[save]["with"]["key"]  # a new entry every run: entries are immutable
    assert steps[save]["with"]["key"].startswith(steps[restore]["with"]["restore-keys"])
    assert steps[save]["if"] == "${{ !cancelled() }}"  # what was delivered is kept when a channel failed
    # Secrets reach only the notify step, as environment variables.
    for job_id, step in _steps(load_workflow(text)):
        has_secret = "secrets." in json.dumps(step)
        assert has_secret == (step.get("run") == "statuspress notify"), (job_id, step.get("name"))
    assert all(v.startswith("${{ secrets.") for v in steps[notify]["env"].values())


def test_scaffold_notify_job_is_commented_out_and_uncomments_to_a_valid_job() -> None:
    scaffold = (SCAFFOLD_WORKFLOW_DIR / "deploy.yml").read_text(encoding="utf-8")
    assert "notify" not in load_workflow(scaffold)["jobs"]
    enabled = uncomment_notify(scaffold)
    workflow = load_workflow(enabled)
    assert workflow["jobs"]["notify"]["needs"] == "deploy"
    assert schema_errors(workflow) == []
    assert invariant_problems("deploy.yml", enabled) == []
    for repo_line, scaffold_line in REPO_TO_SCAFFOLD:
        enabled = enabled.replace(scaffold_line, repo_line)
    assert enabled == (WORKFLOW_DIR / "deploy.yml").read_text(encoding="utf-8")


def test_workflows_call_only_spec_commands_with_known_options() -> None:
    calls = [
        ["statuspress", *words[1:]]
        for path in WORKFLOWS
        for step in [s for _, s in _steps(load_workflow(path.read_text(encoding="utf-8")))]
        for line in str(step.get("run", "")).splitlines()
        if (words := line.strip().split(">>")[0].split())
        # `statuspress ...`, or the release's `"$RUNNER_TEMP/fresh/bin/statuspress" ...`
        and words[0].strip('"').rsplit("/", 1)[-1] == "statuspress"
    ]
    assert {call[1] for call in calls} == {"init", "validate", "build", "diff", "notify"}
    assert {call[1] for call in calls} <= SPEC_COMMANDS
    from generator.cli import main as cli_main  # here, so a broken CLI fails this test only

    for call in calls:
        command = cli_main.commands.get(call[1])
        assert command is not None, f"workflow calls `statuspress {call[1]}`, which the CLI lacks"
        options = {opt for param in command.params for opt in getattr(param, "opts", [])}
        used = {arg for arg in call[2:] if arg.startswith("--")}
        assert used <= options, f"{' '.join(call)}: unknown options {sorted(used - options)}"


def test_zizmor_finds_nothing() -> None:
    result = _zizmor(WORKFLOW_DIR)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == []


# --------------------------------------------------------------------------- the checkers catch real problems

BAD_WORKFLOW = """\
name: bad
on:
  pull_request_target:
permissions: write-all
jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: write
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97
      - run: echo "${{ github.event.pull_request.title }}"
"""


def test_schema_check_catches_typos() -> None:
    typo = BAD_WORKFLOW.replace(
        "    runs-on: ubuntu-latest", "    runs-on: ubuntu-latest\n    timout-minutes: 5"
    )
    errors = schema_errors(load_workflow(typo))
    assert any("'timout-minutes' was unexpected" in e for e in errors), errors
    assert any("'timeout-minutes' is a required property" in e for e in errors), errors
    errors = schema_errors(load_workflow(BAD_WORKFLOW.replace("runs-on:", "run-on:")))
    assert any("'runs-on' is a required property" in e for e in errors), errors


def test_invariant_check_catches_each_rule() -> None:
    problems = "\n".join(invariant_problems("validate.yml", BAD_WORKFLOW))
    for expected in (
        "pull_request_target",
        "actions/checkout@v4 is not pinned",
        "actions/setup-python lacks a '# vX.Y.Z' comment",
        "top-level permissions",
        "job build: write permissions ['contents']",
        "persist-credentials",
        "template injection",
    ):
        assert expected in problems, problems


def test_deploy_check_catches_missing_schedule_and_wide_permissions() -> None:
    text = (WORKFLOW_DIR / "deploy.yml").read_text(encoding="utf-8")
    broken = text.replace('  schedule:\n    - cron: "*/15 * * * *"\n', "").replace(
        "group: pages", "group: pages-${{ github.ref }}"
    )
    assert broken != text
    problems = deploy_problems(broken)
    assert any("schedule" in p for p in problems), problems
    assert any("concurrency" in p for p in problems), problems


def test_zizmor_catches_template_injection(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(BAD_WORKFLOW, encoding="utf-8")
    result = _zizmor(bad)
    rules = {finding["ident"] for finding in json.loads(result.stdout)}
    assert {"template-injection", "dangerous-triggers", "unpinned-uses", "artipacked"} <= rules, rules


def _zizmor(target: Path) -> subprocess.CompletedProcess[str]:
    # Next to this interpreter first: a venv's console scripts need not be on PATH.
    exe = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or shutil.which("zizmor")
    assert exe, "zizmor not installed: pip install -e '.[test]'"
    return subprocess.run(
        [exe, "--offline", "--no-progress", "--format", "json", "--persona", "pedantic", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_install_in_this_repository_uses_the_lock(path: Path) -> None:
    installs = [
        line.strip()
        for _, step in _steps(load_workflow(path.read_text(encoding="utf-8")))
        for line in str(step.get("run", "")).splitlines()
        if re.search(r"\bpip install\b", line)
    ]
    assert all("-c constraints.txt" in line for line in installs), installs
