"""Branding from ``theme:`` in site_config.yml: every invalid value refused with file:line, and a real build."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from generator.cli import main
from generator.site import branding
from tests.site_repo import EXAMPLE_NOW, REPO_ROOT, copy_example, html_pages
from tests.support.browser import Browser, format_violations, serve_directory
from tests.support.vnu import format_messages, validate_html

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "branding"
INVALID = sorted((FIXTURES / "invalid").glob("*.yml"))
EXPECT = re.compile(r"^# expect: (\w+) at line (\d+) of the theme section\n")

GOOD_THEME = """
theme:
  logo: branding/logo.svg
  favicon: branding/favicon.png
  primary_color: "#0b5394"
  accent_color: "#a0307a"
  extra_css:
    - branding/brand.css
  announcement: "Planned database upgrade on **2 December**: [details](https://lumen.example/upgrade)"
  support_url: mailto:support@lumen.example
"""


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def repo_with_theme(dest: Path, theme_yaml: str) -> tuple[Path, int]:
    """The example repository with ``theme_yaml`` appended to site_config.yml; returns (root, its first line)."""
    root = copy_example(dest)
    shutil.copytree(FIXTURES / "files", root / "branding")
    config = root / "site_config.yml"
    text = config.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    first = text.count("\n") + 1
    config.write_text(text + theme_yaml, encoding="utf-8")
    return root, first


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_each_invalid_theme_value_is_refused_with_its_code_and_line(tmp_path: Path, fixture: Path) -> None:
    text = fixture.read_text(encoding="utf-8")
    m = EXPECT.match(text)
    assert m, f"{fixture.name} must start with '# expect: CODE at line N of the theme section'"
    code, line = m.group(1), int(m.group(2))
    root, first = repo_with_theme(tmp_path / "repo", text[m.end():])
    result = run("validate", "--root", str(root), "--now", EXAMPLE_NOW, "--format", "json")
    assert result.exit_code == 1, result.output
    assert f'"code": "{code}"' in result.output
    expected = f"site_config.yml:{first + line - 1}: {code}"
    text_report = run("validate", "--root", str(root), "--now", EXAMPLE_NOW)
    assert expected in text_report.output, text_report.output
    # build refuses the same way, before writing anything
    out = tmp_path / "site"
    built = run("build", "--root", str(root), "--out", str(out), "--now", EXAMPLE_NOW)
    assert built.exit_code == 1 and expected in built.output and not out.exists()
    assert "Traceback" not in built.output


def test_every_problem_of_the_theme_section_is_reported_at_once(tmp_path: Path) -> None:
    root, first = repo_with_theme(tmp_path / "repo", "theme:\n  logo: nope.svg\n  primary_color: \"#ffff00\"\n"
                                  "  support_url: ftp://x\n")
    output = run("validate", "--root", str(root), "--now", EXAMPLE_NOW).output
    for offset, code in ((1, "E081"), (2, "E083"), (3, "E085")):
        assert f"site_config.yml:{first + offset}: {code}" in output, output


def test_a_too_light_colour_gets_a_darker_shade_that_passes(tmp_path: Path) -> None:
    _config, problems = branding.load_theme_config(repo_with_theme(tmp_path / "r", "theme:\n  primary_color: \"#3a9\"\n")[0])
    (problem,) = problems
    suggested = re.search(r'"(#[0-9a-f]{6})"', problem.hint).group(1)
    assert branding.contrast(suggested, "#ffffff") >= 4.5
    assert "#33aa99" in problem.message


@given(st.from_regex(r"#[0-9a-fA-F]{6}", fullmatch=True))
def test_contrast_is_symmetric_and_bounded(color: str) -> None:
    c = branding.normalise_color(color)
    assert c is not None
    ratio = branding.contrast(c, "#ffffff")
    assert 1.0 <= ratio <= 21.0
    assert branding.contrast("#ffffff", c) == ratio
    assert branding.contrast(branding.darker_passing(c), "#ffffff") >= 4.5


def test_known_contrast_values() -> None:
    assert branding.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert branding.contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the classic AA grey
    assert branding.normalise_color("#ABC") == "#aabbcc" and branding.normalise_color("#abcd") is None


@pytest.fixture(scope="module")
def branded_site(tmp_path_factory):  # type: ignore[no-untyped-def]
    base = tmp_path_factory.mktemp("branded")
    root, _ = repo_with_theme(base / "repo", GOOD_THEME)
    out = base / "site"
    result = run("build", "--root", str(root), "--out", str(out), "--now", EXAMPLE_NOW)
    assert result.exit_code == 0, result.output
    return out


def test_a_branded_build_shows_logo_favicon_colours_css_announcement_and_support_link(branded_site: Path) -> None:
    home = (branded_site / "index.html").read_text(encoding="utf-8")
    incident = next((branded_site / "incidents").glob("*/index.html")).read_text(encoding="utf-8")
    assert (branded_site / "assets/brand/logo.svg").read_bytes() == (FIXTURES / "files/logo.svg").read_bytes()
    assert (branded_site / "assets/brand/favicon.png").read_bytes() == (FIXTURES / "files/favicon.png").read_bytes()
    assert "brand-css-marker" in (branded_site / "assets/brand/css/branding/brand.css").read_text()
    brand_css = (branded_site / "assets/css/statuspress-brand.css").read_text()
    assert "--md-primary-fg-color: #0b5394" in brand_css and "--md-accent-fg-color: #a0307a" in brand_css
    for page, up in ((home, ""), (incident, "../../")):
        assert f'<img src="{up}assets/brand/logo.svg"' in page
        assert f'<link rel="icon" href="{up}assets/brand/favicon.png">' in page
        assert 'data-md-color-primary="custom"' in page and 'data-md-color-accent="custom"' in page
        # statuspress's stylesheet first, then the colours, then the repository's own
        css = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)
        ours = [c for c in css if "statuspress" in c or "brand" in c]
        assert ours == [f"{up}assets/css/statuspress.css", f"{up}assets/css/statuspress-brand.css",
                        f"{up}assets/brand/css/branding/brand.css"]
        assert ('Planned database upgrade on <strong>2 December</strong>: <a href="https://lumen.example/upgrade" '
                'rel="noopener noreferrer nofollow">details</a>') in page
        assert '<a class="md-header__button sp-support" href="mailto:support@lumen.example">Contact support</a>' in page


def test_the_branded_build_is_valid_html(branded_site: Path, html_validator: None) -> None:
    report = validate_html([branded_site], include_warnings=True)
    assert len(report) == len(html_pages(branded_site))
    assert not any(report.values()), format_messages(report)


@pytest.mark.browser
def test_the_branded_build_passes_axe_in_light_and_dark(branded_site: Path, browser: Browser) -> None:
    with serve_directory(branded_site) as url:
        for name in ("", "incidents/2026-11-26-nordic-card-payment-timeouts/", "services/card-processing/"):
            for scheme in ("light", "dark"):
                violations = browser.axe(url + name, color_scheme=scheme)
                assert not violations, f"{name or 'home'} ({scheme}): {format_violations(violations)}"


def test_no_theme_section_changes_nothing(tmp_path: Path) -> None:
    config, problems = branding.load_theme_config(copy_example(tmp_path / "r"))
    assert config == branding.ThemeConfig() and problems == []
    assert branding.load_theme_config(REPO_ROOT)[1] == []
