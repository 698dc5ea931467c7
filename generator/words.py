"""The words statuspress says to people: one vocabulary for pages, feeds, calendar and notifications.

Stored values (``customer_report``, ``partial_outage``, ``in_review``) never
reach a reader as they are: whatever shows them asks here, so that a page, a
feed entry and a Slack message say the same thing the same way. The tables hold
English words marked for the catalogs; the functions answer in the active language
(:mod:`generator.i18n`), and constants such as ``NO_ESTIMATE`` are passed through
``_()`` where they are shown.
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.i18n import N_, _

# Statuses of services, incidents, maintenance windows, post-mortems and action items.
STATUS_LABELS = {
    "operational": N_("Operational"),
    "none": N_("No customer impact"),
    "degraded_performance": N_("Degraded performance"),
    "partial_outage": N_("Partial outage"),
    "major_outage": N_("Major outage"),
    "under_maintenance": N_("Under maintenance"),
    "investigating": N_("Investigating"),
    "identified": N_("Identified"),
    "monitoring": N_("Monitoring"),
    "resolved": N_("Resolved"),
    "scheduled": N_("Scheduled"),
    "in_progress": N_("In progress"),
    "verifying": N_("Verifying"),
    "completed": N_("Completed"),
    "cancelled": N_("Cancelled"),
    "draft": N_("Draft"),
    "in_review": N_("In review"),
    "published": N_("Published"),
    "open": N_("Open"),
    "done": N_("Done"),
    "wont_do": N_("Won't do"),
}

# How an incident was detected (``detection:``).
DETECTION_LABELS = {
    "alert": N_("Automated alert"),
    "synthetic": N_("Automated check"),
    "customer_report": N_("Reported by a customer"),
    "internal_report": N_("Reported by our team"),
    "other": N_("Other"),
}

# What the overall banner says, by the worst service status.
OVERALL_LABELS = {
    "operational": N_("All systems operational"),
    "degraded_performance": N_("Degraded performance"),
    "partial_outage": N_("Partial outage"),
    "major_outage": N_("Major outage"),
    "under_maintenance": N_("Maintenance in progress"),
}

NO_ESTIMATE = N_("No estimate yet")
ESTIMATE_PASSED = N_("Estimate passed, awaiting update")
RECOVERED = N_("Recovered")


def humanise(value: str) -> str:
    """A stored value nobody gave a word for: ``some_value`` -> ``Some value``."""
    return value.replace("_", " ").replace("-", " ").strip().capitalize()


def status_label(word: str) -> str:
    """``partial_outage`` -> ``Partial outage``."""
    found = STATUS_LABELS.get(word)
    return _(found) if found else humanise(word)


def detection_label(word: str) -> str:
    """``customer_report`` -> ``Reported by a customer``; empty stays empty."""
    if not word:
        return ""
    found = DETECTION_LABELS.get(word)
    return _(found) if found else humanise(word)


def category_label(word: str) -> str:
    """A category as configured in ``categories:`` (``dependency``), for people (``Dependency``)."""
    return humanise(word) if word else ""


def overall_label(word: str) -> str:
    found = OVERALL_LABELS.get(word)
    return _(found) if found else status_label(word)


def banner_text(word: str, names: Iterable[str]) -> str:
    """``Partial outage: Card Processing, Payouts``; all operational names nobody."""
    names = list(names)
    text = overall_label(word)
    if word == "operational" or not names:
        return text
    return _("%(status)s: %(services)s") % {"status": text, "services": _(", ").join(names)}
