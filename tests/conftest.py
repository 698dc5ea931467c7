"""Shared pytest fixtures. Keep each section small; add new ones under their own heading."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.browser import Browser, ToolMissing, missing_browser_tools, tools_may_be_missing
from tests.support.vnu import missing_validator_tools

# --------------------------------------------------------------------------- environment

# MkDocs 1.6 prints a banner about MkDocs 2 on every build; tests build many sites.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


# --------------------------------------------------------------------------- browser and validator
# Chromium, Java and the npm files are installed by scripts/test.sh. A missing tool fails the
# test with the install hint; STATUSPRESS_ALLOW_NO_BROWSER=1 turns that into a skip (for a
# quick local run only: CI must never set it).


def _missing(problems: list[str], what: str) -> None:
    if not problems:
        return
    message = f"{what} unavailable: " + "; ".join(problems) + " (or run: bash scripts/test.sh)"
    if tools_may_be_missing():
        pytest.skip(message)
    pytest.fail(message, pytrace=False)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session (see tests/support/browser.py)."""
    _missing(missing_browser_tools(), "headless Chromium")
    try:
        instance = Browser()
    except ToolMissing as exc:
        _missing([str(exc)], "headless Chromium")
        raise
    with instance:
        yield instance


@pytest.fixture(scope="session")
def html_validator() -> None:
    """Request this fixture before calling tests.support.vnu.validate_html."""
    _missing(missing_validator_tools(), "Nu HTML validator")


# --------------------------------------------------------------------------- built example sites
# The example repository (site_config.yml + content/) built once per session with real MkDocs,
# public and internal+drafts, at the example's fixed date. Read-only: tests that need to change
# content copy the repository (tests/site_repo.py) and build their own.

EXAMPLE_NOW = "2026-11-26T12:00:00Z"


def _build_example(out, *, internal: bool):  # type: ignore[no-untyped-def]
    from pathlib import Path

    from generator.site.build import BuildOptions, build_site
    from generator.timeparse import parse_timestamp

    root = Path(__file__).resolve().parents[1]
    options = BuildOptions(root=root, out=out, now=parse_timestamp(EXAMPLE_NOW), internal=internal, drafts=internal)
    return build_site(options).out


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The example site, public build, in a session temp folder (do not modify)."""
    return _build_example(tmp_path_factory.mktemp("public") / "site", internal=False)


@pytest.fixture(scope="session")
def built_site_internal(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The example site built with --internal --drafts (do not modify)."""
    return _build_example(tmp_path_factory.mktemp("internal") / "site", internal=True)
