"""Every command's --help shows a working example, and the README lists every command."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent


def all_commands(group: click.Group = main, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        path = (*prefix, name)
        out.append(path)
        if isinstance(cmd, click.Group):
            out.extend(all_commands(cmd, path))
    return out


COMMANDS = all_commands()


def test_the_spec_commands_exist() -> None:
    names = {c[0] for c in COMMANDS}
    assert {"init", "new", "update", "resolve", "validate", "build", "serve", "uptime", "kpis", "diff"} <= names
    assert {("new", "incident"), ("new", "postmortem"), ("new", "maintenance")} <= set(COMMANDS)


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_help_has_an_example_that_names_the_command(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Example" in result.output, f"statuspress {' '.join(path)} --help has no example"
    example = result.output.split("Example", 1)[1]
    assert f"statuspress {' '.join(path)}" in example


def test_readme_mentions_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in COMMANDS:
        if len(path) == 1 and path[0] != "new":
            assert f"statuspress {path[0]}" in readme, path
