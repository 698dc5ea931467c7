"""Build benchmark: validate, build, rebuild after one change, memory and size, for N incidents.

For each N it writes a synthetic history (benchmarks/synth.py: N incidents with lognormal
durations over S services and Y years, a post-mortem for each SEV-1/2, monthly maintenance),
then measures, each command in a fresh child process:

- ``statuspress validate``: wall time;
- ``statuspress build``: wall time, peak memory, output size;
- the rebuild ``statuspress serve`` does when one incident file is saved: a child makes the
  same :class:`generator.site.build.SiteBuilder` serve keeps, builds once (the preview's
  first build), then edits a recent incident and times the rebuild, three times ("rebuild"
  is the first save after the preview started, "later" the fastest of the next two);
- the floor: benchmarks/floor.py, a plain script that reads the same files and writes one
  HTML page each with Jinja2 (how fast Python can go at all).

Peak memory is the largest total memory of the child's whole process tree, sampled every
20 ms from /proc (proportional set size: pages that forked workers share count once).

Usage:
  python benchmarks/build.py                       # N = 1000, 2000, 5000, 10000
  python benchmarks/build.py --sizes 1000,2000 --json /tmp/results.json
It prints a table and writes JSON (default benchmarks/results.json). No number is asserted:
compare them with the targets in the README's "Performance" section.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

NOW = "2026-11-26T12:00:00Z"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


# ---------------------------------------------------------------- measuring a child process


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out.extend(int(c) for c in fh.read().split())
    except OSError:
        pass
    return out


def _rss(pid: int) -> int:
    """Proportional set size (a page shared by k processes counts 1/k in each), else resident size."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def _tree_rss(pid: int) -> int:
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        total += _rss(p)
        todo.extend(_children(p))
    return total


@dataclass
class Run:
    seconds: float
    peak_mib: float
    returncode: int
    stdout: str
    stderr: str
    cpu_seconds: float = 0.0  # user + system time of the whole process tree


def run(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Run ``cmd``; wall time and peak memory of its process tree."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # The children import statuspress from this checkout, whatever else is installed.
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": path, **(env or {})})
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    return Run(seconds, peak / 2**20, proc.returncode, out, err, cpu)


def statuspress(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def folder_size(folder: Path) -> tuple[int, int]:
    size = files = 0
    for dirpath, _, names in os.walk(folder):
        for name in names:
            size += os.lstat(os.path.join(dirpath, name)).st_size
            files += 1
    return size, files


# ---------------------------------------------------------------- the rebuild serve does


def touch_incident(root: Path, nth_newest: int = 1) -> Path:
    """Edit an incident's last update and body, as someone writing it would (and save the file)."""
    path = sorted((root / "content" / "incidents").glob("*.md"))[-nth_newest]
    text = path.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n---\n")
    marker = "    message: The service is back to normal."
    assert marker in head, path
    head = head.replace(marker, "    message: The service is back to normal. Root cause is being reviewed.")
    path.write_text(head + sep + body + "\nEdited while the benchmark ran.\n", encoding="utf-8")
    return path


def rebuild_child(root: Path, out: Path) -> None:
    """What `statuspress serve` does: one builder, a first build, then a rebuild after each saved file.

    A thread stays alive meanwhile, as serve's web server and file watcher do (statuspress forks
    workers only in a single-threaded process, so a preview's rebuilds run on one core).
    """
    from generator.site import build as site_build
    from generator.timeparse import parse_timestamp

    server = threading.Event()
    threading.Thread(target=server.wait, daemon=True).start()
    now = parse_timestamp(NOW)
    options = site_build.BuildOptions(root=root, out=out, now=now, base_url="http://127.0.0.1:8000/")
    builder = site_build.SiteBuilder() if hasattr(site_build, "SiteBuilder") else None

    def once() -> float:
        start = time.perf_counter()
        if builder is not None:
            builder.build(options)
        else:  # before serve reused anything: each save was a full build
            site_build.build_site(options)
        return time.perf_counter() - start

    first = once()
    times = []
    for nth in range(1, 4 if builder is not None else 2):  # saves, each to another recent incident
        touch_incident(root, nth)
        times.append(once())
    server.set()
    print(json.dumps({"first": first, "rebuild": times[0], "later": min(times[1:], default=None),
                      "incremental": builder is not None}))


# ---------------------------------------------------------------- one size


@dataclass
class Row:
    n: int
    files: int
    validate_s: float
    validate_peak_mib: float
    build_s: float
    build_cpu_s: float
    build_peak_mib: float
    rebuild_s: float | None
    rebuild_later_s: float | None
    rebuild_first_s: float | None
    rebuild_incremental: bool
    rebuild_peak_mib: float | None
    output_mib: float
    output_files: int
    pages: int
    ms_per_incident: float
    floor_s: float | None
    floor_ms_per_file: float | None


def measure(n: int, work: Path, args: argparse.Namespace) -> Row:
    root = work / f"history-{n}"
    out = work / f"site-{n}"
    shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    synth.write_history(root, n, args.services, args.years)
    files = sum(1 for _ in (root / "content").rglob("*.md"))

    val = run(statuspress("validate", "--root", str(root), "--now", NOW))
    if val.returncode != 0:
        raise SystemExit(f"validate failed for N={n}:\n{val.stdout}{val.stderr}")
    print(f"  N={n}: validate {val.seconds:.2f} s", flush=True)

    built = run(statuspress("build", "--root", str(root), "--out", str(out), "--now", NOW))
    if built.returncode != 0:
        raise SystemExit(f"build failed for N={n}:\n{built.stdout}{built.stderr}")
    size, out_files = folder_size(out)
    pages = sum(1 for _ in out.rglob("index.html"))
    print(f"  N={n}: build {built.seconds:.2f} s ({built.cpu_seconds:.1f} CPU s), peak {built.peak_mib:.0f} MiB, "
          f"load {os.getloadavg()[0]:.1f}", flush=True)

    rebuild_s = first_s = rebuild_peak = later_s = None
    incremental = False
    if not args.no_rebuild:
        copy = work / f"history-{n}-edit"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(root, copy)
        rb = run([sys.executable, str(Path(__file__).resolve()), "--rebuild-child", str(copy),
                  str(work / f"serve-{n}")])
        if rb.returncode != 0:
            raise SystemExit(f"rebuild failed for N={n}:\n{rb.stdout}{rb.stderr}")
        result = json.loads(rb.stdout.strip().splitlines()[-1])
        rebuild_s, first_s, incremental = result["rebuild"], result["first"], result["incremental"]
        later_s = result.get("later")
        rebuild_peak = rb.peak_mib
        shutil.rmtree(copy, ignore_errors=True)
        shutil.rmtree(work / f"serve-{n}", ignore_errors=True)
        shutil.rmtree(work / f".serve-{n}.spare", ignore_errors=True)
        print(f"  N={n}: rebuild after one change {rebuild_s:.2f} s, after later ones {later_s or 0:.2f} s "
              f"(first build {first_s:.2f} s)", flush=True)

    floor_s = None
    if not args.no_floor:
        floor_out = work / f"floor-{n}"
        shutil.rmtree(floor_out, ignore_errors=True)
        fl = run([sys.executable, str(HERE / "floor.py"), str(root), str(floor_out)])
        if fl.returncode != 0:
            raise SystemExit(f"floor failed for N={n}:\n{fl.stdout}{fl.stderr}")
        floor_s = fl.seconds
        shutil.rmtree(floor_out, ignore_errors=True)
        print(f"  N={n}: floor {floor_s:.2f} s", flush=True)

    if not args.keep:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(root, ignore_errors=True)
    return Row(
        n=n, files=files,
        validate_s=round(val.seconds, 3), validate_peak_mib=round(val.peak_mib, 1),
        build_s=round(built.seconds, 3), build_cpu_s=round(built.cpu_seconds, 3),
        build_peak_mib=round(built.peak_mib, 1),
        rebuild_s=None if rebuild_s is None else round(rebuild_s, 3),
        rebuild_later_s=None if later_s is None else round(later_s, 3),
        rebuild_first_s=None if first_s is None else round(first_s, 3),
        rebuild_incremental=incremental,
        rebuild_peak_mib=None if rebuild_peak is None else round(rebuild_peak, 1),
        output_mib=round(size / 2**20, 1), output_files=out_files, pages=pages,
        ms_per_incident=round(built.seconds / n * 1000, 2),
        floor_s=None if floor_s is None else round(floor_s, 3),
        floor_ms_per_file=None if floor_s is None else round(floor_s / files * 1000, 3),
    )


# ---------------------------------------------------------------- report


def machine() -> dict[str, object]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"cpu": model, "cores": os.cpu_count(), "memory_gib": mem, "python": platform.python_version(),
            "system": platform.platform(), "load_at_start": load}


def table(rows: list[Row]) -> str:
    head = ("N", "validate s", "build s", "rebuild s", "peak MiB", "output MiB", "ms/incident", "floor s")
    lines = [head]
    for r in rows:
        peak = max(x for x in (r.build_peak_mib, r.rebuild_peak_mib or 0) if x is not None)
        lines.append((
            f"{r.n:,}", f"{r.validate_s:.2f}", f"{r.build_s:.1f}",
            "-" if r.rebuild_s is None else f"{r.rebuild_s:.2f}",
            f"{peak:.0f}", f"{r.output_mib:.0f}", f"{r.ms_per_incident:.2f}",
            "-" if r.floor_s is None else f"{r.floor_s:.1f}",
        ))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    text = [" | ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    text.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(text)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--rebuild-child":
        rebuild_child(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,2000,5000,10000", help="comma-separated N (default: %(default)s)")
    parser.add_argument("--services", type=int, default=12)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--json", type=Path, default=HERE / "results.json", help="where to write the results")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the histories and sites in --work")
    parser.add_argument("--no-rebuild", action="store_true", help="skip the rebuild measurement")
    parser.add_argument("--no-floor", action="store_true", help="skip the Jinja2 floor")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    work = args.work or Path(tempfile.mkdtemp(prefix="statuspress-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    info = machine()
    print(f"machine: {info['cores']} x {info['cpu']}, Python {info['python']}, load {info['load_at_start']}",
          flush=True)
    rows = []
    try:
        for n in sizes:
            rows.append(measure(n, work, args))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(table(rows))
    result = {
        "machine": info,
        "now": NOW,
        "services": args.services,
        "years": args.years,
        "command": "python benchmarks/build.py --sizes " + ",".join(str(n) for n in sizes),
        "rows": [asdict(r) for r in rows],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
