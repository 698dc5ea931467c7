"""YAML with line numbers, read through ``yaml.compose`` so nothing is guessed.

Every value comes back as a :class:`Y`: its plain value, its 1-based line in the
file and the raw scalar text. Timestamps stay text (``timeparse`` decides),
duplicate keys and aliases are reported, not silently resolved or expanded.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_NODES = 50_000  # a front-matter block never needs more; bounds hostile input
MAX_DEPTH = 40


@dataclass
class Y:
    """A YAML value with where it came from."""

    value: Any  # dict[str, Y] | list[Y] | str | int | float | bool | None
    line: int
    kind: str  # "map" | "seq" | "str" | "int" | "float" | "bool" | "null"
    raw: str = ""
    key_lines: dict[str, int] = field(default_factory=dict)  # for maps: key -> line of the key

    def plain(self) -> Any:
        """The value with all Y wrappers removed."""
        if self.kind == "map":
            return {k: v.plain() for k, v in self.value.items()}
        if self.kind == "seq":
            return [v.plain() for v in self.value]
        return self.value


@dataclass
class YamlIssue:
    code: str
    line: int
    message: str
    hint: str


_BOOL = {"true": True, "false": False, "yes": True, "no": False, "on": True, "off": False}
_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")
_NULL = {"", "~", "null", "Null", "NULL"}
# Python refuses to turn longer digit strings into an int (CVE-2020-10735); no field needs one.
MAX_INT_DIGITS = min(sys.get_int_max_str_digits() or 4300, 4300)
# YAML 1.1 readers (PyYAML, libyaml) end a line at these; editors, git and Markdown do not. One
# of them in a comment could end the front-matter for one reader and not another, and every
# line number after it would be off: they are refused, and parsed as spaces so the rest checks.
YAML_ONLY_BREAKS = {"\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR", "\x85": "NEXT LINE"}
_YAML_ONLY_BREAK = re.compile("[\u2028\u2029\x85]")


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ten times faster


def _scalar(event: yaml.ScalarEvent, line_offset: int) -> Y:
    line = event.start_mark.line + 1 + line_offset
    text = event.value
    if event.style or (event.tag and event.tag.endswith(":str")):  # quoted, block or !!str: always text
        return Y(text, line, "str", text)
    if text in _NULL:
        return Y(None, line, "null", text)
    low = text.lower()
    if low in ("true", "false"):
        return Y(_BOOL[low], line, "bool", text)
    if _INT.match(text):
        if len(text) > MAX_INT_DIGITS:  # reported by parse_yaml; kept as text so the rest still checks
            return Y(text, line, "str", text)
        return Y(int(text.replace("_", "")), line, "int", text)
    if _FLOAT.match(text) and any(c.isdigit() for c in text):
        try:
            return Y(float(text.replace("_", "")), line, "float", text)
        except ValueError:
            pass
    return Y(text, line, "str", text)


def _events(text: str):
    """Parser events, straight from the (C) loader without yaml.parse's per-event checks."""
    loader = _Loader(text)
    try:
        while True:
            event = loader.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return
            yield event
    finally:
        loader.dispose()


def parse_yaml(text: str, line_offset: int = 0) -> tuple[Y | None, list[YamlIssue]]:
    """Parse one YAML document. ``line_offset`` is added to every line (front-matter starts at line 2).

    The tree is built straight from parser events in one pass: aliases are refused
    the moment they appear, so nothing can expand, and sizes are bounded.
    """
    issues: list[YamlIssue] = []
    for match in _YAML_ONLY_BREAK.finditer(text):
        ch = match.group()
        issues.append(YamlIssue("E019", text.count("\n", 0, match.start()) + 1 + line_offset,
                                f"contains U+{ord(ch):04X} ({YAML_ONLY_BREAKS[ch]}), which YAML readers take as a "
                                "line break and editors do not",
                                f"remove it (write it as \\u{ord(ch):04X} inside double quotes if you mean it)"))
    if issues:
        text = _YAML_ONLY_BREAK.sub(" ", text)
    stack: list[tuple[Y, str | None]] = []  # open containers, and for maps the key waiting for its value
    root: Y | None = None
    nodes = 0
    documents = 0

    def line_of(event: yaml.Event) -> int:
        return event.start_mark.line + 1 + line_offset

    def attach(value: Y, event: yaml.Event) -> bool:
        """Put a finished value into its parent; False when it was a duplicate key."""
        nonlocal root
        if not stack:
            root = value
            return True
        parent, pending = stack[-1]
        if parent.kind == "seq":
            parent.value.append(value)
            return True
        if pending is None:  # this value is a key
            if value.kind in ("map", "seq"):
                issues.append(YamlIssue("E016", value.line, "a key must be plain text", "use a simple word as the key"))
                stack[-1] = (parent, "\x00skip")
                return True
            key = str(value.raw if value.kind != "str" else value.value)
            if key in parent.value or key in parent.key_lines:
                issues.append(YamlIssue(
                    "E005", value.line, f"duplicate key '{key}' (first at line {parent.key_lines[key]})",
                    "keep one of them: YAML would silently use the last"))
                stack[-1] = (parent, "\x00skip")
                return True
            parent.key_lines[key] = value.line
            stack[-1] = (parent, key)
            return True
        if pending != "\x00skip":
            parent.value[pending] = value
        stack[-1] = (parent, None)
        return True

    try:
        for event in _events(text):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return None, [YamlIssue("E006", line_of(event), "YAML anchors and aliases are not allowed "
                                        "(they can expand without bound)", "write the value out in full")]
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    return None, [YamlIssue("E003", line_of(event), "more than one YAML document",
                                            "remove the extra '---' or '...' line")]
                continue
            if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                nodes += 1
                if nodes > MAX_NODES or len(stack) > MAX_DEPTH:
                    return None, [YamlIssue("E003", line_of(event), "YAML is too large or too deeply nested for a "
                                            "content file", "keep front-matter small and flat")]
            if isinstance(event, yaml.ScalarEvent):
                scalar = _scalar(event, line_offset)
                if scalar.kind == "str" and not event.style and len(scalar.raw) > MAX_INT_DIGITS \
                        and _INT.match(scalar.raw):
                    issues.append(YamlIssue("E016", scalar.line, f"a number of {len(scalar.raw)} digits, more than "
                                            f"{MAX_INT_DIGITS}", "shorten it, or quote it if it is text"))
                attach(scalar, event)
            elif isinstance(event, yaml.MappingStartEvent):
                stack.append((Y({}, line_of(event), "map"), None))
            elif isinstance(event, yaml.SequenceStartEvent):
                stack.append((Y([], line_of(event), "seq"), None))
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                done, _ = stack.pop()
                attach(done, event)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        line = (mark.line + 1 if mark else 1) + line_offset
        unclosed = _unclosed_quote_line(text, line - line_offset)
        if unclosed is not None:
            return None, [YamlIssue("E003", unclosed + line_offset, "YAML syntax error: a quoted value is not closed "
                                    "on this line", "close the quote, or remove it")]
        return None, [YamlIssue("E003", line, f"YAML syntax error: {problem}",
                                "check indentation, colons and quotes on this line")]
    except yaml.YAMLError as exc:  # e.g. a reader error on control characters
        return None, [YamlIssue("E003", 1 + line_offset, f"YAML error: {str(exc).splitlines()[0]}",
                                "remove control characters")]
    return root, issues


_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+)?[\w-]+:\s*(["'])(.*)$""")


def _unclosed_quote_line(text: str, before: int) -> int | None:
    """The first line up to ``before`` whose quoted value never closes on that line."""
    for number, line in enumerate(text.split("\n")[:before], start=1):
        match = _QUOTED_VALUE.match(line)
        if match:
            quote, rest = match.groups()
            rest = rest.replace('\\\\', '').replace('\\"', '') if quote == '"' else rest.replace("''", "")
            if quote not in rest:
                return number
    return None


@dataclass
class SplitFile:
    """A content file cut into front-matter and body, with where each starts."""

    yaml_text: str
    yaml_first_line: int  # file line of the first YAML line
    body: str
    body_first_line: int


_FILE_LINES = re.compile(r"[^\n]*\n|[^\n]+\Z")
OPENING = ("---",)
CLOSING = ("---", "...")  # YAML's own end-of-document marker closes front-matter too


def file_lines(text: str) -> list[str]:
    """Lines with their endings. Only ``\\n`` (and so ``\\r\\n``) ends a line, as in git and editors."""
    return _FILE_LINES.findall(text)


def delimiter(line: str) -> str:
    """A line as compared with the front-matter markers: without its ending and trailing blanks."""
    return line.rstrip("\n").rstrip("\r").rstrip(" \t")


def closing_line(lines: list[str]) -> int | None:
    """Index of the line that closes the front-matter opened by ``lines[0]``; None if it is not closed.

    The one rule for ``validate``, ``build`` and the authoring commands.
    """
    if not lines or delimiter(lines[0]) not in OPENING:
        return None
    return next((i for i in range(1, len(lines)) if delimiter(lines[i]) in CLOSING), None)


def split_front_matter(text: str) -> SplitFile | None:
    """Return None when the file does not open with a ``---`` line and close it again."""
    lines = file_lines(text)
    i = closing_line(lines)
    if i is None:
        return None
    return SplitFile("".join(lines[1:i]), 2, "".join(lines[i + 1:]), i + 2)
