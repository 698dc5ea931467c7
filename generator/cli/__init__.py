"""The statuspress command line. Thin: parse options, read the clock once, call the core, exit code.

Each command group lives in its own module and registers itself on ``main``.
"""

from __future__ import annotations

import click

from generator import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="statuspress")
def main() -> None:
    """statuspress: status page and blameless post-mortems from a Git repository.

    \b
    Example:
      statuspress validate --now 2026-11-26T12:00:00Z
    """


def _register() -> None:
    # Imported for their side effect of adding commands to ``main``.
    import importlib

    for name in ("validate", "author", "numbers", "site", "repo", "notify", "importer"):
        try:
            importlib.import_module(f"generator.cli.{name}")
        except ModuleNotFoundError as exc:  # a command module not written yet
            if exc.name != f"generator.cli.{name}":
                raise


_register()
