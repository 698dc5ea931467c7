"""Validation: every rule, every problem, never just the first.

``validate_model`` is pure (model and ``now`` in, problems out);
``check_repository`` loads and validates.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from generator.load import CONFIG_FILE, LoadCache, load_repository
from generator.model import Model, Problem
from generator.validate.crossfile import crossfile_rules
from generator.validate.drills import drill_rules
from generator.validate.lifecycle import incident_rules, maintenance_rules
from generator.validate.partial import partial_rules
from generator.validate.postmortem import policy_rules, postmortem_rules
from generator.validate.stale import stale_rules


def validate_model(model: Model, now: datetime, strict: bool = False, config_usable: bool = True) -> list[Problem]:
    problems: list[Problem] = []
    for inc in (*model.incidents, *model.drills):  # a drill keeps the same lifecycle rules
        problems.extend(incident_rules(inc, now))
    for mw in model.maintenance:
        problems.extend(maintenance_rules(mw, now))
    problems.extend(crossfile_rules(model, config_usable))
    for pm in model.postmortems:
        problems.extend(postmortem_rules(pm, model, now))
    problems.extend(policy_rules(model, now))
    problems.extend(partial_rules(model, now, config_usable))
    problems.extend(stale_rules(model, now))
    problems.extend(drill_rules(model, now))
    return finish(problems, strict)


def finish(problems: list[Problem], strict: bool) -> list[Problem]:
    """Sort, de-duplicate and, under --strict, turn warnings into errors."""
    if strict:
        problems = [replace(p, level="error") if p.level == "warning" else p for p in problems]
    return sorted(set(problems), key=Problem.sort_key)


def check_repository(
    root: Path, now: datetime, strict: bool = False, cache: LoadCache | None = None
) -> tuple[Model, list[Problem]]:
    """Load and validate a status repository. Never raises on bad input.

    ``cache``: see :class:`generator.load.LoadCache` (a preview server keeps one).
    """
    model, problems = load_repository(Path(root), cache)
    config_usable = bool(model.config.services) and not any(
        p.path == CONFIG_FILE and p.code in ("E070", "E004") for p in problems)
    problems = problems + validate_model(model, now, strict, config_usable)
    return model, finish(problems, strict)


def has_errors(problems: list[Problem]) -> bool:
    return any(p.level == "error" for p in problems)
