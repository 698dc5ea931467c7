"""Lighthouse mobile scores for the example site's home page and an incident page.

    python benchmarks/lighthouse.py                 # builds the example, prints the four scores
    python benchmarks/lighthouse.py --site SITE     # scores an already built folder

The site is served gzip-compressed on 127.0.0.1 (as a host would serve it) and scored with
Lighthouse from npm (package.json) driving Debian's Chromium, mobile preset. Reports go to
artifacts/lighthouse/. Slow (about a minute a page), so not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.browser import ARTIFACTS_DIR, find_chromium, serve_directory  # noqa: E402

EXAMPLE_NOW = "2026-11-26T12:00:00Z"
PAGES = {"home": "", "incident": "incidents/2026-11-26-nordic-card-payment-timeouts/"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking"


def build_example(out: Path) -> None:
    subprocess.run(
        [sys.executable, "-c", "from generator.cli import main; main()", "build", "--out", str(out), "--now", EXAMPLE_NOW],
        cwd=REPO, check=True,
    )


def score(url: str, report: Path, chromium: str) -> dict[str, int]:
    lighthouse = REPO / "node_modules" / ".bin" / "lighthouse"
    subprocess.run(
        [str(lighthouse), url, "--quiet", "--output=json", f"--output-path={report}",
         f"--chrome-flags={CHROME_FLAGS}", "--only-categories=" + ",".join(CATEGORIES)],
        env={**os.environ, "CHROME_PATH": chromium}, check=True,
    )
    data = json.loads(report.read_text(encoding="utf-8"))
    return {name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site folder (default: build the example)")
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        print("Chromium not found (apt-get install chromium)", file=sys.stderr)
        return 1
    out_dir = ARTIFACTS_DIR / "lighthouse"
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            build_example(site)
        results = {}
        with serve_directory(site, compress=True) as base:
            for name, path in PAGES.items():
                results[name] = score(base + path, out_dir / f"{name}.json", chromium)
    for name, scores in results.items():
        print(f"{name:10} " + "  ".join(f"{category} {value}" for category, value in scores.items()))
    (out_dir / "scores.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
