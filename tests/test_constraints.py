"""constraints.txt (the Python lock) matches pyproject.toml and installs on every supported Python."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
# The oldest Python the lock must install on: Debian 12's python3, used by scripts/test.sh there.
OLDEST_PYTHON = Version("3.11.2")


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]]


def test_every_declared_dependency_is_pinned_within_its_range() -> None:
    pins = _pins()
    problems = []
    for req in _declared():
        pinned = pins.get(canonicalize_name(req.name))
        if pinned is None:
            problems.append(f"{req.name} missing from constraints.txt")
        elif not req.specifier.contains(pinned, prereleases=True):
            problems.append(f"{req.name}=={pinned} outside pyproject's {req.specifier}")
    assert problems == [], "run: python3 scripts/update_constraints.py\n" + "\n".join(problems)


def test_installed_versions_match_the_lock() -> None:
    mismatched = {}
    for name, version in _pins().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # platform-specific pins (colorama on Windows, say) need not be installed
        if installed != version:
            mismatched[name] = f"installed {installed}, locked {version}"
    assert mismatched == {}, "run: bash scripts/test.sh (installs with -c constraints.txt)"


def test_every_pin_installs_on_the_oldest_supported_python() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert SpecifierSet(project["requires-python"]).contains(OLDEST_PYTHON)
    too_new = {}
    for name, version in _pins().items():
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        requires = dist.metadata.get("Requires-Python")
        if dist.version == version and requires and not SpecifierSet(requires).contains(OLDEST_PYTHON):
            too_new[name] = f"{version} requires Python {requires}"
    assert too_new == {}, f"pin an older release that supports Python {OLDEST_PYTHON}: {too_new}"
