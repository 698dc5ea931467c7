"""The one place an import touches the repository: reading sources, writing files and the report.

Rules: a file that does not exist is written; an identical one is left untouched (same bytes, same
modification time); a different one is kept and reported unless ``force``. site_config.yml is
merged with a round-trip YAML editor: services are appended, nothing the user wrote is changed.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator.importers.common import REPORT_CODES, ImportResult, ReportItem

REPORT_NAME = "import-report.md"
MAX_JSON_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Outcome:
    created: tuple[str, ...]
    unchanged: tuple[str, ...]
    kept: tuple[str, ...]  # differ from the import, left as the user has them
    replaced: tuple[str, ...]
    report: tuple[ReportItem, ...]


def read_json_sources(paths: list[Path]) -> tuple[list[tuple[str, Any]], list[tuple[str, str, str]]]:
    """Every ``*.json`` under the given files and folders, sorted by path inside a folder."""
    docs: list[tuple[str, Any]] = []
    problems: list[tuple[str, str, str]] = []
    for path in paths:
        files = sorted(p for p in path.rglob("*.json") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            name = f.as_posix()
            try:
                if f.stat().st_size > MAX_JSON_BYTES:
                    problems.append((name, "I001", "larger than 200 MB; skipped"))
                    continue
                docs.append((name, json.loads(f.read_text(encoding="utf-8-sig"))))
            except (OSError, UnicodeDecodeError) as exc:
                problems.append((name, "I001", f"cannot be read: {exc}"))
            except (ValueError, RecursionError) as exc:
                problems.append((name, "I001", f"is not valid JSON: {exc}"))
    return docs, problems


def _yaml() -> YAML:
    y = YAML()  # round-trip: comments, order and quoting survive
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def existing_service_ids(root: Path) -> set[str]:
    path = root / "site_config.yml"
    try:
        data = _yaml().load(path.read_text(encoding="utf-8")) if path.is_file() else None
    except Exception:
        return set()
    services = data.get("services") if isinstance(data, dict) else None
    return {str(s.get("id")) for s in services or [] if isinstance(s, dict) and s.get("id")}


def merged_config(root: Path, result: ImportResult, today: date | None = None) -> tuple[str | None, str]:
    """(new text of site_config.yml or None when nothing changes, note for the user)."""
    path = root / "site_config.yml"
    y = _yaml()
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        data = y.load(text)
        if not isinstance(data, dict):
            return None, "site_config.yml is not a mapping; services were not added (see the report)"
    else:
        text = ""
        data = CommentedMap()
        site = result.site
        data["site"] = CommentedMap(
            name=site.name if site else "Status",
            url=site.url if site and site.url.startswith(("http://", "https://")) else "https://status.example.com/",
            timezone=site.timezone if site else "UTC",
        )
        data["services"] = CommentedSeq()
        if today is not None:
            # Imported history predates the post-mortem policy: no "post-mortem overdue" flood.
            data["postmortems"] = CommentedMap(policy_since=today.isoformat())
    services = data.get("services")
    if services is None:
        services = data["services"] = CommentedSeq()
    if not isinstance(services, list):
        return None, "services: in site_config.yml is not a list; services were not added"
    have = {str(s.get("id")) for s in services if isinstance(s, dict)}
    added = 0
    for spec in result.services:
        if spec.id in have:
            continue
        entry = CommentedMap(id=spec.id, name=spec.name, group=spec.group)
        if spec.description:
            entry["description"] = spec.description
        services.append(entry)
        have.add(spec.id)
        added += 1
    if not added and path.is_file():
        return None, "site_config.yml already declares every imported service"
    out = io.StringIO()
    y.dump(data, out)
    new = out.getvalue()
    return (None if new == text else new), f"site_config.yml: {added} service(s) added"


def report_markdown(result: ImportResult, kind: str, outcome_lines: list[str]) -> str:
    lines = [f"# Import report ({kind})", ""]
    lines += [f"- {k}: {v}" for k, v in result.counts]
    lines += outcome_lines
    lines += ["", f"{len(result.report)} item(s) for a person to decide. Nothing below was repaired silently.", ""]
    if result.strays:
        lines += ["Names not declared and not mapped (left out of their incidents). To keep them, map each to a",
                  "service id in a file and import again with `--map FILE`:", "", "```yaml"]
        lines += [f"{json.dumps(name, ensure_ascii=False)}: SERVICE-ID  # named by {n} record(s)" for name, n in result.strays]
        lines += ["```", ""]
    if result.report:
        lines += ["| source | code | what |", "| --- | --- | --- |"]
        for r in result.report:
            cells = [c.replace("|", "\\|").replace("\n", " ") for c in (r.source, r.code, r.message)]
            lines.append(f"| {cells[0]} | {cells[1]} | {cells[2]} |")
        lines += ["", "Codes:", ""]
        for code in sorted({r.code for r in result.report}):
            lines.append(f"- {code}: {REPORT_CODES[code]}")
    return "\n".join(lines) + "\n"


def apply(root: Path, result: ImportResult, kind: str, force: bool = False, today: date | None = None) -> Outcome:
    created: list[str] = []
    unchanged: list[str] = []
    kept: list[str] = []
    replaced: list[str] = []
    extra: list[ReportItem] = []
    for rel, text in result.files:
        target = root / rel
        data = text.encode("utf-8")
        if target.exists():
            if target.read_bytes() == data:
                unchanged.append(rel)
                continue
            if not force:
                kept.append(rel)
                extra.append(ReportItem(rel, "I016", "differs from the import; kept as it is (--force replaces it)"))
                continue
            replaced.append(rel)
        else:
            created.append(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    config_text, note = merged_config(root, result, today)
    if config_text is not None:
        (root / "site_config.yml").write_text(config_text, encoding="utf-8")
    full = ImportResult(result.files, result.services,
                        tuple(sorted(result.report + tuple(extra), key=lambda r: (r.source, r.code, r.message))),
                        result.site, result.counts, result.strays)
    summary = [f"- files: {len(created)} created, {len(unchanged)} unchanged, {len(kept)} kept (differ), "
               f"{len(replaced)} replaced", f"- {note}"]
    report_path = root / REPORT_NAME
    report_text = report_markdown(full, kind, summary).encode("utf-8")
    if not report_path.exists() or report_path.read_bytes() != report_text:
        report_path.write_bytes(report_text)
    return Outcome(tuple(created), tuple(unchanged), tuple(kept), tuple(replaced), full.report)
