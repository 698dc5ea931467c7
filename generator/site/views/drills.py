"""Internal builds only: the drills page (``/drills/``) and the KPI page's drills section.

A public build never gets here with a drill: its model has none (see
:func:`generator.site.visibility.public_model`), and the pages below are only
made when ``ctx.internal``.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator import i18n
from generator.compute.drills import DRILL_METRICS, cadence_status, compute_drills
from generator.i18n import N_, _, ngettext
from generator.site import urls
from generator.site.views.kpis import stat_cell
from generator.site.views.shared import (
    Cell,
    Facts,
    Link,
    ListItem,
    PageInfo,
    Table,
    date_text,
    incident_item,
    rel,
)
from generator.site.visibility import SiteContext

METRIC_LABELS = {
    "time_to_detect": (N_("Time to detect"), N_("detected - started")),
    "time_to_acknowledge": (N_("Time to acknowledge"), N_("acknowledged - detected")),
    "time_to_mitigate": (N_("Time to mitigate"), N_("impact ended - started")),
}


def cadence_table(ctx: SiteContext, page_url: str) -> Table | None:
    """Each group held to a cadence: its latest drill, when the next is due, overdue or not. None: no cadence set."""
    rows = []
    for c in cadence_status(ctx.model, ctx.now):
        last = (Cell(c.last_drill.title, date_text(c.last_drill.started_at.astimezone(ctx.tz).date()))
                if c.last_drill is not None else Cell(_("none yet"), nodata=True))
        due = Cell(date_text(c.due.astimezone(ctx.tz).date())) if c.due is not None else Cell(_("now"))
        state = Cell(_("Overdue")) if c.overdue else Cell(_("On schedule"))
        every = ngettext("every %(num)d day", "every %(num)d days", c.cadence_days) % {"num": c.cadence_days}
        rows.append((Cell(c.group), Cell(every), last, due, state))
    if not rows:
        return None
    return Table(_("Drill cadence"), (_("Service group"), _("Cadence"), _("Latest drill"), _("Next due"), _("State")),
                 tuple(rows))


@dataclass(frozen=True)
class DrillsView:
    page: PageInfo
    items: tuple[ListItem, ...]  # newest first
    cadence: Table | None
    kpis: Link | None  # the KPI page's drills section


def drills_view(facts: Facts) -> DrillsView:
    ctx = facts.ctx
    url = urls.drills_url()
    return DrillsView(
        page=PageInfo(url, _("Drills"), labels=("Internal",), feeds=facts.feeds,
                      description=_("Incident drills: rehearsals of the incident process, internal only.")),
        items=tuple(incident_item(facts, url, d) for d in facts.drills),
        cadence=cadence_table(ctx, url),
        kpis=Link(_("Drill response times on the KPI page"), rel(url, urls.kpis_url() + "#drills")),
    )


@dataclass(frozen=True)
class DrillKpis:
    """The KPI page's drills section: volume per quarter, and drill response times beside the real ones."""

    volume: int
    per_quarter: Table
    response: Table
    cadence: Table | None
    page: Link


def drill_kpis(facts: Facts, kpis: dict) -> DrillKpis:
    """``kpis``: the KPI document; its ``overall`` figure is the real incidents', ``drills`` the drills'."""
    ctx = facts.ctx
    url = urls.kpis_url()
    real = kpis["overall"]
    d = kpis.get("drills") or compute_drills(ctx.model, ctx.now)
    quarters = Table(_("Drills per quarter"), (_("Quarter"), _("Drills")),
                     tuple((Cell(q), Cell(i18n.format_number(n))) for q, n in d["quarter"].items()),
                     empty="" if d["quarter"] else _("No drills recorded yet."))
    rows = []
    for metric in DRILL_METRICS:
        label, how = METRIC_LABELS[metric]
        rows.append((Cell(_(label), _(how), below=True), stat_cell(d[metric]), stat_cell(real.get(metric, {"n": 0}))))
    return DrillKpis(
        volume=int(d["volume"]),
        per_quarter=quarters,
        response=Table(_("Drills beside real incidents"), (_("Measure"), _("Median in drills"),
                                                           _("Median in real incidents")),
                       tuple(rows), "sp-table--kpi"),
        cadence=cadence_table(ctx, url),
        page=Link(_("All drills"), rel(url, urls.drills_url())),
    )
