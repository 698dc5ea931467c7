"""Every statuspress command in README.md's tour and docs/authoring.md works as written, today.

The blocks are run literally (git commands left out) by bash in a repository made by
`statuspress init`, on the real clock and without `--now`: a command that only works on the
day the docs were written fails here.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _blocks(doc: str) -> list[str]:
    text = (ROOT / doc).read_text(encoding="utf-8")
    return [b for b in re.findall(r"```(?:sh|bash)\n(.*?)```", text, re.S) if "statuspress " in b]


def _script(blocks: list[str]) -> str:
    lines = []
    for block in blocks:
        for line in block.replace("\\\n", " ").split("\n"):
            stripped = line.strip()
            if not stripped or stripped.startswith("#") or stripped.startswith("git "):
                continue
            if "pip install" in stripped:
                continue
            lines.append(stripped)
    return "\n".join(lines)


@pytest.mark.parametrize(("doc", "start"), [("docs/authoring.md", 0), ("README.md", 0)])
def test_documented_commands_work_as_written_today(tmp_path: Path, doc: str, start: int) -> None:
    site = tmp_path / "status"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SOURCE_DATE_EPOCH", None)
    made = subprocess.run([sys.executable, "-m", "generator", "init", str(site)], env=env, capture_output=True,
                          text=True)
    assert made.returncode == 0, made.stdout + made.stderr
    blocks = _blocks(doc)
    if doc == "README.md":  # the tour, not the build-from-source line
        blocks = [b for b in blocks if "new incident" in b or "update" in b]
    script = _script(blocks)
    assert "statuspress update" in script and "statuspress resolve" in script
    wrapper = f"set -euo pipefail\nstatuspress() {{ {shlex.quote(sys.executable)} -m generator \"$@\"; }}\n"
    done = subprocess.run(["bash", "-c", wrapper + script], cwd=site, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, f"{doc}:\n{script}\n--- stdout\n{done.stdout[-3000:]}\n--- stderr\n{done.stderr[-3000:]}"
    check = subprocess.run([sys.executable, "-m", "generator", "validate"], cwd=site, env=env, capture_output=True,
                           text=True)
    assert check.returncode == 0, check.stdout


def test_computations_doc_says_what_the_commands_do_with_the_future(tmp_path: Path) -> None:
    """docs/computations.md: times after "now" are refused with E034 (not silently ignored)."""
    from click.testing import CliRunner

    from generator.cli import main
    from tests.test_hostile_cli import tiny_repo

    text = " ".join((ROOT / "docs/computations.md").read_text(encoding="utf-8").split())
    assert "(E034)" in text and "is ignored" not in text
    repo = tiny_repo(tmp_path / "repo")
    for command in ("validate", "build", "uptime", "kpis"):
        args = [command, "--root", str(repo), "--now", "2026-03-14T09:30:00Z"]
        if command == "build":
            args += ["--out", str(tmp_path / "site")]
        result = CliRunner().invoke(main, args, catch_exceptions=False)
        assert result.exit_code == 1 and "E034" in result.output, (command, result.output)
