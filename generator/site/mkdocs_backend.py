"""The one module that talks to MkDocs (and Material for MkDocs).

Everything else in statuspress produces plain data: pages as Markdown with
raw HTML blocks (:class:`generator.site.pages.Page`) and other files as
bytes. This module turns that into a site, so swapping the renderer (for
Zensical, say) means rewriting this file only.

How the build is wired:

- The configuration is built in memory (``load_config`` on an empty YAML
  document plus keyword options); there is no ``mkdocs.yml``.
- ``docs_dir`` is an empty temporary folder: every page and file is added
  by :class:`_StatuspressPlugin` in ``on_files`` as ``File.generated``.
- Page metadata (title, description, search exclusion, feed links) is set
  in ``on_page_markdown`` from the :class:`Page` objects, never parsed from
  user text. Titles and descriptions are HTML-escaped and wrapped in
  ``Markup`` because Material's templates print them without escaping.
- ``SOURCE_DATE_EPOCH`` is set to the build's ``now`` while MkDocs runs, so
  that ``sitemap.xml`` dates and the ``sitemap.xml.gz`` header are the same
  on every build of the same input.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from generator.site.pages import Page

# Material prints a banner about MkDocs 2 on import unless this is set.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from mkdocs import exceptions as mkdocs_exceptions  # noqa: E402
from mkdocs.commands.build import build as mkdocs_build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402
from mkdocs.plugins import BasePlugin  # noqa: E402
from mkdocs.structure.files import File, Files  # noqa: E402

THEME_DIR = Path(__file__).resolve().parents[2] / "theme"

# Where the theme's stylesheet lands in the site (theme/assets/css/statuspress.css).
EXTRA_CSS = "assets/css/statuspress.css"

_ENV_LOCK = threading.Lock()


class RenderError(Exception):
    """MkDocs could not build the site; ``str()`` is a message for people."""


@dataclass(frozen=True)
class SiteSettings:
    """Site-wide values for the renderer. Strings are plain text (escaped here)."""

    name: str
    base_url: str
    description: str = ""
    internal: bool = False
    theme_dir: Path = THEME_DIR
    feeds: tuple[Any, ...] = ()  # FeedLink-like (title, href, type): autodiscovery for pages without their own
    now_iso: str = ""  # the build's "as of" moment, shown in the footer
    now_text: str = ""
    footer_feed: str = "feeds/incidents.rss"


def _markup(text: str) -> Markup:
    """Plain text -> HTML-safe Markup that Jinja's ``| e`` leaves alone (no double escaping)."""
    return Markup(escape(text))


def _feeds(feeds: Sequence[Any]) -> list[dict[str, Markup]]:
    return [{"title": _markup(f.title), "href": _markup(f.href), "type": _markup(f.type)} for f in feeds]


class _StatuspressPlugin(BasePlugin):
    """Adds the generated pages and files, and sets each page's metadata."""

    def __init__(self, pages: Sequence[Page], files: Mapping[str, bytes]) -> None:
        super().__init__()
        self._pages = {p.path: p for p in pages}
        self._files = files

    def on_files(self, files: Files, *, config):  # type: ignore[override]
        for page in self._pages.values():
            files.append(File.generated(config, page.path, content=page.markdown))
        for path in sorted(self._files):
            files.append(File.generated(config, path, content=self._files[path]))
        return files

    def on_page_markdown(self, markdown: str, *, page, config, files):  # type: ignore[override]
        spec = self._pages.get(page.file.src_uri)
        if spec is None:
            return markdown
        meta: dict[str, object] = {"title": _markup(spec.title)}
        if spec.description:
            meta["description"] = _markup(spec.description)
        if not spec.search:
            meta["search"] = {"exclude": True}
        hide = ["toc"] if not spec.toc else []
        if hide:
            meta["hide"] = hide
        meta["sp_feeds"] = _feeds(spec.feeds)
        meta["sp_labels"] = [_markup(label) for label in spec.labels]
        page.meta = meta
        return markdown

    def on_post_page(self, output: str, *, page, config):  # type: ignore[override]
        return valid_toggles(output)

    def on_post_template(self, output_content: str, *, template_name: str, config):  # type: ignore[override]
        return valid_toggles(output_content) if template_name.endswith(".html") else output_content


# Material's base template puts autocomplete="off" on its checkbox toggles (drawer, search);
# HTML allows that attribute only on text-like inputs, so the validator rejects every page.
# The template cannot be overridden piecemeal (and a copy would pin Material's asset hashes),
# so the attribute is removed from exactly those checkbox inputs here.
_CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input class="md-toggle"[^>]*type="checkbox"[^>]*?) autocomplete="off"')


def valid_toggles(html: str) -> str:
    return _CHECKBOX_AUTOCOMPLETE.sub(r"\1", html)


def _palette() -> list[dict[str, object]]:
    # Follows the reader's system setting; the toggle overrides it (stored by Material's JS).
    return [
        {
            "media": "(prefers-color-scheme: light)",
            "scheme": "default",
            "primary": "indigo",
            "accent": "indigo",
            "toggle": {"icon": "material/brightness-7", "name": "Switch to dark mode"},
        },
        {
            "media": "(prefers-color-scheme: dark)",
            "scheme": "slate",
            "primary": "indigo",
            "accent": "indigo",
            "toggle": {"icon": "material/brightness-4", "name": "Switch to light mode"},
        },
    ]


def _config_options(
    settings: SiteSettings, nav: Sequence[tuple[str, str]], docs_dir: Path, site_dir: Path
) -> dict[str, object]:
    return {
        "site_name": _markup(settings.name),
        "site_description": _markup(settings.description) if settings.description else None,
        "site_url": settings.base_url,
        "docs_dir": str(docs_dir),
        "site_dir": str(site_dir),
        "use_directory_urls": True,
        "strict": True,
        "theme": {
            "name": "material",
            "custom_dir": str(settings.theme_dir),
            "language": "en",
            # No Google Fonts: the page must not call third parties, and must render offline.
            "font": False,
            "palette": _palette(),
            "features": [],
        },
        "plugins": ["search"],
        "markdown_extensions": ["attr_list", "md_in_html", "tables", {"toc": {"permalink": False}}],
        "extra_css": [EXTRA_CSS],
        "extra": {
            "generator": False,
            "sp_internal": settings.internal,
            "sp_feeds": _feeds(settings.feeds),
            "sp_footer": {
                "now_iso": _markup(settings.now_iso),
                "now_text": _markup(settings.now_text),
                "feed": settings.footer_feed,
            },
        },
        "nav": [{title: path} for title, path in nav],
        # Incident pages are deliberately not in the nav: say nothing about them.
        "validation": {
            "nav": {"omitted_files": "ignore", "not_found": "warn", "absolute_links": "ignore"},
            "links": {"not_found": "warn", "absolute_links": "ignore", "unrecognized_links": "ignore",
                      "anchors": "ignore"},
        },
    }


class _Collect(logging.Handler):
    """Keeps MkDocs' warnings and errors so a failed build can say why."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _quiet_mkdocs() -> Iterator[_Collect]:
    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False  # the CLI prints its own summary; MkDocs' INFO lines are noise
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


@contextlib.contextmanager
def _source_date_epoch(now: datetime) -> Iterator[None]:
    # MkDocs reads the build date (sitemap lastmod, gzip mtime) from this variable only.
    with _ENV_LOCK:
        old = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(int(now.timestamp()))
        try:
            yield
        finally:
            if old is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = old


def render_site(
    pages: Sequence[Page],
    files: Mapping[str, bytes],
    nav: Sequence[tuple[str, str]],
    settings: SiteSettings,
    site_dir: Path,
    now: datetime,
) -> None:
    """Build the whole site into ``site_dir`` (which MkDocs empties first).

    Raises :class:`RenderError` for anything MkDocs rejects, including its
    ``Abort`` (a ``SystemExit``) so that no caller is ever terminated by it.
    """
    with (
        tempfile.TemporaryDirectory(prefix="statuspress-mkdocs-") as scratch,
        _quiet_mkdocs() as log,
        _source_date_epoch(now),
    ):
        # An empty docs_dir: MkDocs insists on one; every page comes from the plugin.
        docs_dir = Path(scratch) / "docs"
        docs_dir.mkdir()
        try:
            config = load_config(
                config_file=io.StringIO("{}"),
                config_file_path=os.path.join(scratch, "mkdocs.yml"),
                **_config_options(settings, nav, docs_dir, site_dir),
            )
            config.plugins["statuspress"] = _StatuspressPlugin(pages, files)
            mkdocs_build(config, dirty=False)
        except (mkdocs_exceptions.Abort, mkdocs_exceptions.MkDocsException) as exc:
            details = "; ".join(log.messages) or str(exc)
            raise RenderError(f"MkDocs could not build the site: {details}") from None
        except SystemExit as exc:  # anything else MkDocs or a plugin may exit with
            details = "; ".join(log.messages) or f"exit code {exc.code}"
            raise RenderError(f"MkDocs stopped the build: {details}") from None


def serve(
    rebuild: Callable[[Path], None],
    watch: Sequence[Path],
    site_dir: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
) -> None:
    """Serve ``site_dir`` with live reload; ``rebuild(site_dir)`` runs on start and on every change.

    ``rebuild`` goes through the same pipeline as ``statuspress build`` (it
    validates, renders and swaps the folder in), so what you preview is what
    gets published. A failed rebuild keeps the last good site on screen.
    """
    from mkdocs.livereload import LiveReloadServer

    def builder() -> None:
        rebuild(site_dir)

    server = LiveReloadServer(builder=builder, host=host, port=port, root=str(site_dir))
    for path in watch:
        if path.exists():
            server.watch(str(path))

    def error_page(code: int) -> bytes | None:
        page = site_dir / f"{code}.html"
        return page.read_bytes() if code in (404, 500) and page.is_file() else None

    server.error_handler = error_page
    builder()
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
