"""The Statuspage-shaped JSON API, checked against the shared schema and the status engine.

The last section covers every machine-readable output at once: the canary
(internal fields and hidden post-mortems never public), escaping, determinism.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import feedparser
import jsonschema
import pytest
from icalendar import Calendar
from lxml import etree

from generator.compute.status import overall_status, service_statuses, status_indicator
from generator.model import Service
from generator.site.api import api_payloads, page_id, render_api
from tests.site_factories import (
    make_config,
    make_ctx,
    make_incident,
    make_maintenance,
    make_model,
    make_postmortem,
    render_all,
    sample_model,
    summary_schema_path,
    ts,
    upd,
)

API_FILES = [
    "api/v2/summary.json", "api/v2/status.json", "api/v2/components.json", "api/v2/incidents.json",
    "api/v2/incidents/unresolved.json", "api/v2/scheduled-maintenances.json",
    "api/v2/scheduled-maintenances/upcoming.json", "api/v2/scheduled-maintenances/active.json",
]
TS_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(summary_schema_path().read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def public() -> dict[str, Any]:
    return {path: json.loads(data) for path, data in render_api(make_ctx(sample_model())).items()}


def validator(schema: dict[str, Any], ref: str | None = None) -> jsonschema.protocols.Validator:
    """A validator for the whole schema, or for one of its ``$defs`` (for the other endpoints)."""
    target = schema if ref is None else {**schema, "$ref": f"#/$defs/{ref}", "required": [], "properties": {}}
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(target, format_checker=cls.FORMAT_CHECKER)


def test_all_files_exist_and_end_in_a_newline():
    out = render_api(make_ctx(sample_model()))
    assert sorted(out) == sorted(API_FILES)
    for path, data in out.items():
        assert data.endswith(b"}\n"), path
        assert json.loads(data)["page"]["id"]


def test_schema_copy_in_tests_matches_the_shared_one():
    repo = Path(__file__).resolve().parents[1]
    shared = repo.parent / "shared" / "schemas" / "statuspage-v2-summary.schema.json"
    if not shared.is_file():
        pytest.skip("no shared/ beside this clone; the copy in tests/schemas is what we validate with")
    assert json.loads(shared.read_text()) == json.loads((repo / "tests/schemas" / shared.name).read_text())


@pytest.mark.parametrize("variant", ["sample", "empty", "internal", "no-groups"])
def test_summary_validates_against_the_shared_schema(schema, variant):
    model = sample_model()
    if variant == "empty":
        model = make_model()
    if variant == "no-groups":
        model = replace(model, config=make_config([Service("api", "API", ""), Service("email", "Email", "")]))
    ctx = make_ctx(model, internal=variant == "internal", drafts=variant == "internal")
    summary = json.loads(render_api(ctx)["api/v2/summary.json"])
    validator(schema).validate(summary)


def test_other_endpoints_validate_against_the_schema_definitions(schema, public):
    checks = {"components": "component", "incidents": "incident", "scheduled_maintenances": "maintenance"}
    page = validator(schema, "page")
    for payload in public.values():
        page.validate(payload["page"])
        for key, ref in checks.items():
            for item in payload.get(key, []):
                validator(schema, ref).validate(item)
    assert {k for p in public.values() for k in p} == {"page", "status", "components", "incidents",
                                                       "scheduled_maintenances"}


def test_every_timestamp_is_utc_with_z(public):
    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif key.endswith("_at") or key in ("scheduled_for", "scheduled_until"):
            assert value is None or TS_Z.match(value), (key, value)

    walk(public)


def test_statuses_are_the_engines(public):
    model, now = sample_model(), ts("2026-11-26T12:00:00Z")
    engine = service_statuses(model, now)
    components = {c["id"]: c for c in public["api/v2/components.json"]["components"]}
    assert {sid: components[sid]["status"] for sid in engine} == engine
    indicator, description = status_indicator(overall_status(engine))
    for path in ("api/v2/summary.json", "api/v2/status.json"):
        assert public[path]["status"] == {"indicator": indicator, "description": description}
    # The sample has an open degraded incident on email and maintenance in progress on api.
    assert engine == {"api": "under_maintenance", "dashboard": "operational", "email": "degraded_performance"}


def test_groups_are_group_components_with_member_ids(public):
    comps = public["api/v2/components.json"]["components"]
    assert [c["id"] for c in comps] == ["group-core-platform", "api", "dashboard", "group-messaging", "email"]
    assert [c["position"] for c in comps] == [1, 2, 3, 4, 5]
    groups = {c["id"]: c for c in comps if c["group"]}
    assert groups["group-core-platform"]["components"] == ["api", "dashboard"]
    assert groups["group-core-platform"]["status"] == "under_maintenance"  # worst member
    assert groups["group-messaging"]["status"] == "degraded_performance"
    members = {c["id"]: c["group_id"] for c in comps if not c["group"]}
    assert members == {"api": "group-core-platform", "dashboard": "group-core-platform",
                       "email": "group-messaging"}
    assert all("components" not in c for c in comps if not c["group"])
    api = next(c for c in comps if c["id"] == "api")
    assert api["start_date"] == "2025-01-01"
    assert api["created_at"] == "2024-12-31T23:00:00Z"  # since, at midnight Europe/Berlin


def test_ungrouped_services_have_no_group():
    model = make_model(config=make_config([Service("api", "API", ""), Service("web", "Web", "")]))
    comps = api_payloads(make_ctx(model))["api/v2/components.json"]["components"]
    assert [(c["id"], c["group"], c["group_id"]) for c in comps] == [("api", False, None), ("web", False, None)]


def test_incidents_newest_first_and_unresolved_only_open(public):
    assert [i["id"] for i in public["api/v2/incidents.json"]["incidents"]] == [
        "2026-11-26-email-delays", "2026-03-14-api-errors"]
    assert [i["id"] for i in public["api/v2/incidents/unresolved.json"]["incidents"]] == ["2026-11-26-email-delays"]
    assert public["api/v2/summary.json"]["incidents"] == public["api/v2/incidents/unresolved.json"]["incidents"]


def test_incident_fields_follow_statuspage(public):
    inc = next(i for i in public["api/v2/incidents.json"]["incidents"] if i["id"] == "2026-03-14-api-errors")
    assert inc["name"] == "Elevated error rates on the API"
    assert inc["status"] == "resolved"
    assert inc["impact"] == "critical"  # escalated to SEV-1
    assert inc["started_at"] == "2026-03-14T09:12:00Z"
    assert inc["created_at"] == "2026-03-14T09:20:00Z"
    assert inc["updated_at"] == "2026-03-14T10:30:00Z"
    assert inc["resolved_at"] == "2026-03-14T10:30:00Z"
    assert inc["monitoring_at"] is None
    assert inc["shortlink"] == "https://status.acme.example/incidents/2026-03-14-api-errors/"
    assert [c["id"] for c in inc["components"]] == ["api", "dashboard"]
    ups = inc["incident_updates"]
    assert [u["status"] for u in ups] == ["resolved", "identified", "investigating"]  # newest first
    assert [u["id"] for u in ups] == [f"2026-03-14-api-errors-u{n}" for n in (3, 2, 1)]
    assert all(u["incident_id"] == "2026-03-14-api-errors" for u in ups)
    assert ups[2]["affected_components"] == [
        {"code": "api", "name": "Public API", "old_status": "operational", "new_status": "major_outage"},
        {"code": "dashboard", "name": "Dashboard", "old_status": "operational",
         "new_status": "degraded_performance"},
    ]
    assert ups[1]["affected_components"] == [
        {"code": "api", "name": "Public API", "old_status": "major_outage", "new_status": "partial_outage"}]
    assert {(a["code"], a["new_status"]) for a in ups[0]["affected_components"]} == {
        ("api", "operational"), ("dashboard", "operational")}


@pytest.mark.parametrize(
    ("severity", "impacts", "expected"),
    [
        ("SEV-4", {"api": "degraded_performance"}, "minor"),
        ("SEV-4", {}, "none"),
        ("SEV-3", {"api": "degraded_performance"}, "minor"),
        ("SEV-3", {"api": "major_outage"}, "critical"),
        ("SEV-2", {"api": "degraded_performance"}, "major"),
        ("SEV-1", {"api": "degraded_performance"}, "critical"),
    ],
)
def test_impact_is_the_worse_of_severity_and_service_impact(severity, impacts, expected):
    inc = make_incident("2026-05-01-x", severity=severity, services=impacts, started="2026-05-01T10:00:00Z",
                        updates=[upd("2026-05-01T10:05:00Z", "investigating", "Looking.")])
    payload = api_payloads(make_ctx(make_model([inc])))["api/v2/incidents.json"]
    assert payload["incidents"][0]["impact"] == expected


def test_maintenance_endpoints(public):
    def ids(path: str) -> list[str]:
        return [m["id"] for m in public[path]["scheduled_maintenances"]]

    assert ids("api/v2/scheduled-maintenances/upcoming.json") == ["2026-12-02-network"]
    assert ids("api/v2/scheduled-maintenances/active.json") == ["2026-11-26-cache"]
    assert ids("api/v2/scheduled-maintenances.json") == [
        "2026-12-02-network", "2026-11-26-cache", "2026-04-02-db-upgrade"]  # cancelled left out
    assert ids("api/v2/summary.json") == ["2026-11-26-cache", "2026-12-02-network"]
    items = {m["id"]: m for m in public["api/v2/scheduled-maintenances.json"]["scheduled_maintenances"]}
    assert items["2026-11-26-cache"]["status"] == "in_progress"
    assert items["2026-12-02-network"]["status"] == "scheduled"
    done = items["2026-04-02-db-upgrade"]
    assert done["status"] == "completed" and done["impact"] == "maintenance"
    assert (done["scheduled_for"], done["scheduled_until"]) == ("2026-04-02T22:00:00Z", "2026-04-02T23:30:00Z")
    assert done["started_at"] == "2026-04-02T22:01:00Z" and done["resolved_at"] == "2026-04-02T23:10:00Z"
    ups = done["incident_updates"]
    assert [u["status"] for u in ups] == ["completed", "in_progress", "scheduled"]
    assert {(a["code"], a["new_status"]) for a in ups[1]["affected_components"]} == {
        ("api", "under_maintenance"), ("dashboard", "degraded_performance")}
    assert {a["new_status"] for a in ups[0]["affected_components"]} == {"operational"}
    assert ups[2]["affected_components"] is None


def test_page_is_stable_and_updated_at_is_the_latest_content_time():
    model = sample_model()
    a = api_payloads(make_ctx(model))["api/v2/status.json"]["page"]
    b = api_payloads(make_ctx(model, "2026-11-26T11:45:00Z", base_url="https://x.example/s/"))
    assert a["id"] == b["api/v2/status.json"]["page"]["id"] == page_id(make_ctx(model))
    assert re.fullmatch(r"[a-z2-7]{12}", a["id"])
    assert a["url"] == "https://status.acme.example"
    assert b["api/v2/status.json"]["page"]["url"] == "https://x.example/s"
    # The cache maintenance began at 11:30, the latest thing that happened by noon.
    assert a["updated_at"] == "2026-11-26T11:30:00Z"
    assert b["api/v2/status.json"]["page"]["updated_at"] == "2026-11-26T11:30:00Z"
    assert a["time_zone"] == "Europe/Berlin"
    other = replace(model, config=make_config(url="https://status.other.example/"))
    assert page_id(make_ctx(other)) != a["id"]


def test_internal_fields_only_in_the_internal_build():
    public = api_payloads(make_ctx(sample_model()))["api/v2/incidents.json"]["incidents"]
    internal = api_payloads(make_ctx(sample_model(), internal=True))["api/v2/incidents.json"]["incidents"]
    assert all("internal" not in i for i in public)
    api_errors = next(i for i in internal if i["id"] == "2026-03-14-api-errors")
    assert api_errors["internal"] == {"commander": "sre-oncall-canary", "novel": True,
                                      "error_messages": ["HTTP 503 canary-error-message"]}


# ---------------------------------------------------------------- every machine output


CANARIES = [b"sre-oncall-canary", b"mail-oncall-canary", b"canary-error-message",
            b"canary-internal-title", b"canary-internal-summary", b"canary-draft-title", b"canary-draft-summary"]


def test_canary_public_outputs_never_show_internal_fields_or_hidden_postmortems():
    out = render_all(make_ctx(sample_model()))
    assert len(out) > 30
    for path, data in out.items():
        for canary in CANARIES:
            assert canary not in data, (path, canary)
        assert b'"novel"' not in data and b"Novel failure mode" not in data, path
        assert b"commander" not in data.lower(), path


def test_canary_internal_outputs_do_show_them():
    out = render_all(make_ctx(sample_model(), internal=True, drafts=True))
    everything = b"\n".join(out.values())
    for canary in CANARIES:
        assert canary in everything, canary
    assert b"canary-error-message" in out["feeds/incidents.atom"]
    assert b"sre-oncall-canary" in out["api/v2/incidents.json"]
    assert b"canary-internal-title" in out["feeds/postmortems.rss"]
    # Internal without drafts: the draft stays out.
    no_drafts = b"\n".join(render_all(make_ctx(sample_model(), internal=True)).values())
    assert b"canary-draft-title" not in no_drafts and b"canary-internal-title" in no_drafts


EVIL = '<script>alert(1)</script> & "quotes"'


def _evil_model():
    config = make_config(
        [Service("api", f"API {EVIL}", f"Group {EVIL}", f"desc {EVIL}", 99.9)],
        name=f"Status {EVIL}", description=f"About {EVIL}",
    )
    inc = make_incident("2026-11-26-evil", f"Incident {EVIL}", services={"api": "partial_outage"},
                        started="2026-11-26T10:00:00Z",
                        updates=[upd("2026-11-26T10:05:00Z", "investigating", f"Message {EVIL}\nline 2")])
    m = make_maintenance("2026-12-01-evil", f"Maintenance {EVIL}", services={"api": "under_maintenance"},
                         updates=[upd("2026-11-20T10:00:00Z", "scheduled", f"Plan {EVIL}")])
    pm = make_postmortem("2026-11-26-evil", ("2026-11-26-evil",), title=f"PM {EVIL}", summary=f"Sum {EVIL}")
    return make_model([inc], [m], [pm], config)


def test_xss_user_text_is_escaped_in_every_output():
    out = render_all(make_ctx(_evil_model()))
    for path, data in out.items():
        if path.endswith(".ics"):
            continue  # plain text (RFC 5545), not markup: checked with its own escaping below
        assert b"<script" not in data, path
        assert b"</script" not in data, path
    # ...and each format gives the original text back to a proper parser.
    for path in (p for p in out if p.endswith(".json")):
        text = json.dumps(json.loads(out[path]), ensure_ascii=False)
        if path.startswith("api/"):
            assert json.dumps(EVIL, ensure_ascii=False)[1:-1] in text, path
    summary = json.loads(out["api/v2/summary.json"])
    assert summary["page"]["name"] == f"Status {EVIL}"
    assert summary["incidents"][0]["incident_updates"][0]["body"] == f"Message {EVIL}\nline 2"
    assert json.loads(out["badges/api/status.json"])["label"] == f"API {EVIL}"
    for path in ("badges/api/status.svg", "badges/api/uptime.svg"):
        svg = etree.fromstring(out[path])
        title = svg.findtext("{http://www.w3.org/2000/svg}title")
        assert f"API {EVIL}" in title and EVIL in svg.get("aria-label")
    for path in ("feeds/incidents.atom", "feeds/incidents.rss"):
        d = feedparser.parse(out[path])
        assert d.bozo == 0
        assert d.feed.title == f"Status {EVIL}: incidents"
    atom = etree.fromstring(out["feeds/incidents.atom"])
    ns = "{http://www.w3.org/2005/Atom}"
    assert atom.findtext(f"{ns}entry/{ns}title") == f"Incident {EVIL}"
    html = atom.findtext(f"{ns}entry/{ns}content")
    # The service name (in "Affected:"); severity is not in public feed entries unless publish.severity is on.
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;" in html
    pm_atom = etree.fromstring(out["feeds/postmortems.atom"])
    assert pm_atom.findtext(f"{ns}entry/{ns}title") == f"PM {EVIL}"
    # In the calendar, TEXT escaping applies: commas and semicolons get a backslash.
    unfolded = out["maintenance.ics"].replace(b"\r\n ", b"")
    assert b"SUMMARY:Maintenance <script>alert(1)</script> & \"quotes\"\r\n" in unfolded
    assert b"Status <script>alert(1)</script> & \"quotes\": maintenance" in unfolded
    cal = Calendar.from_ical(out["maintenance.ics"])
    event = cal.walk("VEVENT")[0]
    assert str(event["summary"]) == f"Maintenance {EVIL}"
    assert f"Plan {EVIL}" in str(event["description"])


def test_outputs_are_byte_identical_across_renders():
    model = sample_model()
    first = render_all(make_ctx(model, internal=True, drafts=True))
    second = render_all(make_ctx(sample_model(), internal=True, drafts=True))
    assert first == second


_DIGEST_SCRIPT = """
import hashlib
from tests.site_factories import make_ctx, render_all, sample_model
out = render_all(make_ctx(sample_model(), internal=True, drafts=True))
h = hashlib.sha256()
for path in sorted(out):
    h.update(path.encode() + b"\\0" + out[path] + b"\\0")
print(h.hexdigest())
"""


def test_outputs_do_not_depend_on_hash_seed_or_locale():
    repo = Path(__file__).resolve().parents[1]
    digests = set()
    for seed, lang in (("1", "C.UTF-8"), ("987", "de_DE.UTF-8")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "LC_ALL": lang, "LANG": lang}
        result = subprocess.run([sys.executable, "-c", _DIGEST_SCRIPT], cwd=repo, env=env,
                                capture_output=True, text=True, check=True)
        digests.add(result.stdout.strip())
    out = render_all(make_ctx(sample_model(), internal=True, drafts=True))
    h = hashlib.sha256()
    for path in sorted(out):
        h.update(path.encode() + b"\0" + out[path] + b"\0")
    digests.add(h.hexdigest())
    assert len(digests) == 1
