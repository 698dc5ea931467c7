"""The built example site: pages, navigation, links, autodiscovery, and the build command itself."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.compute.status import is_open_at
from generator.load import load_repository
from generator.site import ics, mkdocs_backend
from generator.site.mkdocs_backend import RenderError, SiteSettings, render_site
from generator.timeparse import parse_timestamp
from tests.site_repo import EXAMPLE_NOW, REPO_ROOT, copy_example, html_pages, nav_html, parse_html

NOW = parse_timestamp(EXAMPLE_NOW)


@pytest.fixture(scope="module")
def model():  # type: ignore[no-untyped-def]
    loaded, problems = load_repository(REPO_ROOT)
    assert not [p for p in problems if p.level == "error"], problems
    return loaded


def page(site: Path, url: str) -> Path:
    return site / url / "index.html"


def read(site: Path, url: str) -> str:
    return page(site, url).read_text(encoding="utf-8")


def visible_text(path: Path) -> str:
    return re.sub(r"\s+", " ", "".join(parse_html(path).text))


# ---------------------------------------------------------------- pages


def test_every_page_exists(built_site: Path, model) -> None:  # type: ignore[no-untyped-def]
    expected = ["", "history/", "services/", "maintenance/", "postmortems/", "about/"]
    expected += [f"incidents/{inc.id}/" for inc in model.incidents]
    expected += [f"services/{svc.id}/" for svc in model.config.services]
    expected += [f"maintenance/{m.id}/" for m in model.maintenance]
    expected += [f"postmortems/{pm.id}/" for pm in model.postmortems if pm.is_public]
    missing = [url for url in expected if not page(built_site, url).is_file()]
    assert not missing
    # The example keeps KPIs internal: no page, no charts, in the public build.
    assert model.config.publish_kpis == "internal"
    assert not (built_site / "kpis").exists()
    for pm in model.postmortems:
        if not pm.is_public:
            assert not page(built_site, f"postmortems/{pm.id}/").exists()


def test_internal_build_adds_kpis_and_unpublished_postmortems(built_site_internal: Path, model) -> None:  # type: ignore[no-untyped-def]
    kpis = read(built_site_internal, "kpis/")
    assert "Internal" in kpis and "not enough data (n=" in kpis
    assert (built_site_internal / "kpis" / "volume-by-quarter.svg").is_file()
    for pm in model.postmortems:
        html = read(built_site_internal, f"postmortems/{pm.id}/")
        if pm.status != "published":
            assert "sp-label--draft" in html or "sp-label--in-review" in html
        if pm.visibility == "internal":
            assert "sp-label--internal" in html
    nav = nav_html(read(built_site_internal, ""))
    assert "KPIs" in nav
    assert "Internal build" in read(built_site_internal, "")


def test_home_shows_open_incidents_upcoming_maintenance_and_banner(built_site: Path, model) -> None:  # type: ignore[no-untyped-def]
    html = read(built_site, "")
    active = html.split('id="active-incidents"')[1].split('id="services"')[0]
    open_incidents = [i for i in model.incidents if is_open_at(i, NOW)]
    assert len(open_incidents) == 2
    for inc in open_incidents:
        assert f"incidents/{inc.id}/" in active
        hours, rest = divmod(int((NOW - inc.started_at).total_seconds()) // 60, 60)
        assert f"ongoing for {hours} h {rest:02d} min" in active if hours < 24 else "ongoing for" in active
        assert inc.updates[-1].message.split(".")[0] in active  # the latest update is shown
    upcoming = [m for m in model.maintenance if m.state(NOW) == "scheduled"]
    assert upcoming
    section = html.split('id="upcoming-maintenance"')[1].split('id="services"')[0]
    for m in upcoming:
        assert f"maintenance/{m.id}/" in section
    assert "sp-banner--partial_outage" in html
    banner = html.split('id="current-status"')[1].split("</h1>")[0]  # the h1, first under the header, names them
    assert "Partial outage: Card Processing, Hosted Checkout, Email Notifications" in banner


def test_services_by_group_with_bars_and_uptime(built_site: Path, model) -> None:  # type: ignore[no-untyped-def]
    html = read(built_site, "")
    for group, services in model.config.groups():
        assert f">{group}</h3>" in html
        for svc in services:
            assert f'href="services/{svc.id}/"' in html
    days = model.config.uptime.bars_days
    for svc in model.config.services:
        bars = re.findall(rf'<li class="sp-(o|dg|po|mo|um|nd)"><a href="services/{re.escape(svc.id)}/#day-(\d{{4}}-\d\d-\d\d)">'
                          r'<span>([^<]+)</span>', html)
        assert len(bars) == days
        assert all(text.strip() for _, _, text in bars)
        # Every bar points at a row that exists on the service page.
        service_html = read(built_site, f"services/{svc.id}/")
        for _, day, _ in bars:
            assert f'id="day-{day}"' in service_html
    assert "uptime (90 days)" in html


def test_service_page_has_windows_budget_months_and_incidents(built_site: Path, model) -> None:  # type: ignore[no-untyped-def]
    svc = model.config.service("api")
    html = read(built_site, "services/api/")
    for window in ("24 hours", "7 days", "30 days", "90 days", "365 days"):
        assert f">{window}</th>" in html
    assert "Error budget" in html and "Allowed" in html and "Consumed" in html and "Remaining" in html
    assert f"{svc.slo:g}%" in html
    assert "Monthly uptime" in html
    for inc in model.incidents:
        if "api" in inc.affected_service_ids():
            assert f"../../incidents/{inc.id}/" in html
    assert "../../feeds/services/api.rss" in html and "../../badges/api/status.svg" in html


def test_incident_page(built_site: Path, model) -> None:  # type: ignore[no-untyped-def]
    with_pm = {iid for pm in model.postmortems if pm.is_public for iid in pm.incidents}
    for inc in model.incidents:
        html = read(built_site, f"incidents/{inc.id}/")
        # Newest update first.
        timeline = html.split('class="sp-timeline"')[1]
        stamps = re.findall(r'class="sp-update__head">.*?<time datetime="([^"]+)"', timeline.split("</ol>")[0])
        assert stamps == sorted(stamps, reverse=True) and len(stamps) == len(inc.updates)
        assert "SEV-" not in html.split('class="md-content"')[1]  # publish.severity is off in the example
        # Times in the site's zone, with the zone named.
        assert re.search(r"\d{2}:\d{2} CES?T</time>", html)
        for sid in inc.affected_service_ids():
            assert f"../../services/{sid}/" in html
        if inc.id in with_pm:
            assert "../../postmortems/" in html
        assert "Commander" not in html


def test_postmortem_pages_have_action_items(built_site: Path, model) -> None:  # type: ignore[no-untyped-def]
    today = NOW.date()
    for pm in model.postmortems:
        if not pm.is_public:
            continue
        html = read(built_site, f"postmortems/{pm.id}/")
        assert "sp-table--actions" in html
        for item in pm.action_items:
            assert item.owner in html
        overdue = [a for a in pm.action_items if a.is_overdue(today)]
        assert html.count("sp-label--overdue") == len(overdue)
        for iid in pm.incidents:
            assert f"../../incidents/{iid}/" in html
    index = read(built_site, "postmortems/")
    for pm in model.postmortems:
        assert (f'href="{pm.id}/"' in index) == pm.is_public


def test_maintenance_page_groups(built_site: Path, model) -> None:  # type: ignore[no-untyped-def]
    html = read(built_site, "maintenance/")
    for heading in ("In progress", "Scheduled", "Past", "Cancelled"):
        assert f">{heading}</h2>" in html
    for m in model.maintenance:
        assert f'href="{m.id}/"' in html
        if m.cancelled:
            assert "sp-label--cancelled" in html


def test_history_is_paginated_and_complete(built_site: Path, model) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    url: str | None = "history/"
    pages = 0
    while url is not None:
        html = read(built_site, url)
        months = re.findall(r'<h2 id="(\d{4}-\d\d)"', html)
        assert 1 <= len(months) <= 3 and months == sorted(months, reverse=True)
        seen += re.findall(r'href="(?:\.\./)+incidents/([^/"]+)/"', html)
        nxt = re.search(r'<a rel="next" href="([^"]+)"', html)
        url = urljoin("/" + url, nxt.group(1)).lstrip("/") if nxt else None
        pages += 1
    assert pages > 1
    assert sorted(seen) == sorted(i.id for i in model.incidents)


# ---------------------------------------------------------------- navigation, links, autodiscovery


NAV_TITLES = ["Home", "History", "Maintenance", "Post-mortems", "Services", "About"]


def test_incidents_are_not_in_the_navigation(built_site: Path, model) -> None:  # type: ignore[no-untyped-def]
    inc = model.incidents[0]
    for url in ("", f"incidents/{inc.id}/", "history/page/2/", "services/api/"):
        nav = nav_html(read(built_site, url))
        assert "incidents/" not in nav
        # Material nests the page's table of contents under the active entry; leave it out.
        nav = re.sub(r'<nav class="md-nav md-nav--secondary".*?</nav>', "", nav, flags=re.DOTALL)
        titles = re.findall(r'<span class="md-ellipsis">\s*([^<]+?)\s*</span>', nav)
        # The active entry repeats its title (toggle label and link): compare distinct titles in order.
        assert list(dict.fromkeys(titles)) == NAV_TITLES, titles


def test_every_local_link_resolves(built_site: Path) -> None:
    broken = []
    for path in html_pages(built_site):
        base = "/" + path.parent.relative_to(built_site).as_posix() + "/"
        for tag, attrs in parse_html(path).tags:
            ref = attrs.get("href") if tag in ("a", "link") else attrs.get("src") if tag in ("img", "script") else None
            if not ref or ref.startswith(("http:", "https:", "mailto:", "#", "data:")):
                continue
            target, _, fragment = urljoin(base, ref).partition("#")
            file = built_site / unquote(urlsplit(target).path).lstrip("/")
            if file.is_dir():
                file = file / "index.html"
            if not file.is_file():
                broken.append(f"{path.relative_to(built_site)} -> {ref}")
            elif fragment and file.suffix == ".html" and f'id="{fragment}"' not in file.read_text(encoding="utf-8"):
                broken.append(f"{path.relative_to(built_site)} -> {ref} (no anchor)")
    assert not broken, "\n".join(broken[:20])


def test_feed_autodiscovery_on_every_page(built_site: Path, model) -> None:  # type: ignore[no-untyped-def]
    base = model.config.site.url
    for path in html_pages(built_site):
        links = [a for t, a in parse_html(path).tags if t == "link" and a.get("rel") == "alternate"]
        types = {a.get("type") for a in links}
        assert {"application/rss+xml", "application/atom+xml"} <= types, path
        for a in links:
            href = a["href"] or ""
            assert href.startswith(base) and a.get("title")
            assert (built_site / href[len(base):]).is_file(), href
    service = [a for t, a in parse_html(page(built_site, "services/api/")).tags if t == "link" and a.get("rel") == "alternate"]
    assert service[0]["href"].endswith("feeds/services/api.rss")


def test_search_index_is_bounded(built_site: Path) -> None:
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    # Home and history repeat what incident pages say; bars and day tables are excluded.
    assert "" not in locations and not any(loc.startswith("history/") for loc in locations)
    assert any(loc.startswith("incidents/") for loc in locations)
    assert not any("sp-bars" in doc["text"] or "No downtime" in doc["text"] for doc in index["docs"])


# ---------------------------------------------------------------- the command


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_cli_build_failures_leave_previous_output_untouched(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = copy_example(tmp_path / "repo")
    out = tmp_path / "out" / "site"
    runner = CliRunner()
    result = runner.invoke(main, ["build", "--root", str(root), "--out", str(out), "--now", EXAMPLE_NOW],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "built public site" in result.output
    before = snapshot(out)
    assert "index.html" in before and "api/v2/summary.json" in before

    # 1. A renderer fails after the pages are made, before MkDocs runs.
    def broken_ics(ctx):  # type: ignore[no-untyped-def]
        raise RuntimeError("calendar exploded")

    monkeypatch.setattr(ics, "render_ics", broken_ics)
    with pytest.raises(RuntimeError, match="calendar exploded"):
        runner.invoke(main, ["build", "--root", str(root), "--out", str(out), "--now", EXAMPLE_NOW],
                      catch_exceptions=False)
    monkeypatch.undo()
    assert snapshot(out) == before

    # 2. MkDocs fails half-way through writing pages into the new folder.
    calls = {"n": 0}
    real = mkdocs_backend._StatuspressPlugin.on_page_markdown

    def flaky(self, markdown, **kw):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 20:
            raise mkdocs_backend.mkdocs_exceptions.PluginError("page 20 could not be rendered")
        return real(self, markdown, **kw)

    monkeypatch.setattr(mkdocs_backend._StatuspressPlugin, "on_page_markdown", flaky)
    result = runner.invoke(main, ["build", "--root", str(root), "--out", str(out), "--now", EXAMPLE_NOW],
                           catch_exceptions=False)
    monkeypatch.undo()
    assert result.exit_code == 1
    assert "page 20 could not be rendered" in result.output and "Traceback" not in result.output
    assert snapshot(out) == before
    # No temporary folders left behind next to the output.
    assert sorted(p.name for p in out.parent.iterdir()) == ["site"]


def test_cli_validation_errors_stop_the_build_with_the_validate_report(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    victim = sorted((root / "content" / "incidents").glob("*.md"))[0]
    text = victim.read_text(encoding="utf-8")
    victim.write_text(re.sub(r"^detected_at: (\S+)Z$", r"detected_at: \1", text, count=1, flags=re.M), encoding="utf-8")
    out = tmp_path / "site"
    runner = CliRunner()
    built = runner.invoke(main, ["build", "--root", str(root), "--out", str(out), "--now", EXAMPLE_NOW],
                          catch_exceptions=False)
    validated = runner.invoke(main, ["validate", "--root", str(root), "--now", EXAMPLE_NOW], catch_exceptions=False)
    assert built.exit_code == 1 and validated.exit_code == 1
    assert built.stdout == validated.stdout
    assert victim.name in built.stdout
    assert not out.exists()


def test_cli_refuses_dangerous_output_folders(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    precious = tmp_path / "docs"
    precious.mkdir()
    (precious / "notes.md").write_text("keep me", encoding="utf-8")
    runner = CliRunner()
    for out, words in ((root, "repository root"), (root / "content", "content/"), (root / "content" / "site", "content/"),
                       (tmp_path, "contains the repository"), (precious, "not a previous statuspress build")):
        before = snapshot(out) if out.exists() else None
        result = runner.invoke(main, ["build", "--root", str(root), "--out", str(out), "--now", EXAMPLE_NOW],
                               catch_exceptions=False)
        assert result.exit_code == 1, out
        assert words in result.output
        if before is not None:
            assert snapshot(out) == before


def test_mkdocs_abort_becomes_a_clean_error(tmp_path: Path) -> None:
    settings = SiteSettings(name="x", base_url="https://x.example/", theme_dir=tmp_path / "no-such-theme")
    with pytest.raises(RenderError, match="custom_dir"):
        render_site([], {}, [], settings, tmp_path / "out", NOW)


def test_build_output_gets_normal_folder_permissions(built_site: Path) -> None:
    # mkdtemp makes 0700 folders; a published site must be readable like any new folder.
    mask = os.umask(0)
    os.umask(mask)
    assert built_site.stat().st_mode & 0o777 == 0o777 & ~mask


def test_serve_is_wired_to_the_same_pipeline() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["serve", "--help"], catch_exceptions=False)
    assert result.exit_code == 0 and "live reload" in result.output and "Example:" in result.output


@pytest.mark.parametrize("flag", ["--internal", "--drafts"])
def test_build_help_lists_flags(flag: str) -> None:
    result = CliRunner().invoke(main, ["build", "--help"], catch_exceptions=False)
    assert flag in result.output and "--base-url" in result.output and "Example:" in result.output


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(predicate, timeout: float = 60.0) -> bool:  # type: ignore[no-untyped-def]
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_serve_previews_and_rebuilds_on_change(tmp_path: Path) -> None:
    import subprocess
    import sys
    import urllib.request

    root = copy_example(tmp_path / "repo")
    port = _free_port()
    log = tmp_path / "serve.log"
    cmd = [sys.executable, "-c", "from generator.cli import main; main()", "serve", "--root", str(root),
           "--port", str(port), "--now", EXAMPLE_NOW]
    url = f"http://127.0.0.1:{port}/incidents/2026-11-26-nordic-card-payment-timeouts/"

    def fetch() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local test server
                return response.read().decode("utf-8")
        except OSError:
            return ""

    with log.open("w") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=tmp_path)
        try:
            assert _wait_for(lambda: "Some card payments in Nordic currencies" in fetch()), log.read_text()
            incident = root / "content" / "incidents" / "2026-11-26-nordic-card-payment-timeouts.md"
            text = incident.read_text(encoding="utf-8")
            incident.write_text(text.replace("title: Some card payments", "title: Edited, some card payments"),
                                encoding="utf-8")
            assert _wait_for(lambda: "Edited, some card payments" in fetch()), log.read_text()
            # Broken content: the report is printed and the last good preview stays up.
            incident.write_text(text.replace("detected_at: 2026-11-26T07:44:00Z", "detected_at: 2026-11-26T07:44:00"),
                                encoding="utf-8")
            assert _wait_for(lambda: "not rebuilt" in log.read_text()), log.read_text()
            assert "E012" in log.read_text() and "Edited, some card payments" in fetch()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
