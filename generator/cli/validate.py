"""`statuspress validate`."""

from __future__ import annotations

import os
from pathlib import Path

import click

from generator.cli import main
from generator.cli.common import now_option, resolve_now, root_option
from generator.report import FORMATTERS, format_markdown
from generator.site.branding import theme_problems
from generator.validate import check_repository, finish, has_errors


@main.command()
@click.option("--strict", is_flag=True, help="Treat warnings (overdue post-mortems and action items, blameless lint) as errors.")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATTERS)), default="text", show_default=True,
              help="text for people, json for tools, github for pull-request annotations.")
@now_option
@root_option
def validate(strict: bool, fmt: str, now, root: Path) -> None:
    """Check every content file and site_config.yml; report every problem.

    Exit status: 0 clean (warnings allowed unless --strict), 1 problems, 2 usage.

    \b
    Example:
      statuspress validate --format github --now 2026-11-26T12:00:00Z
    """
    _model, problems = check_repository(root, resolve_now(now), strict=strict)
    problems = finish(problems + theme_problems(root), strict)  # theme: in site_config.yml, and theme/ files
    click.echo(FORMATTERS[fmt](problems), nl=False)
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and summary_path:
        try:
            with open(summary_path, "a", encoding="utf-8") as fh:
                fh.write(format_markdown(problems))
        except OSError as exc:
            raise click.ClickException(f"cannot write GITHUB_STEP_SUMMARY ({summary_path}): {exc.strerror}") from exc
    raise SystemExit(1 if has_errors(problems) else 0)
