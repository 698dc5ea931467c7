"""Status and uptime badges: well-formed, accessible, escaped, honest numbers."""

from __future__ import annotations

import json
import re

import pytest
from lxml import etree

from generator.compute.status import service_statuses
from generator.compute.uptime import compute_uptime, format_percent
from generator.model import Service
from generator.site.badges import (
    LABEL_COLOR,
    NO_DATA_COLOR,
    STATUS_COLORS,
    render_badges,
    text_width,
    uptime_color,
)
from tests.site_factories import make_config, make_ctx, make_incident, make_model, sample_model, ts, upd

SVG = "{http://www.w3.org/2000/svg}"


def contrast(fg: str, bg: str) -> float:
    """WCAG 2 contrast ratio of two ``rrggbb`` colours."""

    def lum(hex_: str) -> float:
        rgb = [int(hex_[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(fg), lum(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.fixture(scope="module")
def badges() -> dict[str, bytes]:
    return render_badges(make_ctx(sample_model()))


def test_four_files_per_service(badges):
    expected = {f"badges/{sid}/{kind}.{ext}" for sid in ("api", "dashboard", "email")
                for kind in ("status", "uptime") for ext in ("svg", "json")}
    assert set(badges) == expected


def test_svgs_are_well_formed_accessible_and_readable(badges):
    for path, data in badges.items():
        if not path.endswith(".svg"):
            continue
        root = etree.fromstring(data)
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img"
        title = root.findtext(f"{SVG}title")
        assert title and root.get("aria-label") == title
        texts = [t.text for t in root.iter(f"{SVG}text")]
        assert len(texts) == 2 and all(texts)
        # White text on every background meets WCAG AA for normal text.
        fills = [r.get("fill").lstrip("#") for r in root.iter(f"{SVG}rect") if r.get("fill") != "#fff"]
        assert fills[0] == LABEL_COLOR and len(fills) == 2
        text_fill = root.find(f"{SVG}g[@font-family]").get("fill")
        assert text_fill == "#fff"
        for fill in fills:
            assert contrast("ffffff", fill) >= 4.5, (path, fill)
        # Each half is wide enough for its text.
        widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("fill") != "#fff"]
        for text, width in zip(texts, widths, strict=True):
            assert width >= text_width(text), (path, text)


@pytest.mark.parametrize("color", [*STATUS_COLORS.values(), NO_DATA_COLOR, LABEL_COLOR])
def test_palette_contrast(color):
    assert contrast("ffffff", color) >= 4.5


def test_status_badges_show_the_engines_status(badges):
    engine = service_statuses(sample_model(), ts("2026-11-26T12:00:00Z"))
    for sid, status in engine.items():
        data = json.loads(badges[f"badges/{sid}/status.json"])
        assert data["schemaVersion"] == 1
        assert data["message"] == status.replace("_", " ")
        assert data["color"] == STATUS_COLORS[status]
        svg = etree.fromstring(badges[f"badges/{sid}/status.svg"])
        assert [t.text for t in svg.iter(f"{SVG}text")][1] == data["message"]
        assert svg.findtext(f"{SVG}title").endswith(f"status: {data['message']}")


def test_uptime_badges_use_the_engine_and_round_down():
    # 20 minutes of major outage in the last 30 days: never shown as 100.00%.
    inc = make_incident("2026-11-20-api", services={"api": "major_outage"}, started="2026-11-20T10:00:00Z",
                        updates=[upd("2026-11-20T10:01:00Z", "investigating", "Down."),
                                 upd("2026-11-20T10:20:00Z", "resolved", "Up.")])
    model = make_model([inc])
    now = ts("2026-11-26T12:00:00Z")
    out = render_badges(make_ctx(model))
    value = compute_uptime(model, now)["api"].windows["30d"]
    assert value is not None and 99.9 < value < 100
    data = json.loads(out["badges/api/uptime.json"])
    assert data["message"] == format_percent(value) != "100.00%"
    # 19 minutes of 43,200 is 99.956%: above the API's 99.95% SLO, so still green.
    assert data["color"] == STATUS_COLORS["operational"]
    assert json.loads(out["badges/dashboard/uptime.json"])["message"] == "100.00%"
    title = etree.fromstring(out["badges/api/uptime.svg"]).findtext(f"{SVG}title")
    assert title == f"Public API uptime over the last 30 days: {data['message']}"


def test_uptime_without_tracked_time_says_no_data():
    later = ts("2026-12-01T00:00:00Z").date()
    model = make_model(config=make_config([Service("new", "New service", "G", since=later)]))
    data = json.loads(render_badges(make_ctx(model))["badges/new/uptime.json"])
    assert data["message"] == "no data" and data["color"] == NO_DATA_COLOR


@pytest.mark.parametrize(
    ("value", "slo", "expected"),
    [
        (None, 99.9, NO_DATA_COLOR),
        (100.0, None, STATUS_COLORS["operational"]),
        (99.9, None, STATUS_COLORS["operational"]),
        (99.89, None, STATUS_COLORS["degraded_performance"]),
        (99.5, 99.0, STATUS_COLORS["operational"]),
        (99.5, 99.95, STATUS_COLORS["degraded_performance"]),
        (97.0, None, STATUS_COLORS["partial_outage"]),
        (90.0, 90.0, STATUS_COLORS["operational"]),
        (80.0, None, STATUS_COLORS["major_outage"]),
    ],
)
def test_uptime_colour(value, slo, expected):
    assert uptime_color(value, slo) == expected


def test_endpoint_json_is_the_shields_schema(badges):
    for path, data in badges.items():
        if path.endswith(".json"):
            payload = json.loads(data)
            assert set(payload) == {"schemaVersion", "label", "message", "color", "labelColor"}
            assert payload["message"] and payload["label"]
            assert re.fullmatch(r"[0-9a-f]{6}", payload["color"])


def test_text_is_escaped_and_wider_text_makes_a_wider_badge():
    name = 'A<b>&"c\'\x01'
    services = [Service("x", name, "G"), Service("y", "A much longer service name", "G")]
    model = make_model(config=make_config(services))
    out = render_badges(make_ctx(model))
    raw = out["badges/x/status.svg"]
    assert b"<b>" not in raw and b"&lt;b&gt;&amp;&quot;c&#39;" in raw
    root = etree.fromstring(raw)  # a control character would make this raise
    assert root.findtext(f"{SVG}title") == "A<b>&\"c' status: operational"
    assert json.loads(out["badges/x/status.json"])["label"] == name
    assert b"\\u003cb\\u003e" in out["badges/x/status.json"]
    short = int(root.get("width"))
    long = int(etree.fromstring(out["badges/y/status.svg"]).get("width"))
    assert long > short
