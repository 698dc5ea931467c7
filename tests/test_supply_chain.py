"""Supply chain: every dependency is a bounded range, and CI installs the lock, not the ranges.

tests/test_constraints.py checks the lock against the ranges and tests/test_workflows.py checks
that actions are pinned by commit SHA; here, the ranges themselves and the CI entry point.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def test_every_dependency_has_a_lower_and_an_upper_bound() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    unbounded = []
    for text in declared:
        ops = {spec.operator for spec in Requirement(text).specifier}
        if not ops & {">=", ">", "~=", "=="} or not ops & {"<", "<=", "~=", "=="}:
            unbounded.append(text)
    assert declared and unbounded == [], f"give these a range such as 'name>=1.2,<2': {unbounded}"


def test_ci_installs_from_the_lock() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    script = re.search(r"^\s*(?:exec\s+)?bash\s+(\S+)", ci, flags=re.M)
    assert script, "the CI entry point should run the test script"
    test_sh = (ROOT / script.group(1)).read_text(encoding="utf-8")
    installs = [line for line in test_sh.splitlines()
                if re.search(r"\bpip\b.*\binstall\b", line) and not line.lstrip().startswith(("#", "log "))]
    assert installs, "the test script installs the project"
    assert all("-c constraints.txt" in line or "--constraint" in line for line in installs), installs
    assert (ROOT / "constraints.txt").is_file()
