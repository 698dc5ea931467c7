"""Push-to-live benchmark: the deploy job's own steps, in a fresh environment, cold and warm.

The deploy job (.github/workflows/deploy.yml, and the copy `statuspress init` writes) does three
things before the upload: install statuspress, `statuspress validate`, `statuspress build`.
This script does the same on a synthetic history of N incidents (benchmarks/synth.py, as
benchmarks/build.py uses), each time in a new virtual environment:

- **cold**: an empty package cache; every package is downloaded from the Python package index
  (https://pypi.org/simple), as on a runner whose cache missed;
- **warm**: the cache the cold run filled, as on a runner whose cache (keyed on the lock) hit.

statuspress itself is installed from a wheel built from this checkout (a release stands in for
it); its dependencies come from the index at the versions of constraints.txt. The machine's own
pip configuration (local wheel folders, extra indexes) is switched off, so "cold" means cold.

The same run also times a cold install of ``mkdocs-material`` alone (the lock's version), the
floor any MkDocs site pays, and reports the ratio. Installs are timed with pip and with uv
(the workflows use uv), interleaved, each ``--repeat`` times; the medians are reported.

Needs the test extras (``build``) and uv (benchmarks/requirements.txt, the version the workflows
pin; installed into the work folder when missing).

Usage:
  python benchmarks/publish.py                      # N = 2000, uv and pip, writes benchmarks/publish.json
  python benchmarks/publish.py --incidents 500 --installers pip --json /tmp/p.json
No number is asserted: the README's "Performance" section states the goals.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402
from build import machine  # noqa: E402

NOW = "2026-11-26T12:00:00Z"
INDEX = "https://pypi.org/simple"
BASE_URL = "https://example.github.io/status/"


def clean_env(cache: Path) -> dict[str, str]:
    """This process's environment without the machine's package settings, with ``cache``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "VIRTUAL_ENV"))}
    env.update({
        "PIP_CONFIG_FILE": os.devnull,  # no find-links, extra indexes or global constraints
        "PIP_CACHE_DIR": str(cache / "pip"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "UV_NO_CONFIG": "1",
        "UV_CACHE_DIR": str(cache / "uv"),
        "UV_INDEX_URL": INDEX,
    })
    cert = os.environ.get("PIP_CERT") or os.environ.get("SSL_CERT_FILE")
    if cert:  # the same CA bundle pip uses here, for both installers
        env.update({"PIP_CERT": cert, "SSL_CERT_FILE": cert})
    return env


def timed(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(cmd)}\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return seconds


REQUIREMENTS = HERE / "requirements.txt"  # uv, at the version the workflows pin
_UV: list[str] = []


def get_uv(work: Path) -> str:
    """uv from this environment or PATH; otherwise benchmarks/requirements.txt installed into ``work``."""
    exe = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if not exe:
        target = work / "tools"
        print(f"uv not found: installing {REQUIREMENTS.relative_to(REPO)} into the work folder "
              f"(or: python -m pip install -r {REQUIREMENTS.relative_to(REPO)})", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(target),
                        "-r", str(REQUIREMENTS)], check=True)
        exe = str(target / "bin" / "uv")
    _UV[:] = [exe]
    return exe


def uv_exe() -> str:
    if not _UV:
        raise SystemExit("uv not found: python -m pip install -r benchmarks/requirements.txt (or --installers pip)")
    return _UV[0]


def uv_versions() -> dict[str, str]:
    """The uv measured here and the uv the workflows pin (they should be the same)."""
    import re

    pinned = re.search(r'setup-uv@\S+.*\n(?:.*\n)*?\s+version: "([^"]+)"',
                       (REPO / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    here = subprocess.run([uv_exe(), "--version"], capture_output=True, text=True, check=True).stdout.split()[1]
    return {"measured": here, "workflows": pinned.group(1) if pinned else "?"}


def new_env(installer: str, venv: Path, env: dict[str, str]) -> float:
    """A fresh virtual environment; returns the seconds it took (not counted as install)."""
    shutil.rmtree(venv, ignore_errors=True)
    if installer == "uv":
        return timed([uv_exe(), "venv", "--quiet", "--python", sys.executable, str(venv)], env)
    return timed([sys.executable, "-m", "venv", str(venv)], env)


def install(installer: str, venv: Path, env: dict[str, str], *requirements: str) -> float:
    python = str(venv / "bin" / "python")
    constraints = str(REPO / "constraints.txt")
    if installer == "uv":
        cmd = [uv_exe(), "pip", "install", "--quiet", "--python", python, "-c", constraints, *requirements]
    else:
        cmd = [python, "-m", "pip", "install", "--quiet", "--index-url", INDEX, "-c", constraints, *requirements]
    return timed(cmd, env)


def build_wheel(dist: Path) -> Path:
    shutil.rmtree(dist, ignore_errors=True)
    env = dict(os.environ)
    # As the release workflow does: the sdist, then the wheel from the sdist (nothing left in the checkout).
    timed([sys.executable, "-m", "build", "--outdir", str(dist), str(REPO)], env)
    (wheel,) = dist.glob("statuspress-*.whl")
    return wheel


def installed_mib(venv: Path) -> float:
    site = next((venv / "lib").glob("python3*/site-packages"))
    return sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 2**20


def cold_install(installer: str, work: Path, *requirements: str) -> tuple[float, Path]:
    """Install into a new environment from an empty cache; returns the seconds and the venv."""
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
    env = clean_env(cache)
    venv = work / f"venv-{installer}-{len(list(work.glob('venv-*')))}"
    new_env(installer, venv, env)
    seconds = install(installer, venv, env, *requirements)
    shutil.rmtree(cache, ignore_errors=True)
    return seconds, venv


def deploy_steps(venv: Path, work: Path, history: Path) -> dict[str, float]:
    """The deploy job after its install: validate (annotations), then build the site."""
    env = clean_env(work / "unused-cache")
    exe = str(venv / "bin" / "statuspress")
    out = work / "site"
    shutil.rmtree(out, ignore_errors=True)
    validate_s = timed([exe, "validate", "--format", "github", "--root", str(history), "--now", NOW], env)
    build_s = timed([exe, "build", "--root", str(history), "--out", str(out), "--base-url", BASE_URL,
                     "--now", NOW], env)
    return {"validate_s": validate_s, "build_s": build_s}


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def measure(installer: str, work: Path, wheel: Path, history: Path, repeat: int) -> dict[str, object]:
    material: list[float] = []
    cold: list[float] = []
    warm: list[float] = []
    # Interleaved, so a slow minute of the network or the machine hits both alike.
    for _ in range(repeat):
        seconds, venv = cold_install(installer, work, "mkdocs-material")
        material.append(seconds)
        material_mib = installed_mib(venv)
        shutil.rmtree(venv)
        seconds, venv = cold_install(installer, work, str(wheel))
        cold.append(seconds)
        shutil.rmtree(venv)
        print(f"  {installer:3} cold: mkdocs-material {material[-1]:5.1f} s, statuspress {cold[-1]:5.1f} s", flush=True)
    cache = work / f"cache-{installer}"
    env = clean_env(cache)
    primer = work / f"venv-{installer}-primer"
    new_env(installer, primer, env)
    install(installer, primer, env, str(wheel))  # fills the cache, as the first run after a lock change
    statuspress_mib = installed_mib(primer)
    for i in range(repeat):
        venv = work / f"venv-{installer}-warm-{i}"
        new_env(installer, venv, env)
        warm.append(install(installer, venv, env, str(wheel)))
    print(f"  {installer:3} warm: statuspress {', '.join(f'{w:.1f}' for w in warm)} s", flush=True)
    steps = [deploy_steps(venv, work, history) for _ in range(repeat)]
    validate_s = median([s["validate_s"] for s in steps])
    build_s = median([s["build_s"] for s in steps])
    row = {
        "mkdocs_material_cold_install_s": median(material), "cold_install_s": median(cold),
        "warm_install_s": median(warm), "validate_s": validate_s, "build_s": build_s,
        "cold_total_s": median(cold) + validate_s + build_s, "warm_total_s": median(warm) + validate_s + build_s,
        "cold_install_ratio_to_mkdocs_material": median(cold) / median(material),
        "installed_mib": {"statuspress": statuspress_mib, "mkdocs_material": material_mib},
        "samples": {"mkdocs_material_cold": material, "cold": cold, "warm": warm,
                    "validate": [s["validate_s"] for s in steps], "build": [s["build_s"] for s in steps]},
    }
    print(f"  {installer:3}: cold {row['cold_total_s']:.1f} s = install {median(cold):.1f} + validate {validate_s:.1f} "
          f"+ build {build_s:.1f}; warm {row['warm_total_s']:.1f} s (install {median(warm):.1f}); "
          f"cold install {row['cold_install_ratio_to_mkdocs_material']:.2f}x mkdocs-material's "
          f"({statuspress_mib:.0f} vs {material_mib:.0f} MiB installed)", flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=2000)
    parser.add_argument("--installers", default="uv,pip", help="comma-separated: uv (what the workflows use), pip")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; medians are reported")
    parser.add_argument("--json", type=Path, default=HERE / "publish.json")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    installers = [i.strip() for i in args.installers.split(",") if i.strip()]

    work = Path(tempfile.mkdtemp(prefix="statuspress-publish-"))
    results: dict[str, object] = {"machine": machine(), "incidents": args.incidents, "index": INDEX}
    try:
        wheel = build_wheel(work / "dist")
        history = work / "history"
        synth.write_history(history, args.incidents)
        print(f"wheel {wheel.name}; {args.incidents} incidents; load {os.getloadavg()[0]:.1f}", flush=True)
        if "uv" in installers:
            get_uv(work)
            results["uv_version"] = versions = uv_versions()
            if versions["measured"] != versions["workflows"]:
                print(f"note: measuring uv {versions['measured']}, the workflows pin {versions['workflows']}")
        for installer in installers:
            results[installer] = measure(installer, work, wheel, history, args.repeat)
        results["load_at_end"] = os.getloadavg()[0]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    args.json.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
