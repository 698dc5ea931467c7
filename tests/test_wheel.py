"""The released artefacts work on their own: a wheel built from the sdist, installed in a fresh
environment (no checkout, no system packages), makes, validates and builds a new status site.

Also guards what the release workflow checks (twine) and the install's weight (no plotting
library comes along).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from generator import __version__

ROOT = Path(__file__).resolve().parents[1]
NOW = "2026-11-26T12:00:00Z"
# Not needed at run time: plotting (charts are plain SVG), feedgen and lxml (feeds are written
# by generator/site/feedxml.py), python-frontmatter (the loader splits front-matter itself).
HEAVY = ("matplotlib", "numpy", "PIL", "feedgen", "lxml", "frontmatter")


def run(*cmd: str | Path, cwd: Path | None = None) -> str:
    # Nothing may reach this checkout's sources: no PYTHONPATH, and never run from the checkout.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    result = subprocess.run([str(c) for c in cmd], cwd=cwd or Path(tempfile.gettempdir()), env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{' '.join(map(str, cmd))}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # As the release workflow builds: the sdist, then the wheel from the sdist.
    run(sys.executable, "-m", "build", "--outdir", out, ROOT)
    return out


@pytest.fixture(scope="module")
def fresh(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    run(sys.executable, "-m", "venv", venv)  # no --system-site-packages: only what the wheel asks for
    (wheel,) = dist.glob("*.whl")
    run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", "-c", ROOT / "constraints.txt", wheel)
    return venv


def _package_files() -> set[str]:
    """Every file of the package in git (Python, theme, templates, scaffold, ...)."""
    files = set()
    for path in run("git", "ls-files", "-z", "generator", cwd=ROOT).split("\0"):
        if path and (ROOT / path).is_dir():  # a linked folder (generator/theme -> ../theme): its files
            target = (ROOT / path).resolve().relative_to(ROOT).as_posix()
            for inner in run("git", "ls-files", "-z", target, cwd=ROOT).split("\0"):
                if inner:
                    files.add(path + inner[len(target):])
        elif path:
            files.add(path)
    return files


def test_wheel_and_sdist_carry_every_package_file(dist: Path) -> None:
    (wheel,) = dist.glob(f"statuspress-{__version__}-py3-none-any.whl")
    (sdist,) = dist.glob(f"statuspress-{__version__}.tar.gz")
    expected = _package_files()
    assert {"generator/scaffold/.github/workflows/deploy.yml", "generator/theme/main.html"} <= expected
    with zipfile.ZipFile(wheel) as zf:
        in_wheel = set(zf.namelist())
        metadata = Parser().parsestr(zf.read(f"statuspress-{__version__}.dist-info/METADATA").decode())
    assert expected - in_wheel == set()
    with tarfile.open(sdist) as tf:
        in_sdist = {name.split("/", 1)[1] for name in tf.getnames() if "/" in name}
    assert expected - in_sdist == set()
    assert metadata["Version"] == __version__
    # What `pip install statuspress` brings (the test extra aside).
    requires = " ".join(r for r in metadata.get_all("Requires-Dist") or [] if "extra ==" not in r)
    assert "mkdocs-material" in requires
    for heavy in ("matplotlib", "numpy", "pillow", "feedgen", "lxml", "python-frontmatter"):
        assert heavy not in requires.lower()


def test_twine_accepts_the_distributions(dist: Path) -> None:
    out = run(sys.executable, "-m", "twine", "check", "--strict", *sorted(dist.iterdir()))
    assert out.count("PASSED") == 2, out


def test_the_installed_wheel_makes_and_builds_a_site(fresh: Path, tmp_path: Path) -> None:
    python, exe = fresh / "bin" / "python", fresh / "bin" / "statuspress"
    where = run(python, "-c", "import generator, importlib.util as u; print(generator.__file__); "
                f"print([m for m in {HEAVY!r} if u.find_spec(m)])", cwd=tmp_path)
    module, missing_heavy = where.splitlines()
    assert Path(module).is_relative_to(fresh), module  # the wheel's copy, not this checkout
    assert missing_heavy == "[]", f"installed along with statuspress: {missing_heavy}"
    assert run(exe, "--version").strip().endswith(__version__)

    site = tmp_path / "status"
    run(exe, "init", site, "--now", NOW)
    deploy = (site / ".github/workflows/deploy.yml").read_text(encoding="utf-8")
    assert f'uv pip install --system "statuspress=={__version__}"' in deploy
    run(exe, "validate", "--root", site, "--now", NOW)
    out = tmp_path / "out"
    run(exe, "build", "--root", site, "--out", out, "--now", NOW)
    assert (out / "index.html").is_file() and (out / "api/v2/summary.json").is_file()
    # The theme shipped in the wheel (copied into the site by init) styles the pages.
    assert (out / "assets/css/statuspress.css").read_bytes() == (ROOT / "generator/theme/assets/css/statuspress.css").read_bytes()
    # The message catalogs come with it: the same site in German.
    config = site / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  language: en ", "  language: de ", 1), encoding="utf-8")
    german = tmp_path / "out-de"
    run(exe, "build", "--root", site, "--out", german, "--now", NOW)
    home = (german / "index.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in home and "Letzte Tage" in home
