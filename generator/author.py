"""Authoring: write new content files and append updates to incidents.

``new_incident``, ``update_incident``, ``resolve_incident``, ``new_postmortem``
and ``new_maintenance`` take explicit arguments (``root``, ``now``...) and
return the path they wrote. They never read the clock; the CLI does that once.

Edits keep the file as the engineer wrote it. The front-matter is parsed with
ruamel.yaml (round-trip mode, duplicate keys refused) only to *locate* things;
the change itself is a textual insertion of new lines, so comments, key order,
quoting, indentation, line endings and the Markdown body stay byte-for-byte.
The result is parsed again and compared with the expected data before anything
is written, and it is written atomically (temporary file + ``os.replace``).
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from generator.load import is_iana_zone
from generator.locking import flock_within
from generator.model import (
    DEFAULT_HEADINGS,
    DETECTIONS,
    IMPACTS,
    INCIDENT_STATUSES,
    SEVERITY_ALIASES,
)
from generator.schema import BIDI_CONTROLS, severity_hint
from generator.slug import free_path, inside, slugify
from generator.timeparse import TimestampError, format_duration, format_timestamp, parse_timestamp
from generator.validate.postmortem import SCAFFOLD_ACTION_TITLE
from generator.yamlsrc import OPENING, closing_line, delimiter, file_lines, parse_yaml

DEFAULT_IMPACT = "partial_outage"
DEFAULT_AUTHOR = "incident-team"
MAINTENANCE_IMPACTS = ("under_maintenance",) + IMPACTS
DEFAULT_CATEGORIES = (
    "deploy", "configuration", "capacity", "network", "database",
    "dependency", "security", "hardware", "other",
)
MAX_TITLE = 120
ACTION_ITEM_DAYS = 30


class AuthoringError(Exception):
    """A refusal with a message (what and where) and a hint (how to fix it)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


# ---------------------------------------------------------------- site facts


@dataclass(frozen=True)
class SiteFacts:
    """The little authoring needs from site_config.yml."""

    service_names: Mapping[str, str]
    categories: tuple[str, ...]
    headings: tuple[str, ...]
    timezone: Any  # a tzinfo

    def service_label(self, sid: str) -> str:
        return self.service_names.get(sid) or sid


def read_site_facts(root: Path) -> SiteFacts:
    """Service ids and names, categories, post-mortem headings and time zone.

    Deliberately lenient: full checking is ``statuspress validate``'s job; here
    we only refuse what would make the new file wrong.
    """
    path = root / "site_config.yml"
    if not path.is_file():
        raise AuthoringError(
            f"{path}: not found",
            "run the command from the status repository, pass --root DIR, or create one with `statuspress init`",
        )
    try:
        text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError):
        raise AuthoringError(f"{path}: cannot be read as UTF-8 text", "run `statuspress validate` for details") from None
    # The loader's parser: it refuses aliases (a "billion laughs" would expand here) and deep nesting.
    doc, issues = parse_yaml(text)
    if issues:
        raise AuthoringError(f"{path}:{issues[0].line}: site_config.yml does not parse: {issues[0].message}",
                             "run `statuspress validate` for details")
    raw: Any = doc.plain() if doc is not None else {}
    if not isinstance(raw, dict):
        raise AuthoringError(f"{path}: expected a mapping at the top", "run `statuspress validate` for details")

    def scalars(value: Any) -> list[str]:
        return [str(v) for v in value if not isinstance(v, dict | list)] if isinstance(value, list) else []

    names: dict[str, str] = {}
    for svc in raw["services"] if isinstance(raw.get("services"), list) else []:
        if isinstance(svc, dict) and svc.get("id") is not None and not isinstance(svc["id"], dict | list):
            names[str(svc["id"])] = str(svc.get("name") or svc["id"])
    categories = tuple(scalars(raw.get("categories"))) or DEFAULT_CATEGORIES
    pm: dict[str, Any] = raw["postmortems"] if isinstance(raw.get("postmortems"), dict) else {}
    headings = tuple(scalars(pm.get("required_headings"))) or DEFAULT_HEADINGS
    site: dict[str, Any] = raw["site"] if isinstance(raw.get("site"), dict) else {}
    tz: Any = UTC
    if site.get("timezone") and is_iana_zone(site["timezone"]):
        tz = ZoneInfo(str(site["timezone"]))  # else validate reports it; file names then use UTC dates
    return SiteFacts(names, categories, headings, tz)


# ---------------------------------------------------------------- YAML text


class _RawTimestampConstructor(RoundTripConstructor):
    """Round-trip constructor that keeps timestamps as their source text.

    We parse timestamps ourselves (generator.timeparse); YAML's implicit
    timestamp type would turn ``+0530`` and naive values into surprises.
    """


_RawTimestampConstructor.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda self, node: self.construct_scalar(node)
)


def _rt_yaml() -> YAML:
    y = YAML(typ="rt")
    y.Constructor = _RawTimestampConstructor
    y.allow_duplicate_keys = False
    return y


def _loads_same(text: str, expected: Any) -> bool:
    """Both YAML 1.1 (PyYAML) and 1.2 (ruamel) readers load ``text`` as ``expected``."""
    try:
        return yaml.safe_load(text) == expected and _plain(_rt_yaml().load(text)) == expected
    except Exception:  # noqa: BLE001 - any failure just means "quote it"
        return False


_PLAIN_START = re.compile(r"^[A-Za-z0-9_(/]")


def yaml_scalar(value: str, flow: bool = False) -> str:
    """``value`` as a YAML scalar: plain when every reader agrees on it, else double-quoted."""
    s = str(value)
    if (
        s
        and s == s.strip()
        and _PLAIN_START.match(s)
        and not any(ch in s for ch in "\t\r\n\"\\`")
        and ": " not in s
        and " #" not in s
        and not s.endswith(":")
        and not (flow and any(ch in s for ch in ",[]{}"))
        and all(unicodedata.category(ch)[0] != "C" for ch in s)
        and all(ord(ch) < 0x2028 or ord(ch) > 0x2029 for ch in s)
    ):
        probe = f"k: [{s}]\n" if flow else f"k: {s}\n"
        if _loads_same(probe, {"k": [s]} if flow else {"k": s}):
            return s
    return _double_quoted(s)


def _double_quoted(s: str) -> str:
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20 or 0x7F <= o <= 0x9F or o in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF):
            out.append(f"\\u{o:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _flow_list(items: Iterable[str]) -> str:
    return "[" + ", ".join(yaml_scalar(i, flow=True) for i in items) + "]"


def _flow_map(items: Mapping[str, str]) -> str:
    return "{" + ", ".join(f"{yaml_scalar(k, flow=True)}: {yaml_scalar(v, flow=True)}" for k, v in items.items()) + "}"


def _plain(obj: Any) -> Any:
    """ruamel's round-trip types -> plain dict/list/str, for comparisons."""
    if isinstance(obj, Mapping):
        return {_plain(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, str):
        return str(obj)
    if isinstance(obj, bool) or obj is None:
        return obj
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return float(obj)
    return obj


# ---------------------------------------------------------------- front-matter files

def split_lines(text: str) -> list[str]:
    """Lines with their endings: only LF (and CRLF) end a line, as for ``validate``."""
    return file_lines(text)


@dataclass
class FrontMatterFile:
    """A content file cut into parts that re-join to the exact original text."""

    path: Path
    bom: str
    head: str  # the opening '---' line, with its line ending
    yaml_lines: list[str]
    close: str  # the closing '---' line
    body: str
    data: CommentedMap = field(repr=False)

    @property
    def newline(self) -> str:
        m = re.search(r"\r\n|\r|\n", self.head)
        return m.group(0) if m else "\n"

    def text(self, yaml_lines: list[str] | None = None) -> str:
        lines = self.yaml_lines if yaml_lines is None else yaml_lines
        return self.bom + self.head + "".join(lines) + self.close + self.body


def read_front_matter(path: Path, shown: str) -> FrontMatterFile:
    """Read and split ``path``; refuse symlinks, bad encodings and front-matter that does not parse."""
    if path.is_symlink():
        raise AuthoringError(f"{shown}: is a symbolic link; refusing to edit it", "edit the file it points to by hand")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AuthoringError(f"{shown}: is not UTF-8 ({exc.reason} at byte {exc.start})", "save it as UTF-8") from None
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = split_lines(text[len(bom):])
    if not lines or delimiter(lines[0]) not in OPENING:
        raise AuthoringError(f"{shown}:1: no front-matter (the file must start with a '---' line)",
                             "put the YAML between two '---' lines at the top of the file")
    close_at = closing_line(lines)  # the loader's rule: '---' or '...' closes it
    if close_at is None:
        raise AuthoringError(f"{shown}:1: the front-matter is not closed", "add a '---' line after the YAML")
    yaml_lines = lines[1:close_at]
    # First the loader's parser, which builds nothing it has not checked: an alias bomb would
    # expand in the comparisons below, and deep nesting would exhaust ruamel's recursion.
    doc, issues = parse_yaml("".join(yaml_lines), line_offset=1)
    if issues:
        raise AuthoringError(
            f"{shown}:{issues[0].line}: the front-matter does not parse: {issues[0].message}",
            "fix it by hand (`statuspress validate` lists every problem), then run this command again",
        )
    try:
        data = _rt_yaml().load("".join(yaml_lines))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark is not None else 1  # +1 for '---', +1 for 1-based
        what = "has a duplicate key" if "duplicate key" in str(exc.problem) else "does not parse"
        raise AuthoringError(
            f"{shown}:{line}: the front-matter {what}: {exc.problem}",
            "fix it by hand (`statuspress validate` lists every problem), then run this command again",
        ) from None
    except YAMLError as exc:
        raise AuthoringError(f"{shown}: the front-matter does not parse: {exc}",
                             "fix it by hand, then run this command again") from None
    if not isinstance(data, CommentedMap):
        raise AuthoringError(f"{shown}:2: the front-matter is not a mapping of keys to values",
                             "write it as `key: value` lines")
    return FrontMatterFile(path, bom, lines[0], yaml_lines, lines[close_at], "".join(lines[close_at + 1:]), data)


def _atomic_write(path: Path, text: str, *, exclusive: bool) -> None:
    """Write via a temporary file in the same folder, then rename over (or link to) ``path``.

    ``exclusive`` never replaces an existing file. An edit keeps the file's mode.
    A failure (disk full, read-only folder) leaves ``path`` as it was and says so.
    """
    try:
        _write_via_temp(path, text, exclusive=exclusive)
    except OSError as exc:
        raise AuthoringError(f"{path}: cannot write ({exc.strerror or exc}); nothing was changed",
                             "check the folder is writable and the disk is not full") from None


def _write_via_temp(path: Path, text: str, *, exclusive: bool) -> None:
    folder = path.parent
    if exclusive:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    else:
        mode = stat.S_IMODE(path.stat().st_mode)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        if exclusive:
            try:
                os.link(tmp, path)  # atomic and fails if the name was taken meanwhile
            except FileExistsError:
                raise AuthoringError(f"{path}: already exists; not overwriting it", "choose another name") from None
            except OSError:
                with open(path, "xb") as fh:  # file systems without hard links
                    try:
                        fh.write(text.encode("utf-8"))
                    except OSError:
                        os.unlink(path)  # ours, half-written: do not leave it behind
                        raise
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# ---------------------------------------------------------------- line edits


class _LineEdit:
    """Insertions and single-line replacements against the original line list."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.inserts: dict[int, list[str]] = {}
        self.replaced: dict[int, str] = {}

    def insert(self, pos: int, new: list[str]) -> None:
        self.inserts.setdefault(pos, []).extend(new)

    def replace(self, index: int, new: str) -> None:
        self.replaced[index] = new

    def remove(self, index: int) -> None:
        self.replaced[index] = ""  # an empty string: the line goes

    def apply(self) -> list[str]:
        out: list[str] = []
        for i in range(len(self.lines) + 1):
            out.extend(self.inserts.get(i, []))
            if i < len(self.lines):
                line = self.replaced.get(i, self.lines[i])
                if line:
                    out.append(line)
        return out


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _significant(line: str) -> bool:
    s = line.strip()
    return bool(s) and not s.startswith("#")


def _single_line_value(fm: FrontMatterFile, key: str) -> bool:
    """The top-level ``key`` holds a scalar that sits on the key's own line."""
    value = fm.data.get(key)
    if isinstance(value, Mapping | list):
        return False
    line = fm.data.lc.key(key)[0]
    for nxt in fm.yaml_lines[line + 1:]:
        if _significant(nxt):
            return _indent(nxt) == 0
    return True


_KEY_LINE = r"^(?P<key>{key}[ \t]*:)(?P<value>[^#\r\n]*?)(?P<comment>[ \t]+#[^\r\n]*)?[ \t]*(?P<eol>\r\n|\r|\n)?$"


def _set_top_scalar(
    fm: FrontMatterFile, edit: _LineEdit, key: str, value: str, after: Sequence[str],
    added: dict[str, int], overwrite: bool,
) -> bool:
    """Give top-level ``key`` the plain ``value``; insert it after the first usable key in ``after``.

    Returns False when an existing value is kept (``overwrite`` False).
    """
    nl = fm.newline
    if key in fm.data:
        if fm.data[key] is not None and not overwrite:
            return False
        line = fm.data.lc.key(key)[0]
        m = re.match(_KEY_LINE.format(key=re.escape(key)), fm.yaml_lines[line])
        if m is None or not _single_line_value(fm, key):
            raise AuthoringError(
                f"{fm.path}:{line + 2}: cannot set {key} safely (its value spans lines or the key is quoted)",
                f"write `{key}: {value}` on that line by hand",
            )
        edit.replace(line, f"{m['key']} {value}{m['comment'] or ''}{m['eol'] or ''}")
        return True
    pos = len(fm.yaml_lines)
    for anchor in after:
        if anchor in added:
            pos = added[anchor]
            break
        if anchor in fm.data and _single_line_value(fm, anchor):
            pos = fm.data.lc.key(anchor)[0] + 1
            break
    edit.insert(pos, [f"{key}: {value}{nl}"])
    added[key] = pos
    return True


def _append_item(fm: FrontMatterFile, key: str, fields: list[tuple[str, str]]) -> tuple[list[str], list[int]]:
    """Lines for a new mapping item of the block list ``key``, and candidate insert positions (best first)."""
    nl = fm.newline
    seq = fm.data.get(key)
    header: list[str] = []
    if seq is None and key in fm.data:
        line = fm.data.lc.key(key)[0]
        if not re.match(rf"^{re.escape(key)}[ \t]*:[ \t]*(#[^\r\n]*)?(\r\n|\r|\n)?$", fm.yaml_lines[line]):
            raise AuthoringError(f"{fm.path}:{line + 2}: `{key}` is not a list", f"write `{key}:` followed by '- at:' items")
        pad, off, positions = 2, 2, [line + 1]
    elif seq is None:
        header = [f"{key}:{nl}"]
        pad, off, positions = 2, 2, [len(fm.yaml_lines)]
    elif not isinstance(seq, CommentedSeq) or seq.fa.flow_style() or len(seq) == 0:
        line = fm.data.lc.key(key)[0]
        raise AuthoringError(
            f"{fm.path}:{line + 2}: `{key}` is not a block list (one '- ' item per line)",
            f"rewrite `{key}` as a block list, e.g.\n    {key}:\n      - at: ...\n        status: ...",
        )
    else:
        if not all(isinstance(item, CommentedMap) for item in seq):
            raise AuthoringError(f"{fm.path}: every item of `{key}` must be a mapping (at, status, message)",
                                 "fix the list by hand, then run this command again")
        # Copy the list's own layout: the dash column and the gap to the first key.
        pad = seq.lc.col
        first_line, first_col = seq.lc.item(0)
        before = fm.yaml_lines[first_line][:first_col].rstrip()
        off = first_col - pad if before.endswith("-") and len(before) - 1 == pad else 2
        keys = list(fm.data.keys())
        idx = keys.index(key)
        stop = fm.data.lc.key(keys[idx + 1])[0] if idx + 1 < len(keys) else len(fm.yaml_lines)
        last_line = seq.lc.item(len(seq) - 1)[0]
        end = stop
        # Trailing blank lines and comments at the list's indentation belong to what follows.
        while end - 1 > last_line and (
            not fm.yaml_lines[end - 1].strip()
            or (fm.yaml_lines[end - 1].lstrip().startswith("#") and _indent(fm.yaml_lines[end - 1]) <= pad)
        ):
            end -= 1
        positions = list(range(end, stop + 1))
    item = [f"{' ' * pad}-{' ' * (off - 1)}{fields[0][0]}: {fields[0][1]}{nl}"]
    item += [f"{' ' * (pad + off)}{k}: {v}{nl}" for k, v in fields[1:]]
    return header + item, positions


def _apply_verified(
    fm: FrontMatterFile, edit: _LineEdit, item: list[str], positions: list[int], expected: Any,
) -> str:
    """Put ``item`` at the first candidate position whose result re-parses to exactly ``expected``.

    The usual first candidate is right after the last item; later ones only
    matter for oddities such as a ``|+`` block scalar that keeps trailing blank lines.
    """
    for pos in positions:
        trial = _LineEdit(fm.yaml_lines)
        trial.replaced = dict(edit.replaced)
        trial.inserts = {k: list(v) for k, v in edit.inserts.items()}
        trial.inserts[pos] = item + trial.inserts.get(pos, [])
        new_lines = trial.apply()
        try:
            loaded = _rt_yaml().load("".join(new_lines))
        except YAMLError:
            continue
        if _plain(loaded) == expected:
            return fm.text(new_lines)
    raise AuthoringError(
        f"{fm.path}: could not append to this file without changing what it says",
        "add the update by hand (see docs/authoring.md for the shape), then run `statuspress validate`",
    )


# ---------------------------------------------------------------- shared checks

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _check_text(value: str, what: str, *, one_line: bool, limit: int | None = None) -> str:
    text = value.strip()
    if not text:
        raise AuthoringError(f"the {what} is empty", f"give a {what}")
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise AuthoringError(f"the {what} is not valid text (undecodable bytes)", "check the terminal's encoding")
    bad = _CONTROL.search(text.replace("\n", "").replace("\t", "") if not one_line else text)
    if bad:
        kind = "a line break" if bad.group(0) in "\r\n\u2028\u2029" else f"the control character {bad.group(0)!r}"
        raise AuthoringError(f"the {what} contains {kind}", f"write the {what} as one line of plain text")
    bidi = BIDI_CONTROLS.search(text)
    if bidi:
        raise AuthoringError(f"the {what} contains the bidirectional control U+{ord(bidi.group()):04X}, which can "
                             "reorder the text shown after it", f"remove it from the {what}")
    if limit is not None and len(text) > limit:
        raise AuthoringError(f"the {what} is {len(text)} characters long (at most {limit})", f"shorten the {what}")
    return text


def normalize_severity(value: str) -> str:
    """``SEV-2``, ``sev2``, ``P2`` -> ``SEV-2``."""
    raw = value.strip().upper()
    if raw in SEVERITY_ALIASES:
        return SEVERITY_ALIASES[raw]
    m = re.fullmatch(r"SEV-?([1-4])", raw)
    if m:
        return f"SEV-{m.group(1)}"
    raise AuthoringError(f"unknown severity {value!r}", severity_hint(value))


def _did_you_mean(value: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=3, cutoff=0.5)
    return f"did you mean {' or '.join(close)}?" if close else ""


def _check_services(
    facts: SiteFacts, services: Sequence[tuple[str, str | None]], allowed: Sequence[str], default: str | None,
) -> dict[str, str]:
    if not services:
        raise AuthoringError("no service given", "add --service ID[=IMPACT], e.g. --service api=major_outage")
    out: dict[str, str] = {}
    for sid, impact in services:
        sid = sid.strip()
        if sid not in facts.service_names:
            known = ", ".join(facts.service_names) or "(none configured)"
            guess = _did_you_mean(sid, facts.service_names)
            raise AuthoringError(f"unknown service {sid!r}", (guess + " " if guess else "") + f"services in site_config.yml: {known}")
        value = (impact or "").strip() or default
        if value is None:
            raise AuthoringError(f"no impact given for service {sid!r}", f"write {sid}=IMPACT with IMPACT one of {', '.join(allowed)}")
        if value not in allowed:
            guess = _did_you_mean(value, allowed)
            raise AuthoringError(f"unknown impact {value!r} for service {sid!r}",
                                 (guess + " " if guess else "") + f"use one of {', '.join(allowed)}")
        if sid in out and out[sid] != value:
            raise AuthoringError(f"service {sid!r} is given twice with different impacts", "give each service once")
        out[sid] = value
    return out


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise AuthoringError(f"{value.isoformat()} has no time zone", "pass timestamps with Z or an offset")
    return value.astimezone(UTC)


def _content_dir(root: Path, kind: str) -> Path:
    folder = root / "content" / kind
    if folder.is_symlink():
        raise AuthoringError(f"{folder}: is a symbolic link; refusing to write through it", "make it a real folder")
    if not inside(root, folder):  # content/ itself (or a folder above it) links elsewhere
        raise AuthoringError(f"{folder}: is outside the repository (through a symbolic link); refusing to write there",
                             "make content/ a real folder of the repository")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AuthoringError(f"{folder}: cannot create the folder ({exc.strerror or exc})",
                             f"make content/{kind} a writable folder") from None
    return folder


def _new_file(folder: Path, stem: str, text: str) -> Path:
    try:
        path = free_path(folder, stem)
    except ValueError as exc:
        raise AuthoringError(str(exc), "choose a different title") from None
    if not inside(folder, path):  # belt and braces: slugs cannot contain '/' or '..'
        raise AuthoringError(f"{path}: outside {folder}", "choose a different title")
    _atomic_write(path, text, exclusive=True)
    return path


def _item_lines(fields: list[tuple[str, str]], pad: int = 2) -> list[str]:
    lines = [f"{' ' * pad}- {fields[0][0]}: {fields[0][1]}"]
    lines += [f"{' ' * (pad + 2)}{k}: {v}" for k, v in fields[1:]]
    return lines


def _document(front: list[str], body: str = "") -> str:
    return "---\n" + "\n".join(front) + "\n---\n" + body


# ---------------------------------------------------------------- new incident


def new_incident(
    root: Path,
    now: datetime,
    title: str,
    severity: str,
    services: Sequence[tuple[str, str | None]],
    *,
    detection: str | None = None,
    category: str | None = None,
    started_at: datetime | None = None,
    detected_at: datetime | None = None,
    message: str | None = None,
    reported_by: str | None = None,
    commander: str | None = None,
    drill: bool = False,
) -> Path:
    """Write ``content/incidents/YYYY-MM-DD-slug.md`` with a first ``investigating`` update at ``now``.

    Services given without ``=IMPACT`` get ``partial_outage``. The date in the
    file name is the UTC day of ``started_at``, like every stored time.
    ``drill``: a rehearsal (``drill: true``), never published.
    """
    now = _utc(now)
    facts = read_site_facts(root)
    title = _check_text(title, "title", one_line=True, limit=MAX_TITLE)
    sev = normalize_severity(severity)
    impacts = _check_services(facts, services, IMPACTS, DEFAULT_IMPACT)
    start = _utc(started_at) if started_at is not None else now
    detected = _utc(detected_at) if detected_at is not None else now
    if start > now:
        raise AuthoringError(f"--started-at {format_timestamp(start)} is after now ({format_timestamp(now)})",
                             "give the time customer impact began, with Z or an offset")
    if not start <= detected <= now:
        raise AuthoringError(
            f"--detected-at {format_timestamp(detected)} is not between started_at ({format_timestamp(start)}) and now ({format_timestamp(now)})",
            "the team becomes aware after impact begins and before this update",
        )
    if detection is not None and detection not in DETECTIONS:
        raise AuthoringError(f"unknown detection {detection!r}", f"use one of {', '.join(DETECTIONS)}")
    if category is not None and category not in facts.categories:
        guess = _did_you_mean(category, facts.categories)
        raise AuthoringError(f"unknown category {category!r}", (guess + " " if guess else "") + f"use one of {', '.join(facts.categories)}")
    if message is None:
        names = ", ".join(facts.service_label(s) for s in impacts)
        message = f"We are investigating an issue affecting {names}."
    message = _check_text(message, "message", one_line=False)

    front = [
        f"title: {yaml_scalar(title)}",
        *(["drill: true"] if drill else []),
        f"severity: {sev}",
        "services:",
        *[f"  {yaml_scalar(sid)}: {impact}" for sid, impact in impacts.items()],
        f"started_at: {format_timestamp(start)}",
        f"detected_at: {format_timestamp(detected)}",
    ]
    for key, value in (("detection", detection), ("reported_by", reported_by), ("category", category), ("commander", commander)):
        if value is not None:
            front.append(f"{key}: {yaml_scalar(_check_text(value, key.replace('_', ' '), one_line=True))}")
    front += ["updates:", *_item_lines([
        ("at", format_timestamp(now)), ("status", "investigating"), ("message", yaml_scalar(message)),
    ])]
    folder = _content_dir(root, "incidents")
    stem = f"{start.date().isoformat()}-{slugify(title, fallback='incident')}"
    return _new_file(folder, stem, _document(front))


# ---------------------------------------------------------------- update / resolve


def find_incident(root: Path, ident: str) -> Path:
    """``content/incidents/<ident>.md``; ``ident`` may also be a path to that file."""
    folder = root / "content" / "incidents"
    name = Path(ident.strip()).name
    stem = name[:-3] if name.endswith(".md") else name
    existing = sorted(p.name[:-3] for p in folder.glob("*.md")) if folder.is_dir() else []
    path = folder / f"{stem}.md"
    # Path(...).name drops any directories, so an id cannot point outside the folder.
    if not stem or stem.startswith(".") or not (path.is_file() or path.is_symlink()):
        guess = difflib.get_close_matches(stem, existing, n=3, cutoff=0.4)
        hint = f"did you mean {' or '.join(guess)}?" if guess else (
            "existing incidents: " + ", ".join(existing[-5:]) if existing else "create one with `statuspress new incident`")
        raise AuthoringError(f"no incident {ident!r} in {folder}", hint)
    if not path.is_symlink() and not inside(root, path):  # content/ links elsewhere (a linked file is refused later)
        raise AuthoringError(f"{path}: is outside the repository (through a symbolic link); refusing to edit it",
                             "make content/ a real folder of the repository")
    return path


def _ts_field(fm: FrontMatterFile, shown: str, container: Mapping[str, Any], key: str, line: int) -> datetime | None:
    value = container.get(key)
    if value is None:
        return None
    try:
        return parse_timestamp(str(value))
    except TimestampError as exc:
        raise AuthoringError(f"{shown}:{line}: {key}: {exc.message}",
                             f"{exc.hint}; fix it by hand, then run this command again") from None


def update_incident(
    root: Path,
    now: datetime,
    incident_id: str,
    status: str,
    message: str,
    *,
    services: Sequence[tuple[str, str | None]] = (),
    severity: str | None = None,
    eta: datetime | None = None,
) -> Path:
    """Append an update at ``now``; set ``acknowledged_at`` (and ``resolved_at`` for ``resolved``).

    On a resolved incident, a status other than resolved reopens it (``resolved_at`` is removed
    until the next resolution). Refuses resolving twice, a time before the last update, and
    files it cannot edit without changing anything else.
    """
    now = _utc(now)
    if status not in INCIDENT_STATUSES:
        raise AuthoringError(f"unknown status {status!r}", f"use one of {', '.join(INCIDENT_STATUSES)}")
    message = _check_text(message, "message", one_line=False)
    facts = read_site_facts(root)
    changes = _check_services(facts, services, ("operational", *IMPACTS), None) if services else {}
    sev = normalize_severity(severity) if severity else None
    if eta is not None:
        eta = _utc(eta)
        if status == "resolved":
            raise AuthoringError("--eta is for open incidents", "leave out --eta when resolving")
        if eta < now:
            raise AuthoringError(f"--eta {format_timestamp(eta)} is before now ({format_timestamp(now)})",
                                 "give the expected resolution time, with Z or an offset")

    path = find_incident(root, incident_id)
    with _edit_lock(path.parent):
        return _update_locked(path, now, status, message, changes, sev, eta)


LOCK_WAIT = 30.0  # seconds; an edit takes milliseconds


@contextmanager
def _edit_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` while a file in it is read, changed and written back.

    Without it, two ``update`` commands at once would both read the same file and the second
    write would drop the first one's update. The lock is on the folder itself, so nothing is
    left behind; it is released when the process ends, however it ends.
    """
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise AuthoringError(f"{folder}: cannot be opened ({exc.strerror or exc})", "check the folder") from None
    try:
        try:
            locked = flock_within(fd, LOCK_WAIT, poll=0.01)
        except OSError:
            locked = True  # a file system without locks: edit as before
        if not locked:
            raise AuthoringError(f"{folder}: another statuspress command has been editing here for "
                                 f"{LOCK_WAIT:.0f} s", "wait for it to finish, then run this again")
        yield
    finally:
        os.close(fd)


def _update_locked(path: Path, now: datetime, status: str, message: str, changes: dict[str, str],
                   sev: str | None, eta: datetime | None) -> Path:
    shown = str(path)
    fm = read_front_matter(path, shown)
    data = fm.data
    updates = data.get("updates")
    if isinstance(updates, CommentedSeq) and updates:
        last = updates[-1]
        if not isinstance(last, Mapping):
            raise AuthoringError(f"{shown}: the last update is not a mapping", "fix it by hand")
        last_line = updates.lc.item(len(updates) - 1)[0] + 2
        if last.get("status") == "resolved" and status == "resolved":
            raise AuthoringError(
                f"{shown}:{last_line}: the incident is already resolved",
                "to reopen it, run `statuspress update` with --status investigating, identified or monitoring",
            )
        last_at = _ts_field(fm, shown, last, "at", last_line)
        if last_at is not None and now < last_at:
            raise AuthoringError(
                f"{shown}:{last_line}: the new update ({format_timestamp(now)}) would be before the last one ({format_timestamp(last_at)})",
                "updates are in time order; check --now or the clock",
            )
    reopening = isinstance(updates, CommentedSeq) and bool(updates) and isinstance(updates[-1], Mapping) \
        and updates[-1].get("status") == "resolved" and status != "resolved"
    for key in ("started_at", "detected_at"):
        line = data.lc.key(key)[0] + 2 if key in data else 0
        if data.get(key) == "unknown":
            continue  # declared unknown: nothing to compare with
        when = _ts_field(fm, shown, data, key, line)
        if when is not None and now < when:
            raise AuthoringError(f"{shown}:{line}: the new update ({format_timestamp(now)}) would be before {key} ({format_timestamp(when)})",
                                 "check --now or the clock")

    stamp = format_timestamp(now)
    fields = [("at", stamp), ("status", status), ("message", yaml_scalar(message))]
    new_item: dict[str, Any] = {"at": stamp, "status": status, "message": message}
    if changes:
        fields.append(("services", _flow_map(changes)))
        new_item["services"] = dict(changes)
    if sev:
        fields.append(("severity", sev))
        new_item["severity"] = sev
    if eta is not None:
        fields.append(("eta", format_timestamp(eta)))
        new_item["eta"] = format_timestamp(eta)

    expected = _plain(data)
    edit = _LineEdit(fm.yaml_lines)
    item, positions = _append_item(fm, "updates", fields)
    expected["updates"] = (expected.get("updates") or []) + [new_item]
    added: dict[str, int] = {}
    if status != "investigating":
        if _set_top_scalar(fm, edit, "acknowledged_at", stamp, ("detected_at", "started_at"), added, overwrite=False):
            expected["acknowledged_at"] = stamp
    if status == "resolved":
        _set_top_scalar(fm, edit, "resolved_at", stamp, ("mitigated_at", "acknowledged_at", "detected_at", "started_at"),
                        added, overwrite=True)
        expected["resolved_at"] = stamp
    # Reopened: resolved_at (always the last resolution) and mitigated_at (impact has resumed)
    # go until the next resolution.
    for key in ("resolved_at", "mitigated_at") if reopening else ():
        if key not in data:
            continue
        line = data.lc.key(key)[0]
        m = re.match(_KEY_LINE.format(key=key), fm.yaml_lines[line])
        if m is None or not _single_line_value(fm, key):
            raise AuthoringError(f"{shown}:{line + 2}: cannot remove {key} safely (its value spans lines or the "
                                 "key is quoted)", f"delete the {key} line by hand, then run this again")
        comment = (m["comment"] or "").strip()
        if comment:  # keep what the author wrote there
            edit.replace(line, f"{comment}{m['eol'] or fm.newline}")
        else:
            edit.remove(line)
        expected.pop(key, None)
    text = _apply_verified(fm, edit, item, positions, expected)
    _atomic_write(path, text, exclusive=False)
    return path


def resolve_incident(root: Path, now: datetime, incident_id: str, message: str) -> Path:
    """Append a ``resolved`` update at ``now`` and set ``resolved_at`` to the same time."""
    return update_incident(root, now, incident_id, "resolved", message)


# ---------------------------------------------------------------- post-mortem

_PLACEHOLDERS = {
    "summary": "Draft: what happened, who was affected, for how long, and what restored service.",
    "contributing factors": (
        "Draft: the conditions in the system and in the process that made this incident possible, "
        "and why each one made sense at the time. The front-matter `contributing_factors` lists them for feeds and indexes."
    ),
    "what went well": "Draft: what helped detection, response and recovery.",
    "what went wrong": "Draft: what made detection, response or recovery harder.",
    "where we got lucky": "Draft: what limited the impact by chance rather than by design.",
    "action items": "The action items are kept in the front-matter (`action_items`) and shown here as a table.",
}


def _when(value: datetime) -> str:
    v = value.astimezone(UTC)
    return v.strftime("%Y-%m-%d %H:%M:%S" if v.second else "%Y-%m-%d %H:%M")


def _one_line(text: Any) -> str:
    return " ".join(str(text).split())


def new_postmortem(
    root: Path,
    now: datetime,
    incident_id: str,
    *,
    authors: Sequence[str] = (DEFAULT_AUTHOR,),
    title: str | None = None,
    visibility: str | None = None,
) -> Path:
    """Write ``content/postmortems/<ID>.md``: a draft with every required heading and the timeline filled in.

    ``visibility`` defaults to public, and to internal for a drill (which is never published).
    """
    now = _utc(now)
    facts = read_site_facts(root)
    path = find_incident(root, incident_id)
    inc_id = path.name[:-3]
    shown = str(path)
    fm = read_front_matter(path, shown)
    data = fm.data
    is_drill = data.get("drill") is True
    if visibility is None:
        visibility = "internal" if is_drill else "public"
    if visibility not in ("public", "internal"):
        raise AuthoringError(f"unknown visibility {visibility!r}", "use public or internal")
    if is_drill and visibility == "public":
        raise AuthoringError(f"{inc_id} is a drill, and drills are never published",
                             "leave out --visibility (a drill's post-mortem is internal)")
    people = [_check_text(a, "author", one_line=True) for a in authors] or [DEFAULT_AUTHOR]

    folder = _content_dir(root, "postmortems")
    target = folder / f"{inc_id}.md"
    if target.exists() or target.is_symlink():
        raise AuthoringError(f"{target}: already exists; not overwriting it", "edit the existing post-mortem")
    for other in sorted(folder.glob("*.md")):
        try:
            covered = read_front_matter(other, str(other)).data.get("incidents") or []
        except AuthoringError:
            continue
        if isinstance(covered, list) and inc_id in [str(c) for c in covered]:
            raise AuthoringError(f"{other}: already covers incident {inc_id}", "edit that post-mortem instead")

    inc_title = _one_line(data.get("title") or inc_id)
    if title is None:
        title = f"Post-mortem: {inc_title}"
        if len(title) > MAX_TITLE:
            title = inc_title[:MAX_TITLE]
    title = _check_text(title, "title", one_line=True, limit=MAX_TITLE)

    # The incident's own times, then each update, in time order.
    events: list[tuple[datetime, int, str]] = []

    def ts(container: Mapping[str, Any], key: str, line: int) -> datetime | None:
        return _ts_field(fm, shown, container, key, line)

    def line_of(key: str) -> int:
        return data.lc.key(key)[0] + 2 if key in data else 0

    started = ts(data, "started_at", line_of("started_at"))
    marks = (
        ("started_at", "Customer impact began."),
        ("detected_at", "Detected" + (f" ({_one_line(data['detection']).replace('_', ' ')})." if data.get("detection") else ".")),
        ("acknowledged_at", "Acknowledged."),
        ("mitigated_at", "Customer impact ended (mitigated)."),
    )
    for key, text in marks:
        if data.get(key) == "unknown":  # declared unknown: no moment to put in the timeline
            continue
        when = ts(data, key, line_of(key))
        if when is not None:
            events.append((when, 0, text))
    updates = data["updates"] if isinstance(data.get("updates"), CommentedSeq) else CommentedSeq()
    for i, upd in enumerate(updates):
        if not isinstance(upd, Mapping):
            continue
        when = ts(upd, "at", updates.lc.item(i)[0] + 2)
        if when is None:
            continue
        status = str(upd.get("status") or "update").replace("_", " ").capitalize()
        extra = ""
        if isinstance(upd.get("services"), Mapping):
            extra = " (" + ", ".join(
                f"{facts.service_label(str(k))}: {str(v).replace('_', ' ')}" for k, v in upd["services"].items()) + ")"
        if upd.get("severity"):
            extra += f" (severity {_one_line(upd['severity'])})"
        events.append((when, 1, f"{status}: {_one_line(upd.get('message') or '')}{extra}"))
    events.sort(key=lambda e: (e[0], e[1]))
    timeline = "All times UTC.\n\n" + "\n".join(f"- {_when(w)} — {t}" for w, _, t in events) if events else (
        "Draft: the timeline of detection, response and recovery, in UTC.")

    resolved = ts(data, "resolved_at", line_of("resolved_at"))
    mitigated = ts(data, "mitigated_at", line_of("mitigated_at"))
    end = mitigated or resolved
    svc = data.get("services") if isinstance(data.get("services"), Mapping) else {}
    affected = ", ".join(f"{facts.service_label(str(k))} ({str(v).replace('_', ' ')})" for k, v in svc.items())
    impact = "Draft: what customers saw and how many were affected."
    if affected:
        impact += f" Affected: {affected}"
        if started and end:
            impact += f", from {_when(started)} to {_when(end)} UTC ({format_duration(end - started)})."
        elif started:
            impact += f", from {_when(started)} UTC."
        else:
            impact += "."

    body_parts = []
    for heading in facts.headings:
        key = heading.strip().lower()
        if key == "timeline":
            text = timeline
        elif key == "impact":
            text = impact
        else:
            text = _PLACEHOLDERS.get(key, "Draft: write this section.")
        body_parts.append(f"## {heading}\n\n{text}\n")
    due: date = (now + timedelta(days=ACTION_ITEM_DAYS)).astimezone(facts.timezone).date()
    front = [
        f"title: {yaml_scalar(title)}",
        f"incidents: {_flow_list([inc_id])}",
        "status: draft                # draft | in_review | published (published needs published_at)",
        f"visibility: {visibility}           # public | internal",
        f"authors: {_flow_list(people)}",
        "summary: Draft - what customers saw, for how long, and what restored service.",
        "contributing_factors:",
        "  - Draft - a condition in the system or the process that made this incident possible.",
        "action_items:",
        *_item_lines([
            ("title", SCAFFOLD_ACTION_TITLE),  # validate recognises it (W062) if it is published unchanged
            ("type", "prevent            # prevent | mitigate | detect | process"),
            ("owner", yaml_scalar(people[0])),
            ("due", due.isoformat()),
            ("status", "open             # open | in_progress | done | wont_do (needs a reason)"),
        ]),
    ]
    _atomic_write(target, _document(front, "\n" + "\n".join(body_parts)), exclusive=True)
    return target


# ---------------------------------------------------------------- maintenance


def new_maintenance(
    root: Path,
    now: datetime,
    title: str,
    start: datetime,
    end: datetime,
    services: Sequence[tuple[str, str | None]],
    *,
    message: str | None = None,
) -> Path:
    """Write ``content/maintenance/YYYY-MM-DD-slug.md`` with a ``scheduled`` update at ``now``.

    Services given without ``=IMPACT`` are ``under_maintenance``. The date in
    the file name is the UTC day of ``start``.
    """
    now = _utc(now)
    facts = read_site_facts(root)
    title = _check_text(title, "title", one_line=True, limit=MAX_TITLE)
    start, end = _utc(start), _utc(end)
    if end <= start:
        raise AuthoringError(f"--end {format_timestamp(end)} is not after --start {format_timestamp(start)}",
                             "give the window's end after its start")
    impacts = _check_services(facts, services, MAINTENANCE_IMPACTS, "under_maintenance")
    if message is None:
        names = ", ".join(facts.service_label(s) for s in impacts)
        message = f"Scheduled maintenance of {names}."
    message = _check_text(message, "message", one_line=False)
    front = [
        f"title: {yaml_scalar(title)}",
        "services:",
        *[f"  {yaml_scalar(sid)}: {impact}" for sid, impact in impacts.items()],
        f"scheduled_start: {format_timestamp(start)}",
        f"scheduled_end: {format_timestamp(end)}",
        "updates:",
        *_item_lines([("at", format_timestamp(now)), ("status", "scheduled"), ("message", yaml_scalar(message))]),
    ]
    folder = _content_dir(root, "maintenance")
    stem = f"{start.date().isoformat()}-{slugify(title, fallback='maintenance')}"
    return _new_file(folder, stem, _document(front))
