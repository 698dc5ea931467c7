"""Headless Chromium for the test suite: serve a folder, run axe-core, take screenshots.

Typical use, with the session-scoped ``browser`` fixture from ``tests/conftest.py``::

    from tests.support.browser import serve_directory

    def test_home_is_accessible(browser, built_site):
        with serve_directory(built_site) as base:           # "http://127.0.0.1:PORT/"
            violations = browser.axe(base)                    # list[AxeViolation], [] when clean
            assert not violations, format_violations(violations)
            assert browser.horizontal_overflow(base, width=375) == []
            browser.screenshots(base, "home")                 # artifacts/screenshots/home-1280.png, -375.png
            title = browser.evaluate(base, "document.title")

Everything runs in one Chromium process per ``Browser`` (start-up is the slow part); each call
opens a fresh context (clean cookies, storage and viewport), so calls do not influence each other.

Design notes (why):
- Debian's Chromium (``/usr/bin/chromium``) is driven by Playwright's Python package with
  ``executable_path``; no browser is ever downloaded. Playwright gives every launch a fresh
  temporary ``--user-data-dir`` itself (it refuses one in ``args``).
- Requests to any host other than the local server are aborted and recorded in
  ``Browser.blocked_requests``: tests stay offline and deterministic, and a page that depends on
  a third-party host (web fonts, CDNs) shows up there instead of hanging.
- axe-core comes from npm (``node_modules/axe-core/axe.min.js``, exact version in package.json),
  so the rules are the same on every machine.
"""

from __future__ import annotations

import functools
import gzip
import io
import os
import re
import shutil
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS_DIR = REPO_ROOT / "artifacts"
SCREENSHOT_DIR = ARTIFACTS_DIR / "screenshots"

# WCAG 2.0, 2.1 and 2.2, levels A and AA: what the status page promises (2.2 adds target-size).
AXE_TAGS: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa")

# Flags for a closed network and a root user; without the networking ones Chromium keeps
# trying (and failing) to reach Google services at every start.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
)

CHROMIUM_CANDIDATES: tuple[str, ...] = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)
ALLOW_MISSING_ENV = "STATUSPRESS_ALLOW_NO_BROWSER"
CHROMIUM_ENV = "STATUSPRESS_CHROMIUM"

DESKTOP_WIDTH = 1280
PHONE_WIDTH = 375
DEFAULT_HEIGHT = 800
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})


class ToolMissing(RuntimeError):
    """A program the harness needs (Chromium, Java, an npm file) is not installed."""


# --------------------------------------------------------------------------- local server


class _QuietHandler(SimpleHTTPRequestHandler):
    """Static files with no per-request logging (pytest output stays readable)."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


# What a static host compresses (GitHub Pages, Netlify, nginx's usual gzip_types).
GZIP_TYPES: tuple[str, ...] = ("text/", "application/javascript", "application/json", "application/xml",
                              "image/svg+xml", "application/rss+xml", "application/atom+xml")


class _GzipHandler(_QuietHandler):
    """Static files, gzip-compressed (level 6, as nginx and most hosts) for text types when asked."""

    def send_head(self):  # type: ignore[no-untyped-def]  # stdlib signature
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the redirect to the directory URL
            path = path / "index.html"
        ctype = self.guess_type(str(path))
        wants = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants and path.is_file() and ctype.startswith(GZIP_TYPES)):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)


@contextmanager
def serve_directory(root: Path | str, *, compress: bool = False) -> Iterator[str]:
    """Serve ``root`` over HTTP on 127.0.0.1 (a free port) while the ``with`` block runs.

    Yields the base URL with a trailing slash, e.g. ``"http://127.0.0.1:41234/"``; join page paths
    to it (``base + "incidents/x/"``). Directory URLs serve their ``index.html`` as a static host
    (GitHub Pages) would. ``compress=True`` gzips text responses for clients that accept them, as
    a host would (to measure what a page costs to download). The server runs in a daemon thread
    and is shut down on exit.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"cannot serve {root}: not a directory")
    handler = functools.partial(_GzipHandler if compress else _QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"serve {root}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class AxeViolation:
    """One failed axe rule on one page, with the CSS selectors of the offending nodes."""

    url: str
    rule: str
    impact: str | None
    help: str
    help_url: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:5]) + (" ..." if len(self.targets) > 5 else "")
        return f"{self.url}: [{self.impact}] {self.rule}: {self.help} ({len(self.targets)} node(s): {shown})"


def format_violations(violations: Iterable[AxeViolation]) -> str:
    """One line per violation, for assertion messages."""
    return "\n".join(str(v) for v in violations)


# --------------------------------------------------------------------------- discovery


def find_chromium() -> str | None:
    """Path of the Chromium to drive: ``$STATUSPRESS_CHROMIUM``, else the first on ``PATH``."""
    explicit = os.environ.get(CHROMIUM_ENV)
    if explicit:
        return explicit if Path(explicit).exists() else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def missing_browser_tools() -> list[str]:
    """What is missing for `Browser` to work, as install hints; empty when all is there."""
    problems = []
    if find_chromium() is None:
        problems.append("Chromium not found (apt-get install chromium, or set STATUSPRESS_CHROMIUM)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("Python package playwright missing (pip install -e '.[test]')")
    if not AXE_JS.is_file():
        problems.append(f"{AXE_JS.relative_to(REPO_ROOT)} missing (run npm ci)")
    return problems


def tools_may_be_missing() -> bool:
    """True when ``STATUSPRESS_ALLOW_NO_BROWSER=1``: skip browser/validator tests instead of failing."""
    return os.environ.get(ALLOW_MISSING_ENV, "") == "1"


# --------------------------------------------------------------------------- browser

_OVERFLOW_JS = """
() => {
  const doc = document.documentElement;
  const width = doc.clientWidth;
  if (doc.scrollWidth <= width) return [];
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (typeof el.className === 'string' && el.className.trim())
      s += '.' + el.className.trim().split(/\\s+/).slice(0, 3).join('.');
    return s;
  };
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > width + 1 || r.left < -1)) {
      // Report the outermost offender only: its children overflow with it.
      if (!offenders.some((o) => o.el.contains(el))) offenders.push({el, right: Math.round(r.right)});
    }
    if (offenders.length >= 10) break;
  }
  return [`page is ${doc.scrollWidth}px wide in a ${width}px viewport`].concat(
    offenders.map((o) => `${describe(o.el)} reaches x=${o.right}px`));
}
"""

_AXE_RUN_JS = """
async (options) => {
  const results = await axe.run(document, options);
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
}
"""


def _record_network(page: Any, log: list[dict[str, Any]]) -> None:
    def finished(request: Any) -> None:
        response = request.response()
        sizes = request.sizes()
        log.append({
            "url": request.url,
            "status": response.status if response is not None else 0,
            "failure": None,
            "transferred": sizes["responseHeadersSize"] + sizes["responseBodySize"],
        })

    def failed(request: Any) -> None:
        log.append({"url": request.url, "status": 0, "failure": request.failure or "failed", "transferred": 0})

    page.on("requestfinished", finished)
    page.on("requestfailed", failed)


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "page"


class Browser:
    """One headless Chromium shared by many checks. Use as a context manager or call `close()`.

    Every method takes a full URL (usually from `serve_directory`) and opens a fresh browser
    context for it with the given viewport ``width`` and ``color_scheme`` ("light" or "dark",
    what ``prefers-color-scheme`` reports). Page loads wait for the ``load`` event.
    """

    def __init__(self, executable: str | None = None, *, timeout_ms: int = 30_000) -> None:
        problems = missing_browser_tools()
        if executable is not None:
            problems = [p for p in problems if not p.startswith("Chromium")]
        executable = executable or find_chromium()
        if problems or executable is None:
            raise ToolMissing("; ".join(problems))
        from playwright.sync_api import sync_playwright

        self.executable = executable
        self.timeout_ms = timeout_ms
        self.blocked_requests: list[str] = []
        self._axe_source = AXE_JS.read_text(encoding="utf-8")
        try:
            self._playwright = sync_playwright().start()
        except Exception as exc:
            # The driver is a Node.js binary inside the wheel; its own error is on stderr above.
            raise ToolMissing(
                f"Playwright's driver did not start ({exc}); on Debian it needs libatomic1 "
                "(apt-get install libatomic1, or run: bash scripts/test.sh)"
            ) from exc
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=executable, headless=True, args=list(CHROMIUM_ARGS)
            )
        except Exception:
            self._playwright.stop()
            raise

    @property
    def version(self) -> str:
        """Chromium's version string, e.g. ``"156.0.8078.108"``."""
        return self._browser.version

    def close(self) -> None:
        self._browser.close()
        self._playwright.stop()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the general tool ------------------------------------------------------------------

    @contextmanager
    def page(
        self,
        url: str,
        *,
        width: int = DESKTOP_WIDTH,
        height: int = DEFAULT_HEIGHT,
        color_scheme: str = "light",
        javascript: bool = True,
        timezone: str | None = None,
        clock: str | None = None,
        network: list[dict[str, Any]] | None = None,
    ) -> Iterator[Any]:
        """Open ``url`` in a fresh context and yield the Playwright ``Page`` for custom checks.

        ``timezone`` ("America/New_York") is the zone the page sees (CDP
        ``Emulation.setTimezoneOverride``); ``clock`` (ISO 8601) is what ``Date`` says when the
        page starts (Playwright's clock, installed before any script runs; it then runs on).
        ``network``, a list, receives one dict per request of the load (see `network_log`).

        ``javascript=False`` loads the page as a browser with scripts disabled would (the status
        page must work without JavaScript). Console errors and uncaught exceptions are collected
        in ``page.statuspress_errors`` (a list of strings).
        """
        context = self._browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme=color_scheme,
            java_script_enabled=javascript,
            reduced_motion="reduce",
            timezone_id=timezone,
        )
        context.set_default_timeout(self.timeout_ms)
        context.route("**/*", self._route)
        try:
            page = context.new_page()
            if clock is not None:
                page.clock.install(time=clock)
            if network is not None:
                _record_network(page, network)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.statuspress_errors = errors
            response = page.goto(url, wait_until="load")
            if response is not None and response.status >= 400:
                raise AssertionError(f"{url} answered HTTP {response.status}")
            yield page
        finally:
            context.close()

    def _route(self, route: Any) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked_requests.append(route.request.url)
            route.abort()

    def network_log(self, url: str, *, width: int = DESKTOP_WIDTH) -> list[dict[str, Any]]:
        """Every request a first visit to ``url`` makes until the network is idle: one dict each with
        ``url``, ``status`` (0 when it failed), ``failure`` and ``transferred`` (bytes on the wire:
        headers plus the body as sent, compressed when the server compressed it)."""
        log: list[dict[str, Any]] = []
        with self.page(url, width=width, network=log) as page:
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(300)  # requests Material starts once the page is idle
        return log

    # -- checks ------------------------------------------------------------------------------

    def axe(
        self,
        url: str,
        *,
        width: int = DESKTOP_WIDTH,
        color_scheme: str = "light",
        tags: Iterable[str] = AXE_TAGS,
        disable_rules: Iterable[str] = (),
    ) -> list[AxeViolation]:
        """Run axe-core (WCAG 2.0, 2.1 and 2.2, A and AA by default) on ``url``; ``[]`` when it passes.

        ``disable_rules`` takes axe rule ids (e.g. ``"color-contrast"``) to leave out; prefer
        fixing the page.
        """
        options: dict[str, Any] = {
            "runOnly": {"type": "tag", "values": list(tags)},
            "resultTypes": ["violations"],
        }
        disabled = list(disable_rules)
        if disabled:
            options["rules"] = {rule: {"enabled": False} for rule in disabled}
        with self.page(url, width=width, color_scheme=color_scheme) as page:
            page.add_script_tag(content=self._axe_source)
            raw = page.evaluate(_AXE_RUN_JS, options)
        return [
            AxeViolation(
                url=url,
                rule=v["id"],
                impact=v["impact"],
                help=v["help"],
                help_url=v["helpUrl"],
                targets=tuple(v["targets"]),
            )
            for v in raw
        ]

    def axe_many(self, urls: Iterable[str], **kwargs: Any) -> dict[str, list[AxeViolation]]:
        """`axe` over several URLs with one browser; maps each URL to its violations."""
        return {url: self.axe(url, **kwargs) for url in urls}

    def screenshot(
        self,
        url: str,
        name: str,
        *,
        width: int = DESKTOP_WIDTH,
        color_scheme: str = "light",
        full_page: bool = True,
        out_dir: Path = SCREENSHOT_DIR,
    ) -> Path:
        """Save a PNG of ``url`` as ``out_dir/<name>-<width>[-dark].png`` and return its path."""
        out_dir.mkdir(parents=True, exist_ok=True)
        suffix = "" if color_scheme == "light" else f"-{color_scheme}"
        path = out_dir / f"{_safe_name(name)}-{width}{suffix}.png"
        with self.page(url, width=width, color_scheme=color_scheme) as page:
            page.screenshot(path=str(path), full_page=full_page)
        return path

    def screenshots(
        self,
        url: str,
        name: str,
        *,
        widths: Iterable[int] = (DESKTOP_WIDTH, PHONE_WIDTH),
        color_scheme: str = "light",
        out_dir: Path = SCREENSHOT_DIR,
    ) -> list[Path]:
        """`screenshot` at each width (desktop 1280 px and phone 375 px by default)."""
        return [
            self.screenshot(url, name, width=w, color_scheme=color_scheme, out_dir=out_dir) for w in widths
        ]

    def evaluate(self, url: str, expression: str, arg: Any = None, *, width: int = DESKTOP_WIDTH) -> Any:
        """Load ``url`` and return the JSON-able value of a JS expression or function.

        ``expression`` is what Playwright's ``page.evaluate`` takes: ``"document.title"`` or
        ``"(sel) => document.querySelectorAll(sel).length"`` with ``arg="a"``.
        """
        with self.page(url, width=width) as page:
            return page.evaluate(expression, arg)

    def horizontal_overflow(self, url: str, *, width: int = PHONE_WIDTH) -> list[str]:
        """Horizontal scrolling at ``width`` px: ``[]`` when the page fits, else a summary line
        followed by the outermost elements that stick out (up to 10)."""
        with self.page(url, width=width) as page:
            return list(page.evaluate(_OVERFLOW_JS))
