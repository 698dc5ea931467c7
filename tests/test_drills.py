"""Incident drills (``drill: true``): validated like incidents, never public, counted apart.

The public build is searched for a canary planted in every text of a drill and its
post-mortem, and is proved byte-identical with and without the drill; ``notify`` runs
against real local receivers; the numbers commands give the same figures either way.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.compute.drills import cadence_status, compute_drills, drill_groups, per_quarter
from generator.compute.localtime import quarter_key
from generator.compute.status import service_statuses
from generator.compute.uptime import compute_uptime
from generator.load import load_repository
from generator.model import Config, DrillPolicy, Incident, Model, Service, Update
from generator.validate import check_repository, has_errors
from tests.notify_repo import T0, T1, T2, make_repo
from tests.site_repo import EXAMPLE_NOW, build, copy_example, postmortem_text, site_files
from tests.support.receivers import HttpReceiver, SmtpReceiver

FIXTURES = Path(__file__).parent / "fixtures"
DRILLS = FIXTURES / "drills"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
EXPECTED = yaml.safe_load((DRILLS / "expected.yml").read_text())
VALID_DRILLS = sorted(p.name for p in (DRILLS / "incidents").glob("*.md"))

CANARY = "DRILLCANARY7q"
DRILL_ID = "2026-11-05-drill-card-network-loss"


def fixture_repo(tmp: Path, *, drills: bool = True, config_extra: str = "", extra: dict[str, Path] | None = None
                 ) -> Path:
    (tmp / "site_config.yml").write_text((FIXTURES / "site_config.yml").read_text() + config_extra)
    shutil.copytree(FIXTURES / "valid", tmp / "content")
    if drills:
        for name in VALID_DRILLS:
            shutil.copy(DRILLS / "incidents" / name, tmp / "content" / "incidents" / name)
    for dest, src in (extra or {}).items():
        shutil.copy(src, tmp / "content" / dest)
    return tmp


# ---------------------------------------------------------------- validation


def test_valid_drills_load_apart_from_incidents_and_validate_clean(tmp_path: Path) -> None:
    model, problems = check_repository(fixture_repo(tmp_path), NOW)
    assert problems == []
    assert sorted(d.id + ".md" for d in model.drills) == VALID_DRILLS
    assert all(d.drill for d in model.drills) and not any(i.drill for i in model.incidents)
    assert len(model.incidents) == 2  # the real ones only
    # A SEV-1 drill resolved months ago needs no post-mortem: the policy is about real incidents.
    assert model.incident("2026-09-01-drill-api-failover") is None
    assert model.drill("2026-09-01-drill-api-failover") is not None


def test_every_fixture_on_disk_is_paired_with_a_code() -> None:
    on_disk = {p.relative_to(DRILLS).as_posix() for p in (DRILLS / "invalid").rglob("*.md")}
    on_disk |= {p.relative_to(DRILLS).as_posix() for p in (DRILLS / "config").glob("*.yml")}
    assert on_disk == set(EXPECTED)
    assert {v["code"] for v in EXPECTED.values() if v} == {"E030", "E045", "W100"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_gives_its_code_and_line(tmp_path: Path, name: str) -> None:
    want = EXPECTED[name]
    if name.startswith("config/"):
        repo = fixture_repo(tmp_path, config_extra=(DRILLS / name).read_text())
        path = "site_config.yml"
    else:
        dest = name.removeprefix("invalid/")
        repo = fixture_repo(tmp_path, extra={dest: DRILLS / name})
        path = f"content/{dest}"
    _model, problems = check_repository(repo, NOW)
    found = [(p.code, p.line) for p in problems if p.path == path]
    if want is None:
        assert problems == []
    else:
        assert found == [(want["code"], want["line"])], f"{name}: got {found}"
        assert [p for p in problems if p.path != path] == []


def test_never_drilled_counts_from_since_or_warns_at_once(tmp_path: Path) -> None:
    # Core's only service is tracked since 2025-01-01; Web's has no since.
    repo = fixture_repo(tmp_path, drills=False, config_extra="drills: {cadence_days: 90}\n")
    _model, problems = check_repository(repo, NOW)
    assert [(p.code, p.line, p.level) for p in problems] == [("W100", 15, "warning")] * 2
    core, web = sorted(problems, key=lambda p: "Web" in p.message)
    assert "'Core' has never held a drill; one was due by 2025-03-31T23:00:00Z" in core.message
    assert "'Web' has never held a drill, and none of its services has a `since`" in web.message
    # A service tracked only since last month still has time for its first drill.
    late = NOW - timedelta(days=30)
    text = (tmp_path / "site_config.yml").read_text().replace("since: 2025-01-01", f"since: {late.date()}")
    (tmp_path / "site_config.yml").write_text(text)
    _model, problems = check_repository(repo, NOW)
    assert ["'Web'" in p.message for p in problems] == [True]


def test_a_group_can_be_exempt_and_strict_makes_it_an_error(tmp_path: Path) -> None:
    extra = "drills:\n  cadence_days: 60\n  groups:\n    Web: {cadence_days: false}\n"
    repo = fixture_repo(tmp_path, config_extra=extra)
    _model, problems = check_repository(repo, NOW)
    assert [(p.code, p.line) for p in problems] == [("W100", 15)]  # Core: 86 days > 60; Web exempt
    assert "'Core' last held a drill 86 days ago (2026-09-01-drill-api-failover" in problems[0].message
    _model, strict = check_repository(repo, NOW, strict=True)
    assert has_errors(strict)
    # A cadence longer than the gap since the last drill: nothing is due.
    (repo / "site_config.yml").write_text((repo / "site_config.yml").read_text().replace("cadence_days: 60",
                                                                                        "cadence_days: 87"))
    _model, problems = check_repository(repo, NOW)
    assert problems == []


@pytest.mark.parametrize("extra, code, says", [
    ("drills:\n  groups:\n    Cor: {cadence_days: 30}\n", "E017", "did you mean 'Core'?"),
    ("drills:\n  cadence_days: 0\n", "E016", "out of range"),
    ("drills:\n  groups:\n    Core: {cadence_days: 30, every: 2}\n", "E011", "unknown key 'every'"),
    ("drills:\n  cadence: 30\n", "E011", "did you mean 'cadence_days'?"),
    ("drills:\n  groups: [Core]\n", "E016", "drills.groups must be a mapping"),
])
def test_bad_drill_config_is_a_clear_error(tmp_path: Path, extra: str, code: str, says: str) -> None:
    _model, problems = check_repository(fixture_repo(tmp_path, config_extra=extra), NOW)
    mine = [p for p in problems if p.path == "site_config.yml" and p.level == "error"]
    assert [p.code for p in mine] == [code]
    assert says in mine[0].message + " " + mine[0].hint
    assert mine[0].line >= 15


def test_drill_and_incident_ids_share_one_space(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    sub = repo / "content" / "incidents" / "more"
    sub.mkdir()
    text = (DRILLS / "incidents" / VALID_DRILLS[0]).read_text().replace("drill: true\n", "")
    (sub / VALID_DRILLS[0]).write_text(text)
    _model, problems = check_repository(repo, NOW)
    assert "E042" in {p.code for p in problems}


def test_an_open_drill_is_reported_as_forgotten_like_an_incident(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path, drills=False)
    text = (FIXTURES / "stale" / "incidents" / "2026-11-10-open-for-weeks.md").read_text()
    (repo / "content" / "incidents" / "2026-11-10-drill-open.md").write_text(text.replace("---\n", "---\ndrill: true\n", 1))
    model, problems = check_repository(repo, NOW)
    assert [d.id for d in model.drills] == ["2026-11-10-drill-open"]
    assert [p.code for p in problems] == ["W090"]


# ---------------------------------------------------------------- pure computations


def _config(services: tuple[Service, ...], policy: DrillPolicy) -> Config:
    model, _ = load_repository(FIXTURES / "valid")  # any config; only services and drills matter here
    from dataclasses import replace
    return replace(model.config, services=services, drills=policy, site=replace(model.config.site, timezone="UTC"))


def _drill(i: int, start: datetime, services: dict[str, str]) -> Incident:
    return Incident(id=f"d{i:03d}", path=f"content/incidents/d{i:03d}.md", title=f"Drill {i}", severity="SEV-3",
                    services=services, started_at=start, detected_at=start,
                    updates=(Update(start, "investigating", "Drill."),), drill=True)


SERVICES = (Service("a", "A", "G1", since=date(2026, 1, 1)), Service("b", "B", "G2"), Service("c", "C", "G2"))


@settings(max_examples=60, deadline=None)
@given(
    offsets=st.lists(st.tuples(st.integers(0, 400), st.sampled_from(["a", "b", "c"])), max_size=12),
    cadence=st.integers(1, 200),
)
def test_cadence_matches_a_brute_force_reading(offsets: list[tuple[int, str]], cadence: int) -> None:
    now = datetime(2027, 3, 1, tzinfo=UTC)
    drills = tuple(_drill(i, now - timedelta(days=days, hours=1), {sid: "none"})
                   for i, (days, sid) in enumerate(offsets))
    config = _config(SERVICES, DrillPolicy(cadence_days=cadence))
    model = Model(config, (), (), (), drills=drills)
    status = {c.group: c for c in cadence_status(model, now)}
    assert set(status) == {"G1", "G2"}
    for group, members in (("G1", {"a"}), ("G2", {"b", "c"})):
        starts = [d.started_at for d in drills if members & set(d.services)]
        if starts:
            expect_overdue = now - max(starts) > timedelta(days=cadence)
        elif group == "G1":
            expect_overdue = now > datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=cadence)
        else:
            expect_overdue = True  # nothing to count from
        assert status[group].overdue == expect_overdue
    # Per quarter: every drill once, no quarter skipped between the first and now's.
    counts = per_quarter(drills, "UTC", now)
    assert sum(counts.values()) == len(drills)
    if drills:
        assert list(counts)[-1] == quarter_key(now, "UTC")
        assert counts[quarter_key(drills[0].started_at, "UTC")] >= 1


def test_a_drill_counts_for_the_groups_of_all_its_services() -> None:
    config = _config(SERVICES, DrillPolicy(cadence_days=10, groups={"G2": None}))
    both = _drill(1, datetime(2026, 6, 1, tzinfo=UTC), {"c": "major_outage", "a": "none"})
    assert drill_groups(both, config) == ("G1", "G2")
    model = Model(config, (), (), (), drills=(both,))
    status = cadence_status(model, datetime(2026, 6, 5, tzinfo=UTC))
    assert [(c.group, c.overdue, c.last_drill) for c in status] == [("G1", False, both)]  # G2 exempt


def test_drill_figures_use_the_kpi_thresholds() -> None:
    config = _config(SERVICES, DrillPolicy())
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    drills = []
    for i in range(12):
        t = start + timedelta(days=7 * i)
        drills.append(Incident(
            id=f"d{i:02d}", path="p", title="t", severity="SEV-2", services={"a": "major_outage"}, started_at=t,
            detected_at=t + timedelta(minutes=i + 1), acknowledged_at=t + timedelta(minutes=2 * i + 2),
            updates=(Update(t + timedelta(minutes=2 * i + 2), "investigating", "m"),
                     Update(t + timedelta(hours=1), "resolved", "m")),
            resolved_at=t + timedelta(hours=1), mitigated_at=t + timedelta(minutes=30), drill=True))
    now = datetime(2026, 6, 1, tzinfo=UTC)
    d = compute_drills(Model(config, (), (), (), drills=tuple(drills[:9])), now)
    assert d["volume"] == 9 and d["time_to_detect"]["n"] == 9 and d["time_to_detect"]["shown"]["median"] is False
    assert d["time_to_detect"]["median"] == 5 * 60  # a number all the same: 1..9 minutes
    d = compute_drills(Model(config, (), (), (), drills=tuple(drills)), now)
    assert d["time_to_detect"]["median"] == pytest.approx(6.5 * 60)  # 1..12 minutes
    assert d["time_to_acknowledge"]["median"] == pytest.approx(6.5 * 60)  # (2i+2)-(i+1) = i+1 minutes
    assert d["time_to_mitigate"]["median"] == 30 * 60 and d["time_to_mitigate"]["shown"]["p90"] is False
    assert d["quarter"] == {"2026-Q1": 12, "2026-Q2": 0}  # 5 Jan to 23 Mar; a quarter without drills is 0
    # A drill still open counts for time to mitigate as lasting at least until now, as real incidents do.
    still_open = replace(drills[0], id="d-open", started_at=now - timedelta(hours=2), detected_at=now - timedelta(hours=2),
                         acknowledged_at=now - timedelta(hours=2), mitigated_at=None, resolved_at=None,
                         updates=(Update(now - timedelta(hours=2), "investigating", "m"),))
    d = compute_drills(Model(config, (), (), (), drills=(*drills, still_open)), now)
    assert d["time_to_mitigate"]["censored"] == 1 and d["time_to_mitigate"]["estimator"] == "kaplan-meier"
    assert d["time_to_mitigate"]["n"] == 13 and d["time_to_mitigate"]["median"] == 30 * 60


# ---------------------------------------------------------------- the example site, with and without a drill


def _drill_text() -> str:
    return f"""---
title: {CANARY} title of the card network drill
drill: true
severity: SEV-1
services:
  card-processing: major_outage
  api: partial_outage
started_at: 2026-11-05T09:00:00Z
detected_at: 2026-11-05T09:06:00Z
acknowledged_at: 2026-11-05T09:09:00Z
mitigated_at: 2026-11-05T09:40:00Z
resolved_at: 2026-11-05T10:00:00Z
detection: synthetic
reported_by: {CANARY}-reporter
category: network
commander: {CANARY}-commander
error_messages: ["{CANARY} error"]
updates:
  - at: 2026-11-05T09:09:00Z
    status: investigating
    message: {CANARY} first update of the drill.
    eta: 2026-11-05T10:30:00Z
  - at: 2026-11-05T09:30:00Z
    status: identified
    message: "{CANARY} second update: traffic moved to the second network."
    services: {{card-processing: partial_outage}}
  - at: 2026-11-05T10:00:00Z
    status: resolved
    message: {CANARY} the drill is over.
---
{CANARY} body of the drill, with a [link](https://runbooks.example/{CANARY}).
"""


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("drills")
    without = copy_example(tmp / "without")
    example_drills = [p for p in (without / "content" / "incidents").glob("*.md") if "\ndrill: true\n" in p.read_text()]
    assert len(example_drills) >= 3  # the example records drills of its own
    for path in example_drills:
        path.unlink()
    with_drill = copy_example(tmp / "with")
    (with_drill / "content" / "incidents" / f"{DRILL_ID}.md").write_text(_drill_text(), encoding="utf-8")
    (with_drill / "content" / "postmortems" / f"{DRILL_ID}.md").write_text(postmortem_text(
        DRILL_ID, title=f"{CANARY} post-mortem title", summary=f"{CANARY} summary of the drill.",
        body_marker=f"{CANARY} post-mortem body.", action_title=f"Add a {CANARY} runbook step",
        owner="sre-team", visibility="internal"), encoding="utf-8")
    out = {"without": without, "with": with_drill}
    for name, root in (("without", without), ("with", with_drill)):
        out[f"{name}-public"] = build(root, tmp / f"{name}-public").out
    out["with-internal"] = build(with_drill, tmp / "with-internal", internal=True).out
    return out


def test_no_canary_and_no_drill_id_in_any_public_file(sites: dict[str, Path]) -> None:
    public = sites["with-public"]
    checked = set()
    for path, data in site_files(public):
        rel = path.relative_to(public).as_posix()
        checked.add(rel)
        for needle in (CANARY, DRILL_ID, "drill-card-network"):
            assert needle.lower().encode() not in data.lower(), f"{needle} in {rel}"
            assert needle.lower() not in rel.lower()
    for kind in ("index.html", "history/index.html", "services/card-processing/index.html", "search/search_index.json",
                 "sitemap.xml", "sitemap.xml.gz", "maintenance.ics", "feeds/incidents.atom", "feeds/incidents.rss",
                 "feeds/services/card-processing.atom", "feeds/postmortems.rss", "api/v2/summary.json",
                 "api/v2/incidents.json", "badges/card-processing/status.svg", "badges/api/uptime.json"):
        assert kind in checked
    assert len(checked) > 60
    # The internal build has it: the search above would have found it.
    assert CANARY.encode() in (sites["with-internal"] / "incidents" / DRILL_ID / "index.html").read_bytes()


def test_the_public_site_is_byte_identical_with_and_without_the_drill(sites: dict[str, Path]) -> None:
    a = dict((p.relative_to(sites["without-public"]).as_posix(), d) for p, d in site_files(sites["without-public"]))
    b = dict((p.relative_to(sites["with-public"]).as_posix(), d) for p, d in site_files(sites["with-public"]))
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []
    raw_a = {p.relative_to(sites["without-public"]): p.read_bytes() for p in sites["without-public"].rglob("*")
             if p.is_file()}
    raw_b = {p.relative_to(sites["with-public"]): p.read_bytes() for p in sites["with-public"].rglob("*") if p.is_file()}
    assert raw_a == raw_b  # the compressed sitemap too


def test_status_uptime_and_real_kpis_ignore_the_drill(sites: dict[str, Path]) -> None:
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    without, _ = load_repository(sites["without"])
    with_drill, _ = load_repository(sites["with"])
    assert DRILL_ID in {d.id for d in with_drill.drills} and without.drills == ()
    assert service_statuses(without, now) == service_statuses(with_drill, now)
    a, b = compute_uptime(without, now), compute_uptime(with_drill, now)
    assert {k: (v.windows, v.days) for k, v in a.items()} == {k: (v.windows, v.days) for k, v in b.items()}


def _cli_json(*args: str) -> dict:
    result = CliRunner().invoke(main, [*args, "--format", "json", "--now", EXAMPLE_NOW], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_uptime_and_kpis_json_are_equal_with_and_without_the_drill(sites: dict[str, Path]) -> None:
    assert _cli_json("uptime", "--root", str(sites["without"])) == _cli_json("uptime", "--root", str(sites["with"]))
    without = _cli_json("kpis", "--root", str(sites["without"]))
    with_drill = _cli_json("kpis", "--root", str(sites["with"]))
    assert without.pop("drills")["volume"] == 0
    drills = with_drill.pop("drills")
    assert without == with_drill  # every real figure, action items included
    # The example's three drills (July, September, October) and the planted one (November).
    assert drills["volume"] == 4 and drills["open"] == 0
    assert drills["quarter"] == {"2026-Q3": 2, "2026-Q4": 2}
    # Detected after 11, 3, 7 and 6 min; acknowledged 9, 3, 8 and 3 min later; impact ended after
    # 65 (no mitigated_at: resolved), 24, 52 and 40 min.
    assert drills["time_to_detect"]["n"] == 4 and drills["time_to_detect"]["mean"] == pytest.approx(6.75 * 60)
    assert drills["time_to_detect"]["shown"]["median"] is False  # n=4: below the threshold for a median
    assert drills["time_to_acknowledge"]["mean"] == pytest.approx(5.75 * 60)
    assert drills["time_to_mitigate"]["mean"] == pytest.approx(45.25 * 60)
    assert {g: c["overdue"] for g, c in drills["cadence"].items()} == {
        "Core platform": False, "Payments": False, "Communication": False}
    # --service scopes the drill figures like the real ones.
    scoped = _cli_json("kpis", "--root", str(sites["with"]), "--service", "payouts")
    assert scoped["drills"]["volume"] == 1 and scoped["drills"]["time_to_detect"]["mean"] == 3 * 60
    assert _cli_json("kpis", "--root", str(sites["with"]), "--service", "sms-notifications")["drills"]["volume"] == 0


def test_kpis_json_reports_each_groups_cadence(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path, config_extra="drills:\n  cadence_days: 120\n")
    result = CliRunner().invoke(main, ["kpis", "--root", str(repo), "--format", "json", "--now",
                                       "2026-11-26T12:00:00Z"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    cadence = json.loads(result.stdout)["drills"]["cadence"]
    assert cadence == {
        "Core": {"cadence_days": 120, "last_drill": "2026-09-01-drill-api-failover",
                 "last_drill_at": "2026-09-01T09:00:00Z", "due": "2026-12-30T09:00:00Z", "overdue": False,
                 "days_since": 86},
        "Web": {"cadence_days": 120, "last_drill": "2026-06-01-drill-dashboard-login",
                "last_drill_at": "2026-06-01T12:00:00Z", "due": "2026-09-29T12:00:00Z", "overdue": True,
                "days_since": 178},
    }


def test_the_internal_build_marks_the_drill_everywhere_it_shows(sites: dict[str, Path]) -> None:
    site = sites["with-internal"]
    page = (site / "incidents" / DRILL_ID / "index.html").read_text(encoding="utf-8")
    article = page[page.index('<h1 class="sp-title">'):]
    assert article.startswith(f'<h1 class="sp-title">{CANARY} title of the card network drill '
                              '<span class="sp-label sp-label--drill">Drill</span></h1>')
    assert '<p class="sp-notice sp-notice--drill" role="note"><strong>Drill.</strong>' in article[:400]
    assert f"<title>Drill: {CANARY}" in page
    history = (site / "history" / "index.html").read_text(encoding="utf-8")
    link = f'href="../incidents/{DRILL_ID}/">{CANARY} title of the card network drill</a>'
    assert link + ' <span class="sp-label sp-label--drill">Drill</span>' in history
    drills = (site / "drills" / "index.html").read_text(encoding="utf-8")
    assert link in drills and 'sp-label--internal' in drills
    assert 'href="drills/"' in (site / "index.html").read_text(encoding="utf-8")  # in the navigation
    # The drill's internal post-mortem links to it.
    pm = (site / "postmortems" / DRILL_ID / "index.html").read_text(encoding="utf-8")
    assert f'href="../../incidents/{DRILL_ID}/"' in pm
    kpis = (site / "kpis" / "index.html").read_text(encoding="utf-8")
    section = kpis[kpis.index('<h2 id="drills">'):]
    assert "4 drills:" in section and "not enough data (n=4)" in section
    assert "<td>2026-Q4</td>" in section or ">2026-Q4<" in section
    # Not on the home page's active or recent incidents, nor on service pages: those are real.
    assert CANARY not in (site / "index.html").read_text(encoding="utf-8")
    assert CANARY not in (site / "services" / "card-processing" / "index.html").read_text(encoding="utf-8")


def test_the_public_build_has_no_drills_page_and_no_drills_section(sites: dict[str, Path]) -> None:
    public = sites["with-public"]
    assert not (public / "drills").exists()
    assert b'id="drills"' not in b"".join(d for _, d in site_files(public))


def test_a_public_post_mortem_of_a_drill_is_refused_and_never_built(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    (root / "content" / "incidents" / f"{DRILL_ID}.md").write_text(_drill_text(), encoding="utf-8")
    (root / "content" / "postmortems" / f"{DRILL_ID}.md").write_text(postmortem_text(
        DRILL_ID, title=f"{CANARY} public post-mortem", summary="Summary.", body_marker="Body.",
        action_title="Add a runbook step", owner="sre-team"), encoding="utf-8")
    _model, problems = check_repository(root, NOW)
    assert [(p.code, p.path) for p in problems if p.level == "error"] == [
        ("E045", f"content/postmortems/{DRILL_ID}.md")]
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--out", str(tmp_path / "out"),
                                       "--now", EXAMPLE_NOW], catch_exceptions=False)
    assert result.exit_code == 1 and "E045" in result.output
    # Even where validation is skipped, the public model drops it.
    from generator.site.visibility import public_model
    model, _ = load_repository(root)
    assert all(pm.id != DRILL_ID for pm in public_model(model).postmortems)


# ---------------------------------------------------------------- notifications


def _open_drill(title: str) -> str:
    return f"""---
title: {title}
drill: true
severity: SEV-1
services: {{api: major_outage, dashboard: partial_outage}}
started_at: 2026-11-26T11:00:00Z
detected_at: 2026-11-26T11:02:00Z
acknowledged_at: 2026-11-26T11:03:00Z
updates:
  - at: 2026-11-26T11:03:00Z
    status: identified
    message: {CANARY} the drill's first update.
---
{CANARY} body.
"""


def _notify_all(root: Path, http: HttpReceiver, smtp: SmtpReceiver) -> list[str]:
    env = {"SLACK_URL": http.url("/slack"), "TEAMS_URL": http.url("/teams"), "DISCORD_URL": http.url("/discord"),
           "HOOK_URL": http.url("/webhook"), "HOOK_SECRET": "s", "DASH_URL": http.url("/dash"),
           "SMTP_URL": smtp.url(), "SSL_CERT_FILE": str(smtp.cert),
           "no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1", "http_proxy": "", "HTTP_PROXY": ""}
    for now in (T0, T1, T2):
        result = CliRunner().invoke(main, ["notify", "--root", str(root), "--now", now, "--max-age", "400d"],
                                    env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return [r.body.decode() for r in http.requests] + [m.as_string() for m in smtp.messages]


def test_notify_never_sends_a_drill(tmp_path: Path) -> None:
    sent = {}
    for name, drill in (("drill", True), ("control", False)):
        root = make_repo(tmp_path / name)
        text = _open_drill(f"{CANARY} drill title")
        if not drill:
            text = text.replace("drill: true\n", "")
        (root / "content" / "incidents" / "2026-11-26-drill-api.md").write_text(text, encoding="utf-8")
        (tmp_path / f"smtp-{name}").mkdir()
        with HttpReceiver() as http, SmtpReceiver(tmp_path / f"smtp-{name}") as smtp:
            sent[name] = _notify_all(root, http, smtp)
        ledger = (root / ".statuspress" / "notified.json").read_text(encoding="utf-8")
        sent[name + "-ledger"] = [ledger]
    # The same file without drill: true is sent (so the check below can fail), as a drill it is not.
    assert any(CANARY in text for text in sent["control"])
    assert "2026-11-26-drill-api" in sent["control-ledger"][0]
    assert sent["drill"] and not any(CANARY in text for text in sent["drill"])
    assert "2026-11-26-drill-api" not in sent["drill-ledger"][0]
    baseline = make_repo(tmp_path / "baseline")
    (tmp_path / "smtp-baseline").mkdir()
    with HttpReceiver() as http, SmtpReceiver(tmp_path / "smtp-baseline") as smtp:
        plain = _notify_all(baseline, http, smtp)
    assert len(plain) == len(sent["drill"])  # exactly what the repository without the drill sends


# ---------------------------------------------------------------- authoring


def test_new_incident_drill_writes_a_drill_and_its_post_mortem_is_internal(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path, drills=False)
    runner = CliRunner()
    result = runner.invoke(main, ["new", "incident", "Game day: queue backlog", "--drill", "--severity", "SEV-2",
                                  "--service", "api=major_outage", "--root", str(repo), "--now",
                                  "2026-11-26T10:00:00Z"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    path = repo / "content" / "incidents" / "2026-11-26-game-day-queue-backlog.md"
    assert yaml.safe_load(path.read_text().split("---")[1])["drill"] is True
    model, problems = check_repository(repo, NOW)
    assert problems == [] and [d.id for d in model.drills] == [path.stem]
    assert all(i.id != path.stem for i in model.incidents)
    result = runner.invoke(main, ["new", "postmortem", path.stem, "--visibility", "public", "--root", str(repo),
                                  "--now", "2026-11-26T11:00:00Z"], catch_exceptions=False)
    assert result.exit_code != 0 and "drills are never published" in result.output
    result = runner.invoke(main, ["new", "postmortem", path.stem, "--root", str(repo), "--now",
                                  "2026-11-26T11:00:00Z"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    written = (repo / "content" / "postmortems" / f"{path.stem}.md").read_text()
    assert "visibility: internal" in written
    # Updating and resolving a drill work as for any incident.
    for args in (["update", path.stem, "--status", "identified", "-m", "Found it."],
                 ["resolve", path.stem, "-m", "Drill over."]):
        result = runner.invoke(main, [*args, "--root", str(repo), "--now", "2026-11-26T11:30:00Z"],
                               catch_exceptions=False)
        assert result.exit_code == 0, result.output
    model, problems = check_repository(repo, NOW)
    assert [d.status for d in model.drills] == ["resolved"]
    assert not has_errors(problems)
    # A real incident stays a real one.
    result = runner.invoke(main, ["new", "incident", "Real one", "--severity", "SEV-3", "--service", "api",
                                  "--root", str(repo), "--now", "2026-11-26T10:00:00Z"], catch_exceptions=False)
    assert "drill" not in (repo / "content" / "incidents" / "2026-11-26-real-one.md").read_text()


# ---------------------------------------------------------------- diff (the PR comment)


def test_diff_shows_no_change_for_a_new_drill_and_a_change_for_the_same_incident(tmp_path: Path) -> None:
    from tests.test_diff import NEW_INCIDENT, make_git_repo

    repo = make_git_repo(tmp_path)
    path = repo / "content/incidents/2026-11-26-payments-api-errors.md"
    path.write_text(NEW_INCIDENT.replace("---\n", "---\ndrill: true\n", 1))
    args = ["diff", "--base", "HEAD", "--root", str(repo), "--now", "2026-11-26T12:00:00Z"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0 and "No visible change." in result.output, result.output
    path.write_text(NEW_INCIDENT)  # the control: as a real incident it changes status and uptime
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert "No visible change." not in result.output and "major outage" in result.output


def test_the_authoring_doc_shows_the_file_new_incident_drill_writes(tmp_path: Path) -> None:
    import re

    doc = (Path(__file__).resolve().parents[1] / "docs" / "authoring.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Drills"):doc.index("## Real histories")]
    shown = re.findall(r"^```yml\n(---\n.*?)^```$", section, flags=re.M | re.S)
    assert len(shown) == 1
    (tmp_path / "site_config.yml").write_text(
        (FIXTURES / "site_config.yml").read_text() + "\ndrills: {cadence_days: 90}\n")
    result = CliRunner().invoke(main, ["new", "incident", "Drill: API database failover", "--drill", "--severity",
                                       "SEV-2", "--service", "api", "--detection", "alert", "--root", str(tmp_path),
                                       "--now", "2026-11-26T12:00:00Z"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    written = tmp_path / "content" / "incidents" / "2026-11-26-drill-api-database-failover.md"
    assert result.output.strip().endswith(written.name)
    assert written.read_text() == shown[0]
    # The config block of that section is valid configuration.
    config = re.findall(r"^```yml\n# site_config.yml\n(.*?)^```$", section, flags=re.M | re.S)
    assert len(config) == 1
    (tmp_path / "site_config.yml").write_text((FIXTURES / "site_config.yml").read_text().replace(
        "group: Web", "group: Communication") + config[0].replace("Legacy", "Core"))
    _model, problems = check_repository(tmp_path, NOW)
    # Core is exempt; Communication (only the dashboard, which has no since) is overdue at once.
    assert [(p.code, p.level) for p in problems] == [("W100", "warning")]
    assert "'Communication' has never held a drill" in problems[0].message


def test_kpis_table_lists_drills_apart(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path, config_extra="drills:\n  cadence_days: 120\n")
    result = CliRunner().invoke(main, ["kpis", "--root", str(repo), "--now", "2026-11-26T12:00:00Z"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stdout
    out = result.stdout
    assert "Drills (rehearsals, in none of the figures above): 2 (2026-Q2: 1, 2026-Q3: 1, 2026-Q4: 0)" in out
    assert "Web: every 120 days; latest drill 2026-06-01-drill-dashboard-login; OVERDUE" in out
    assert "Core: every 120 days; latest drill 2026-09-01-drill-api-failover; next due 2026-12-30T09:00:00Z" in out
    # Real figures: the fixture's two incidents only.
    assert "Overall: 2 incidents" in out
