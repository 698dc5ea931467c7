"""A repository's theme/: layered over the bundled overrides and Material, warnings for files that do nothing,
and clear errors (never a traceback, never a hung preview) for a broken template."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.site.mkdocs_backend import THEME_DIR
from tests.site_repo import EXAMPLE_NOW, copy_example

OLD_THEME = Path(__file__).resolve().parent / "fixtures" / "old-theme"  # theme/ as the first `statuspress init` wrote it
LOGO = '<span class="my-logo-marker">LP</span>\n'


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def build(root: Path, out: Path):  # type: ignore[no-untyped-def]
    return run("build", "--root", str(root), "--out", str(out), "--now", EXAMPLE_NOW)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    root = copy_example(tmp_path / "repo")
    (root / "theme").mkdir()
    return root


def assert_statuspress_frame(page: str) -> None:
    """What statuspress adds to Material's frame: its stylesheet, its footer, feed autodiscovery."""
    assert 'href="assets/css/statuspress.css"' in page
    assert "status as of <time datetime=" in page
    assert '<link rel="alternate" type="application/rss+xml"' in page


def test_a_logo_partial_alone_is_used_and_everything_else_stays(repo: Path, tmp_path: Path) -> None:
    write(repo / "theme/partials/logo.html", LOGO)
    result = build(repo, tmp_path / "site")
    assert result.exit_code == 0, result.output
    home = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert "my-logo-marker" in home
    assert_statuspress_frame(home)
    assert "W080" not in result.output


def test_an_own_main_html_keeps_statuspress_styles_footer_and_feeds(repo: Path, tmp_path: Path) -> None:
    write(repo / "theme/main.html", '{% extends "statuspress-base.html" %}\n'
          '{% block content %}<p class="my-main-marker">ours</p>{{ super() }}{% endblock %}\n')
    write(repo / "theme/partials/logo.html", LOGO)
    assert build(repo, tmp_path / "site").exit_code == 0
    home = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert "my-main-marker" in home and "my-logo-marker" in home
    assert_statuspress_frame(home)


def test_a_main_html_on_materials_base_still_has_statuspress_styles_and_footer(repo: Path, tmp_path: Path) -> None:
    # Extending Material's base.html drops statuspress's blocks on purpose, but not its stylesheet or footer.
    write(repo / "theme/main.html", '{% extends "base.html" %}\n')
    assert build(repo, tmp_path / "site").exit_code == 0
    home = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert 'href="assets/css/statuspress.css"' in home and "status as of <time datetime=" in home
    assert '<link rel="alternate"' not in home


def test_the_full_copy_from_an_older_init_keeps_working(repo: Path, tmp_path: Path) -> None:
    shutil.rmtree(repo / "theme")
    shutil.copytree(OLD_THEME, repo / "theme")
    css = repo / "theme/assets/css/statuspress.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* old-copy-marker */\n", encoding="utf-8")
    result = build(repo, tmp_path / "site")
    assert result.exit_code == 0, result.output
    home = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert_statuspress_frame(home)
    assert "old-copy-marker" in (tmp_path / "site/assets/css/statuspress.css").read_text(encoding="utf-8")
    assert "W080" not in run("validate", "--root", str(repo), "--now", EXAMPLE_NOW).output


def test_theme_files_that_override_nothing_are_named(repo: Path, tmp_path: Path) -> None:
    write(repo / "theme/partial/logo.html", LOGO)  # "partial", not "partials"
    write(repo / "theme/statuspress/hom.html", "{% extends 'statuspress/home.html' %}\n")
    write(repo / "theme/assets/images/team.png", "not checked: assets are published as they are")
    write(repo / "theme/README.md", "notes\n")
    result = run("validate", "--root", str(repo), "--now", EXAMPLE_NOW)
    assert result.exit_code == 0, result.output  # a warning
    assert "theme/partial/logo.html:1: W080" in result.output
    assert "theme/statuspress/hom.html:1: W080" in result.output
    assert "team.png" not in result.output and "theme/README.md:1" not in result.output
    strict = run("validate", "--root", str(repo), "--now", EXAMPLE_NOW, "--strict")
    assert strict.exit_code == 1
    built = build(repo, tmp_path / "site")
    assert built.exit_code == 0 and "theme/partial/logo.html:1: W080" in built.output
    assert (tmp_path / "site/assets/images/team.png").is_file() and not (tmp_path / "site/README.md").exists()


def test_page_templates_are_not_material_files_and_are_not_published(repo: Path, tmp_path: Path) -> None:
    write(repo / "theme/statuspress/notes.css", "/* page-template-folder-marker */\n")
    write(repo / "theme/main.html", '{% extends "statuspress-base.html" %}\n'
          '{% block extrahead %}{{ super() }}{% include "statuspress/home.html" ignore missing %}{% endblock %}\n')
    assert build(repo, tmp_path / "site").exit_code == 0
    assert not (tmp_path / "site/statuspress").exists()
    home = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert "page-template-folder-marker" not in home
    head = home.split("</head>", 1)[0]
    assert "sp-banner" not in head  # Material's loader does not see theme/statuspress/home.html


def test_init_scaffolds_an_empty_theme_with_a_readme_of_override_points(tmp_path: Path) -> None:
    target = tmp_path / "status"
    assert run("init", str(target), "--now", EXAMPLE_NOW).exit_code == 0
    assert sorted(p.relative_to(target).as_posix() for p in (target / "theme").rglob("*")) == ["theme/README.md"]
    readme = (target / "theme/README.md").read_text(encoding="utf-8")
    for name in ("partials/logo.html", "main.html", "statuspress-base.html", "theme/statuspress/", "`home.html`"):
        assert name in readme, name
    write(target / "theme/partials/logo.html", LOGO)
    assert build(target, tmp_path / "site").exit_code == 0
    assert "my-logo-marker" in (tmp_path / "site/index.html").read_text(encoding="utf-8")


def test_the_bundled_overrides_are_the_ones_the_readme_lists() -> None:
    readme = (Path(__file__).resolve().parents[1] / "generator/scaffold/theme-README.md").read_text(encoding="utf-8")
    for path in sorted(THEME_DIR.rglob("*")):
        if path.is_file() and path.name != "statuspress-base.html":
            assert f"`{path.relative_to(THEME_DIR).as_posix()}`" in readme, path


# ---------------------------------------------------------------- broken templates


@pytest.mark.parametrize(("rel", "text", "where"), [
    ("main.html", '{% extends "statuspress-base.html" %}\n{% block content %}\n{{ page.title }\n{% endblock %}\n',
     "theme/main.html:3: template syntax error"),
    ("partials/logo.html", "<span>\n{{ no_such_thing.attribute }}</span>\n", "theme/partials/logo.html:2: template error"),
    ("partials/footer.html", "{% include 'partials/no-such-partial.html' %}\n", "no-such-partial.html"),
])
def test_a_broken_material_override_is_a_clear_error(repo: Path, tmp_path: Path, rel: str, text: str,
                                                     where: str) -> None:
    write(repo / "theme" / rel, text)
    out = tmp_path / "site"
    result = build(repo, out)
    assert result.exit_code == 1
    assert where in result.output, result.output
    assert "Traceback" not in result.output and not out.exists()


def test_a_broken_page_template_override_is_a_clear_error(repo: Path, tmp_path: Path) -> None:
    write(repo / "theme/statuspress/home.html", '{% extends "statuspress/home.html" %}\n{% block nope %}{% endblock\n')
    result = build(repo, tmp_path / "site")
    assert result.exit_code == 1
    assert "theme/statuspress/home.html" in result.output and "Traceback" not in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 10.0) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - 127.0.0.1 only
        return response.read().decode("utf-8")


def _wait_for(stream_file: Path, text: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        if text in stream_file.read_text(encoding="utf-8", errors="replace"):
            return
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not in the server's output:\n{stream_file.read_text()}")


def test_serve_keeps_the_last_good_preview_when_a_template_breaks(repo: Path, tmp_path: Path) -> None:
    write(repo / "theme/partials/logo.html", LOGO)
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("w") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--root", str(repo), "--port", str(port),
                                 "--now", EXAMPLE_NOW], stdout=sink, stderr=subprocess.STDOUT, env=env)
    try:
        _wait_for(log, "serving http://", time.monotonic() + 120)
        url = f"http://127.0.0.1:{port}/"
        assert "my-logo-marker" in _get(url)
        write(repo / "theme/partials/logo.html", "{{ broken.attribute }}\n")
        _wait_for(log, "theme/partials/logo.html:1: template error", time.monotonic() + 120)
        page = _get(url, timeout=10)  # answered at once, with the last good site
        assert "my-logo-marker" in page
        write(repo / "theme/partials/logo.html", LOGO.replace("LP", "fixed-logo"))
        _wait_for(log, "rebuilt", time.monotonic() + 120)
        deadline = time.monotonic() + 60
        while "fixed-logo" not in _get(url) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert "fixed-logo" in _get(url)
        assert "Traceback" not in log.read_text()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_the_worked_example_of_docs_site_md_builds(repo: Path, tmp_path: Path) -> None:
    # The two files of "Worked example: a logo and a home-page section", taken from the doc itself.
    doc = (Path(__file__).resolve().parents[1] / "docs/site.md").read_text(encoding="utf-8")
    section = doc.split("### Worked example: a logo and a home-page section", 1)[1].split("\n### ", 1)[0]
    blocks = section.split("```jinja\n")[1:]
    logo, home = (b.split("```", 1)[0] for b in blocks)
    write(repo / "theme/partials/logo.html", logo)
    write(repo / "theme/statuspress/home.html", home)
    result = build(repo, tmp_path / "site")
    assert result.exit_code == 0, result.output
    assert "W080" not in result.output
    page = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    header = page.split('class="md-header__button md-logo"', 1)[1].split("</a>", 1)[0]
    assert '<circle cx="12" cy="12" r="10" fill="currentColor"/>' in header
    content = page.split('<article class="md-content__inner md-typeset">', 1)[1]
    services, contact = content.index('id="services"'), content.index('<h2 id="contact">Contact</h2>')
    assert services < contact < content.index('id="recent-history"')
    toc = page.split('data-md-component="toc"', 1)[1].split("</nav>", 1)[0]
    assert 'href="#contact"' in toc
    assert_statuspress_frame(page)
