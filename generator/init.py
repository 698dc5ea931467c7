"""`statuspress init`: the files of a new status repository, made in memory, then written.

Nothing existing is overwritten unless asked (``force``); every file is listed first, so a
refusal happens before anything is written.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from generator import __version__
from generator.timeparse import format_timestamp

SCAFFOLD = Path(__file__).resolve().parent / "scaffold"


class InitError(Exception):
    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def example_incident(now: datetime) -> tuple[str, str]:
    """A resolved example incident from yesterday, so the new site validates and builds at once."""
    start = (now - timedelta(days=1)).replace(second=0, microsecond=0)
    t = [format_timestamp(start + timedelta(minutes=m)) for m in (0, 4, 9, 31, 48)]
    name = f"{start:%Y-%m-%d}-example-dashboard-slowness.md"
    text = f"""---
# An example: edit or delete it. `statuspress new incident` writes files like this one.
title: Dashboard pages loading slowly
severity: SEV-4
services:
  dashboard: degraded_performance
started_at: {t[0]}
detected_at: {t[1]}
acknowledged_at: {t[2]}
resolved_at: {t[4]}
detection: synthetic
category: capacity
updates:
  - at: {t[2]}
    status: investigating
    message: Some dashboard pages are loading slowly. We are looking into it.
  - at: {t[3]}
    status: monitoring
    message: We added capacity and page load times are back to normal. We are watching closely.
  - at: {t[4]}
    status: resolved
    message: Page load times have stayed normal. This incident is resolved.
---
An example incident. Everything below the front-matter is shown on the incident page.
"""
    return f"content/incidents/{name}", text


def default_install_spec() -> str:
    return f"statuspress=={__version__}"


def scaffold_files(now: datetime, install_spec: str | None = None) -> dict[str, bytes]:
    """Relative path -> content for a new status repository.

    ``install_spec`` is what the workflows give to pip: by default the release that made the
    scaffold; a ``statuspress @ git+https://...`` URL works as well.
    """
    spec = install_spec or default_install_spec()
    if any(c in spec for c in "\n\r\"`$\\"):
        raise InitError(f"install spec {spec!r} has characters that cannot go into a workflow",
                        "use e.g. statuspress==0.1.0 or statuspress @ git+https://host/org/statuspress@v0.1.0")
    files: dict[str, bytes] = {
        "site_config.yml": (SCAFFOLD / "site_config.yml").read_bytes(),
        "README.md": (SCAFFOLD / "README.md").read_bytes(),
        ".gitignore": (SCAFFOLD / "gitignore").read_bytes(),
        "content/maintenance/.gitkeep": b"",
        "content/postmortems/.gitkeep": b"",
    }
    path, text = example_incident(now)
    files[path] = text.encode()
    for workflow in sorted((SCAFFOLD / ".github" / "workflows").glob("*.yml")):
        body = workflow.read_text(encoding="utf-8")
        # A status repository pins the statuspress release it was made with.
        body = body.replace("uv pip install --system statuspress", f'uv pip install --system "{spec}"')
        files[f".github/workflows/{workflow.name}"] = body.encode()
    # An empty theme/: the bundled theme is used file by file until a file here replaces one.
    files["theme/README.md"] = theme_readme().encode()
    return files


def theme_readme() -> str:
    """theme/README.md for a new repository: the override points, with today's page template names."""
    text = (SCAFFOLD / "theme-README.md").read_text(encoding="utf-8")
    try:
        from generator.site.templating import bundled_templates
    except ImportError:  # pragma: no cover - page templates not available
        return text
    return text + "".join(f"- `{name}`\n" for name in sorted(bundled_templates()))


def write_scaffold(target: Path, now: datetime, force: bool = False, install_spec: str | None = None) -> list[str]:
    """Write the scaffold into ``target``; return the relative paths written."""
    files = scaffold_files(now, install_spec)
    if target.exists() and not target.is_dir():
        raise InitError(f"{target} exists and is not a folder", "choose another DIR")
    existing = sorted(rel for rel in files if (target / rel).exists() or (target / rel).is_symlink())
    if existing and not force:
        shown = ", ".join(existing[:5]) + (f" and {len(existing) - 5} more" if len(existing) > 5 else "")
        raise InitError(f"would overwrite {shown}", "use another folder, or --force to overwrite them")
    for rel, data in files.items():
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.is_symlink():
            dest.unlink()  # never write through a link (only reached with --force)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".statuspress-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    return sorted(files)
