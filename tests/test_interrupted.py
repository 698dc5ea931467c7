"""Interrupted builds: `kill -9` and SIGTERM of a real `statuspress build` process.

The build runs in a subprocess on a synthetic history large enough that it forks
workers (feeds on one core, pages on both). Whatever stops it, the previous site stays
as it was, no worker outlives the build, and nothing it left behind survives the next
build. Plus: `--out` replaces only folders statuspress made, and `init`'s .gitignore
covers everything a build writes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.site import forked
from generator.write import BUILD_MARKER, OutputError, check_output_dir, clear_litter

ROOT = Path(__file__).resolve().parents[1]
NOW = "2026-11-26T12:00:00Z"
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


@pytest.fixture(scope="module")
def big_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synth
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    repo = tmp_path_factory.mktemp("big") / "repo"
    synth.write_history(repo, incidents=450, services=6, years=3)
    return repo


def _build_cmd(repo: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--root", str(repo), "--out", str(out), "--now", NOW]


def _env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _children(pid: int) -> set[int]:
    """Live descendants of ``pid`` (zombies do not count: they hold nothing)."""
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        nxt: set[int] = set()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if fields[0] != "Z" and int(fields[1]) in frontier and int(entry.name) not in found:
                nxt.add(int(entry.name))
        found |= nxt
        frontier = nxt
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state[state.rindex(")") + 2] != "Z"


def _litter(parent: Path, name: str = "site") -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


def _start_and_wait_for_workers(repo: Path, out: Path) -> tuple[subprocess.Popen[bytes], set[int]]:
    proc = subprocess.Popen(_build_cmd(repo, out), env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        kids = _children(proc.pid)
        if kids and _litter(out.parent):
            return proc, kids
        if proc.poll() is not None:
            pytest.fail(f"build ended before it forked workers: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.02)
    proc.kill()
    pytest.fail("build forked no worker within 120 s")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _wait_gone(pids: set[int], seconds: float = 10) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    return {p for p in pids if _alive(p)}


@pytest.mark.parametrize("how", ["kill -9", "SIGTERM"])
def test_an_interrupted_build_leaves_the_previous_site_and_no_litter(big_repo: Path, tmp_path: Path,
                                                                     how: str) -> None:
    out = tmp_path / "site"
    first = subprocess.run(_build_cmd(big_repo, out), env=_env(), capture_output=True, timeout=600)
    assert first.returncode == 0, first.stderr.decode()[-2000:]
    before = _snapshot(out)
    assert BUILD_MARKER in before

    proc, workers = _start_and_wait_for_workers(big_repo, out)
    proc.send_signal(signal.SIGKILL if how == "kill -9" else signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert "Traceback" not in stderr.decode()
    if how == "SIGTERM":
        assert proc.returncode == 143, stderr.decode()[-2000:]
        assert "interrupted" in stderr.decode()
    assert not _wait_gone(workers), "a worker outlived its build"
    assert _snapshot(out) == before
    if how == "SIGTERM":  # cleaned up at once
        assert _litter(tmp_path) == []
    else:  # the kernel gave it no chance: the next build clears what it left
        assert _litter(tmp_path), "expected the killed build's folder (else this test tests nothing)"
        again = subprocess.run(_build_cmd(big_repo, out), env=_env(), capture_output=True, timeout=600)
        assert again.returncode == 0, again.stderr.decode()[-2000:]
        assert _litter(tmp_path) == []
        assert _snapshot(out) == before


def test_worker_result_files_of_dead_builds_are_cleared(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    mine = tmp_path / f"statuspress-worker-{os.getpid()}-abcdefgh.pickle"
    gone = tmp_path / f"statuspress-worker-{dead.pid}-abcdefgh.pickle"
    other = tmp_path / "statuspress-worker-notes.txt"
    for path in (mine, gone, other):
        path.write_bytes(b"x")
    assert forked.clear_result_litter(str(tmp_path)) == 1
    assert mine.exists() and other.exists() and not gone.exists()


def test_only_our_own_dead_folders_are_cleared(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    target = tmp_path / "site"
    ours_dead = tmp_path / f".site.building-{dead.pid}-abcd1234"
    ours_live = tmp_path / f".site.building-{os.getpid()}-abcd1234"
    other_out = tmp_path / f".public.building-{dead.pid}-abcd1234"
    someone = tmp_path / ".site.building-notes"
    legacy_new = tmp_path / ".site.building-x1y2z3w4"
    legacy_old = tmp_path / ".site.old-q1w2e3r4"
    for folder in (ours_dead, ours_live, other_out, someone, legacy_new, legacy_old):
        folder.mkdir()
        (folder / "index.html").write_text("x")
    os.utime(legacy_old, (time.time() - 7 * 3600,) * 2)
    assert sorted(p.name for p in clear_litter(target)) == sorted([ours_dead.name, legacy_old.name])
    assert ours_live.exists() and other_out.exists() and someone.exists() and legacy_new.exists()


# --------------------------------------------------------------------------- --out replaces only our folders


def test_out_refuses_a_folder_that_merely_has_a_sitemap(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "sitemap.xml").write_text("<urlset/>")
    (docs / "notes.txt").write_text("precious")
    with pytest.raises(OutputError, match="not a previous statuspress build"):
        check_output_dir(docs, repo)
    (docs / BUILD_MARKER).write_text("")
    assert check_output_dir(docs, repo) == docs


def test_out_accepts_a_site_built_before_the_marker_existed(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    old = tmp_path / "old-site"
    (old / "api/v2").mkdir(parents=True)
    (old / "feeds").mkdir()
    (old / "sitemap.xml").write_text("<urlset/>")
    (old / "api/v2/summary.json").write_text("{}")
    with pytest.raises(OutputError):  # two of the three: not enough
        check_output_dir(old, repo)
    (old / "feeds/incidents.rss").write_text("<rss/>")
    assert check_output_dir(old, repo) == old


def test_a_build_writes_the_marker_and_can_replace_its_own_output(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generator.cli import main
    from tests.test_hostile_cli import tiny_repo

    repo = tiny_repo(tmp_path / "repo")
    out = tmp_path / "out"
    for _ in range(2):
        result = CliRunner().invoke(main, ["build", "--root", str(repo), "--out", str(out), "--now", NOW],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
    assert (out / BUILD_MARKER).is_file()
    assert _litter(tmp_path, "out") == []


# --------------------------------------------------------------------------- init's .gitignore


def test_init_gitignore_covers_everything_a_build_leaves(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generator.cli import main

    site = tmp_path / "status"
    assert CliRunner().invoke(main, ["init", str(site), "--now", NOW], catch_exceptions=False).exit_code == 0
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    written = ["site/index.html", ".site.building-123-abcd1234/index.html", ".site.old-123-abcd1234/x",
               ".site.spare/index.html", ".public.building-9-abcdefgh/a", "content/incidents/.x.md.k3j4.tmp"]
    for rel in written:
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text("x")
    ignored = subprocess.run(["git", "-C", str(site), "check-ignore", "--no-index", *written],
                             capture_output=True, text=True)
    assert sorted(ignored.stdout.split()) == sorted(written)
    tracked = subprocess.run(["git", "-C", str(site), "check-ignore", "--no-index", "content/incidents/a.md"],
                             capture_output=True, text=True)
    assert tracked.returncode == 1  # content itself is never ignored


@pytest.mark.parametrize("kind", ["forked", "pool"])
def test_workers_die_with_their_parent(tmp_path: Path, kind: str) -> None:
    """A worker that would run for a minute ends within seconds of its parent's `kill -9`."""
    script = {
        "forked": "from generator.site import forked\n"
                  "import time\n"
                  "w = forked.Forked(lambda: time.sleep(60))\n"
                  "print('ready', flush=True)\n"
                  "w.result()\n",
        # The loader's process pool, as a large repository uses it: workers wait on its queue.
        "pool": "import multiprocessing, os, time\n"
                "from concurrent.futures import ProcessPoolExecutor\n"
                "from generator.site.forked import die_with_parent\n"
                "pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context('fork'),\n"
                "                           initializer=die_with_parent, initargs=(os.getpid(),))\n"
                "futures = [pool.submit(time.sleep, 60) for _ in range(2)]\n"
                "time.sleep(1)\n"
                "print('ready', flush=True)\n"
                "futures[0].result()\n",
    }[kind]
    if kind == "pool":  # the loader passes exactly this initializer (generator/load.py)
        assert "initializer=die_with_parent" in (ROOT / "generator/load.py").read_text(encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=_env(), cwd=ROOT)
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
    workers = _children(proc.pid)
    assert workers
    proc.kill()
    proc.wait()
    assert not _wait_gone(workers, seconds=10), "a worker outlived its parent"
