"""Maintenance pages: one per window, and the index (in progress, scheduled, past, cancelled)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from generator.i18n import _, pgettext
from generator.model import Maintenance
from generator.site import urls
from generator.site.markdown import render_markdown
from generator.site.views.shared import (
    Affected,
    Banner,
    Facts,
    Link,
    ListItem,
    MaintenanceCard,
    PageInfo,
    Span,
    Time,
    UpdateView,
    banner_of,
    maintenance_affected,
    maintenance_card,
    maintenance_item,
    rel,
    span_of,
    time_of,
    timeline,
)
from generator.site.visibility import SiteContext, status_label


@dataclass(frozen=True)
class Extension:
    """"Extended to 20:30, planned 16:30": the planned end as moved by updates, and the original."""

    later: bool  # "Extended to" (a later end) or "Moved to" (an earlier one): whole sentences in the template
    end: Time
    planned: Time


def extension_of(ctx: SiteContext, m: Maintenance) -> Extension | None:
    if not m.extended or m.cancelled:
        return None
    return Extension(m.planned_end > m.scheduled_end, time_of(ctx, m.planned_end), time_of(ctx, m.scheduled_end))


@dataclass(frozen=True)
class MaintenanceView:
    page: PageInfo
    banner: Banner  # the whole site's status, first under the header
    title: str
    labels: tuple[str, ...]
    state_text: str
    scheduled: Span
    actual: Span | None  # when it ran other than scheduled
    affected: tuple[Affected, ...]
    body: Markup
    updates: tuple[UpdateView, ...]  # newest first; none from the future
    extension: Extension | None = None  # an update moved the planned end


def maintenance_view(facts: Facts, m: Maintenance) -> MaintenanceView:
    ctx = facts.ctx
    url = urls.maintenance_url(m.id)
    state = m.state(ctx.now)
    labels = ("Cancelled",) if state == "cancelled" else ()
    moved = not m.cancelled and (m.effective_start, m.effective_end) != (m.scheduled_start, m.scheduled_end)
    return MaintenanceView(
        page=PageInfo(url, m.title, labels=labels, feeds=facts.feeds, layout="status",
                      description=_("Maintenance (%(state)s): %(title)s") % {"state": status_label(state), "title": m.title}),
        banner=banner_of(facts),
        title=m.title,
        labels=labels,
        state_text=status_label(state),
        scheduled=span_of(ctx, m.scheduled_start, m.scheduled_end),
        actual=span_of(ctx, m.effective_start, m.effective_end) if moved else None,
        extension=extension_of(ctx, m),
        affected=maintenance_affected(ctx, url, m),
        body=render_markdown(m.body),
        updates=timeline(ctx, [u for u in m.updates if u.at <= ctx.now], show_eta=False),
    )


@dataclass(frozen=True)
class MaintenanceSection:
    anchor: str
    title: str
    cards: tuple[MaintenanceCard, ...]  # in progress and scheduled windows
    items: tuple[ListItem, ...]  # past and cancelled ones


@dataclass(frozen=True)
class MaintenanceIndexView:
    page: PageInfo
    banner: Banner  # the whole site's status, first under the header
    calendar: Link
    timezone: str
    sections: tuple[MaintenanceSection, ...]


def maintenance_index_view(facts: Facts) -> MaintenanceIndexView:
    ctx = facts.ctx
    url = urls.maintenance_index_url()
    groups: dict[str, list[Maintenance]] = {"running": [], "scheduled": [], "completed": [], "cancelled": []}
    for m in ctx.model.maintenance:
        state = m.state(ctx.now)
        groups.setdefault("running" if state in ("in_progress", "verifying") else state, []).append(m)
    sections = []
    for key, title, anchor, newest_first in (
        # Translators: A heading on the maintenance page: the windows now in progress.
        ("running", pgettext("maintenance section", "In progress"), "in-progress", False),
        # Translators: A heading on the maintenance page: the windows still to come.
        ("scheduled", pgettext("maintenance section", "Scheduled"), "scheduled", False),
        ("completed", _("Past"), "past", True),
        # Translators: A heading on the maintenance page: the windows that will not take place.
        ("cancelled", pgettext("maintenance section", "Cancelled"), "cancelled", True),
    ):
        chosen = sorted(groups.get(key, []), key=lambda m: (m.scheduled_start, m.id), reverse=newest_first)
        as_cards = key in ("running", "scheduled")
        sections.append(MaintenanceSection(
            anchor, title,
            tuple(maintenance_card(ctx, url, m) for m in chosen) if as_cards else (),
            () if as_cards else tuple(maintenance_item(ctx, url, m) for m in chosen),
        ))
    return MaintenanceIndexView(
        page=PageInfo(url, pgettext("menu", "Maintenance"), feeds=facts.feeds, layout="status"),
        banner=banner_of(facts),
        calendar=Link(_("Calendar (ICS)"), rel(url, urls.ics_path())),
        timezone=ctx.model.config.site.timezone,
        sections=tuple(sections),
    )
