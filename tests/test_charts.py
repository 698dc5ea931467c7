"""KPI charts: the SVG says what the data says, is deterministic, inert and readable in both schemes."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.compute.display import format_seconds
from generator.site.charts import DARK, HEIGHT, LIGHT, WIDTH, Chart, draw

SVG = "{http://www.w3.org/2000/svg}"
SEVERITIES = ("SEV-1", "SEV-2", "SEV-3", "SEV-4")


def volume(counts: dict[str, list[int]], quarters: list[str], title: str = "Incidents per quarter") -> Chart:
    return Chart(
        path="kpis/volume-by-quarter.svg", title=title, alt="alt text", columns=(), rows=(), kind="volume",
        series=tuple((s, tuple(float(v) for v in counts[s])) for s in counts), categories=tuple(quarters),
    )


def durations(values: dict[str, list[float]]) -> Chart:
    return Chart(
        path="kpis/time-to-resolve.svg", title="Time to resolve", alt="alt", columns=(), rows=(),
        kind="durations", series=tuple((s, tuple(sorted(v))) for s, v in values.items()),
    )


def parse(svg: bytes) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def test_volume_bars_are_proportional_to_the_counts() -> None:
    counts = {"SEV-1": [1, 0, 2], "SEV-2": [0, 3, 1], "SEV-4": [4, 1, 0]}
    root = parse(draw(volume(counts, ["2026-Q1", "2026-Q2", "2026-Q3"])))
    bars = [el for el in root.iter(f"{SVG}rect") if el.get("fill", "").startswith("url(") and el.find(f"{SVG}title") is not None]
    labels = {el.find(f"{SVG}title").text: float(el.get("height")) for el in bars}  # type: ignore[union-attr]
    # One segment per non-zero count, named by quarter and severity, height proportional to it.
    assert set(labels) == {
        "2026-Q1, SEV-1: 1", "2026-Q3, SEV-1: 2", "2026-Q2, SEV-2: 3", "2026-Q3, SEV-2: 1",
        "2026-Q1, SEV-4: 4", "2026-Q2, SEV-4: 1",
    }
    unit = labels["2026-Q1, SEV-1: 1"]
    for label, height in labels.items():
        assert math.isclose(height, unit * int(label.rsplit(": ", 1)[1]), abs_tol=0.2), label
    shown = texts(root)
    assert {"2026-Q1", "2026-Q2", "2026-Q3", "Incidents", "Severity", "SEV-1", "SEV-2", "SEV-4"} <= set(shown)
    ticks = [int(t) for t in shown if t.isdigit()]
    assert ticks[0] == 0 and ticks[-1] >= 5 and ticks == sorted(ticks)  # the tallest bar is 5


def test_duration_points_follow_a_log_axis_and_medians_need_ten() -> None:
    values = {"SEV-1": [60.0, 3600.0], "SEV-3": [float(60 * (i + 1)) for i in range(12)]}
    root = parse(draw(durations(values)))
    uses = root.findall(f"{SVG}use")
    assert len(uses) == 14
    sev1 = [float(u.get("x")) for u in uses if u.get("href", "").endswith("-m0")]  # type: ignore[arg-type]
    sev3 = [float(u.get("x")) for u in uses if u.get("href", "").endswith("-m1")]  # type: ignore[arg-type]
    # 1 min -> 1 h is as far as 1 min -> 10 min times log10(60): a logarithmic axis.
    assert math.isclose((sev1[1] - sev1[0]) / (sev3[9] - sev3[0]), math.log10(60), rel_tol=0.01)
    medians = [el for el in root.iter(f"{SVG}path") if el.find(f"{SVG}title") is not None]
    assert [m.find(f"{SVG}title").text for m in medians] == [f"SEV-3: median {format_seconds(390.0)}"]  # type: ignore[union-attr]
    assert {"1 min", "10 min", "1 h"} <= set(texts(root))


def test_empty_charts_say_so() -> None:
    assert "No incidents yet" in texts(parse(draw(volume({"SEV-1": []}, []))))
    assert "No incidents with this measure yet" in texts(parse(draw(durations({"SEV-1": [], "SEV-2": []}))))


def test_user_text_is_escaped_and_the_file_is_inert() -> None:
    title = "</title><script>alert(1)</script> & <b>"
    svg = draw(volume({"SEV-1": [1]}, ["2026-Q1"], title=title))
    root = parse(svg)
    assert root.find(f"{SVG}title").text == title  # type: ignore[union-attr]
    names = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
    assert names.isdisjoint({"script", "foreignObject", "image", "a"})
    assert b"<script" not in svg


def test_colours_follow_the_colour_scheme() -> None:
    chart = durations({"SEV-1": [60.0]})
    svgs = {name: draw(chart, scheme).decode() for name, scheme in (("light", LIGHT), ("dark", DARK))}
    styles = {}
    for name, svg in svgs.items():
        style = re.search(r"<style>(.*)</style>", svg, flags=re.S)
        assert style
        styles[name] = style.group(1)
        # No colour baked into text: it all comes from the stylesheet.
        assert not re.search(r"<text[^>]*fill=", svg)
    light, dark = styles["light"], styles["dark"]
    assert "text{fill:currentColor}" in light and ".sp-chart-svg{color:#1f2937}" in light
    assert ".sp-chart-svg{color:#e5e7eb}" in dark and ".sp-bg{fill:#1e2129}" in dark
    assert ".sp-s0{fill:#b91c1c}" in light and ".sp-s0{fill:#f87171}" in dark
    assert "#f87171" not in light and "#b91c1c" not in dark


counts_strategy = st.dictionaries(
    st.sampled_from(SEVERITIES), st.lists(st.integers(0, 500), min_size=0, max_size=30), min_size=1
)


@settings(max_examples=60, deadline=None)
@given(counts_strategy, st.lists(st.floats(0, 10**9, allow_nan=False), max_size=60))
def test_any_data_draws_inside_the_canvas_and_twice_the_same(counts: dict[str, list[int]], seconds: list[float]) -> None:
    n = max((len(v) for v in counts.values()), default=0)
    padded = {s: v + [0] * (n - len(v)) for s, v in counts.items()}
    charts = [
        volume(padded, [f"{2000 + i // 4}-Q{i % 4 + 1}" for i in range(n)]),
        durations({"SEV-1": [max(s, 1.0) for s in seconds], "SEV-2": []}),
    ]
    for chart in charts:
        svg = draw(chart)
        assert svg == draw(chart)
        root = parse(svg)
        for el in root.iter():
            for attr in ("x", "y", "width", "height"):
                if el.get(attr) is not None and el.tag != f"{SVG}svg":
                    value = float(el.get(attr))  # type: ignore[arg-type]
                    assert -1 <= value <= max(WIDTH, HEIGHT) + 1, (el.tag, attr, value)
