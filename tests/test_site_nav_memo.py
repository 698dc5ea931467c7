"""Material's navigation partials, made once per set of links, print what Material prints on each page."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.site import mkdocs_backend
from tests.site_repo import build
from tests.test_site_branding import GOOD_THEME, repo_with_theme
from tests.test_site_determinism import assert_same, snapshot


@pytest.mark.parametrize("internal", [False, True], ids=["public", "internal"])
def test_the_site_is_the_same_with_the_navigation_made_on_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, internal: bool
) -> None:
    # A logo (printed in the sidebar relative to each page) and pages at every depth of the example.
    root, _ = repo_with_theme(tmp_path / "repo", GOOD_THEME)
    memoized = build(root, tmp_path / "memoized", internal=internal, drafts=internal).out
    calls: list[str] = []

    def counting(render, key_of):  # type: ignore[no-untyped-def]
        def root_render(context):  # type: ignore[no-untyped-def]
            calls.append(str(key_of(context) is not None))
            return render(context)
        return root_render

    monkeypatch.setattr(mkdocs_backend, "_memoized", counting)
    plain = build(root, tmp_path / "plain", internal=internal, drafts=internal).out
    assert_same(memoized, plain)
    # The memo served most pages (those outside the navigation), not none of them.
    assert calls.count("True") > calls.count("False") > 0
    pages = [p for p in snapshot(plain) if p.endswith(".html")]
    assert any(p.startswith("incidents/") for p in pages) and any(p.startswith("services/") for p in pages)
