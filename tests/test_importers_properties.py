"""Property tests: the importers never raise, whatever the JSON or Markdown they are given."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.importers.common import html_to_markdown
from generator.importers.cstate import import_cstate
from generator.importers.statuspage import import_statuspage

_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
                     st.sampled_from(["2024-02-10T09:00:00Z", "2024-02-10T09:00:00.123-05:00", "2024-13-40T99:00:00Z",
                                      "resolved", "postmortem", "operational", "major_outage", "critical", "none",
                                      "<ul><li>x</li>", "https://stspg.io/x"]))
_keys = st.sampled_from(["id", "name", "status", "impact", "created_at", "started_at", "resolved_at", "display_at",
                         "scheduled_for", "scheduled_until", "shortlink", "body", "code", "new_status", "group",
                         "group_id", "position", "components", "incident_updates", "affected_components", "incidents",
                         "incident", "page", "scheduled_maintenances", "url", "time_zone", "description"])
json_like: st.SearchStrategy[Any] = st.recursive(
    _scalars, lambda children: st.one_of(st.lists(children, max_size=4),
                                         st.dictionaries(_keys, children, max_size=6)),
    max_leaves=40)


@settings(max_examples=300, deadline=None)
@given(st.lists(json_like, max_size=3))
def test_statuspage_never_raises(docs: list[Any]) -> None:
    result = import_statuspage([(f"doc{i}.json", d) for i, d in enumerate(docs)])
    for path, text in result.files:
        assert path.startswith(("content/incidents/", "content/maintenance/")) and text.startswith("---\n")


_line = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["---", "title: x", "date: 2023-01-05 10:00:00", "date: nonsense", "resolved: true",
                     "resolvedWhen: 2023-01-05T12:00:00Z", "severity: down", "severity: notice", "affected:",
                     "  - a.example.org", "affected: [b, c]", "[Initial message]", "[Final Message] done",
                     "*Investigating* -", "**Update at 2023-01-05 11:00** - x", '{{< track "2023-01-05 11:00:00" >}}',
                     "{{< track \"bad\" >}}", "```", "informational: true", "draft: true", "date: 2023-02-30 10:00"]),
)
_markdown = st.lists(_line, max_size=25).map("\n".join)
_config = st.one_of(st.text(max_size=80), st.just("params:\n  systems:\n    - name: a.example.org\n      category: X\n"),
                    st.just("timeZone: Mars/Olympus\nbaseURL: not a url\n"), st.just("params: [1, 2]\n"))


@settings(max_examples=300, deadline=None)
@given(_config, st.lists(st.tuples(st.text(min_size=1, max_size=20), _markdown), max_size=4))
def test_cstate_never_raises(config: str, issues: list[tuple[str, str]]) -> None:
    result = import_cstate(config, issues)
    for path, text in result.files:
        assert path.startswith("content/incidents/") and text.startswith("---\n")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=list("<>/=\"' abliurkhefp&;#\n"), max_size=80) | st.text(max_size=80))
def test_html_to_markdown_never_raises(text: str) -> None:
    markdown, _ = html_to_markdown(text)
    assert isinstance(markdown, str)
