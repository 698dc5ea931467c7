"""YAML with line numbers, read through ``yaml.compose`` so nothing is guessed.

Every value comes back as a :class:`Y`: its plain value, its 1-based line in the
file and the raw scalar text. Timestamps stay text (``timeparse`` decides),
duplicate keys and aliases are reported, not silently resolved or expanded.
"""

from __future__ import annotations

import re
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


def _scalar(node: yaml.ScalarNode, line_offset: int) -> Y:
    line = node.start_mark.line + 1 + line_offset
    text = node.value
    if node.style:  # quoted or block scalar: always a string
        return Y(text, line, "str", text)
    if text in _NULL:
        return Y(None, line, "null", text)
    low = text.lower()
    if low in ("true", "false"):
        return Y(_BOOL[low], line, "bool", text)
    if _INT.match(text):
        return Y(int(text.replace("_", "")), line, "int", text)
    if _FLOAT.match(text) and any(c.isdigit() for c in text):
        try:
            return Y(float(text.replace("_", "")), line, "float", text)
        except ValueError:
            pass
    return Y(text, line, "str", text)


def parse_yaml(text: str, line_offset: int = 0) -> tuple[Y | None, list[YamlIssue]]:
    """Parse one YAML document. ``line_offset`` is added to every line (front-matter starts at line 2)."""
    issues: list[YamlIssue] = []
    try:
        # Scan events first: anchors/aliases are refused before anything could expand them.
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 1 + line_offset
                return None, [
                    YamlIssue("E006", line, "YAML anchors and aliases are not allowed in content files",
                              "write the value out in full")
                ]
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context_mark is not None and "quoted scalar" in (exc.context or ""):
            # An unclosed quote is found at the end of the document; point at where it opens.
            mark = exc.context_mark
            problem = f"a quoted value is not closed ({problem})"
        line = (mark.line + 1 if mark else 1) + line_offset
        unclosed = _unclosed_quote_line(text, line - line_offset)
        if unclosed is not None:
            return None, [YamlIssue("E003", unclosed + line_offset, "YAML syntax error: a quoted value is not closed "
                                    "on this line", "close the quote, or remove it")]
        return None, [YamlIssue("E003", line, f"YAML syntax error: {problem}",
                                "check indentation, colons and quotes on this line")]
    except yaml.YAMLError as exc:  # e.g. a reader error on control characters
        return None, [YamlIssue("E003", 1 + line_offset, f"YAML error: {exc}", "remove control characters")]
    if node is None:
        return None, issues
    budget = [MAX_NODES]

    def walk(n: yaml.Node, depth: int) -> Y:
        budget[0] -= 1
        if budget[0] < 0 or depth > MAX_DEPTH:
            raise _TooBig(n.start_mark.line + 1 + line_offset)
        line = n.start_mark.line + 1 + line_offset
        if isinstance(n, yaml.ScalarNode):
            return _scalar(n, line_offset)
        if isinstance(n, yaml.SequenceNode):
            return Y([walk(c, depth + 1) for c in n.value], line, "seq")
        if isinstance(n, yaml.MappingNode):
            out: dict[str, Y] = {}
            key_lines: dict[str, int] = {}
            for knode, vnode in n.value:
                kline = knode.start_mark.line + 1 + line_offset
                if not isinstance(knode, yaml.ScalarNode):
                    issues.append(YamlIssue("E016", kline, "a key must be plain text", "use a simple word as the key"))
                    continue
                key = knode.value
                if key in out:
                    issues.append(YamlIssue(
                        "E005", kline, f"duplicate key '{key}' (first at line {key_lines[key]})",
                        "keep one of them: YAML would silently use the last"))
                    continue
                out[key] = walk(vnode, depth + 1)
                key_lines[key] = kline
            return Y(out, line, "map", key_lines=key_lines)
        raise _TooBig(line)  # unknown node type; never expected

    try:
        return walk(node, 0), issues
    except _TooBig as big:
        return None, [YamlIssue("E003", big.line, "YAML is too large or too deeply nested for a content file",
                                "keep front-matter small and flat")]
    except RecursionError:
        return None, [YamlIssue("E003", 1 + line_offset, "YAML is too deeply nested", "keep front-matter flat")]


_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+)?[\w-]+:\s*(["'])(.*)$""")


def _unclosed_quote_line(text: str, before: int) -> int | None:
    """The first line up to ``before`` whose quoted value never closes on that line."""
    for number, line in enumerate(text.splitlines()[:before], start=1):
        match = _QUOTED_VALUE.match(line)
        if match:
            quote, rest = match.groups()
            rest = rest.replace('\\\\', '').replace('\\"', '') if quote == '"' else rest.replace("''", "")
            if quote not in rest:
                return number
    return None


class _TooBig(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


@dataclass
class SplitFile:
    """A content file cut into front-matter and body, with where each starts."""

    yaml_text: str
    yaml_first_line: int  # file line of the first YAML line
    body: str
    body_first_line: int


def split_front_matter(text: str) -> SplitFile | None:
    """Return None when the file does not open with a ``---`` line and close it again."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").rstrip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r\n").rstrip() in ("---", "..."):
            return SplitFile("".join(lines[1:i]), 2, "".join(lines[i + 1:]), i + 2)
    return None
