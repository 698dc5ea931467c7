"""`statuspress build` and `statuspress serve`."""

from __future__ import annotations

import shutil
import signal
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import click

from generator.cli import main
from generator.cli.common import now_option, resolve_now, root_option


def _progress(enabled: bool):  # type: ignore[no-untyped-def]
    def report(step: str) -> None:
        if enabled:
            click.echo(f"statuspress: {step}", err=True)

    return report


def _check_base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """The same rule as site.url: it is written into every page's canonical link."""
    from generator.load import SITE_URL

    if value is not None and not SITE_URL.match(value):
        raise click.BadParameter(f"{value!r} is not a plain http(s) URL, e.g. https://status.example.com/", ctx, param)
    return value


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt("SIGTERM")


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: site/ in the repository). Replaced atomically; never the repository itself.")
@click.option("--internal", is_flag=True, help="Include internal fields and internal post-mortems (marked Internal).")
@click.option("--drafts", is_flag=True, help="Include draft and in-review post-mortems (marked Draft).")
@click.option("--base-url", default=None, metavar="URL", callback=_check_base_url,
              help="Where the site will be served (default: site.url from site_config.yml).")
@now_option
@root_option
def build(out: Path | None, internal: bool, drafts: bool, base_url: str | None, now, root: Path) -> None:
    """Validate, then build the status site: pages, feeds, API, badges, calendar.

    Validation errors stop the build before anything is written (exit 1,
    same report as `statuspress validate`). A failed build leaves the
    previous output folder exactly as it was.

    \b
    Example:
      statuspress build --out site --now 2026-11-26T12:00:00Z
    """
    from generator.site.build import BuildError, BuildOptions, ValidationFailed, build_site

    options = BuildOptions(
        root=root,
        out=out if out is not None else root / "site",
        now=resolve_now(now),
        internal=internal,
        drafts=drafts,
        base_url=base_url,
    )
    # SIGTERM (a cancelled CI job, `timeout`) stops the build as Ctrl-C does: the half-made
    # folder is removed and the previous output stays as it was.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        result = build_site(options, progress=_progress(sys.stderr.isatty()))
    except KeyboardInterrupt as exc:
        click.echo("statuspress: build interrupted; the previous output is unchanged", err=True)
        raise SystemExit(143 if exc.args == ("SIGTERM",) else 130) from None
    except ValidationFailed as exc:
        click.echo(str(exc), nl=False)
        raise SystemExit(1) from None
    except BuildError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    for problem in result.warnings:
        if problem.code == "W080":  # a theme file that does nothing is worth seeing at once
            click.echo(f"{problem.path}:{problem.line}: {problem.code} {problem.message} ({problem.hint})", err=True)
    if result.warnings:
        n = len(result.warnings)
        click.echo(f"{n} warning{'s' * (n != 1)} (run `statuspress validate` to see them)", err=True)
    kind = "internal" if internal else "public"
    click.echo(f"built {kind} site: {result.pages} pages and {result.files} files in {result.out}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--internal", is_flag=True, help="Preview the internal build.")
@click.option("--drafts", is_flag=True, help="Include draft post-mortems.")
@now_option
@root_option
def serve(host: str, port: int, internal: bool, drafts: bool, now, root: Path) -> None:
    """Preview the site with live reload while you edit content/ and site_config.yml.

    Every change rebuilds through the same pipeline as `statuspress build`;
    if the content has errors, the report is printed and the last good
    preview stays up. Without --now, each rebuild uses the current time.
    Rebuilds parse only the files that changed and render only the pages
    that changed, so they stay quick on a long history.

    \b
    Example:
      statuspress serve --port 8000 --drafts
    """
    from generator.site.build import BuildError, BuildOptions, SiteBuilder, ValidationFailed
    from generator.site.mkdocs_backend import ServeError
    from generator.site.mkdocs_backend import serve as serve_site

    fixed_now: datetime | None = resolve_now(now) if now is not None else None
    base_url = f"http://{host}:{port}/"
    scratch = Path(tempfile.mkdtemp(prefix="statuspress-serve-"))
    site_dir = scratch / "site"
    builder = SiteBuilder()  # kept between rebuilds: unchanged files and pages are reused

    def rebuild(folder: Path) -> None:
        options = BuildOptions(root=root, out=folder, now=fixed_now or resolve_now(None),
                               internal=internal, drafts=drafts, base_url=base_url)
        try:
            result = builder.build(options)
        except ValidationFailed as exc:
            click.echo(str(exc), nl=False, err=True)
            click.echo("statuspress: not rebuilt; fix the problems above", err=True)
            return
        except BuildError as exc:
            click.echo(f"statuspress: not rebuilt: {exc}", err=True)
            return
        except Exception as exc:  # noqa: BLE001 - the preview must keep serving the last good site
            click.echo(f"statuspress: not rebuilt: {type(exc).__name__}: {exc}", err=True)
            return
        click.echo(f"statuspress: rebuilt {result.pages} pages; serving {base_url}", err=True)

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt  # `kill` stops the preview as Ctrl-C does, removing its temp folder

    watch = [root / "content", root / "site_config.yml", root / "theme"]
    from generator.site.branding import load_theme_config

    branding, _ = load_theme_config(root)  # the logo, favicon and stylesheets named in theme: too
    watch += [root / rel for rel in (branding.logo, branding.favicon, *branding.extra_css) if rel]
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        site_dir.mkdir()
        serve_site(rebuild, watch, site_dir, host=host, port=port)
    except ServeError as exc:
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {exc} (hint: choose another port with --port, e.g. "
            f"--port {port + 1 if port < 65535 else 8000}, or check --host)") from None
    finally:
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(scratch, ignore_errors=True)
