"""Reporters: the same problem list as text, JSON or GitHub Actions annotations."""

from __future__ import annotations

import json
import re

from generator.model import Problem

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(text: str) -> str:
    """Control characters as escapes (``\\n``): a value quoted in a message can neither break the
    one-line-per-problem shape nor start a line that CI reads as a command (``::error ...``)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def format_problem(p: Problem) -> str:
    hint = f" (hint: {_one_line(p.hint)})" if p.hint else ""
    return f"{_one_line(p.path)}:{p.line}: {p.code} {_one_line(p.message)}{hint}"


def summary_line(problems: list[Problem]) -> str:
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return "ok: no problems found"
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def format_text(problems: list[Problem]) -> str:
    lines = [format_problem(p) if p.level == "error" else format_problem(p).replace(f" {p.code} ", f" {p.code} warning: ", 1)
             for p in problems]
    lines.append(summary_line(problems))
    return "\n".join(lines) + "\n"


def format_json(problems: list[Problem]) -> str:
    payload = {
        "ok": not any(p.level == "error" for p in problems),
        "errors": sum(p.level == "error" for p in problems),
        "warnings": sum(p.level == "warning" for p in problems),
        "problems": [
            {"path": p.path, "line": p.line, "code": p.code, "level": p.level, "message": p.message, "hint": p.hint}
            for p in problems
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    # Workflow-command escaping, as GitHub's @actions/core does it.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: list[Problem]) -> str:
    out = []
    for p in problems:
        kind = "error" if p.level == "error" else "warning"
        message = p.message + (f" (hint: {p.hint})" if p.hint else "")
        out.append(f"::{kind} file={_escape_property(p.path)},line={p.line},"
                   f"title={_escape_property(p.code)}::{_escape_data(message)}")
    out.append(summary_line(problems))
    return "\n".join(out) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def format_markdown(problems: list[Problem]) -> str:
    """For the GitHub job summary."""
    if not problems:
        return "### statuspress validate\n\nNo problems found.\n"
    rows = ["### statuspress validate", "", summary_line(problems), "",
            "| level | file | line | code | message | hint |", "| --- | --- | --- | --- | --- | --- |"]
    for p in problems:
        rows.append(f"| {p.level} | `{_md_cell(p.path)}` | {p.line} | {p.code} | {_md_cell(p.message)} | "
                    f"{_md_cell(p.hint)} |")
    return "\n".join(rows) + "\n"


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github}
