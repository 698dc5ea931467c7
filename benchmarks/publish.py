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
floor any MkDocs site pays, and reports the ratio. Installs are timed with pip and with uv.

Usage:
  python benchmarks/publish.py                      # N = 2000, pip and uv, writes benchmarks/publish.json
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


def uv_exe() -> str:
    exe = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if not exe:
        raise SystemExit("uv not found: python -m pip install uv (or --installers pip)")
    return exe


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


def deploy_steps(installer: str, mode: str, work: Path, cache: Path, wheel: Path, history: Path) -> dict[str, float]:
    env = clean_env(cache)
    venv = work / f"venv-{installer}-{mode}"
    venv_s = new_env(installer, venv, env)
    install_s = install(installer, venv, env, str(wheel))
    exe = str(venv / "bin" / "statuspress")
    out = work / f"site-{installer}-{mode}"
    shutil.rmtree(out, ignore_errors=True)
    validate_s = timed([exe, "validate", "--format", "github", "--root", str(history), "--now", NOW], env)
    build_s = timed([exe, "build", "--root", str(history), "--out", str(out), "--base-url", BASE_URL,
                     "--now", NOW], env)
    row = {"venv_s": venv_s, "install_s": install_s, "validate_s": validate_s, "build_s": build_s,
           "total_s": install_s + validate_s + build_s, "installed_mib": installed_mib(venv)}
    print(f"  {installer:3} {mode:4}: install {install_s:5.1f} s  validate {validate_s:4.1f} s  "
          f"build {build_s:4.1f} s  = {row['total_s']:5.1f} s  ({row['installed_mib']:.0f} MiB installed)",
          flush=True)
    return row


def mkdocs_material_cold(installer: str, work: Path) -> dict[str, float]:
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
    env = clean_env(cache)
    venv = work / f"venv-{installer}-material"
    new_env(installer, venv, env)
    seconds = install(installer, venv, env, "mkdocs-material")
    row = {"install_s": seconds, "installed_mib": installed_mib(venv)}
    print(f"  {installer:3} cold: mkdocs-material alone {seconds:5.1f} s ({row['installed_mib']:.0f} MiB installed)",
          flush=True)
    shutil.rmtree(cache, ignore_errors=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=2000)
    parser.add_argument("--installers", default="pip,uv", help="comma-separated: pip, uv")
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
        for installer in installers:
            material = mkdocs_material_cold(installer, work)
            cache = work / f"cache-{installer}"
            cold = deploy_steps(installer, "cold", work, cache, wheel, history)
            warm = deploy_steps(installer, "warm", work, cache, wheel, history)
            ratio = cold["install_s"] / material["install_s"]
            print(f"  {installer:3} cold install: statuspress / mkdocs-material = {ratio:.2f}", flush=True)
            results[installer] = {"mkdocs_material_cold": material, "cold": cold, "warm": warm,
                                  "cold_install_ratio_to_mkdocs_material": ratio}
        results["load_at_end"] = os.getloadavg()[0]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    args.json.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
