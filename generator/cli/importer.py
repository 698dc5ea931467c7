"""`statuspress import statuspage|cstate`: bring another status page's history into this repository."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
import yaml

from generator.cli import main
from generator.cli.common import now_option, resolve_now, root_option
from generator.importers.apply import REPORT_NAME, Outcome, apply, existing_service_ids, read_json_sources
from generator.importers.common import ImportResult, parse_map
from generator.importers.cstate import import_cstate
from generator.importers.statuspage import import_statuspage

map_option = click.option(
    "--map", "map_file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
    help="YAML file of 'component or system name (or id): service-id' for renamed or undeclared names.")
force_option = click.option("--force", is_flag=True, help="Replace content files that differ from the import "
                            "(default: keep them and list them in the report).")


def _mapping(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise click.UsageError(f"--map {path}: cannot be read as YAML ({str(exc).splitlines()[0]})") from exc
    mapping, errors = parse_map(data)
    if errors:
        raise click.UsageError(f"--map {path}: " + "; ".join(errors))
    return mapping


def _finish(root: Path, result: ImportResult, kind: str, force: bool, today: date) -> None:
    root.mkdir(parents=True, exist_ok=True)
    outcome: Outcome = apply(root, result, kind, force=force, today=today)
    counts = ", ".join(f"{v} {k}" for k, v in result.counts)
    click.echo(f"Imported from {kind}: {counts}.")
    click.echo(f"Files: {len(outcome.created)} created, {len(outcome.unchanged)} unchanged, "
               f"{len(outcome.kept)} kept as they are (they differ; --force replaces them), "
               f"{len(outcome.replaced)} replaced.")
    for item in outcome.report:
        click.echo(f"{item.source}: {item.code} {item.message}")
    click.echo(f"{len(outcome.report)} item(s) to decide, listed in {root / REPORT_NAME}. "
               "Next: statuspress validate")


@main.group(name="import")
def import_group() -> None:
    """Import history from another status page (Statuspage, cState).

    \b
    Example:
      statuspress import statuspage incidents.json summary.json --root my-status
      statuspress import cstate ../old-status-site --map names.yml
    """


@import_group.command(name="statuspage")
@click.argument("sources", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@root_option
@map_option
@force_option
@now_option
def statuspage_command(sources: tuple[Path, ...], root: Path, map_file: Path | None, force: bool, now) -> None:  # type: ignore[no-untyped-def]
    """Import Statuspage v2 JSON: summary.json, incidents.json, scheduled-maintenances.json,
    files of one {"incident": ...}, or folders of these.

    \b
    Example:
      curl -o incidents.json https://www.githubstatus.com/api/v2/incidents.json
      statuspress import statuspage incidents.json --root .
    """
    moment = resolve_now(now)
    docs, problems = read_json_sources(list(sources))
    result = import_statuspage(docs, _mapping(map_file), existing_service_ids(root), problems, now=moment)
    _finish(root, result, "statuspage", force, moment.date())


def _cstate_files(repo: Path) -> tuple[str, list[tuple[str, str]]]:
    config = repo / "config.yml"
    if not config.is_file():
        raise click.UsageError(f"{repo}: no config.yml; give the folder of a cState site")
    issues_dir = repo / "content" / "issues"
    issues: list[tuple[str, str]] = []
    if issues_dir.is_dir():
        for f in sorted(issues_dir.glob("*.md")):
            try:
                issues.append((f.name, f.read_text(encoding="utf-8-sig")))
            except (OSError, UnicodeDecodeError):
                issues.append((f.name, ""))  # reported by the importer as having no front-matter
    return config.read_text(encoding="utf-8-sig", errors="replace"), issues


@import_group.command(name="cstate")
@click.argument("repo", type=click.Path(exists=True, file_okay=False, path_type=Path))
@root_option
@map_option
@force_option
@now_option
def cstate_command(repo: Path, root: Path, map_file: Path | None, force: bool, now) -> None:  # type: ignore[no-untyped-def]
    """Import a cState site: config.yml systems and categories, content/issues/*.md.

    \b
    Example:
      git clone https://github.com/jenkins-infra/status /tmp/jenkins-status
      statuspress import cstate /tmp/jenkins-status --root .
    """
    moment = resolve_now(now)
    config_text, issues = _cstate_files(repo)
    result = import_cstate(config_text, issues, _mapping(map_file), existing_service_ids(root), now=moment)
    _finish(root, result, "cstate", force, moment.date())


