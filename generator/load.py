"""Files -> model. Never raises on bad input: every failure becomes a Problem.

Reads ``site_config.yml`` and ``content/{incidents,maintenance,postmortems}``.
A file that cannot be turned into a model object is left out of the model
(and listed in ``Model.unparsed``) so that the rest can still be checked.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import stat
import zoneinfo
from datetime import timedelta
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator import model as m
from generator import schema as s
from generator.bodycheck import body_problems
from generator.model import Config, Model, Problem
from generator.notify.config import load_channels
from generator.yamlsrc import Y, parse_yaml, split_front_matter

CONFIG_FILE = "site_config.yml"
CONTENT_DIRS = {"incidents": "content/incidents", "maintenance": "content/maintenance",
                "postmortems": "content/postmortems"}
MAX_FILE_BYTES = 20 * 1024 * 1024  # larger files are refused rather than read into memory
FILE_NAME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z0-9][a-z0-9-]*$")
# site.url (and build --base-url) goes unescaped into MkDocs' canonical links and the sitemap:
# a plain http(s) URL, with nothing that could close an attribute or start markup.
# An outside subscription service: a web page or an address to write to, nothing a browser would run.
SUBSCRIBE_URL = re.compile(r"(?:https?://[^\s<>\"']+|mailto:[^\s<>\"']+@[^\s<>\"']+)")
SITE_URL = re.compile(r"^https?://(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~%/+-]*)?$")

DEFAULT_SEVERITIES = {
    "SEV-1": m.SeverityLevel("SEV-1", "Critical", timedelta(hours=1)),
    "SEV-2": m.SeverityLevel("SEV-2", "Major", timedelta(hours=4)),
    "SEV-3": m.SeverityLevel("SEV-3", "Moderate", timedelta(hours=24)),
    "SEV-4": m.SeverityLevel("SEV-4", "Low", None, next_business_day=True),
}
DEFAULT_CATEGORIES = ("deploy", "configuration", "capacity", "network", "database", "dependency", "security",
                      "hardware", "other")
DEFAULT_WEIGHTS = {"major_outage": 1.0, "partial_outage": 0.3, "degraded_performance": 0.0}


# Names in the tz database that are not places: "localtime" is whatever zone the build machine
# is set to (so the site would change with the machine), "Factory" is a placeholder.
NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


@functools.cache
def iana_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) - NOT_ZONES


def is_iana_zone(name: object) -> bool:
    """An IANA time zone name such as Europe/Berlin or UTC (and one this machine can load)."""
    if not isinstance(name, str) or name not in iana_zones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def zone_hint(name: object) -> str:
    text = str(name)
    zones = sorted(iana_zones())
    folded = [z for z in zones if z.casefold() == text.casefold()]
    if folded:
        return f"did you mean '{folded[0]}'? (zone names are case-sensitive)"
    close = difflib.get_close_matches(text, zones, n=1, cutoff=0.8)
    return f"did you mean '{close[0]}'?" if close else "write an IANA name such as Europe/Berlin, America/Chicago or UTC"


def default_policy() -> m.PostmortemPolicy:
    return m.PostmortemPolicy(
        required_for=("SEV-1", "SEV-2"),
        due_days={"SEV-1": 5, "SEV-2": 10, "default": 15},
        late_detection=timedelta(minutes=30),
        long_major_outage=timedelta(minutes=60),
        required_headings=m.DEFAULT_HEADINGS,
    )


def fallback_config() -> Config:
    """Used when site_config.yml is unusable, so content checks can still run."""
    return Config(
        site=m.SiteInfo("Status", "https://status.example/", "UTC"),
        services=(),
        severities=dict(DEFAULT_SEVERITIES),
        categories=DEFAULT_CATEGORIES,
        uptime=m.UptimeSettings(dict(DEFAULT_WEIGHTS), 90),
        postmortems=default_policy(),
    )


# ---------------------------------------------------------------- reading files


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_text(root: Path, path: Path, c: s.Collector) -> str | None:
    """Read a content file safely: inside the repository, UTF-8, not binary, not huge."""
    try:
        # Resolve every file, not only links: a linked folder (content/incidents -> /elsewhere)
        # would otherwise smuggle outside files in.
        target = path.resolve()
        if not target.is_relative_to(root.resolve()):
            via = "is a symbolic link to" if path.is_symlink() else "is reached through a symbolic link, at"
            c.add(1, "E008", f"{via} {target}, outside the repository", "replace the link with the file itself")
            return None
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            c.add(1, "E001", "is not a regular file", "replace it with a Markdown file")
            return None
        size = info.st_size
        if size > MAX_FILE_BYTES:
            c.add(1, "E001", f"is {size} bytes, more than {MAX_FILE_BYTES}", "split or shorten the file")
            return None
        data = path.read_bytes()
    except RuntimeError:  # Python 3.11's Path.resolve on a symlink loop
        c.add(1, "E001", "is a symbolic link that points to itself", "replace the link with the file itself")
        return None
    except OSError as exc:
        c.add(1, "E001", f"cannot be read: {exc.strerror or exc}", "check the file's permissions")
        return None
    if not data.strip():
        c.add(1, "E007", "is empty", "start the file with a '---' front-matter block")
        return None
    if b"\x00" in data:
        c.add(1, "E001", "is a binary file, not UTF-8 text", "save it as UTF-8 Markdown")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        c.add(line, "E001", f"is not valid UTF-8 (byte {exc.start})", "save the file as UTF-8")
        return None
    return text.removeprefix("\ufeff")


def parse_front_matter(text: str, c: s.Collector) -> tuple[Y | None, str, int]:
    """Return (front-matter mapping, body, first body line)."""
    split = split_front_matter(text)
    if split is None:
        c.add(1, "E002", "has no front-matter", "start the file with '---', the YAML fields, then '---'")
        return None, "", 1
    # A tab in indentation is a YAML error; say so plainly rather than the parser's wording.
    for i, line in enumerate(split.yaml_text.split("\n")):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            c.add(split.yaml_first_line + i, "E003", "YAML indentation uses a tab", "indent with spaces")
            return None, split.body, split.body_first_line
    doc, issues = parse_yaml(split.yaml_text, line_offset=split.yaml_first_line - 1)
    for issue in issues:
        c.add(issue.line, issue.code, issue.message, issue.hint)
    if doc is None:
        if not issues:
            c.add(1, "E004", "front-matter is empty", "add the required fields between the '---' lines")
        return None, split.body, split.body_first_line
    if doc.kind != "map":
        c.add(doc.line, "E004", "front-matter is not a mapping of fields", "write 'key: value' lines")
        return None, split.body, split.body_first_line
    return doc, split.body, split.body_first_line


def ignored_content_problems(root: Path) -> list[Problem]:
    """W002 for what is in ``content/`` but never read: a typo there would drop an incident unseen."""
    base = root / "content"
    if not base.is_dir() or base.is_symlink():
        return []
    folders = tuple(PurePosixPath(f).name for f in CONTENT_DIRS.values())
    out: list[Problem] = []

    def warn(path: Path, message: str, hint: str) -> None:
        out.append(Problem(_rel(root, path), 1, "W002", message, hint, "warning"))

    try:
        entries = sorted(base.iterdir())
    except OSError:
        return []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            if entry.name not in folders:
                close = difflib.get_close_matches(entry.name, folders, n=1, cutoff=0.6)
                warn(entry, f"folder content/{entry.name}/ is not read: content goes in "
                     "content/incidents/, content/maintenance/ or content/postmortems/",
                     f"did you mean content/{close[0]}/? Move its files there" if close
                     else "move its files into one of those folders")
        else:
            warn(entry, f"{entry.name} is directly in content/ and is not read",
                 "move it into content/incidents/, content/maintenance/ or content/postmortems/")
    for folder in CONTENT_DIRS.values():
        if not (root / folder).is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(root / folder, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith(".") or name.endswith(".md"):
                    continue
                stem, dot, suffix = name.rpartition(".")
                right = f"{stem}.md" if dot and suffix.lower() in MARKDOWN_SUFFIXES else f"{name}.md"
                warn(Path(dirpath) / name, f"{name} is not read: only names ending in .md (lower case) are",
                     f"rename it to {right}")
    return out


MARKDOWN_SUFFIXES = ("md", "markdown", "mdown", "mkd", "mkdn", "txt")


def _content_files(root: Path, folder: str) -> list[Path]:
    base = root / folder
    if not base.is_dir():
        return []
    out = []
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        dirnames.sort()
        for name in filenames:
            if name.endswith(".md") and not name.startswith("."):
                out.append(Path(dirpath) / name)
    return sorted(out)


# ---------------------------------------------------------------- builders


def _updates(raw: list[Any]) -> tuple[m.Update, ...] | None:
    out = []
    for entry in raw:
        if entry is None:
            return None
        values, node = entry
        if not {"at", "status", "message"} <= values.keys():
            return None
        out.append(m.Update(
            at=values["at"], status=values["status"], message=values["message"],
            services=values.get("services", {}), severity=values.get("severity"), eta=values.get("eta"),
            line=node.line, scheduled_end=values.get("scheduled_end"),
        ))
    return tuple(out)


def _lines(doc: Y) -> dict[str, int]:
    lines = dict(doc.key_lines)
    for key, value in doc.value.items():
        if value.kind == "seq":
            for i, item in enumerate(value.value):
                lines[f"{key}[{i + 1}]"] = item.line
                if item.kind == "map":
                    for sub, sub_line in item.key_lines.items():
                        lines[f"{key}[{i + 1}].{sub}"] = sub_line
        elif value.kind == "map":
            for sub, sub_line in value.key_lines.items():
                lines[f"{key}.{sub}"] = sub_line
    return lines


def build_incident(id_: str, path: str, v: dict[str, Any], doc: Y, body: str) -> m.Incident | None:
    required = ("title", "severity", "started_at", "detected_at", "updates")
    if not all(k in v for k in required):
        return None
    updates = _updates(v["updates"])
    if updates is None or not updates:
        return None
    unknown = tuple(k for k in m.UNKNOWABLE_TIMES if v.get(k) == s.UNKNOWN)
    known = {k: (None if v.get(k) == s.UNKNOWN else v.get(k)) for k in m.UNKNOWABLE_TIMES}
    return m.Incident(
        id=id_, path=path, title=v["title"], severity=v["severity"], services=v.get("services", {}),
        started_at=v["started_at"], detected_at=known["detected_at"], updates=updates,
        acknowledged_at=known["acknowledged_at"], mitigated_at=v.get("mitigated_at"),
        unknown_times=unknown, duration_unknown=bool(v.get("duration_unknown", False)), source=v.get("source"),
        resolved_at=v.get("resolved_at"), detection=v.get("detection"), reported_by=v.get("reported_by"),
        category=v.get("category"), commander=v.get("commander"), novel=bool(v.get("novel", False)),
        error_messages=tuple(v.get("error_messages", ())), body=body, lines=_lines(doc),
        drill=bool(v.get("drill", False)),
    )


def build_maintenance(id_: str, path: str, v: dict[str, Any], doc: Y, body: str) -> m.Maintenance | None:
    if not all(k in v for k in ("title", "services", "scheduled_start", "scheduled_end")):
        return None
    updates = _updates(v.get("updates", []))
    if updates is None:
        return None
    return m.Maintenance(
        id=id_, path=path, title=v["title"], services=v["services"], scheduled_start=v["scheduled_start"],
        scheduled_end=v["scheduled_end"], cancelled=bool(v.get("cancelled", False)), updates=updates,
        body=body, lines=_lines(doc), source=v.get("source"),
    )


def build_postmortem(id_: str, path: str, v: dict[str, Any], doc: Y, body: str, body_line: int
                     ) -> m.Postmortem | None:
    required = ("title", "status", "visibility", "authors", "summary", "contributing_factors")
    if not all(k in v for k in required):
        return None
    items = []
    for entry in v.get("action_items", []):
        if entry is None:
            return None
        values, node = entry
        if "title" not in values:
            return None
        # Which of type/owner/due/status must be there depends on postmortems.action_items:
        # checked in generator/validate/postmortem.py, where the config is known.
        items.append(m.ActionItem(
            title=values["title"], type=values.get("type"), owner=values.get("owner"), due=values.get("due"),
            status=values.get("status"), tracker=values.get("tracker"), reason=values.get("reason"), line=node.line,
            free_text=bool(values.get("free_text", False)),
        ))
    return m.Postmortem(
        id=id_, path=path, title=v["title"], incidents=tuple(v.get("incidents", ())), status=v["status"],
        visibility=v["visibility"], authors=tuple(v["authors"]), summary=v["summary"],
        contributing_factors=tuple(v["contributing_factors"]), action_items=tuple(items),
        published_at=v.get("published_at"), review_meeting=v.get("review_meeting"),
        follow_up_review=v.get("follow_up_review"), body=body, body_line=body_line, lines=_lines(doc),
        started_at=v.get("started_at"), ended_at=v.get("ended_at"), source=v.get("source"),
    )


# ---------------------------------------------------------------- config


def _config_section(c: s.Collector, doc: Y, key: str) -> dict[str, Any]:
    node = doc.value.get(key)
    if node is None or node.kind == "null":
        return {}
    if node.kind != "map":
        c.add(node.line, "E016", f"{key} must be a mapping", f"write '{key}:' followed by indented 'key: value' lines")
        return {}
    return s.convert(c, s.SECTIONS[key], node, f"{key}.")


def load_config(root: Path) -> tuple[Config, list[Problem], bool]:
    """Return (config, problems, usable). An unusable config yields the fallback config."""
    c = s.Collector(CONFIG_FILE)
    path = root / CONFIG_FILE
    if not path.exists():
        c.add(1, "E070", "site_config.yml is missing", "run 'statuspress init' or create site_config.yml")
        return fallback_config(), c.problems, False
    text = read_text(root, path, c)
    if text is None:
        return fallback_config(), c.problems, False
    doc, issues = parse_yaml(text)
    for issue in issues:
        c.add(issue.line, issue.code, issue.message, issue.hint)
    if doc is None or doc.kind != "map":
        if doc is not None or not issues:
            c.add(1, "E004", "site_config.yml is not a mapping", "see the site_config.yml reference in the README")
        return fallback_config(), c.problems, False
    top = s.convert(c, s.CONFIG, doc)
    before = len(c.problems)

    site_v = _config_section(c, doc, "site")
    tz = site_v.get("timezone", "UTC")
    if not is_iana_zone(tz):
        c.add(doc.value["site"].key_lines.get("timezone", 1) if "site" in doc.value else 1, "E071",
              f"site.timezone '{tz}' is not an IANA time zone", zone_hint(tz))
        tz = "UTC"
    url = site_v.get("url", "https://status.example/")
    if not SITE_URL.match(url):
        c.add(doc.value["site"].key_lines.get("url", 1) if "site" in doc.value else 1, "E016",
              f"site.url '{url}' is not a plain http(s) URL",
              "write e.g. https://status.example.com/ (letters, digits and - . _ ~ % / + after the host)")
    # theme.subscribe_url: the rest of theme: is read by generator.site.branding; the pages need this one.
    theme_node = doc.value.get("theme")
    sub_node = theme_node.value.get("subscribe_url") if theme_node is not None and theme_node.kind == "map" else None
    subscribe = str(sub_node.value).strip() if sub_node is not None and sub_node.kind == "str" else ""
    if subscribe and not SUBSCRIBE_URL.fullmatch(subscribe):
        c.add(theme_node.key_lines.get("subscribe_url", sub_node.line), "E086",  # type: ignore[union-attr]
              f"theme.subscribe_url '{subscribe}' is not an https://, http:// or mailto: address",
              "write e.g. https://updates.example.com/subscribe or mailto:status-updates@example.com")
        subscribe = ""
    language = site_v.get("language", "en")
    site = m.SiteInfo(s.pick_text(c, site_v.get("name", "Status"), language, "site.name"),
                      url if url.endswith("/") else url + "/", tz,
                      s.pick_text(c, site_v.get("description", ""), language, "site.description"), subscribe,
                      language)

    services: list[m.Service] = []
    svc_node = top.get("services")
    if svc_node is not None:
        if svc_node.kind != "seq":
            c.add(svc_node.line, "E016", "services must be a list", "write '- {id: api, name: API, group: Core}'")
        else:
            for pos, item in enumerate(svc_node.value):
                if item.kind != "map":
                    c.add(item.line, "E016", "each service must be a mapping", "write '- {id: ..., name: ..., group: ...}'")
                    continue
                sv = s.convert(c, s.SERVICE, item, f"services[{pos + 1}].")
                if {"id", "name", "group"} <= sv.keys():
                    if not re.match(r"^[a-z0-9][a-z0-9-]*$", sv["id"]):
                        c.add(item.line, "E016", f"service id '{sv['id']}' must be lowercase letters, digits and -",
                              "rename it, e.g. 'public-api'")
                        continue
                    if any(x.id == sv["id"] for x in services):
                        c.add(item.line, "E042", f"service id '{sv['id']}' is declared twice", "keep one")
                        continue
                    where = f"services[{pos + 1}]."
                    services.append(m.Service(
                        sv["id"], s.pick_text(c, sv["name"], language, where + "name"),
                        s.pick_text(c, sv["group"], language, where + "group"),
                        s.pick_text(c, sv.get("description", ""), language, where + "description"),
                        sv.get("slo"), sv.get("since"), pos))

    severities = dict(DEFAULT_SEVERITIES)
    sev_node = top.get("severities")
    if sev_node is not None and sev_node.kind == "map":
        for key, item in sev_node.value.items():
            sev = s.normalise_severity(key)
            kline = sev_node.key_lines.get(key, item.line)
            if sev is None:
                c.add(kline, "E017", f"severities: '{key}' is not a severity", s.severity_hint(key))
                continue
            if item.kind != "map":
                c.add(item.line, "E016", f"severities.{key} must be a mapping", "write {label: ..., response_target: 1h}")
                continue
            sv = s.convert(c, s.SEVERITY, item, f"severities.{key}.")
            target_node = item.value.get("response_target")
            target, nbd = severities[sev].response_target, severities[sev].next_business_day
            if target_node is not None:
                if target_node.kind == "str" and target_node.value == "next_business_day":
                    target, nbd = None, True
                else:
                    field = s.SEVERITY.field("response_target")
                    assert field is not None
                    dur = s.CONVERTERS["duration"](c, target_node, field, f"severities.{key}.")
                    if dur is not None:
                        target, nbd = dur, False
            label = s.pick_text(c, sv["label"], language, f"severities.{key}.label") if "label" in sv \
                else severities[sev].label
            severities[sev] = m.SeverityLevel(sev, label, target, nbd)
    elif sev_node is not None and sev_node.kind != "null":
        c.add(sev_node.line, "E016", "severities must be a mapping", "write 'SEV-1: {label: Critical, response_target: 1h}'")

    categories = top.get("categories", DEFAULT_CATEGORIES)

    uptime_v = _config_section(c, doc, "uptime")
    weights = dict(DEFAULT_WEIGHTS)
    if "weights" in uptime_v:
        wnode: Y = uptime_v["weights"]
        if wnode.kind != "map":
            c.add(wnode.line, "E016", "uptime.weights must be a mapping", "write {major_outage: 1.0, ...}")
        else:
            for key, val in wnode.value.items():
                if key not in m.IMPACTS:
                    c.add(val.line, "E018", f"uptime.weights: '{key}' is not an impact", s.did_you_mean(key, m.IMPACTS))
                elif val.kind not in ("int", "float") or not 0 <= val.value <= 1:
                    c.add(val.line, "E016", f"uptime.weights.{key} must be a number from 0 to 1", "write e.g. 0.3")
                else:
                    weights[key] = float(val.value)
    uptime = m.UptimeSettings(weights, uptime_v.get("bars_days", 90))

    pol_v = _config_section(c, doc, "postmortems")
    base = default_policy()
    due_days = dict(base.due_days)
    if "due_days" in pol_v:
        dnode: Y = pol_v["due_days"]
        if dnode.kind != "map":
            c.add(dnode.line, "E016", "postmortems.due_days must be a mapping", "write {SEV-1: 5, default: 15}")
        else:
            for key, val in dnode.value.items():
                sev = "default" if key == "default" else s.normalise_severity(key)
                if sev is None:
                    c.add(val.line, "E017", f"postmortems.due_days: '{key}' is not a severity",
                          s.did_you_mean(key, (*m.SEVERITIES, "default")))
                elif val.kind != "int" or not 0 <= val.value <= 36500:  # a century; more would overflow dates
                    c.add(val.line, "E016", f"postmortems.due_days.{key} must be a whole number of days (0 to 36500)",
                          "write e.g. 10")
                else:
                    due_days[sev] = val.value
    required_for = []
    for sev_text in pol_v.get("required_for", base.required_for):
        sev = s.normalise_severity(sev_text)
        if sev is None:
            c.add(doc.value["postmortems"].line, "E017", f"postmortems.required_for: '{sev_text}' is not a severity",
                  s.severity_hint(sev_text))
        else:
            required_for.append(sev)
    policy = m.PostmortemPolicy(
        required_for=tuple(required_for), due_days=due_days,
        late_detection=pol_v.get("late_detection", base.late_detection),
        long_major_outage=pol_v.get("long_major_outage", base.long_major_outage),
        required_headings=tuple(pol_v.get("required_headings", base.required_headings)),
        action_items=pol_v.get("action_items", base.action_items),
        policy_since=pol_v.get("policy_since"),
    )
    publish_v = _config_section(c, doc, "publish")
    stale_v = _config_section(c, doc, "stale")
    for key in ("open_days", "update_hours"):
        if key in stale_v and not 1 <= stale_v[key] <= 36500:
            c.add(doc.value["stale"].key_lines.get(key, 1), "E016", f"stale.{key} must be a whole number from 1",
                  f"write e.g. {key}: {7 if key == 'open_days' else 24}")
            del stale_v[key]

    notify = load_channels(c, top.get("notify"), [svc.id for svc in services])
    drills = _drill_policy(c, doc, _config_section(c, doc, "drills"), services)

    config = Config(site=site, services=tuple(services), severities=severities, categories=tuple(categories),
                    uptime=uptime, postmortems=policy, publish_kpis=publish_v.get("kpis", "internal"),
                    notify=notify, publish_severity=bool(publish_v.get("severity", False)),
                    stale_open_days=stale_v.get("open_days", 7), stale_update_hours=stale_v.get("update_hours", 24),
                    drills=drills)
    usable = "site" in top and "services" in top and not any(
        p.level == "error" for p in c.problems[:before]) and bool(services)
    return config, c.problems, usable or bool(services)


def _drill_policy(c: s.Collector, doc: Y, values: dict[str, Any], services: list[m.Service]) -> m.DrillPolicy:
    """``drills:``: a cadence for every group, overridden (or switched off) per group name."""
    node = doc.value.get("drills")
    if node is None or node.kind != "map":
        return m.DrillPolicy()
    known = list(dict.fromkeys(svc.group for svc in services))
    groups: dict[str, int | None] = {}
    group_lines: dict[str, int] = {}
    gnode: Y | None = values.get("groups")
    if gnode is not None:
        if gnode.kind != "map":
            c.add(gnode.line, "E016", "drills.groups must be a mapping of group name -> {cadence_days: N}",
                  "write e.g. 'Core platform: {cadence_days: 30}'")
        else:
            for name, item in gnode.value.items():
                line = gnode.key_lines.get(name, item.line)
                if services and name not in known:
                    c.add(line, "E017", f"drills.groups: '{name}' is not a service group",
                          s.did_you_mean(name, known))
                    continue
                if item.kind != "map":
                    c.add(item.line, "E016", f"drills.groups.{name} must be a mapping",
                          "write {cadence_days: 30}, or {cadence_days: false} for no cadence")
                    continue
                gv = s.convert(c, s.DRILL_GROUP, item, f"drills.groups.{name}.")
                if "cadence_days" in gv:
                    groups[name] = None if gv["cadence_days"] == s.NO_CADENCE else gv["cadence_days"]
                    group_lines[name] = line
    return m.DrillPolicy(values.get("cadence_days"), groups, doc.key_lines.get("drills", node.line), group_lines)


# ---------------------------------------------------------------- repository


PARALLEL_THRESHOLD = 1500  # below this, starting worker processes costs more than it saves


def load_file(root: Path, kind: str, path: Path) -> tuple[
        m.Incident | m.Maintenance | m.Postmortem | m.Partial | None, list[Problem]]:
    """Load one content file of ``kind`` (incidents | maintenance | postmortems)."""
    rel = _rel(root, path)
    c = s.Collector(rel)
    id_ = path.stem
    text = read_text(root, path, c)
    obj: m.Incident | m.Maintenance | m.Postmortem | m.Partial | None = None
    if text is not None:
        doc, body, body_line = parse_front_matter(text, c)
        for line, message, hint in body_problems(body, body_line):
            c.add(line, "E023", message, hint)
        if doc is not None:
            # The id is the file name and becomes a URL and a folder of the site: keep it a plain slug.
            if not FILE_NAME.match(id_):
                example = {"incidents": "2026-03-14-api-errors.md", "maintenance": "2026-04-02-db-upgrade.md",
                           "postmortems": "2026-03-14-api-errors.md (named after its first incident)"}[kind]
                c.add(1, "E009", f"file name '{path.name}' is not YYYY-MM-DD-slug.md",
                      f"rename it, e.g. {example} (lowercase, digits, -)")
            v = s.convert(c, {"incidents": s.INCIDENT, "maintenance": s.MAINTENANCE,
                              "postmortems": s.POSTMORTEM}[kind], doc)
            built: m.Incident | m.Maintenance | m.Postmortem | None
            if kind == "incidents":
                built = build_incident(id_, rel, v, doc, body)
            elif kind == "maintenance":
                built = build_maintenance(id_, rel, v, doc, body)
            else:
                built = build_postmortem(id_, rel, v, doc, body, body_line)
            obj = built
            if obj is None:  # kept, so that rules across fields and files still check what did convert
                obj = m.Partial(kind, id_, rel, v, _lines(doc), body, body_line)
    return obj, c.problems


def _load_batch(root: Path, batch: list[tuple[str, Path]]) -> list[tuple[object, list[Problem]]]:
    return [load_file(root, kind, path) for kind, path in batch]


def _load_all(root: Path, jobs: list[tuple[str, Path]]) -> list[tuple[object, list[Problem]]]:
    """Parse files, on every core when there are many (parsing is pure CPU work)."""
    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) < PARALLEL_THRESHOLD or workers < 2:
        return _load_batch(root, jobs)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = -(-len(jobs) // (workers * 4))
    batches = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    try:
        from generator.site.forked import die_with_parent

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                 initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            results = list(pool.map(_load_batch, [root] * len(batches), batches))
    except (OSError, ValueError, RuntimeError):  # no fork here, or workers refused: do it in-process
        return _load_batch(root, jobs)
    return [item for batch in results for item in batch]


class LoadCache:
    """Content files as parsed by an earlier load, for a process that loads again and again.

    ``statuspress serve`` reloads the repository after every save; with a
    cache only the files whose bytes changed are parsed again. What a file
    parses to depends on nothing but its kind, path and bytes, and is
    immutable, so reusing it gives exactly what a fresh load gives.
    """

    def __init__(self) -> None:
        self._files: dict[tuple[str, str], tuple[bytes, tuple[object, list[Problem]]]] = {}

    def load(self, root: Path, jobs: list[tuple[str, Path]]) -> list[tuple[object, list[Problem]]]:
        results: list[tuple[object, list[Problem]] | None] = [None] * len(jobs)
        seen: dict[tuple[str, str], bytes] = {}
        missing: list[int] = []
        for i, (kind, path) in enumerate(jobs):
            key = (kind, str(path))
            data = _plain_bytes(path)
            if data is not None:
                seen[key] = data
                kept = self._files.get(key)
                if kept is not None and kept[0] == data:
                    results[i] = (kept[1][0], list(kept[1][1]))
                    continue
            missing.append(i)
        for i, result in zip(missing, _load_all(root, [jobs[i] for i in missing]), strict=True):
            results[i] = result
            kind, path = jobs[i]
            key = (kind, str(path))
            if key in seen:
                self._files[key] = (seen[key], (result[0], list(result[1])))
        for key in [k for k in self._files if k not in seen]:  # deleted or no longer plain files
            del self._files[key]
        return [r for r in results if r is not None]


def _plain_bytes(path: Path) -> bytes | None:
    """A regular file's bytes, or None for anything read_text treats specially (links, huge, unreadable)."""
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None


def theme_link_problems(root: Path) -> list[Problem]:
    """E008 for links in ``theme/`` that lead outside the repository.

    The theme folder is copied into the built site, so such a link would
    publish whatever file it points at (a key, a password file).
    """
    base = root / "theme"
    if not (base.is_dir() or base.is_symlink()):
        return []
    real_root = root.resolve()
    paths = [base]
    if not base.is_symlink():
        for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
            paths += [Path(dirpath) / name for name in sorted(dirnames) + sorted(filenames)]
    out = []
    for path in paths:
        if not path.is_symlink():
            continue
        try:
            target = path.resolve()
        except (OSError, RuntimeError):  # a link loop
            out.append(Problem(_rel(root, path), 1, "E001", "is a symbolic link that points to itself",
                               "replace the link with the file itself"))
            continue
        if not target.is_relative_to(real_root):
            out.append(Problem(_rel(root, path), 1, "E008",
                               f"is a symbolic link to {target}, outside the repository; theme/ is copied into "
                               "the site, so that file would be published", "replace the link with the file itself"))
    return sorted(out, key=Problem.sort_key)


def load_repository(root: Path, cache: LoadCache | None = None) -> tuple[Model, list[Problem]]:
    """Load config and every content file. Never raises on bad input.

    ``cache`` (optional) lets a long-running process skip files that did not change.
    """
    root = Path(root)
    config, problems, _usable = load_config(root)
    problems.extend(theme_link_problems(root))
    problems.extend(ignored_content_problems(root))
    jobs = [(kind, path) for kind, folder in CONTENT_DIRS.items() for path in _content_files(root, folder)]
    incidents: list[m.Incident] = []
    drills: list[m.Incident] = []
    maintenance: list[m.Maintenance] = []
    postmortems: list[m.Postmortem] = []
    unparsed: list[str] = []
    partial: list[m.Partial] = []
    loaded = cache.load(root, jobs) if cache is not None else _load_all(root, jobs)
    for (_kind, path), (obj, file_problems) in zip(jobs, loaded, strict=True):
        problems.extend(file_problems)
        if obj is None or isinstance(obj, m.Partial):
            unparsed.append(_rel(root, path))
            if obj is not None:
                partial.append(obj)
        elif isinstance(obj, m.Incident):
            (drills if obj.drill else incidents).append(obj)
        elif isinstance(obj, m.Maintenance):
            maintenance.append(obj)
        elif isinstance(obj, m.Postmortem):
            postmortems.append(obj)
    incidents.sort(key=lambda i: (i.started_at, i.id))
    drills.sort(key=lambda i: (i.started_at, i.id))
    maintenance.sort(key=lambda x: (x.scheduled_start, x.id))
    postmortems.sort(key=lambda p: p.id)
    model = Model(config=config, incidents=tuple(incidents), maintenance=tuple(maintenance),
                  postmortems=tuple(postmortems), unparsed=tuple(sorted(unparsed)),
                  partial=tuple(sorted(partial, key=lambda x: x.path)), drills=tuple(drills))
    return model, problems
