"""The Nu HTML Checker (vnu.jar from npm ``vnu-jar``) over many files in one Java run.

Typical use::

    from tests.support.vnu import validate_html, format_messages

    def test_site_is_valid_html(built_site):
        report = validate_html([built_site])          # folders are walked, non-HTML skipped
        errors = {path: msgs for path, msgs in report.items() if msgs}
        assert not errors, format_messages(errors)

Java start-up costs about two seconds, so pass every file or folder in one call rather than
calling once per page.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tests.support.browser import REPO_ROOT

VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@dataclass(frozen=True)
class VnuMessage:
    """One validator message. ``kind`` is "error", "warning" (vnu's info/warning) or "info"."""

    path: Path
    kind: str
    message: str
    line: int | None
    column: int | None
    extract: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.line else str(self.path)
        return f"{where}: {self.kind}: {self.message}"


def missing_validator_tools() -> list[str]:
    """What is missing for `validate_html`, as install hints; empty when all is there."""
    problems = []
    if shutil.which("java") is None:
        problems.append("java not found (apt-get install default-jre-headless)")
    if not VNU_JAR.is_file():
        problems.append(f"{VNU_JAR.relative_to(REPO_ROOT)} missing (run npm ci)")
    return problems


def _kind(raw: Mapping[str, object]) -> str:
    if raw.get("type") == "info":
        return "warning" if raw.get("subType") == "warning" else "info"
    # "error" and "non-document-error" (an unreadable file, say) both count as errors.
    return "error"


def validate_html(
    paths: Iterable[Path | str],
    *,
    include_warnings: bool = False,
    ignore: Iterable[str] = (),
) -> dict[Path, list[VnuMessage]]:
    """Validate HTML files and folders (walked recursively, non-HTML files skipped).

    Returns a dict with an entry for every HTML file checked (``[]`` when clean) mapped to its
    messages: errors only, unless ``include_warnings``. ``ignore`` takes substrings of messages
    to drop (document why at the call site). Raises `RuntimeError` with install hints if Java or
    vnu.jar is missing, and if the validator itself crashes.
    """
    targets = [Path(p).resolve() for p in paths]
    problems = missing_validator_tools()
    if problems:
        raise RuntimeError("; ".join(problems))
    ignored = tuple(ignore)
    checked: dict[Path, list[VnuMessage]] = {}
    for target in targets:
        files = [target] if target.is_file() else sorted(target.rglob("*.htm*"))
        for f in files:
            if f.suffix in {".html", ".htm"}:
                checked[f] = []
    if not checked:
        return checked
    cmd = ["java", "-jar", str(VNU_JAR), "--format", "json", "--skip-non-html", "--exit-zero-always"]
    if not include_warnings:
        cmd.append("--errors-only")
    cmd.extend(str(t) for t in targets)
    env = dict(os.environ, LC_ALL="C.UTF-8")
    proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", env=env, check=False)
    try:
        # vnu writes its JSON report to stderr.
        report = json.loads(proc.stderr)
    except json.JSONDecodeError as exc:
        raise RuntimeError(f"vnu.jar failed (exit {proc.returncode}): {proc.stderr[-2000:]}") from exc
    for raw in report.get("messages", []):
        url = str(raw.get("url", ""))
        path = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else Path(url)
        kind = _kind(raw)
        text = str(raw.get("message", ""))
        if kind == "info" or (kind == "warning" and not include_warnings):
            continue
        if any(fragment in text for fragment in ignored):
            continue
        checked.setdefault(path, []).append(
            VnuMessage(
                path=path,
                kind=kind,
                message=text,
                line=raw.get("lastLine"),  # type: ignore[arg-type]
                column=raw.get("firstColumn"),  # type: ignore[arg-type]
                extract=str(raw.get("extract", "")),
            )
        )
    return checked


def format_messages(report: Mapping[Path, list[VnuMessage]]) -> str:
    """One line per message, for assertion messages."""
    return "\n".join(str(m) for msgs in report.values() for m in msgs)
