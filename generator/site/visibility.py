"""What a build may show: the one place that decides public versus internal.

Every machine-readable output (feeds, API, badges, ICS) and the HTML pages
take a :class:`SiteContext` and ask it what is visible, so that the rule
"the public build never contains an internal field or an unpublished or
internal post-mortem" is written once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator import i18n
from generator.model import Incident, Maintenance, Model, Postmortem
from generator.words import STATUS_LABELS, status_label  # noqa: F401  (words live in generator.words)

# Characters XML 1.0 cannot carry at all (YAML lets "\x01" through in double quotes).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML cannot represent (escaping is still the caller's job)."""
    return _NOT_XML.sub("", text)




# Names of the Incident fields that never leave an internal build.
INTERNAL_INCIDENT_FIELDS = ("commander", "novel", "error_messages")


@dataclass(frozen=True)
class SiteContext:
    """Inputs shared by every renderer.

    ``now`` is the build's moment (aware; normalised to UTC). ``base_url`` is
    where the site is served, absolute, ending in ``/`` (added if missing).
    ``internal`` builds may show internal fields and internal post-mortems;
    ``drafts`` builds also show draft and in-review post-mortems.
    ``root`` is the repository: its ``theme/statuspress/`` templates override
    the bundled page and feed-entry templates (``None``: bundled only).
    """

    model: Model
    now: datetime
    base_url: str
    internal: bool = False
    drafts: bool = False
    root: Path | None = None

    def __post_init__(self) -> None:
        if self.now.tzinfo is None or self.now.utcoffset() is None:
            # A naive "now" would make every comparison with content ambiguous.
            raise ValueError("SiteContext.now must be timezone-aware")
        object.__setattr__(self, "now", self.now.astimezone(UTC))
        if not self.internal:
            # Everything a public build computes (KPIs, policy counts, search) starts from public
            # data only, so no internal field or hidden post-mortem can move a public figure.
            object.__setattr__(self, "model", public_model(self.model, self.drafts))
        if not self.base_url.endswith("/"):
            object.__setattr__(self, "base_url", self.base_url + "/")

    # ------------------------------------------------------------ site facts

    @property
    def host(self) -> str:
        """Host of ``site.url``: the authority of tag URIs, ICS UIDs and the page id.

        Taken from the configured site URL, not ``base_url``, so that ids stay
        the same for preview builds served elsewhere.
        """
        return (urlsplit(self.model.config.site.url).hostname or "statuspress.invalid").lower()

    @property
    def tz(self) -> ZoneInfo:
        """The display time zone (``site.timezone``), UTC if it is unknown."""
        try:
            return ZoneInfo(self.model.config.site.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    @property
    def kpis_public(self) -> bool:
        """Whether this build shows the KPI page."""
        return self.model.config.publish_kpis == "public" or self.internal

    def display_time(self, value: datetime) -> str:
        """``14 Mar 2026, 10:30 CET``: a moment for people, in ``site.timezone``."""
        # Month names from a table or CLDR, not strftime: %b follows the process locale.
        return i18n.format_moment(value.astimezone(self.tz))

    def service_name(self, service_id: str) -> str:
        svc = self.model.config.service(service_id)
        return svc.name if svc is not None else service_id

    @property
    def show_severity(self) -> bool:
        """Severity is shown to customers only when ``publish.severity`` says so; internal builds always show it."""
        return self.internal or self.model.config.publish_severity

    def severity_text(self, severity: str) -> str:
        """``SEV-2 (Major)`` with the configured label."""
        level = self.model.config.severities.get(severity)
        return f"{severity} ({level.label})" if level is not None and level.label else severity

    # ------------------------------------------------------------ visibility

    def postmortem_visible(self, pm: Postmortem) -> bool:
        published_ok = pm.status == "published" or self.drafts
        visibility_ok = (pm.visibility == "public" and not self.model.covers_drill(pm)) or self.internal
        return published_ok and visibility_ok

    def visible_postmortems(self) -> tuple[Postmortem, ...]:
        """Published public ones always; internal ones only when internal; drafts only with drafts."""
        return tuple(pm for pm in self.model.postmortems if self.postmortem_visible(pm))

    def visible_postmortems_for(self, incident_id: str) -> tuple[Postmortem, ...]:
        return tuple(pm for pm in self.model.postmortems_for(incident_id) if self.postmortem_visible(pm))

    def incident_internal_fields(self, inc: Incident) -> dict[str, object] | None:
        """The internal fields of ``inc`` for an internal build; ``None`` in a public one.

        Callers put the result under a key or heading marked internal; public
        outputs get ``None`` and so have nothing to leak.
        """
        if not self.internal:
            return None
        return {
            "commander": inc.commander,
            "novel": inc.novel,
            "error_messages": list(inc.error_messages),
        }

    def public_incident_dict(self, inc: Incident) -> dict[str, object]:
        """The incident's fields that any build may show (plus ``internal`` when internal).

        Built from an allow-list, so a field added to the model later stays
        out of the public outputs until someone decides it is public.
        """
        out: dict[str, object] = {
            "id": inc.id,
            "title": inc.title,
            "severity": inc.max_severity,
            "services": dict(inc.services),
            "status": inc.status,
            "started_at": inc.started_at,
            "detected_at": inc.detected_at,
            "acknowledged_at": inc.acknowledged_at,
            "mitigated_at": inc.mitigated_at,
            "resolved_at": inc.resolved_at,
            "detection": inc.detection,
            "reported_by": inc.reported_by,
            "category": inc.category,
            "updates": [
                {"at": u.at, "status": u.status, "message": u.message, "services": dict(u.services),
                 "severity": u.severity, "eta": u.eta}
                for u in inc.updates
            ],
        }
        internal = self.incident_internal_fields(inc)
        if internal is not None:
            out["internal"] = internal
        return out

    # ------------------------------------------------------------ time

    def content_updated_at(self) -> datetime:
        """The latest moment anything on the site changed, at or before ``now``.

        Used where an output needs an "updated" time: derived from content so
        that two builds of the same input are identical (never the clock).
        Falls back to ``now`` for a site with no content yet.
        """
        return self._content_updated_at

    @cached_property
    def _content_updated_at(self) -> datetime:
        # Every feed asks; going through all content once per build is enough.
        times: list[datetime] = []
        for inc in self.model.incidents:
            times.extend(_incident_times(inc))
        for m in self.model.maintenance:
            times.extend(_maintenance_times(m))
        for pm in self.visible_postmortems():
            if pm.published_at is not None:
                times.append(pm.published_at)
        past = [t for t in times if t <= self.now]
        return max(past) if past else self.now


# The public copy of each incident, kept while the incident object is alive (``serve`` reuses
# unchanged incidents, and their pages, by identity): original id -> (original, copy).
_PUBLIC_COPIES: dict[int, tuple[Incident, Incident]] = {}


def public_incident(inc: Incident) -> Incident:
    """``inc`` without its internal fields (the same object if it has none)."""
    if not (inc.novel or inc.commander is not None or inc.error_messages):
        return inc
    kept = _PUBLIC_COPIES.get(id(inc))
    if kept is not None and kept[0] is inc:
        return kept[1]
    copy = replace(inc, novel=False, commander=None, error_messages=())
    _PUBLIC_COPIES[id(inc)] = (inc, copy)
    return copy


def public_model(model: Model, drafts: bool = False) -> Model:
    """What a public build may know: incidents without internal fields, public post-mortems only, no drills.

    ``drafts``: draft and in-review post-mortems stay (a preview), internal ones never.
    A post-mortem that names a drill is internal whatever it says (validation makes that
    an error, E045; this keeps it out even of a build that skipped validation).
    """
    incidents = tuple(public_incident(inc) for inc in model.incidents)
    live = {id(inc) for inc in model.incidents}
    for key in [k for k in _PUBLIC_COPIES if k not in live]:
        del _PUBLIC_COPIES[key]
    postmortems = tuple(pm for pm in model.postmortems
                        if pm.visibility == "public" and (pm.status == "published" or drafts)
                        and not model.covers_drill(pm))
    if (len(postmortems) == len(model.postmortems) and not model.drills
            and all(a is b for a, b in zip(incidents, model.incidents, strict=True))):
        return model
    return replace(model, incidents=incidents, postmortems=postmortems, drills=())


def _incident_times(inc: Incident) -> list[datetime]:
    times = [inc.started_at]
    times.extend(u.at for u in inc.updates)
    for t in (inc.mitigated_at, inc.resolved_at):
        if t is not None:
            times.append(t)
    return times


def _maintenance_times(m: Maintenance) -> list[datetime]:
    times = [u.at for u in m.updates]
    if not m.cancelled:
        # A window starting or ending changes what the page says, update or not.
        times.extend([m.effective_start, m.effective_end])
    return times
