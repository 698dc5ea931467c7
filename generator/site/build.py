"""``statuspress build``: validate, make every page and file, render, swap in.

The order matters for the guarantees in the spec:

1. Validate first. Any error stops the build before anything is written,
   with the same report ``statuspress validate`` prints.
2. Make everything in memory: pages (pure), feeds, API, badges, calendar,
   charts. A renderer that raises here leaves the output untouched.
3. Render with MkDocs into a fresh folder beside the target, then swap it
   in (:mod:`generator.write`). A failure during rendering leaves the
   previous output byte-for-byte as it was.
"""

from __future__ import annotations

import functools
import gc
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from generator import i18n
from generator.load import LoadCache
from generator.model import Model, Problem
from generator.report import format_text
from generator.site import api, badges, branding, charts, feeds, forked, ics, urls
from generator.site.contract import Page
from generator.site.mkdocs_backend import (
    THEME_DIR,
    Branding,
    Renderer,
    RenderError,
    RenderStats,
    SiteSettings,
    theme_words,
)
from generator.site.pages import PageMemo, build_site_pages, kpis_page, nav_entries
from generator.site.visibility import SiteContext
from generator.timeparse import format_timestamp
from generator.validate import check_repository, finish, has_errors
from generator.write import OutputError, spare_dir, write_atomically

# Below this, a second process costs more than it saves.
FORK_MIN_INCIDENTS = 300


class BuildError(Exception):
    """The site was not built; ``str()`` is the report for people. The output folder is untouched."""


class ValidationFailed(BuildError):
    """The content has errors: the message is ``statuspress validate``'s text report."""


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    out: Path
    now: datetime
    internal: bool = False
    drafts: bool = False
    base_url: str | None = None


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pages: int
    files: int
    warnings: list[Problem] = field(default_factory=list)


Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def machine_files(ctx: SiteContext) -> dict[str, bytes]:
    """Feeds, API, badges, calendar and charts: every non-HTML output, by site path."""
    files: dict[str, bytes] = {}
    for render in (feeds.render_feeds, api.render_api, badges.render_badges, ics.render_ics):
        for path, data in render(ctx).items():
            if path in files:
                raise BuildError(f"two renderers produced {path}")
            files[path] = data
    if ctx.kpis_public:
        files.update(charts.render_charts(ctx))
    return files


def _other_core(ctx: SiteContext) -> tuple[dict[str, bytes], Page | None]:
    """What a second process makes while this one makes the pages: the machine files and the KPI page."""
    return machine_files(ctx), kpis_page(ctx) if ctx.kpis_public else None


def theme_dir(root: Path) -> Path:
    """The top theme layer: the repository's own ``theme/`` if it has one, else the bundled overrides.

    The repository's files are looked up first, file by file; whatever it does not
    have comes from the bundled overrides, then from Material (see SiteSettings.theme_dirs).
    """
    own = root / "theme"
    if own.is_dir():
        return own
    if (THEME_DIR / "main.html").is_file():
        return THEME_DIR
    raise BuildError(f"statuspress's bundled theme is missing ({THEME_DIR}): reinstall statuspress")


try:  # page templates a repository overrides report their own problems
    from generator.site.templating import TemplateProblem
except ImportError:  # pragma: no cover - before the page templates exist
    class TemplateProblem(Exception):  # type: ignore[no-redef]
        pass


def build_site(options: BuildOptions, progress: Progress = _quiet) -> BuildResult:
    """Build the site into ``options.out``; raise :class:`BuildError` (untouched output) on failure."""
    return SiteBuilder(reuse=False).build(options, progress)


class SiteBuilder:
    """Builds the site again and again, reusing what did not change: ``statuspress serve`` keeps one.

    It keeps parsed content files (:class:`generator.load.LoadCache`) and
    rendered pages (:class:`generator.site.mkdocs_backend.Renderer`), and the
    previous output folder beside the new one (``.<out>.spare``), which the
    next build updates instead of writing every file again. Every build still
    validates all content, makes every page and file, and swaps a complete
    site in atomically; the output is byte-for-byte what a fresh
    :func:`build_site` writes (tests compare the two).
    """

    def __init__(self, reuse: bool = True) -> None:
        self._files = LoadCache() if reuse else None
        self._pages = PageMemo() if reuse else None
        self._renderer = Renderer(reuse=reuse)

    def build(self, options: BuildOptions, progress: Progress = _quiet) -> BuildResult:
        """Build the site into ``options.out``; raise :class:`BuildError` (untouched output) on failure."""
        return _build(options, progress, self._files, self._renderer, self._pages)

    @property
    def last_render(self) -> RenderStats | None:
        """Pages rendered and reused by the last successful build, and on how many processes."""
        return self._renderer.last


def _build(options: BuildOptions, progress: Progress, files_cache: LoadCache | None, renderer: Renderer,
           memo: PageMemo | None = None) -> BuildResult:
    root = Path(options.root).resolve()
    progress("validating content")
    model, problems = check_repository(root, options.now, cache=files_cache)
    theme_config, theme_config_problems = branding.load_theme_config(root)
    problems = finish(problems + theme_config_problems + branding.theme_file_problems(root), False)
    if has_errors(problems):
        raise ValidationFailed(format_text(problems))
    warnings = [p for p in problems if p.level != "error"]
    # Every word of the site, its feeds, API descriptions and calendar in the site's language; the
    # validation report above stays in English, like the rest of the command line.
    with i18n.use(model.config.site.language):
        return _build_site(options, progress, root, model, theme_config, warnings, renderer, memo)


def _build_site(options: BuildOptions, progress: Progress, root: Path, model: Model,
                theme_config: branding.ThemeConfig,
                warnings: list[Problem], renderer: Renderer, memo: PageMemo | None) -> BuildResult:
    base_url = options.base_url or model.config.site.url
    ctx = SiteContext(model, options.now, base_url, internal=options.internal, drafts=options.drafts, root=root)

    progress("making pages")
    # Feeds, API, badges, charts and the KPI page are made on the other core meanwhile, on large
    # sites; not when work is kept for the next build (what a worker computes stays there).
    other = None
    if memo is None and len(model.incidents) >= FORK_MIN_INCIDENTS and forked.cpus() > 1 and forked.fork_safe():
        other = forked.Forked(lambda: _other_core(ctx))

    @functools.cache
    def from_other() -> tuple[dict[str, bytes], Page | None]:
        assert other is not None
        return other.result()

    def kpis_from_other() -> Page:
        page = from_other()[1]
        assert page is not None  # the worker makes it whenever the KPI page is public, as here
        return page

    try:
        pages, not_found_html = build_site_pages(ctx, memo, kpis_from_other if other is not None else None)
    except TemplateProblem as exc:
        if other is not None:
            other.discard()  # (nothing to wait for when the KPI page already came)
        raise BuildError(f"{exc} (fix the template, or remove it to use the bundled one)") from None
    except forked.WorkerDied as exc:
        raise BuildError(str(exc)) from None
    except BaseException:
        if other is not None:
            other.discard()
        raise
    progress("making feeds, API, badges, calendar and charts")
    try:
        files = from_other()[0] if other is not None else machine_files(ctx)
    except forked.WorkerDied as exc:
        raise BuildError(str(exc)) from None
    except TemplateProblem as exc:  # feed entries use the page partials too
        raise BuildError(f"{exc} (fix the template, or remove it to use the bundled one)") from None
    brand_files, brand_values = branding.site_branding(root, theme_config)
    collisions = sorted(set(brand_files) & set(files))
    files = {**files, **brand_files}
    collisions += sorted({p.path for p in pages} & set(files))
    if collisions:
        raise BuildError(f"a page and a file share a path: {', '.join(collisions)}")

    settings = SiteSettings(
        theme_dir=theme_dir(root),
        name=model.config.site.name,
        base_url=ctx.base_url,
        description=model.config.site.description,
        internal=options.internal,
        feeds=tuple(urls.feed_links(ctx)),
        now_iso=format_timestamp(ctx.now),
        now_text=ctx.display_time(ctx.now),
        footer_feed=urls.feed_path("incidents", "rss"),
        branding=Branding(**brand_values),  # type: ignore[arg-type]
        not_found_html=not_found_html,
        language=model.config.site.language,
        words=theme_words(),
    )
    nav = [(entry.title, entry.path) for entry in nav_entries(ctx)]

    def fill(folder: Path) -> None:
        progress(f"rendering {len(pages)} pages with MkDocs")
        # The model and the pages live until the end of the build: keep the cycle collector from
        # walking them again and again while pages render (and from touching, so copying, every
        # page of memory a forked worker shares with this process).
        gc.freeze()
        try:
            renderer.render(pages, files, nav, settings, folder, ctx.now)
        finally:
            gc.unfreeze()

    try:
        out = write_atomically(Path(options.out), fill, root, keep_spare=renderer.reuses)
    except OutputError as exc:
        raise BuildError(str(exc)) from None
    except RenderError as exc:
        raise BuildError(str(exc)) from None
    if renderer.reuses:
        _seed_spare(out, renderer)
    return BuildResult(out=out, pages=len(pages), files=len(files), warnings=warnings)


def _seed_spare(out: Path, renderer: Renderer) -> None:
    """After a first build, copy it to the spare folder, so the next build has one to update.

    Otherwise the first rebuild after ``serve`` starts would write every file of
    the site again. ``copy2`` keeps sizes and modification times, which is how
    the renderer recognises files it wrote.
    """
    spare = spare_dir(out)
    if renderer.knows(spare):
        return
    try:
        if spare.exists() or spare.is_symlink():
            shutil.rmtree(spare) if spare.is_dir() and not spare.is_symlink() else spare.unlink()
        shutil.copytree(out, spare, symlinks=True, copy_function=shutil.copy2)
    except OSError:
        shutil.rmtree(spare, ignore_errors=True)  # only a missed speed-up: the next build writes all
        return
    renderer.adopt(out, spare)
