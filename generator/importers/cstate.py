"""A cState site (Hugo) -> statuspress content. Pure, no I/O.

Input: the text of ``config.yml`` and ``(file name, text)`` for each ``content/issues/*.md``.
Systems become services (their category is the group); each issue becomes an incident whose
updates come from the ``track`` shortcode and from labelled sections ("[Initial message]",
"*Investigating* -", "**Update at 14:00**", "[Final Message]" ...).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from generator.importers.common import (
    ImportResult,
    Reporter,
    ServiceSpec,
    SiteSpec,
    clean_text,
    content_file,
    future_times,
    unique_id,
    utc,
)
from generator.slug import slugify

SEVERITY = {"down": ("SEV-2", "major_outage"), "disrupted": ("SEV-3", "partial_outage"), "notice": ("SEV-4", "none")}
MESSAGE_MAX = 5000
TITLE_MAX = 120


_LABEL_STATUS = {
    "initial": "investigating", "initial message": "investigating", "investigating": "investigating",
    "open": "investigating", "open issue": "investigating", "begin": "investigating", "started": "investigating",
    "identified": "identified", "monitoring": "monitoring",
    "update": "", "updated": "", "edit": "",
    "final": "resolved", "final message": "resolved", "closing": "resolved", "closing message": "resolved",
    "close": "resolved", "close issue": "resolved", "closed": "resolved", "resolved": "resolved",
    "fixed": "resolved", "done": "resolved", "end": "resolved", "ended": "resolved",
}
_TIME_TEXT = r"(\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:Z|UTC|[+-]\d{2}:?\d{2}))?)"
# "[Update - 2023-01-02 10:00]", "**Update at 2023-...**", "*Investigating* -", "[Final message] text"
_LABEL = re.compile(
    r"^\s*(?:\[|\*{1,2}|_{1,2})\s*(?P<word>[A-Za-z](?:[A-Za-z ]{0,20}?[A-Za-z])?)\b\s*(?P<n>\d+)?"
    rf"\s*(?:(?:-|\bat\b|@|:)\s*(?P<time>{_TIME_TEXT}|[^\]*_]*?))?\s*(?:\]|\*{{1,2}}|_{{1,2}})\s*[-:—]?\s*(?P<rest>.*)$")
_TRACK = re.compile(r"\{\{[<%]\s*track\s+\"([^\"]*)\"\s*[>%]\}\}")
_SHORTCODE = re.compile(r"\{\{[<%].*?[>%]\}\}")
_FRONT = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)(.*)\Z", re.DOTALL)


def parse_local(text: Any, zone: ZoneInfo) -> tuple[datetime | None, bool]:
    """(UTC time, was naive). cState writes '2021-06-01 10:00:00', '2021-06-01T10:00:00-00:00' and 'Z'."""
    if not isinstance(text, str) or not text.strip():
        return None, False
    raw = re.sub(r"\s*UTC$", "+00:00", text.strip()).replace("Z", "+00:00")
    raw = re.sub(r"^(\d{4}-\d{2}-\d{2}) (\d)", r"\1T\2", raw)
    raw = re.sub(r"T(\d):", r"T0\1:", raw)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        return None, False
    naive = value.tzinfo is None
    if naive:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC).replace(microsecond=0), naive


def _load_yaml(text: str) -> Any:
    # BaseLoader: every scalar stays a string, so dates are read by parse_local, not guessed.
    return yaml.load(text, Loader=yaml.BaseLoader)  # noqa: S506 (BaseLoader builds no objects)


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("true", "yes", "on", "1")


def _sections(body: str) -> list[tuple[str | None, str | None, str, str]]:
    """(status or "" for a plain update, time text, label as written, text) per labelled section.

    Text before the first label is a section with status None.
    """
    out: list[tuple[str | None, str | None, str, list[str]]] = [(None, None, "", [])]
    for line in body.split("\n"):
        m = _LABEL.match(line)
        word = m.group("word").strip().lower() if m else ""
        if m and word in _LABEL_STATUS:
            time = m.group("time")
            out.append((_LABEL_STATUS[word], time if time and re.match(_TIME_TEXT, time) else None,
                        line.strip(), [m.group("rest")] if m.group("rest") else []))
        else:
            out[-1][3].append(line)
    return [(s, t, label, "\n".join(lines)) for s, t, label, lines in out]


def _message(text: str) -> str:
    return clean_text(_SHORTCODE.sub("", _TRACK.sub("", text)))


def import_cstate(config_text: str, issues: list[tuple[str, str]], mapping: dict[str, str] | None = None,
                  existing_services: set[str] | None = None, now: datetime | None = None) -> ImportResult:
    mapping = dict(mapping or {})
    existing = set(existing_services or ())
    report = Reporter()
    config: Any
    try:
        config = _load_yaml(config_text) or {}
    except yaml.YAMLError as exc:
        report.add("config.yml", "I001", f"not valid YAML: {str(exc).splitlines()[0]}")
        config = {}
    if not isinstance(config, dict):
        report.add("config.yml", "I001", "not a mapping")
        config = {}
    params: Any = config.get("params") if isinstance(config.get("params"), dict) else {}
    zone_name = config.get("timeZone") or params.get("timezone") or "UTC"
    try:
        zone = ZoneInfo(str(zone_name))
    except (ZoneInfoNotFoundError, ValueError):
        report.add("config.yml", "I002", f"timeZone {zone_name!r} is unknown; naive times read as UTC")
        zone_name, zone = "UTC", ZoneInfo("UTC")
    services: dict[str, ServiceSpec] = {}
    by_name: dict[str, str] = {}
    for system in params.get("systems") or [] if isinstance(params.get("systems"), list) else []:
        if not isinstance(system, dict) or not str(system.get("name") or "").strip():
            report.add("config.yml", "I001", "a system without a name; skipped")
            continue
        name = str(system["name"]).strip()
        sid = mapping.get(name) or slugify(name, fallback="service")
        by_name[name.lower()] = sid
        if name not in mapping and sid not in services and sid not in existing:
            group = str(system.get("category") or "Systems").strip() or "Systems"
            desc = " ".join(str(system.get("description") or "").split())
            services[sid] = ServiceSpec(sid, name[:100], group[:100], desc[:300])
    base = str(config.get("baseURL") or "")
    base_ok = bool(re.match(r"^https?://[^\s]+$", base))
    if base_ok and not base.endswith("/"):
        base += "/"
    files: dict[str, str] = {}
    taken: set[str] = set()
    counts = {"incidents": 0, "skipped": 0}
    naive_files = 0
    strays: dict[str, int] = {}
    for fname, text in sorted(issues):
        src = f"content/issues/{fname}"
        stem = fname[:-3] if fname.endswith(".md") else fname
        m = _FRONT.match(text.replace("\r\n", "\n"))
        if not m:
            report.add(src, "I001", "no front-matter between --- lines; skipped")
            counts["skipped"] += 1
            continue
        try:
            front = _load_yaml(m.group(1))
        except yaml.YAMLError as exc:
            report.add(src, "I001", f"front-matter is not valid YAML: {str(exc).splitlines()[0]}; skipped")
            counts["skipped"] += 1
            continue
        if not isinstance(front, dict):
            report.add(src, "I001", "front-matter is not a mapping; skipped")
            counts["skipped"] += 1
            continue
        if _truthy(front.get("draft")):
            report.add(src, "I011", "a draft; skipped")
            counts["skipped"] += 1
            continue
        started, naive = parse_local(front.get("date"), zone)
        if started is None:
            report.add(src, "I002", f"date {front.get('date')!r} is missing or unreadable; skipped")
            counts["skipped"] += 1
            continue
        resolved_flag = _truthy(front.get("resolved"))
        resolved, naive2 = parse_local(front.get("resolvedWhen"), zone)
        naive_files += bool(naive or naive2)
        if front.get("resolvedWhen") and resolved is None:
            report.add(src, "I002", f"resolvedWhen {front.get('resolvedWhen')!r} is unreadable; skipped")
            counts["skipped"] += 1
            continue
        if resolved is not None and resolved < started:
            report.add(src, "I003", f"resolvedWhen {utc(resolved)} is before date {utc(started)}; skipped")
            counts["skipped"] += 1
            continue
        sev_word = str(front.get("severity") or "").strip().lower()
        if sev_word not in SEVERITY:
            report.add(src, "I011", f"severity {front.get('severity')!r} is not down, disrupted or notice; read as notice")
            sev_word = "notice"
        severity, impact = SEVERITY[sev_word]
        if _truthy(front.get("informational")):
            impact = "none"
        raw_affected: Any = front.get("affected")
        affected: list[Any] = raw_affected if isinstance(raw_affected, list) else (
            [raw_affected] if isinstance(raw_affected, str) else [])
        impacts: dict[str, str] = {}
        for entry in affected:
            name = str(entry).strip()
            if not name:
                continue  # an empty list entry names nothing
            found = mapping.get(name) or by_name.get(name.lower())
            if found is None:
                report.add(src, "I007", f"affected system {name!r} is not in config.yml systems nor the mapping file")
                strays[name] = strays.get(name, 0) + 1
                continue
            impacts[found] = impact
        title = " ".join(str(front.get("title") or "").split()) or stem
        if len(title) > TITLE_MAX:
            report.add(src, "I009", f"title cut from {len(title)} to {TITLE_MAX} characters")
            title = title[: TITLE_MAX - 1].rstrip() + "…"
        body = m.group(2)
        updates: list[dict[str, Any]] = []
        untimed: list[str] = []
        preamble = ""
        sections = _sections(body)
        labelled = [s for s in sections if s[0] is not None]
        for status, time_text, label, sec_text in sections:
            message = _message(sec_text)
            if status is None:
                preamble = message
                if not labelled:
                    track = _TRACK.search(sec_text)
                    at = parse_local(track.group(1), zone)[0] if track else None
                    if message:
                        updates.append({"at": utc(at or started), "status": "investigating", "message": message})
                continue
            track = _TRACK.search(sec_text)
            at = parse_local(track.group(1), zone)[0] if track else None
            if at is None and time_text:
                at = parse_local(time_text, zone)[0]
            if at is None and status == "investigating":
                at = started
            if at is None and status == "resolved" and resolved is not None:
                at = resolved
            if at is None:
                report.add(src, "I012", f"section {label!r} has no time; kept in the body")
                untimed.append(f"{label}\n{message}".strip())
                continue
            if not message:
                report.add(src, "I010", f"section {label!r} at {utc(at)} has no text")
                message = "(This update has no text in the imported history.)"
            updates.append({"at": utc(at), "status": status, "message": message})
        # Sections are often newest first: order by time, then as written.
        updates = [u for _, u in sorted(enumerate(updates), key=lambda t: (t[1]["at"], t[0]))]
        last = "investigating"
        for u in updates:
            if u["status"] == "":
                u["status"] = last if last != "resolved" else "monitoring"
            last = u["status"]
        for u in updates:
            if len(u["message"]) > MESSAGE_MAX:
                report.add(src, "I009", f"update at {u['at']}: message cut to {MESSAGE_MAX} characters")
                u["message"] = u["message"][: MESSAGE_MAX - 1].rstrip() + "…"
        if updates and updates[0]["at"] < utc(started):
            report.add(src, "I006", f"first update at {updates[0]['at']} is before date {utc(started)}; "
                                    "started_at set to it")
            started = datetime.fromisoformat(updates[0]["at"].replace("Z", "+00:00"))
        times = [u["at"] for u in updates]
        for t in sorted(set(times)):
            if times.count(t) > 1:
                report.add(src, "I005", f"{times.count(t)} updates share the time {t}")
        if not updates:
            updates.append({"at": utc(started), "status": "investigating",
                            "message": "(This incident has no text in the imported history.)"})
            report.add(src, "I010", "no text at all")
        fm: dict[str, Any] = {"title": title, "severity": severity, "services": impacts, "started_at": utc(started),
                              "detected_at": "unknown"}
        if any(u["status"] not in ("investigating", "") for u in updates) or resolved_flag:
            fm["acknowledged_at"] = "unknown"
        if resolved_flag:
            if updates[-1]["status"] != "resolved":
                at = resolved or started
                report.add(src, "I013", f"resolved with no closing section; a resolved update added at {utc(at)}"
                                        + ("" if resolved else " (no resolvedWhen: the start)"))
                updates.append({"at": utc(max(at, datetime.fromisoformat(updates[-1]["at"].replace("Z", "+00:00")))),
                                "status": "resolved",
                                "message": "(Resolved; the imported history has no closing message.)"})
            if resolved is not None and updates[-1]["at"] != utc(resolved):
                # The closing section's own time wins only when resolvedWhen is absent.
                later = max(resolved, datetime.fromisoformat(updates[-1]["at"].replace("Z", "+00:00")))
                if later != resolved:
                    report.add(src, "I021", f"an update at {updates[-1]['at']} is after resolvedWhen {utc(resolved)}; "
                                            "resolved_at set to it")
                updates[-1]["at"] = utc(later)
            fm["resolved_at"] = updates[-1]["at"]
            if fm["resolved_at"] == fm["started_at"] or resolved is None:
                report.add(src, "I004", "resolution equals the start or is unknown: duration marked unknown")
                fm["duration_unknown"] = True
        statuses = [u["status"] for u in updates]
        if "resolved" in statuses and any(s != "resolved" for s in statuses[statuses.index("resolved"):]):
            report.add(src, "I018", "updates follow a resolution: the incident is reopened")
        source: dict[str, str] = {"system": "cstate", "id": stem}
        if base_ok:
            source["url"] = f"{base}issues/{stem.lower()}/"
        fm["source"] = source
        fm["updates"] = updates
        late = future_times(fm, now)
        if late:
            report.add(src, "I020", f"time {late[0]} is after now; skipped")
            counts["skipped"] += 1
            continue
        rest = re.sub(r"^\d{4}-\d{2}-\d{2}-?", "", stem)
        day = started.date().isoformat()
        new_id = unique_id(f"{day}-{slugify(rest or title, fallback='incident')}", taken, stem)
        body_parts = ([preamble] if labelled and preamble else []) + untimed
        files[f"content/incidents/{new_id}.md"] = content_file(fm, "\n\n".join(body_parts))
        counts["incidents"] += 1
    if naive_files:
        report.add("config.yml", "I014", f"{naive_files} issue file(s) have naive times; read in {zone_name}")
    known = existing | set(services)
    for key, sid in sorted(mapping.items()):
        if sid not in known:
            report.add("--map", "I017", f"{key!r} -> {sid!r}: no such service in site_config.yml or the import")
    counts["services"] = len(services)
    counts["stray system names"] = len(strays)
    site = SiteSpec(str(config.get("title") or "Status")[:100], base if base_ok else "", str(zone_name))
    return ImportResult(tuple(sorted(files.items())), tuple(services.values()), report.sorted(), site,
                        tuple(counts.items()), tuple(sorted(strays.items())))

