"""Rebuilds that reuse work (``statuspress serve``) and builds on several cores write exactly what a
fresh, single-process build writes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.site.build import BuildOptions, SiteBuilder, ValidationFailed, build_site
from generator.site.mkdocs_backend import THEME_DIR
from generator.timeparse import parse_timestamp
from tests.site_repo import EXAMPLE_NOW, REPO_ROOT, copy_example

BASE = "http://127.0.0.1:8000/"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same(a: Path, b: Path) -> None:
    left, right = snapshot(a), snapshot(b)
    assert sorted(left) == sorted(right)
    different = [name for name in left if left[name] != right[name]]
    assert not different, different[:10]


def options(root: Path, out: Path, now: str = EXAMPLE_NOW) -> BuildOptions:
    return BuildOptions(root=root, out=out, now=parse_timestamp(now), base_url=BASE)


def _resolved_incident(root: Path) -> Path:
    for path in sorted((root / "content" / "incidents").glob("*.md")):
        if re.search(r"^    status: resolved$", path.read_text(encoding="utf-8"), re.M):
            return path
    raise AssertionError("the example has no resolved incident")


def edit_message(root: Path) -> None:
    path = _resolved_incident(root)
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^(    message: .*)$", r"\1 (edited)", text, count=1, flags=re.M), encoding="utf-8")


def add_incident(root: Path) -> None:
    (root / "content" / "incidents" / "2026-11-25-added-while-serving.md").write_text("""---
title: Slow search results
severity: SEV-3
services: {api: degraded_performance}
started_at: 2026-11-25T08:00:00Z
detected_at: 2026-11-25T08:05:00Z
acknowledged_at: 2026-11-25T08:10:00Z
resolved_at: 2026-11-25T09:00:00Z
detection: alert
category: capacity
updates:
  - {at: 2026-11-25T08:10:00Z, status: investigating, message: Search is slow.}
  - {at: 2026-11-25T09:00:00Z, status: resolved, message: Search is fast again.}
---
Added while the preview was running.
""", encoding="utf-8")


def delete_incident(root: Path) -> None:
    (root / "content" / "incidents" / "2026-11-25-added-while-serving.md").unlink()


def retitle_postmortem(root: Path) -> None:
    # Incident pages link their post-mortem by its title: those pages must be made again.
    path = sorted((root / "content" / "postmortems").glob("*.md"))[0]
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^title: ", text, re.M)
    path.write_text(re.sub(r"^title: (.*)$", r"title: \1 (revised)", text, count=1, flags=re.M), encoding="utf-8")


def rename_service(root: Path) -> None:
    config = root / "site_config.yml"
    text = config.read_text(encoding="utf-8")
    assert "name: Public API" in text
    config.write_text(text.replace("name: Public API", "name: Public REST API", 1), encoding="utf-8")


def own_theme(root: Path) -> None:
    shutil.copytree(THEME_DIR, root / "theme")
    css = root / "theme" / "assets" / "css" / "statuspress.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* changed while serving */\n", encoding="utf-8")


def tamper_with_spare(root: Path) -> None:
    # The previous build, kept beside the preview to be updated next time: whatever happened to it,
    # the next build must still leave exactly the new site.
    spare = root.parent / "preview" / ".site.spare"
    pages = sorted(spare.glob("incidents/*/index.html"))
    assert len(pages) > 3
    pages[0].write_bytes(pages[0].read_bytes().replace(b"<h1", b"<h2", 1))
    pages[1].unlink()
    (pages[2].parent / "stray.html").write_text("left behind", encoding="utf-8")
    (spare / "old-folder" / "deep").mkdir(parents=True)
    (spare / "old-folder" / "deep" / "x.txt").write_text("x", encoding="utf-8")


def test_rebuilds_after_each_kind_of_change_match_a_clean_build(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    out = tmp_path / "preview" / "site"
    builder = SiteBuilder()
    builder.build(options(root, out))
    first = builder.last_render
    assert first is not None and first.reused == 0

    steps: list[tuple[str, Callable[[Path], None], str]] = [
        ("one incident edited", edit_message, EXAMPLE_NOW),
        ("the clock moved on", lambda r: None, "2026-11-26T12:07:30Z"),
        ("an incident added", add_incident, "2026-11-26T12:07:30Z"),
        ("an incident deleted", delete_incident, "2026-11-26T12:07:30Z"),
        ("a post-mortem retitled", retitle_postmortem, "2026-11-26T12:07:30Z"),
        ("a service renamed", rename_service, "2026-11-26T12:07:30Z"),
        ("the theme changed", own_theme, "2026-11-26T12:07:30Z"),
        ("nothing changed", lambda r: None, "2026-11-26T12:07:30Z"),
        ("the kept previous build was tampered with", tamper_with_spare, "2026-11-26T12:07:30Z"),
        ("nothing changed again", lambda r: None, "2026-11-26T12:07:30Z"),
    ]
    reused = {}
    for n, (label, change, now) in enumerate(steps):
        change(root)
        builder.build(options(root, out, now))
        stats = builder.last_render
        assert stats is not None
        reused[label] = (stats.reused, stats.pages)
        clean = build_site(options(root, tmp_path / f"clean-{n}" / "site", now)).out
        assert_same(out, clean)
    # The reuse is real: most pages are not rendered again after a one-file edit or a clock tick...
    for label in ("one incident edited", "the clock moved on", "an incident added", "nothing changed"):
        done, total = reused[label]
        assert done > total // 2, (label, reused[label])
    # ...pages that name the renamed service are rendered again, and all of them when the theme changes.
    assert reused["a service renamed"][0] < reused["a service renamed"][1]
    assert reused["the theme changed"][0] == 0
    assert reused["nothing changed"][0] == reused["nothing changed"][1]
    # Only the preview and the previous build it will update next are left beside it.
    assert sorted(p.name for p in out.parent.iterdir()) == [".site.spare", "site"]


def test_a_failed_rebuild_keeps_the_preview_and_the_next_one_is_still_right(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    out = tmp_path / "preview" / "site"
    builder = SiteBuilder()
    builder.build(options(root, out))
    before = snapshot(out)
    victim = _resolved_incident(root)
    good = victim.read_text(encoding="utf-8")
    victim.write_text(re.sub(r"^started_at: .*$", "started_at: not a time", good, count=1, flags=re.M),
                      encoding="utf-8")
    with pytest.raises(ValidationFailed, match=victim.name):
        builder.build(options(root, out))
    assert snapshot(out) == before
    victim.write_text(good.replace("message: ", "message: Fixed, ", 1), encoding="utf-8")
    builder.build(options(root, out))
    assert_same(out, build_site(options(root, tmp_path / "clean" / "site")).out)


# The parallel path runs in a fresh interpreter: it forks only while no other thread runs, which a
# long test session (browsers, servers) cannot promise.
_PARALLEL = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from generator.site import build as site_build, forked, ics, mkdocs_backend
    from generator.site.build import BuildOptions, SiteBuilder, BuildError
    from generator.timeparse import parse_timestamp

    root, out, workers, fail = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    mkdocs_backend.PARALLEL_MIN_PAGES = 4
    site_build.FORK_MIN_INCIDENTS = 0
    mkdocs_backend._cpus = forked.cpus = lambda: workers
    if fail == "calendar":
        def broken(ctx):
            raise RuntimeError("calendar exploded")
        ics.render_ics = broken
    if fail == "page":
        real = mkdocs_backend._StatuspressPlugin.on_page_markdown
        def flaky(self, markdown, **kw):
            if kw["page"].file.src_uri.startswith("services/"):
                raise mkdocs_backend.mkdocs_exceptions.PluginError("service page could not be rendered")
            return real(self, markdown, **kw)
        mkdocs_backend._StatuspressPlugin.on_page_markdown = flaky
    builder = SiteBuilder(reuse=False)
    try:
        builder.build(BuildOptions(root=root, out=out, now=parse_timestamp(sys.argv[5])))
    except (BuildError, RuntimeError) as exc:
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
    else:
        stats = builder.last_render
        print(json.dumps({"workers": stats.workers, "pages": stats.pages, "rendered": stats.rendered}))
""")


def _run_parallel(root: Path, out: Path, workers: int, fail: str = "") -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", _PARALLEL, str(root), str(out), str(workers), fail or "-",
                           EXAMPLE_NOW], capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_rendering_on_several_processes_matches_one(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    serial = _run_parallel(root, tmp_path / "one" / "site", 1)
    parallel = _run_parallel(root, tmp_path / "three" / "site", 3)
    assert serial["workers"] == 1 and parallel["workers"] == 3
    assert parallel["rendered"] == parallel["pages"] == serial["pages"]
    assert_same(tmp_path / "one" / "site", tmp_path / "three" / "site")


def test_a_page_failing_in_a_worker_fails_the_build_cleanly(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    out = tmp_path / "site"
    _run_parallel(root, out, 1)
    before = snapshot(out)
    failed = _run_parallel(root, out, 3, fail="page")
    assert "service page could not be rendered" in str(failed["error"])
    assert snapshot(out) == before
    # Feeds, API and calendar are made in a worker too; its failure is the build's failure, as is.
    failed = _run_parallel(root, out, 3, fail="calendar")
    assert failed["error"] == "RuntimeError: calendar exploded"
    assert snapshot(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["repo", "site"]
