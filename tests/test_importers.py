"""Importers: Statuspage v2 JSON and cState sites -> content files, a report, merged site_config.yml.

Fixtures in tests/fixtures/import/ hold one record per oddity (see the README there); the whole
output of each import is compared with tests/golden/import/ (STATUSPRESS_REGEN_GOLDEN=1 rewrites).
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.importers.common import html_to_markdown
from generator.importers.cstate import import_cstate
from generator.importers.statuspage import import_statuspage

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
GOLDEN = Path(__file__).resolve().parent / "golden" / "import"
REGENERATE = os.environ.get("STATUSPRESS_REGEN_GOLDEN") == "1"
NOW = "2026-12-01T00:00:00Z"


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _import_statuspage(root: Path) -> str:
    src = FIXTURES / "statuspage"
    return _run("import", "statuspage", str(src), "--map", str(src / "map.yml"), "--root", str(root), "--now", NOW)


def _import_cstate(root: Path) -> str:
    src = FIXTURES / "cstate"
    return _run("import", "cstate", str(src), "--map", str(src / "map.yml"), "--root", str(root), "--now", NOW)


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*")) if p.is_file()}


def _front(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


@pytest.fixture()
def cwd_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    # Report sources name paths as given: run from the fixtures' parent so they read the same everywhere.
    monkeypatch.chdir(FIXTURES.parent.parent.parent)


def _relative_import(kind: str, root: Path) -> None:
    src = f"tests/fixtures/import/{kind}"
    _run("import", kind, src, "--map", f"{src}/map.yml", "--root", str(root), "--now", NOW)


# --------------------------------------------------------------------------- golden outputs

@pytest.mark.parametrize("kind", ["statuspage", "cstate"])
def test_import_matches_golden(kind: str, tmp_path: Path, cwd_fixtures: None) -> None:
    _relative_import(kind, tmp_path)
    got = _tree(tmp_path)
    golden_dir = GOLDEN / kind
    if REGENERATE:
        shutil.rmtree(golden_dir, ignore_errors=True)
        for rel, text in got.items():
            (golden_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (golden_dir / rel).write_text(text, encoding="utf-8")
    want = _tree(golden_dir)
    assert sorted(got) == sorted(want)
    for rel in want:
        if got[rel] != want[rel]:
            diff = "".join(difflib.unified_diff(want[rel].splitlines(True), got[rel].splitlines(True), rel, rel))
            pytest.fail(f"{kind}: {rel} differs from its snapshot (STATUSPRESS_REGEN_GOLDEN=1 rewrites):\n{diff}")


# --------------------------------------------------------------------------- the imported repository validates

@pytest.mark.parametrize("kind", ["statuspage", "cstate"])
def test_imported_repository_validates_without_errors(kind: str, tmp_path: Path, cwd_fixtures: None) -> None:
    _relative_import(kind, tmp_path)
    result = CliRunner().invoke(main, ["validate", "--root", str(tmp_path), "--now", NOW, "--format", "json"],
                                catch_exceptions=False)
    data = json.loads(result.output)
    problems = data["problems"] if isinstance(data, dict) else data
    errors = [p for p in problems if p.get("level", "error") == "error"]
    assert errors == []
    assert result.exit_code == 0


# --------------------------------------------------------------------------- idempotence and user edits

def test_rerun_is_idempotent_and_leaves_files_untouched(tmp_path: Path) -> None:
    _import_statuspage(tmp_path)
    first = _tree(tmp_path)
    stamps = {p: p.stat().st_mtime_ns for p in (tmp_path / "content").rglob("*.md")}
    out = _import_statuspage(tmp_path)
    assert "0 created" in out and f"{len(stamps)} unchanged" in out
    second = _tree(tmp_path)
    assert {k: v for k, v in second.items() if k != "import-report.md"} == \
           {k: v for k, v in first.items() if k != "import-report.md"}
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps


def test_a_user_edit_is_kept_and_reported_and_force_replaces_it(tmp_path: Path) -> None:
    _import_cstate(tmp_path)
    target = tmp_path / "content" / "incidents" / "2023-01-05-ci-outage.md"
    edited = target.read_text(encoding="utf-8").replace("Builds are not starting.", "Builds did not start (edited).")
    target.write_text(edited, encoding="utf-8")
    out = _import_cstate(tmp_path)
    assert target.read_text(encoding="utf-8") == edited
    assert "I016" in out and "content/incidents/2023-01-05-ci-outage.md" in out
    assert "I016" in (tmp_path / "import-report.md").read_text(encoding="utf-8")
    src = FIXTURES / "cstate"
    _run("import", "cstate", str(src), "--map", str(src / "map.yml"), "--root", str(tmp_path), "--now", NOW, "--force")
    assert "Builds are not starting." in target.read_text(encoding="utf-8")


def test_existing_site_config_keeps_everything_the_user_wrote(tmp_path: Path) -> None:
    original = (
        "# Our status page: hand-written, comments matter\n"
        "site:\n  name: Ours   # keep this comment\n  url: https://status.ours.example/\n  timezone: Europe/Paris\n"
        "services:\n  - id: website\n    name: Our Website   # renamed by hand\n    group: Front\n"
        "categories: [deploy, other]\n"
    )
    (tmp_path / "site_config.yml").write_text(original, encoding="utf-8")
    _import_statuspage(tmp_path)
    merged = (tmp_path / "site_config.yml").read_text(encoding="utf-8")
    assert merged.startswith(original.split("categories")[0].rstrip("\n").rsplit("\n", 0)[0][:150])
    for line in original.splitlines():
        assert line in merged.splitlines()
    data = yaml.safe_load(merged)
    ids = [s["id"] for s in data["services"]]
    assert ids == ["website", "api", "email-delivery"]  # declared one untouched, new ones appended
    assert data["services"][0]["name"] == "Our Website"
    assert data["site"]["name"] == "Ours"


# --------------------------------------------------------------------------- what each oddity becomes

def test_statuspage_oddities(tmp_path: Path) -> None:
    report = _import_statuspage(tmp_path)  # printed as "source: CODE message", one a line
    inc = tmp_path / "content" / "incidents"
    affected = _front(inc / "2024-02-10-elevated-api-errors.md")
    assert affected["services"] == {"api": "major_outage", "website": "none"}
    assert [u.get("services") for u in affected["updates"]] == [
        None, {"api": "partial_outage", "website": "degraded_performance"}, {"api": "operational"}]
    assert affected["source"] == {"system": "statuspage", "id": "inc-affected", "url": "https://stspg.io/aaa111"}
    assert affected["detected_at"] == "unknown"
    assert "- US region **recovering**, see [details](https://acme.example/incident)" in affected["updates"][1]["message"]
    fallback = _front(inc / "2024-02-11-slow-website.md")
    assert fallback["services"] == {"website": "degraded_performance"}
    assert fallback["updates"][0]["message"] == "Pages load slowly & time out."
    assert "inc-fallback: I008" in report
    backdated = _front(inc / "2016-03-01-historic-outage-back-dated.md")
    assert backdated["duration_unknown"] is True and backdated["services"] == {}
    assert "inc-backdated: I004" in report
    assert not list(inc.glob("*resolved-before*")) and "inc-backwards: I003" in report
    assert "inc-baddate: I002" in report
    assert "inc-copied: I005 2 updates share the time 2024-02-13T08:00:00Z" in report
    reopened = _front(inc / "2024-02-14-failures-are-back.md")
    assert [u["status"] for u in reopened["updates"]] == ["investigating", "resolved", "investigating", "resolved"]
    assert "inc-reopened: I018" in report and "Legacy SMTP relay" in report
    single = _front(inc / "2024-02-20-login-failures-for-some-users.md")
    assert single["started_at"] == "2024-02-20T12:30:00Z"  # -05:00 read as such, written in UTC
    assert "truncated.json: I001" in report
    services = yaml.safe_load((tmp_path / "site_config.yml").read_text(encoding="utf-8"))["services"]
    assert [(s["id"], s["group"]) for s in services] == [("api", "Core"), ("website", "Core"),
                                                         ("email-delivery", "Services")]
    maint = tmp_path / "content" / "maintenance"
    window = _front(maint / "2024-01-27-database-upgrade.md")
    assert window["services"] == {"api": "under_maintenance"}
    assert [u["status"] for u in window["updates"]] == ["scheduled", "in_progress", "completed"]
    never = _front(maint / "2021-03-05-window-that-never-completed.md")
    assert never["scheduled_end"] == "2021-03-05T23:00:00Z"


def test_cstate_oddities(tmp_path: Path) -> None:
    report = _import_cstate(tmp_path)
    inc = tmp_path / "content" / "incidents"
    ci = _front(inc / "2023-01-05-ci-outage.md")  # from 2023-01-05-CI.Outage.md
    assert ci["source"]["id"] == "2023-01-05-CI.Outage"
    assert ci["started_at"] == "2023-01-05T09:00:00Z"  # naive 10:00 in Europe/Berlin
    assert [(u["at"], u["status"]) for u in ci["updates"]] == [
        ("2023-01-05T09:05:00Z", "investigating"), ("2023-01-05T10:45:00Z", "monitoring"),
        ("2023-01-05T11:30:00Z", "resolved")]
    assert ci["services"] == {"ci-example-org": "major_outage"}  # build-agents mapped onto it
    mirror = _front(inc / "2023-02-10-mirror-sync.md")
    assert mirror["services"] == {"mirrors": "partial_outage", "www-example-org": "partial_outage"}
    assert "'[Update]' has no time" in report
    assert "[Update]" in (inc / "2023-02-10-mirror-sync.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    notice = _front(inc / "2023-03-01-notice.md")
    assert notice["services"] == {} and notice["severity"] == "SEV-4"
    labels = _front(inc / "2023-06-01-labels.md")
    assert [u["status"] for u in labels["updates"]] == ["investigating", "investigating", "resolved"]
    assert labels["services"] == {"www-example-org": "partial_outage"}  # WWW.EXAMPLE.ORG matched case-blind
    assert "2023-04-01-backwards.md: I003" in report and "2023-05-01-bad-date.md: I002" in report
    assert "2023-07-01-broken-yaml.md: I001" in report
    services = yaml.safe_load((tmp_path / "site_config.yml").read_text(encoding="utf-8"))["services"]
    assert [s["id"] for s in services] == ["www-example-org", "ci-example-org", "mirrors"]


def test_unmapped_strays_never_become_services() -> None:
    config = "params:\n  systems:\n    - name: api\n"
    issues = [(f"2024-01-0{i}-x.md", f"---\ntitle: t{i}\ndate: 2024-01-0{i}T10:00:00Z\nseverity: down\n"
                                     f"affected: [api, 'Stray {i}']\n---\nText\n") for i in range(1, 6)]
    result = import_cstate(config, issues)
    assert [s.id for s in result.services] == ["api"]
    assert dict(result.strays) == {f"Stray {i}": 1 for i in range(1, 6)}
    mapped = import_cstate(config, issues, mapping={f"Stray {i}": "api" for i in range(1, 6)}, existing_services=set())
    assert mapped.strays == () and [s.id for s in mapped.services] == ["api"]


def test_same_input_same_bytes() -> None:
    doc = json.loads((FIXTURES / "statuspage" / "incidents.json").read_text(encoding="utf-8"))
    a = import_statuspage([("incidents.json", doc)])
    b = import_statuspage([("incidents.json", json.loads(json.dumps(doc)))])
    assert a == b and a.files


def test_a_time_after_now_is_reported_not_written() -> None:
    from datetime import UTC, datetime
    doc = {"incidents": [{"id": "f", "name": "Future", "status": "investigating", "impact": "minor",
                          "started_at": "2030-01-01T00:00:00Z",
                          "incident_updates": [{"status": "investigating", "body": "x",
                                                "created_at": "2030-01-01T00:00:00Z"}]}]}
    result = import_statuspage([("x.json", doc)], now=datetime(2026, 12, 1, tzinfo=UTC))
    assert result.files == () and [r.code for r in result.report] == ["I020"]


@pytest.mark.parametrize("html, markdown", [
    ("<ul><li>one</li><li>two <a href=\"https://x.example/a b\">link</a></li></ul>",
     "- one\n- two [link](https://x.example/a%20b)"),
    ("Line<br>next", "Line\nnext"),
    ("<p>a</p><p>b &amp; c</p>", "a\n\nb & c"),
    ("<a href=\"javascript:alert(1)\">x</a>", "x"),
    ("plain ~~17:00~~ 13:00 `code`", "plain ~~17:00~~ 13:00 `code`"),
])
def test_html_to_markdown(html: str, markdown: str) -> None:
    assert html_to_markdown(html)[0] == markdown


# --------------------------------------------------------------------------- round trip: import, build, read the API back

def test_round_trip_import_build_api(tmp_path: Path) -> None:
    repo, site = tmp_path / "repo", tmp_path / "site"
    source_doc = json.loads((FIXTURES / "statuspage" / "incidents.json").read_text(encoding="utf-8"))
    _import_statuspage(repo)
    _run("build", "--root", str(repo), "--out", str(site), "--now", NOW)
    api = json.loads((site / "api" / "v2" / "incidents.json").read_text(encoding="utf-8"))
    by_link = {i["shortlink"]: i for i in api["incidents"]}
    imported = [r for r in source_doc["incidents"] if r["id"] not in ("inc-backwards", "inc-baddate")]
    # Every imported record is in the API under its original link, with the id of its content file.
    for record in imported:
        served = by_link[record["shortlink"]]
        path = repo / "content" / "incidents" / f"{served['id']}.md"
        assert _front(path)["source"]["id"] == record["id"]
        assert len(served["incident_updates"]) >= 1
    assert {i["id"] for i in api["incidents"]} == {p.stem for p in (repo / "content" / "incidents").glob("*.md")}
    comps = {c["id"] for i in api["incidents"] for c in i.get("components", [])}
    assert comps == {"api", "website", "email-delivery"}
    windows = json.loads((site / "api" / "v2" / "scheduled-maintenances.json").read_text(encoding="utf-8"))
    assert sorted(w["shortlink"] for w in windows["scheduled_maintenances"]) == [
        "https://stspg.io/mmm111", "https://stspg.io/mmm222"]


def test_every_report_code_is_documented() -> None:
    from generator.importers.common import REPORT_CODES

    doc = (Path(__file__).resolve().parents[1] / "docs" / "importing.md").read_text(encoding="utf-8")
    for code, meaning in REPORT_CODES.items():
        assert f"| {code} | {meaning} |" in doc, code
