"""Every front-matter and config schema, declared once.

Each :class:`Field` carries its documentation; the same declarations drive the
loader's type checks (``convert``), the unknown-key did-you-mean, the README's
content-format reference (``reference_markdown``) and the tests.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator import i18n
from generator import model as m
from generator.model import Problem
from generator.timeparse import TimestampError, parse_date, parse_duration, parse_timestamp
from generator.yamlsrc import Y


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # see CONVERTERS
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()
    internal: bool = False
    max_len: int | None = None
    item: Schema | None = None  # for "list_of" fields
    when: str = ""  # a conditional requirement, in words


@dataclass(frozen=True)
class Schema:
    name: str
    doc: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


# ---------------------------------------------------------------- content schemas

UPDATE = Schema("update", "One entry of `updates`, in time order.", (
    Field("at", "timestamp", "When the update was posted (RFC 3339 with offset).", required=True),
    Field("status", "enum", "Incident status from this moment. investigating, identified or monitoring after a "
          "resolved update reopens the incident.", required=True, choices=m.INCIDENT_STATUSES),
    Field("message", "text", "What customers read: what is happening and what is being done. Markdown (links, "
          "emphasis, code, lists); the API's `body` keeps it as written.", required=True, max_len=5000),
    Field("services", "update_impact_map", "Impact changes from this moment: service id -> impact, or operational "
          "when that service has recovered while the incident goes on."),
    Field("severity", "severity", "Escalation or de-escalation from this moment (SEV-1..SEV-4, P1..P4)."),
    Field("eta", "timestamp", "Expected resolution, shown while the incident is open."),
))

SOURCE = Schema("source", "`source:` where an imported item came from. Public: pages link to the original and "
                "the API's `shortlink` is `url`.", (
    Field("system", "enum", "statuspage | cstate | other: the system it was imported from.", required=True,
          choices=m.SOURCE_SYSTEMS),
    Field("id", "text", "The item's id in that system, kept as written.", required=True, max_len=200),
    Field("url", "contact_url", "The item's public page there (https:// or http://)."),
))

MAINTENANCE_UPDATE = Schema("maintenance update", "One entry of a maintenance window's `updates`.", (
    Field("at", "timestamp", "When the update was posted.", required=True),
    Field("status", "enum", "Maintenance status from this moment.", required=True, choices=m.MAINTENANCE_STATUSES),
    Field("message", "text", "What customers read (Markdown).", required=True, max_len=5000),
    Field("scheduled_end", "timestamp", "Moves the planned end from this update on (an extension, or an earlier "
          "end); the page shows the new end next to the original one."),
))

INCIDENT = Schema("incident", "`content/incidents/YYYY-MM-DD-slug.md`: one incident; the id is the file name.", (
    Field("title", "text", "Plain-text headline, at most 120 characters.", required=True, max_len=120),
    Field("severity", "severity", "Declared severity: SEV-1 (critical) to SEV-4 (low); P1..P4 are aliases.",
          required=True),
    Field("services", "impact_map", "Affected services: service id -> none (affected, no customer impact) | "
          "degraded_performance | partial_outage | major_outage. Empty or absent: a notice about no service, shown "
          "in history and counted against no uptime."),
    Field("started_at", "timestamp", "When customer impact began.", required=True),
    Field("detected_at", "timestamp_or_unknown", "When the team became aware, or `unknown` when no record says "
          "(imported history): never guess. Unknown times are left out of the detection and acknowledgement KPIs "
          "and counted as unknown.", required=True),
    Field("acknowledged_at", "timestamp_or_unknown", "When a responder took it on, or `unknown`.",
          when="required once any update is past investigating (`unknown` will do)"),
    Field("mitigated_at", "timestamp", "When customer impact ended (defaults to resolved_at)."),
    Field("resolved_at", "timestamp", "When the incident was resolved: the time of the last resolved update (after "
          "a reopening, the last resolution).", when="required iff the last update is resolved"),
    Field("duration_unknown", "bool", "The recorded resolution time is not the real one (e.g. history back-dated "
          "into another system with resolved_at equal to started_at): the duration is shown and counted as "
          "unknown, never as 0 s."),
    Field("detection", "enum", "How it was detected.", choices=m.DETECTIONS),
    Field("reported_by", "text", "Person, team or system that reported it.", max_len=200),
    Field("category", "category", "One of the categories in site_config.yml."),
    Field("commander", "text", "Incident lead.", internal=True, max_len=200),
    Field("novel", "bool", "A new failure mode (triggers a post-mortem).", internal=True),
    Field("error_messages", "text_list", "Related error messages, as logged.", internal=True),
    Field("updates", "list_of", "Updates in time order, at least one.", required=True, item=UPDATE),
    Field("source", "source", "Original id and link of an imported incident (see `source`)."),
    Field("drill", "bool", "A rehearsal (game day), not a real incident: validated like any other, with the same "
          "lifecycle times, but never published (no page, feed, API entry, badge, calendar entry or notification) "
          "and never counted in status, uptime, `diff` or the KPIs. The internal build lists it, marked Drill, "
          "in history and on /drills/, and the internal KPI page compares drills with real incidents. A "
          "post-mortem that names a drill must be `visibility: internal` (E045). Default false."),
))

MAINTENANCE = Schema("maintenance", "`content/maintenance/YYYY-MM-DD-slug.md`: a scheduled maintenance window.", (
    Field("title", "text", "Plain-text headline, at most 120 characters.", required=True, max_len=120),
    Field("services", "maintenance_map", "Services: id -> under_maintenance (or an impact word).", required=True),
    Field("scheduled_start", "timestamp", "Planned start.", required=True),
    Field("scheduled_end", "timestamp", "Planned end (after the start).", required=True),
    Field("cancelled", "bool", "The window was cancelled: it no longer counts and is marked cancelled."),
    Field("updates", "list_of", "Updates in time order (scheduled | in_progress | verifying | completed); the first "
          "in_progress moves the start, completed moves the end. Without a completed update the window ends at "
          "its planned end (as last moved by an update's scheduled_end).", item=MAINTENANCE_UPDATE),
    Field("source", "source", "Original id and link of an imported window (see `source`)."),
))

ACTION_ITEM = Schema("action item", "One entry of a post-mortem's `action_items`: a mapping, or (when "
                     "`postmortems.action_items` is `free_text`) a plain string, the item as written.", (
    Field("title", "text", "What will be done, starting with a verb (\"Add ...\", \"Route ...\").", required=True,
          max_len=200),
    Field("type", "enum", "prevent | mitigate | detect | process.", choices=m.ACTION_TYPES,
          when="required unless postmortems.action_items is free_text"),
    Field("owner", "text", "Team or person who owns it.", max_len=200,
          when="required unless postmortems.action_items is free_text"),
    Field("due", "date", "Due date (YYYY-MM-DD).", when="required unless postmortems.action_items is free_text"),
    Field("status", "enum", "open | in_progress | done | wont_do.", choices=m.ACTION_STATUSES,
          when="required unless postmortems.action_items is free_text"),
    Field("tracker", "text", "Link to the ticket.", max_len=500),
    Field("reason", "text", "Why it will not be done.", when="required when status is wont_do", max_len=1000),
))

POSTMORTEM = Schema("postmortem", "`content/postmortems/<incident-id>.md`: a blameless post-mortem.", (
    Field("title", "text", "Plain-text title, at most 120 characters.", required=True, max_len=120),
    Field("incidents", "id_list", "Incident ids it covers; each must exist. Empty or absent: a post-mortem of "
          "an event that had no status-page incident (then `started_at` is required)."),
    Field("started_at", "timestamp", "When the event began, for a post-mortem without incidents.",
          when="required when incidents is empty or absent"),
    Field("ended_at", "timestamp", "When the event ended, for a post-mortem without incidents (after started_at)."),
    Field("status", "enum", "draft | in_review | published; only published ones are built.", required=True,
          choices=m.POSTMORTEM_STATUSES),
    Field("visibility", "enum", "public | internal; internal ones only in the internal build.", required=True,
          choices=m.VISIBILITIES),
    Field("authors", "text_list", "Authors, at least one.", required=True),
    Field("published_at", "timestamp", "When it was published.", when="required when status is published"),
    Field("review_meeting", "date", "Date of the review meeting."),
    Field("follow_up_review", "date", "When the action items are reviewed again."),
    Field("summary", "text", "One to three sentences, used in feeds and indexes (Markdown).", required=True,
          max_len=1000),
    Field("contributing_factors", "text_list", "Contributing factors, at least one; framed as conditions, not people "
          "(Markdown).", required=True),
    Field("action_items", "action_items", "Follow-up work.", item=ACTION_ITEM),
    Field("source", "source", "Original id and link of an imported post-mortem (see `source`)."),
))

# ---------------------------------------------------------------- site_config.yml

# Text a reader sees may be one string or one per language: `name: {en: Payments API, de: Zahlungs-API}`.
LOCAL = (" Text, or one text per language (`{en: ..., de: ...}`): the site shows `site.language`'s, else its "
         "language without region, else `en`'s, else the first.")

SITE = Schema("site", "`site:` who the status page is for.", (
    Field("name", "local_text", "Page title, e.g. \"Acme Status\"." + LOCAL, required=True, max_len=100),
    Field("url", "url", "Public URL of the status site, ending with /.", required=True),
    Field("timezone", "timezone", "IANA time zone for display and day boundaries, e.g. Europe/Berlin.", required=True),
    Field("description", "local_text", "One line shown under the title and in feeds." + LOCAL, max_len=300),
    Field("language", "language", "The language of the site, its feeds, calendar, badges and notifications: a "
          "BCP 47 tag such as `de`, `fr`, `pt-BR` (default `en`). Dates and numbers follow it too. A tag with a "
          "region uses its language's catalog (`de-AT` -> `de`); see docs/i18n.md for the shipped languages."),
))

SERVICE = Schema("service", "One entry of `services:`.", (
    Field("id", "slug", "Stable id used in content files (lowercase, digits, -).", required=True),
    Field("name", "local_text", "Display name." + LOCAL, required=True, max_len=100),
    Field("group", "local_text", "Group heading on the home page." + LOCAL, required=True, max_len=100),
    Field("description", "local_text", "One line for customers." + LOCAL, max_len=300),
    Field("slo", "percent", "Availability objective in percent, e.g. 99.95."),
    Field("since", "date", "First day the service is tracked (00:00 in site.timezone)."),
))

SEVERITY = Schema("severity", "One entry of `severities:` (keys SEV-1..SEV-4).", (
    Field("label", "local_text", "Display label, e.g. Critical." + LOCAL, required=True, max_len=50),
    Field("response_target", "response_target", "Time to acknowledge: a duration (1h, 30m) or next_business_day.",
          required=True),
))

UPTIME = Schema("uptime", "`uptime:` how impact counts against availability.", (
    Field("weights", "weights", "Share of each impact that counts as downtime, 0..1."),
    Field("bars_days", "int", "How many daily bars the home page shows (default 90)."),
))

POLICY = Schema("postmortems", "`postmortems:` when a post-mortem is required and by when.", (
    Field("required_for", "severity_list", "Severities that always need a post-mortem."),
    Field("due_days", "due_days", "Days after resolution to publish, per severity plus `default`."),
    Field("late_detection", "duration", "Time to detect above which a post-mortem is required (e.g. 30m)."),
    Field("long_major_outage", "duration", "Major outage longer than this requires a post-mortem (e.g. 60m)."),
    Field("required_headings", "text_list", "Headings every post-mortem body must have (default: the eight of "
          "the template; `[]` for none)."),
    Field("action_items", "enum", "structured (default: type, owner, due and status required) | free_text "
          "(an item may be a plain string, and those four fields are optional).", choices=m.ACTION_ITEM_POLICIES),
    Field("policy_since", "date", "First day the post-mortem policy applies (YYYY-MM-DD): no W060 for incidents "
          "resolved before it, no W061 for post-mortems of events before it (imported history)."),
))

PUBLISH = Schema("publish", "`publish:` what the public site shows.", (
    Field("kpis", "enum", "public | internal: whether /kpis/ is on the public site.", choices=("public", "internal")),
    Field("severity", "bool", "Whether public pages, feeds and notifications show an incident's severity "
          "(`SEV-2 (Major)`) beside its impact (default false: customers read the impact). Internal builds "
          "always show it."),
))

STALE = Schema("stale", "`stale:` when `statuspress validate` warns that an open incident looks forgotten.", (
    Field("open_days", "int", "An incident still open after this many days is warning W090 (default 7)."),
    Field("update_hours", "int", "An open incident with no update for this many hours is warning W091 "
          "(default 24)."),
))

DRILL_GROUP = Schema("drill group", "One entry of `drills.groups:`: a service group's name (as in `services[].group`) "
                     "-> its own cadence.", (
    Field("cadence_days", "cadence", "Days between drills for this group (1..3650), or `false`: this group is held "
          "to no cadence.", required=True),
))

DRILLS = Schema("drills", "`drills:` how often each service group rehearses an incident. `statuspress validate` "
                "warns (W100) when a group's latest drill (a drill counts for the groups of the services it lists) "
                "started longer ago than its cadence, or it has never had one.", (
    Field("cadence_days", "int", "Days between drills, for every service group (1..3650). Absent: only the groups "
          "under `groups` are held to a cadence. A group that never had a drill counts from the earliest `since` "
          "of its services (a new service gets one cadence to have its first drill); with no `since` at all it is "
          "overdue at once."),
    Field("groups", "drill_groups", "Per service group: `{cadence_days: N}` overrides `cadence_days`, "
          "`{cadence_days: false}` exempts the group. Each name must be a group in `services`."),
))

# ---------------------------------------------------------------- notify:

NOTIFY_TYPES = ("slack", "teams", "discord", "webhook", "email")
ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
# Plausible, not RFC 5322: one @, no spaces or angle brackets, a dot in the domain.
EMAIL_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")

NOTIFY_CHANNEL = Schema("notify channel", "One entry of `notify:`: where `statuspress notify` sends what changed. "
                        "Secrets are never written here, only the names of the environment variables that hold them.", (
    Field("type", "enum", "slack (incoming webhook) | teams (Workflows webhook) | discord (channel webhook) | "
          "webhook (JSON in Statuspage's webhook shape) | email (SMTP).", required=True, choices=NOTIFY_TYPES),
    Field("name", "slug", "Key of this channel in the ledger (lowercase, digits, -); default `<type>-<variable>`. "
          "Renaming it makes the channel new: it then gets the events of the last --max-age again."),
    Field("url_env", "env_name", "Environment variable holding the webhook URL, e.g. SLACK_WEBHOOK_URL.",
          when="required for slack, teams, discord and webhook"),
    Field("secret_env", "env_name", "Environment variable holding the key for the X-Statuspress-Signature HMAC "
          "(webhook only)."),
    Field("smtp_url_env", "env_name", "Environment variable holding smtp://user:password@host:587 (STARTTLS) or "
          "smtps://user:password@host:465 (TLS).", when="required for email"),
    Field("from", "email", "Sender address (email only).", when="required for email"),
    Field("to", "email_list", "Recipient addresses (email only).", when="required for email"),
    Field("services", "id_list", "Only events about these service ids (default: every service); each must exist."),
    Field("timeout", "duration", "How long one delivery attempt may take (default 10s)."),
))

THEME = Schema("theme", "`theme:` branding of the site; every key is optional.", (
    Field("logo", "repo_path", "Logo in the header: a path in the repository to an SVG or PNG file, e.g. "
          "`branding/logo.svg`. Copied into the site."),
    Field("favicon", "repo_path", "Browser tab icon: a path in the repository to an SVG or PNG file. Copied into "
          "the site."),
    Field("primary_color", "color", "Header and link colour, `#rrggbb` or `#rgb`. The header's text on it is "
          "white, so it must reach 4.5:1 contrast with white (an error names a darker shade that does)."),
    Field("accent_color", "color", "Colour of links under the pointer and of focused controls, `#rrggbb` or "
          "`#rgb`; like `primary_color` it must reach 4.5:1 contrast with white."),
    Field("extra_css", "repo_path_list", "Your own stylesheets: paths in the repository to `.css` files, loaded "
          "after statuspress's, in this order."),
    Field("announcement", "inline_markdown", "One line of Markdown shown at the top of every page (links, "
          "emphasis and code only), e.g. `Planned database upgrade on **2 Dec**: [details](https://...)`.",
          max_len=300),
    Field("support_url", "contact_url", "A \"Contact support\" link in the header: an `https://`, `http://` or "
          "`mailto:` address."),
    Field("auto_refresh", "duration", "While an incident or maintenance is under way, pages look at "
          "`api/v2/status.json` this often (e.g. `1m`; at least 5s, at most 1h) and reload when it changed. "
          "Off when absent. Only where JavaScript runs; the page is complete without it."),
    Field("subscribe_url", "contact_url", "Where people sign up for email or chat updates from an outside service "
          "(an `https://`, `http://` or `mailto:` address); the Subscribe page links to it first."),
))

CONFIG = Schema("site_config.yml", "The status site's configuration.", (
    Field("site", "section", "Who the status page is for.", required=True),
    Field("services", "services", "The services, in display order.", required=True),
    Field("severities", "severities", "Severity labels and response targets (ITIL defaults)."),
    Field("categories", "text_list", "Allowed incident categories."),
    Field("uptime", "section", "Uptime weights and bars."),
    Field("postmortems", "section", "Post-mortem policy."),
    Field("publish", "section", "Publishing choices."),
    Field("stale", "section", "When an open incident is reported as forgotten (W090, W091)."),
    Field("notify", "notify", "Channels `statuspress notify` sends to (Slack, Teams, Discord, webhook, email)."),
    Field("theme", "section", "Branding: logo, favicon, colours, stylesheets, announcement, support and subscribe "
          "links."),
    Field("drills", "section", "How often each service group holds an incident drill (W100 when overdue)."),
))

SECTIONS: dict[str, Schema] = {"site": SITE, "uptime": UPTIME, "postmortems": POLICY, "publish": PUBLISH, "theme": THEME,
                             "stale": STALE, "drills": DRILLS}

CONTENT_SCHEMAS = (INCIDENT, UPDATE, MAINTENANCE, MAINTENANCE_UPDATE, POSTMORTEM, ACTION_ITEM, SOURCE)
CONFIG_SCHEMAS = (CONFIG, SITE, SERVICE, SEVERITY, UPTIME, POLICY, PUBLISH, STALE, DRILLS, DRILL_GROUP, THEME,
                  NOTIFY_CHANNEL)

INTERNAL_FIELDS = tuple(f.name for f in INCIDENT.fields if f.internal)


# ---------------------------------------------------------------- conversion


class Collector:
    """Gathers problems for one file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(self, line: int, code: str, message: str, hint: str = "", level: str = "error") -> None:
        self.problems.append(Problem(self.path, line, code, message, hint, level))


def did_you_mean(word: str, options: tuple[str, ...] | list[str]) -> str:
    folded = [o for o in options if o.casefold() == word.casefold()]
    if folded:  # only the case differs: that is the answer, whatever the edit distance says
        return f"did you mean '{folded[0]}'?"
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(options)}"


# Words people use for a severity: a hint only, never accepted (the scale must stay explicit).
SEVERITY_WORDS = {"critical": "SEV-1", "urgent": "SEV-1", "major": "SEV-2", "high": "SEV-2",
                  "moderate": "SEV-3", "medium": "SEV-3", "minor": "SEV-4", "low": "SEV-4"}


def severity_hint(word: str) -> str:
    """What to write instead of an unknown severity."""
    scale = "severities are SEV-1 (most severe) to SEV-4; P1..P4 are aliases"
    key = word.strip().casefold()
    if key in SEVERITY_WORDS:
        return f"did you mean '{SEVERITY_WORDS[key]}'? ({scale})"
    if re.fullmatch(r"(?:sev-?|p)[0-9]+", key):  # SEV-0, SEV-5, P0: a number off the scale, not a typo
        return f"{word.strip()} is not on the scale: {scale}"
    close = difflib.get_close_matches(word.strip().upper(), list(m.SEVERITIES), n=2, cutoff=0.6)
    ratio = [difflib.SequenceMatcher(None, word.strip().upper(), c).ratio() for c in close]
    if len(close) == 2 and ratio[0] == ratio[1]:  # "SEV-l" is as close to SEV-4 as to SEV-1: do not guess
        close = []
    return (f"did you mean '{close[0]}'? " if close else "") + f"({scale})"


def _type_error(c: Collector, y: Y, f: Field, wanted: str, where: str) -> None:
    got = {"map": "a mapping", "seq": "a list", "null": "empty"}.get(y.kind, f"{y.kind} {y.raw!r}")
    c.add(y.line, "E016", f"{where}{f.name} must be {wanted}, got {got}", f"write {f.name} as {wanted}")


# C0 and C1 controls other than tab and line breaks.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
# Bidirectional controls: one unclosed override in a title reverses the text after it on the page.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _text(c: Collector, y: Y, f: Field, where: str) -> str | None:
    if y.kind in ("map", "seq", "null"):
        _type_error(c, y, f, "text", where)
        return None
    text = str(y.raw if y.kind != "str" else y.value)
    if not text.strip():
        c.add(y.line, "E019", f"{where}{f.name} is empty", f"write a value for {f.name}")
        return None
    bad = _CONTROL.search(text)
    if bad:  # only reachable through YAML escapes ("\x08"); pages, feeds and XML cannot carry it
        c.add(y.line, "E019", f"{where}{f.name} contains the control character U+{ord(bad.group()):04X}",
              "remove it")
        return None
    bidi = BIDI_CONTROLS.search(text)
    if bidi:
        c.add(y.line, "E019", f"{where}{f.name} contains the bidirectional control U+{ord(bidi.group()):04X}, "
              "which can reorder the text shown after it", "remove it: plain-text fields are shown as written")
        return None
    if f.max_len and len(text) > f.max_len:
        c.add(y.line, "E019", f"{where}{f.name} is {len(text)} characters, more than {f.max_len}",
              f"shorten it to {f.max_len} characters")
        return None
    if f.name == "title" and ("\n" in text.strip()):
        c.add(y.line, "E019", f"{where}title spans several lines", "write the title on one line")
        return None
    return text


def _timestamp(c: Collector, y: Y, f: Field, where: str) -> Any:
    if y.kind in ("map", "seq", "null", "bool"):
        _type_error(c, y, f, "an RFC 3339 timestamp", where)
        return None
    try:
        return parse_timestamp(str(y.raw if y.raw else y.value))
    except TimestampError as exc:
        c.add(y.line, exc.code, f"{where}{f.name}: {exc.message}", exc.hint)
        return None


def _date(c: Collector, y: Y, f: Field, where: str) -> Any:
    if y.kind != "str":
        _type_error(c, y, f, "a date (YYYY-MM-DD)", where)
        return None
    try:
        return parse_date(y.value)
    except TimestampError as exc:
        code = "E021" if exc.code == "E013" else exc.code
        c.add(y.line, code, f"{where}{f.name}: {exc.message}", exc.hint)
        return None


def _enum(c: Collector, y: Y, f: Field, where: str) -> Any:
    if y.kind not in ("str",):
        _type_error(c, y, f, f"one of {', '.join(f.choices)}", where)
        return None
    if y.value not in f.choices:
        c.add(y.line, "E017", f"{where}{f.name} '{y.value}' is not allowed", did_you_mean(y.value, f.choices))
        return None
    return y.value


def normalise_severity(value: str) -> str | None:
    v = value.strip().upper()
    if v in m.SEVERITIES:
        return v
    if v in m.SEVERITY_ALIASES:
        return m.SEVERITY_ALIASES[v]
    if v.startswith("SEV") and v[3:].isdigit():
        return normalise_severity(f"SEV-{v[3:]}")
    return None


def _severity(c: Collector, y: Y, f: Field, where: str) -> Any:
    if y.kind != "str":
        _type_error(c, y, f, "a severity (SEV-1..SEV-4)", where)
        return None
    sev = normalise_severity(y.value)
    if sev is None:
        c.add(y.line, "E017", f"{where}{f.name} '{y.value}' is not a severity", severity_hint(y.value))
    return sev


def _impact_map(c: Collector, y: Y, f: Field, where: str, allowed: tuple[str, ...], allow_empty: bool = False
                ) -> Any:
    if allow_empty and y.kind in ("null", "seq") and not y.value:
        return {}  # `services:` or `services: []`: a notice about no service
    if y.kind != "map":
        _type_error(c, y, f, "a mapping of service id -> impact", where)
        return None
    out: dict[str, str] = {}
    for sid, v in y.value.items():
        if v.kind != "str" or v.value not in allowed:
            shown = v.raw if v.kind != "str" else v.value
            c.add(v.line, "E018", f"{where}{f.name}.{sid}: impact '{shown}' is not allowed",
                  did_you_mean(str(shown), allowed))
            continue
        out[sid] = v.value
    if not y.value and not allow_empty:
        c.add(y.line, "E010", f"{where}{f.name} lists no service", "name at least one service id")
        return None
    return out


UNKNOWN = "unknown"


def _timestamp_or_unknown(c: Collector, y: Y, f: Field, where: str) -> Any:
    """A timestamp, or the word ``unknown`` (kept as the string)."""
    if y.kind == "str" and y.value.strip() == UNKNOWN:
        return UNKNOWN
    return _timestamp(c, y, f, where)


def _source(c: Collector, y: Y, f: Field, where: str) -> Any:
    if y.kind != "map":
        _type_error(c, y, f, "a mapping with system, id and url", where)
        return None
    values = convert(c, SOURCE, y, f"{where}source.")
    url = values.get("url")
    if url is not None and not re.match(r"^https?://[^\s<>\"']+$", url):
        c.add(y.value["url"].line, "E016", f"{where}source.url '{url}' is not an http(s) address",
              "write the original page's address, e.g. https://www.githubstatus.com/incidents/abc123")
        return None
    if not {"system", "id"} <= values.keys():
        return None
    return m.Source(values["system"], values["id"], url)


def _action_items(c: Collector, y: Y, f: Field, where: str) -> Any:
    """Like ``list_of``, but a plain string is a free-text item (the policy check is in validate)."""
    if y.kind != "seq":
        _type_error(c, y, f, "a list", where)
        return None
    assert f.item is not None
    out: list[tuple[dict[str, Any], Y] | None] = []
    for i, item in enumerate(y.value):
        if item.kind == "map":
            out.append((convert(c, f.item, item, f"{where}{f.name}[{i + 1}]."), item))
        elif item.kind in ("str", "int", "float"):
            text = _text(c, item, Field(f"{f.name}[{i + 1}]", "text", "", max_len=2000), where)
            out.append(({"title": text, "free_text": True}, item) if text is not None else None)
        else:
            c.add(item.line, "E016", f"{where}{f.name}[{i + 1}] must be a mapping or a line of text",
                  "write '- title: ...' with its fields, or (postmortems.action_items: free_text) '- the item'")
            out.append(None)
    return out


def _bool(c: Collector, y: Y, f: Field, where: str) -> Any:
    if y.kind != "bool":
        _type_error(c, y, f, "true or false", where)
        return None
    return y.value


def _text_list(c: Collector, y: Y, f: Field, where: str) -> Any:
    if y.kind == "str" and f.name in ("authors", "error_messages"):
        return (y.value,)  # a single author is fine without brackets
    if y.kind != "seq":
        _type_error(c, y, f, "a list", where)
        return None
    out = []
    for item in y.value:
        text = _text(c, item, Field(f"{f.name}[]", "text", "", max_len=2000), where)
        if text is not None:
            out.append(text)
    return tuple(out)


def _id_list(c: Collector, y: Y, f: Field, where: str) -> Any:
    if y.kind == "str":
        return (y.value,)
    return _text_list(c, y, f, where)


def _list_of(c: Collector, y: Y, f: Field, where: str) -> Any:
    if y.kind != "seq":
        _type_error(c, y, f, "a list", where)
        return None
    out: list[tuple[dict[str, Any], Y] | None] = []
    assert f.item is not None
    for i, item in enumerate(y.value):
        sub_where = f"{where}{f.name}[{i + 1}]."
        if item.kind != "map":
            c.add(item.line, "E016", f"{where}{f.name}[{i + 1}] must be a mapping with "
                  f"{', '.join(x.name for x in f.item.fields if x.required)}", "start each entry with '- key: value'")
            out.append(None)
            continue
        out.append((convert(c, f.item, item, sub_where), item))
    return out


def _number(c: Collector, y: Y, f: Field, where: str) -> Any:
    if y.kind not in ("int", "float"):
        _type_error(c, y, f, "a number", where)
        return None
    return float(y.value)


def _percent(c: Collector, y: Y, f: Field, where: str) -> Any:
    v = _number(c, y, f, where)
    if v is not None and not 0 < v <= 100:
        c.add(y.line, "E016", f"{where}{f.name} {v} is not a percentage in (0, 100]", "write e.g. 99.95")
        return None
    return v


def _int(c: Collector, y: Y, f: Field, where: str) -> Any:
    if y.kind != "int":
        _type_error(c, y, f, "a whole number", where)
        return None
    if not 1 <= y.value <= 3650:
        c.add(y.line, "E016", f"{where}{f.name} {y.value} is out of range", "use 1..3650")
        return None
    return y.value


NO_CADENCE = 0  # ``cadence_days: false``: what ``_cadence`` returns (a real cadence is 1..3650)


def _cadence(c: Collector, y: Y, f: Field, where: str) -> Any:
    if y.kind == "bool" and y.value is False:
        return NO_CADENCE
    return _int(c, y, f, where)


def _duration(c: Collector, y: Y, f: Field, where: str) -> Any:
    try:
        return parse_duration(str(y.raw if y.raw else y.value))
    except TimestampError as exc:
        c.add(y.line, exc.code, f"{where}{f.name}: {exc.message}", exc.hint)
        return None


def _env_name(c: Collector, y: Y, f: Field, where: str) -> Any:
    text = _text(c, y, f, where)
    if text is not None and not ENV_NAME.match(text):
        c.add(y.line, "E072", f"{where}{f.name} '{text}' is not an environment variable name",
              "name the variable, e.g. SLACK_WEBHOOK_URL (A-Z, 0-9, _), and keep its value out of the repository")
        return None
    return text


def _email(c: Collector, y: Y, f: Field, where: str) -> Any:
    text = _text(c, y, f, where)
    if text is not None and not EMAIL_ADDRESS.match(text):
        c.add(y.line, "E073", f"{where}{f.name} '{text}' is not an email address", "write e.g. status@example.com")
        return None
    return text


def _email_list(c: Collector, y: Y, f: Field, where: str) -> Any:
    items = [y] if y.kind == "str" else y.value if y.kind == "seq" else None
    if items is None:
        _type_error(c, y, f, "a list of email addresses", where)
        return None
    out = [_email(c, item, Field(f"{f.name}[]", "email", ""), where) for item in items]
    if not items:
        c.add(y.line, "E010", f"{where}{f.name} lists no address", "name at least one recipient")
    return tuple(a for a in out if a is not None) if all(out) and items else None


@dataclass(frozen=True)
class LocalText:
    """Text given per language (``{en: Payments API, de: Zahlungs-API}``), before the site's language picks one."""

    values: tuple[tuple[str, str], ...]  # (tag as written, text), in file order
    line: int
    key_lines: tuple[tuple[str, int], ...]


def _local_text(c: Collector, y: Y, f: Field, where: str) -> Any:
    if y.kind != "map":
        return _text(c, y, f, where)
    values, ok = [], True
    for tag, item in y.value.items():
        line = y.key_lines.get(tag, item.line)
        if i18n.parse_locale(str(tag)) is None:
            c.add(line, "E075", f"{where}{f.name}: '{tag}' is not a language tag",
                  "write a BCP 47 tag such as en, de, fr or pt-BR as the key of each text")
            ok = False
            continue
        text = _text(c, item, Field(f"{f.name}.{tag}", "text", f.doc, max_len=f.max_len), where)
        if text is None:
            ok = False
        else:
            values.append((str(tag), text))
    if not y.value:
        c.add(y.line, "E019", f"{where}{f.name} is empty", f"write a text for {f.name}, e.g. {{en: ...}}")
        return None
    if not ok:
        return None
    return LocalText(tuple(values), y.line, tuple((str(k), v) for k, v in y.key_lines.items()))


def pick_text(c: Collector, value: Any, language: str, where: str) -> str:
    """The text of ``value`` (a string or :class:`LocalText`) for ``language``; warns when it has none."""
    if not isinstance(value, LocalText):
        return value
    by_tag = {tag.casefold(): text for tag, text in value.values}
    loc = i18n.parse_locale(language)
    wanted = [language.casefold()] + ([loc.language.casefold()] if loc is not None else [])
    for tag in wanted:
        if tag in by_tag:
            return by_tag[tag]
    # Per language, not per region: "de" serves "de-AT", and "de-AT" serves a site in "de".
    for tag, text in value.values:
        found = i18n.parse_locale(tag)
        if found is not None and loc is not None and found.language == loc.language:
            return text
    fallback_tag, fallback = next(((t, x) for t, x in value.values if t.casefold() == "en"), value.values[0])
    c.add(value.line, "W075", f"{where} has no '{language}' text (site.language); showing the '{fallback_tag}' one",
          f"add '{language}: ...' beside {', '.join(t for t, _ in value.values)}", level="warning")
    return fallback


def _language(c: Collector, y: Y, f: Field, where: str) -> Any:
    text = _text(c, y, f, where)
    if text is None:
        return None
    shipped = ", ".join(i18n.shipped())
    if i18n.parse_locale(text) is None:
        c.add(y.line, "E074", f"{where}{f.name} '{text}' is not a language tag Babel knows",
              f"write a BCP 47 tag; statuspress ships {shipped}")
        return None
    if i18n.catalog_for(text) is None:
        c.add(y.line, "E074", f"{where}{f.name} '{text}' has no message catalog",
              f"use one of {shipped}, or add the language (docs/i18n.md: scripts/update_catalogs.py --add {text})")
        return None
    return text


def _passthrough(c: Collector, y: Y, f: Field, where: str) -> Any:
    return y  # sections and service lists are converted by the config loader


CONVERTERS: dict[str, Callable[[Collector, Y, Field, str], Any]] = {
    "text": _text,
    "local_text": _local_text,
    "language": _language,
    "url": _text,
    "repo_path": _text,  # existence, place and kind: generator/site/branding.py
    "repo_path_list": _text_list,
    "color": _text,
    "inline_markdown": _text,
    "contact_url": _text,
    "slug": _text,
    "timezone": _text,
    "category": _text,
    "timestamp": _timestamp,
    "date": _date,
    "enum": _enum,
    "severity": _severity,
    "impact_map": lambda c, y, f, w: _impact_map(c, y, f, w, m.INCIDENT_IMPACTS, allow_empty=True),
    "timestamp_or_unknown": _timestamp_or_unknown,
    "source": _source,
    "action_items": _action_items,
    "update_impact_map": lambda c, y, f, w: _impact_map(c, y, f, w, ("operational", *m.INCIDENT_IMPACTS)),
    "maintenance_map": lambda c, y, f, w: _impact_map(c, y, f, w, ("under_maintenance", *m.IMPACTS)),
    "bool": _bool,
    "text_list": _text_list,
    "severity_list": _text_list,
    "id_list": _id_list,
    "list_of": _list_of,
    "number": _number,
    "percent": _percent,
    "int": _int,
    "duration": _duration,
    "response_target": _passthrough,
    "weights": _passthrough,
    "due_days": _passthrough,
    "section": _passthrough,
    "services": _passthrough,
    "severities": _passthrough,
    "notify": _passthrough,
    "drill_groups": _passthrough,
    "cadence": _cadence,
    "env_name": _env_name,
    "email": _email,
    "email_list": _email_list,
}


def convert(c: Collector, schema: Schema, y: Y, where: str = "") -> dict[str, Any]:
    """Check a mapping against a schema; return the converted values that passed."""
    out: dict[str, Any] = {}
    for key, value in y.value.items():
        f = schema.field(key)
        if f is None:
            c.add(y.key_lines.get(key, value.line), "E011", f"{where}unknown key '{key}' in {schema.name}",
                  did_you_mean(key, schema.names))
            continue
        if value.kind == "null" and not f.required and f.type not in ("text", "local_text"):
            continue  # an explicit empty optional value means "not set"
        converted = CONVERTERS[f.type](c, value, f, where)
        if converted is not None:
            out[key] = converted
    for f in schema.fields:
        if f.required and f.name not in y.value:
            c.add(y.line, "E010", f"{where}missing required field '{f.name}' in {schema.name}",
                  f"add '{f.name}:' ({f.doc})")
    return out


# ---------------------------------------------------------------- reference docs


def reference_markdown(schemas: tuple[Schema, ...] = CONTENT_SCHEMAS + CONFIG_SCHEMAS) -> str:
    """The content-format reference as Markdown tables (kept in the README, checked by a test)."""
    parts = []
    for schema in schemas:
        parts.append(f"#### {schema.name}\n\n{schema.doc}\n\n| field | required | meaning |\n| --- | --- | --- |")
        for f in schema.fields:
            req = "yes" if f.required else (f.when or "no")
            doc = f.doc + (" *Internal: never published.*" if f.internal else "")
            if f.choices and "|" not in f.doc and " or " not in f.doc:
                doc += f" One of: {', '.join(f.choices)}."
            parts.append(f"| `{f.name}` | {req} | {doc.replace('|', '&#124;')} |")
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"
