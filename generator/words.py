"""The words statuspress says to people: one vocabulary for pages, feeds, calendar and notifications.

Stored values (``customer_report``, ``partial_outage``, ``in_review``) never
reach a reader as they are: whatever shows them asks here, so that a page, a
feed entry and a Slack message say the same thing the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

# Statuses of services, incidents, maintenance windows, post-mortems and action items.
STATUS_LABELS = {
    "operational": "Operational",
    "none": "No customer impact",
    "degraded_performance": "Degraded performance",
    "partial_outage": "Partial outage",
    "major_outage": "Major outage",
    "under_maintenance": "Under maintenance",
    "investigating": "Investigating",
    "identified": "Identified",
    "monitoring": "Monitoring",
    "resolved": "Resolved",
    "scheduled": "Scheduled",
    "in_progress": "In progress",
    "verifying": "Verifying",
    "completed": "Completed",
    "cancelled": "Cancelled",
    "draft": "Draft",
    "in_review": "In review",
    "published": "Published",
    "open": "Open",
    "done": "Done",
    "wont_do": "Won't do",
}

# How an incident was detected (``detection:``).
DETECTION_LABELS = {
    "alert": "Automated alert",
    "synthetic": "Automated check",
    "customer_report": "Reported by a customer",
    "internal_report": "Reported by our team",
    "other": "Other",
}

# What the overall banner says, by the worst service status.
OVERALL_LABELS = {
    "operational": "All systems operational",
    "degraded_performance": "Degraded performance",
    "partial_outage": "Partial outage",
    "major_outage": "Major outage",
    "under_maintenance": "Maintenance in progress",
}

NO_ESTIMATE = "No estimate yet"
ESTIMATE_PASSED = "Estimate passed, awaiting update"
RECOVERED = "Recovered"


def humanise(value: str) -> str:
    """A stored value nobody gave a word for: ``some_value`` -> ``Some value``."""
    return value.replace("_", " ").replace("-", " ").strip().capitalize()


def status_label(word: str) -> str:
    """``partial_outage`` -> ``Partial outage``."""
    return STATUS_LABELS.get(word) or humanise(word)


def detection_label(word: str) -> str:
    """``customer_report`` -> ``Reported by a customer``; empty stays empty."""
    return DETECTION_LABELS.get(word) or humanise(word) if word else ""


def category_label(word: str) -> str:
    """A category as configured in ``categories:`` (``dependency``), for people (``Dependency``)."""
    return humanise(word) if word else ""


def overall_label(word: str) -> str:
    return OVERALL_LABELS.get(word) or status_label(word)


def banner_text(word: str, names: Iterable[str]) -> str:
    """``Partial outage: Card Processing, Payouts``; all operational names nobody."""
    names = list(names)
    text = overall_label(word)
    if word == "operational" or not names:
        return text
    return f"{text}: {', '.join(names)}"
