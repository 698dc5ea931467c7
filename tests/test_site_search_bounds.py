"""The search index holds what readers search for, and its size per incident stays bounded."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path


def _docs(site: Path) -> list[dict[str, str]]:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


def test_incident_pages_index_title_description_and_updates_only(built_site: Path) -> None:
    docs = [d for d in _docs(built_site) if d["location"].startswith("incidents/")]
    assert docs
    per_page = Counter(d["location"].split("#")[0] for d in docs)
    # One entry for the title and description, one for the updates: no facts list, no services table.
    assert set(per_page.values()) == {2}
    assert all(d["location"].endswith(("/", "#updates")) for d in docs)
    text = " ".join(d["text"] for d in docs)
    assert "Worst impact" not in text and "Detected by" not in text and "Acknowledged" not in text
    # What an incident says is still found.
    updates = [d for d in docs if d["location"].endswith("#updates")]
    assert all("<li>" in d["text"] for d in updates)


def test_the_left_out_parts_stay_on_the_page(built_site: Path) -> None:
    page = next((built_site / "incidents").glob("*/index.html")).read_text(encoding="utf-8")
    assert '<h2 id="affected-services">' in page  # the search-only attribute is gone from the heading
    assert '<dl class="sp-facts" data-search-exclude>' in page and "Worst impact" in page
