"""The push-to-live benchmark measures the uv the workflows use."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pinned_uv(workflow: Path) -> set[str]:
    # setup-uv's `version:` in every job that installs with uv.
    return set(re.findall(r'setup-uv@\S+.*\n(?:.*\n)*?\s+version: "([^"]+)"', workflow.read_text(encoding="utf-8")))


def test_the_benchmark_requirements_pin_the_workflows_uv() -> None:
    pins = re.findall(r"^uv==(\S+)", (ROOT / "benchmarks/requirements.txt").read_text(encoding="utf-8"), re.M)
    assert len(pins) == 1, pins
    workflows = [ROOT / ".github/workflows/deploy.yml", ROOT / "generator/scaffold/.github/workflows/deploy.yml",
                 ROOT / "generator/scaffold/.github/workflows/validate.yml"]
    for workflow in workflows:
        assert _pinned_uv(workflow) == {pins[0]}, workflow

