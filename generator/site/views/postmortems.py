"""Post-mortem pages (facts, body with contributing factors and action items placed in it) and the index."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup

from generator.compute.localtime import local_date
from generator.i18n import _, ngettext, pgettext
from generator.model import Postmortem
from generator.site import urls
from generator.site.markdown import render_inline_markdown, render_markdown, render_short_markdown
from generator.site.views.incident import source_link
from generator.site.views.shared import (
    Facts,
    Link,
    PageInfo,
    Span,
    Time,
    date_text,
    incident_link,
    postmortem_marks,
    rel,
    span_of,
    time_of,
)
from generator.site.visibility import SiteContext
from generator.words import status_label


@dataclass(frozen=True)
class ActionItemRow:
    title: Link  # linked when the tracker is an http(s) URL
    type: str
    owner: str
    due: str  # ISO date or "none"
    overdue: bool
    state: str
    reason: str  # why it won't be done


@dataclass(frozen=True)
class BodyPart:
    """One part of the body, in order: ``prose`` (sanitised Markdown), ``factors``, ``actions`` or a ``heading``."""

    kind: str
    prose: Markup = field(default_factory=Markup)
    heading: str = ""
    anchor: str = ""


@dataclass(frozen=True)
class PostmortemView:
    page: PageInfo
    title: str
    labels: tuple[str, ...]
    notice: str  # "draft and internal" when not public, else ""
    summary: Markup  # sanitised Markdown
    status_text: str
    published: Time | None
    authors: str
    review_meeting: str
    follow_up_review: str
    incidents: tuple[Link, ...]
    factors: tuple[Markup, ...]  # sanitised inline Markdown
    actions: tuple[ActionItemRow, ...]
    parts: tuple[BodyPart, ...]
    event: Span | None = None  # a post-mortem without incidents: when the event happened
    event_start: Time | None = None  # ... when only its start is known
    source: Link | None = None  # the original page of an imported post-mortem


def split_section(body: str, heading: str) -> tuple[str, str] | None:
    """Split Markdown after the prose of the ``## heading`` section (before the next ``## ``)."""
    lines = body.splitlines(keepends=True)
    start = None
    fence = False
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if fence:
            continue
        if start is None and re.match(rf"^##\s+{re.escape(heading)}\s*#*\s*$", line.strip(), re.IGNORECASE):
            start = i
        elif start is not None and re.match(r"^#{1,2}\s", line):
            return "".join(lines[:i]), "".join(lines[i:])
    if start is None:
        return None
    return "".join(lines), ""


def action_rows(ctx: SiteContext, pm: Postmortem) -> tuple[ActionItemRow, ...]:
    today = local_date(ctx.now, ctx.model.config.site.timezone)
    rows = []
    for item in pm.action_items:
        tracker = item.tracker if item.tracker and re.match(r"^https?://", item.tracker) else ""
        # Free-text items (postmortems.action_items: free_text) may leave any of these unrecorded: "-".
        state = "-" if item.status is None else status_label(item.status)
        rows.append(ActionItemRow(
            title=Link(item.title, tracker),
            type=action_type(item.type) if item.type else "-",
            owner=item.owner or "-",
            due=date_text(item.due) if item.due else (_("none") if item.status is not None else "-"),
            overdue=item.is_overdue(today),
            state=state,
            reason=item.reason if item.status == "wont_do" and item.reason else "",
        ))
    return tuple(rows)


def body_parts(body: str) -> tuple[BodyPart, ...]:
    """The body's own "Contributing factors" and "Action items" sections get the front-matter lists;
    a body without them gets the lists under headings of their own (factors first, actions last)."""
    chunks: list[BodyPart] = []
    placed_factors = placed_actions = False
    split = split_section(body, "Contributing factors")
    if split is not None:
        head, body = split
        chunks += [BodyPart("prose", render_markdown(head)), BodyPart("factors")]
        placed_factors = True
    split = split_section(body, "Action items")
    if split is not None:
        head, body = split
        chunks += [BodyPart("prose", render_markdown(head)), BodyPart("actions")]
        placed_actions = True
    chunks.append(BodyPart("prose", render_markdown(body)))
    parts: list[BodyPart] = []
    if not placed_factors:
        parts += [BodyPart("heading", heading=_("Contributing factors"), anchor="contributing-factors"),
                  BodyPart("factors")]
    parts += [c for c in chunks if c.kind != "prose" or c.prose]
    if not placed_actions:
        parts += [BodyPart("heading", heading=_("Action items"), anchor="action-items"), BodyPart("actions")]
    return tuple(parts)


_ACTION_TYPES = {
    "prevent": lambda: pgettext("action item type", "prevent"),
    "mitigate": lambda: pgettext("action item type", "mitigate"),
    "detect": lambda: pgettext("action item type", "detect"),
    "process": lambda: pgettext("action item type", "process"),
}


def action_type(word: str) -> str:
    found = _ACTION_TYPES.get(word)
    return found() if found else word


# "This post-mortem is {notice}": the marks as words inside a sentence.
_NOTICE = {
    "Draft": lambda: pgettext("post-mortem is", "a draft"),
    "In review": lambda: pgettext("post-mortem is", "in review"),
    "Internal": lambda: pgettext("post-mortem is", "internal"),
}


def postmortem_view(facts: Facts, pm: Postmortem) -> PostmortemView:
    ctx = facts.ctx
    url = urls.postmortem_url(pm.id)
    marks = postmortem_marks(pm)
    incidents = []
    for iid in pm.incidents:
        inc = ctx.model.incident_or_drill(iid)  # a drill only in internal builds (a public model has none)
        incidents.append(incident_link(url, inc) if inc is not None else Link(iid))
    event = event_start = None
    if pm.started_at is not None and pm.ended_at is not None:
        event = span_of(ctx, pm.started_at, pm.ended_at)
    elif pm.started_at is not None:
        event_start = time_of(ctx, pm.started_at)
    return PostmortemView(
        page=PageInfo(url, pm.title, labels=marks, description=pm.summary[:300], feeds=facts.feeds),
        title=pm.title,
        labels=marks,
        notice=_(" and ").join(_NOTICE[m]() for m in marks if m in _NOTICE),
        summary=render_short_markdown(pm.summary),
        status_text=status_label(pm.status),  # "Published", "In review"
        published=time_of(ctx, pm.published_at) if pm.published_at is not None else None,
        authors=_(", ").join(pm.authors),
        review_meeting=date_text(pm.review_meeting) if pm.review_meeting else "",
        follow_up_review=date_text(pm.follow_up_review) if pm.follow_up_review else "",
        incidents=tuple(incidents),
        factors=tuple(render_inline_markdown(f) for f in pm.contributing_factors),
        actions=action_rows(ctx, pm),
        parts=body_parts(pm.body),
        event=event,
        event_start=event_start,
        source=source_link(pm.source),
    )


@dataclass(frozen=True)
class PostmortemItem:
    link: Link
    labels: tuple[str, ...]
    summary: Markup  # sanitised Markdown
    published: Time | None  # None: "Not published"
    actions: str  # "3 of 4 action items closed, 1 overdue"


@dataclass(frozen=True)
class PostmortemsView:
    page: PageInfo
    items: tuple[PostmortemItem, ...]  # newest first


def _sort_key(ctx: SiteContext, pm: Postmortem) -> tuple[datetime, str]:
    if pm.published_at is not None:
        return pm.published_at, pm.id
    starts = [inc.started_at for iid in pm.incidents if (inc := ctx.model.incident(iid)) is not None]
    if pm.started_at is not None:
        starts.append(pm.started_at)
    return (max(starts) if starts else ctx.now), pm.id


def postmortems_view(facts: Facts) -> PostmortemsView:
    ctx = facts.ctx
    url = urls.postmortems_index_url()
    today = local_date(ctx.now, ctx.model.config.site.timezone)
    items = []
    for pm in sorted(ctx.visible_postmortems(), key=lambda p: _sort_key(ctx, p), reverse=True):
        done = sum(1 for a in pm.action_items if a.status in ("done", "wont_do"))
        overdue = sum(1 for a in pm.action_items if a.is_overdue(today))
        items.append(PostmortemItem(
            link=Link(pm.title, rel(url, urls.postmortem_url(pm.id))),
            labels=postmortem_marks(pm),
            summary=render_short_markdown(pm.summary),
            published=time_of(ctx, pm.published_at) if pm.published_at else None,
            actions=(ngettext("%(done)d of %(num)d action item closed", "%(done)d of %(num)d action items closed",
                              len(pm.action_items)) % {"done": done, "num": len(pm.action_items)}
                     + (_(", %(num)d overdue") % {"num": overdue} if overdue else "")),
        ))
    return PostmortemsView(PageInfo(url, _("Post-mortems"), toc=False, feeds=facts.feeds), tuple(items))
