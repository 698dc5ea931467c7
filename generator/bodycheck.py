"""Markdown bodies that the renderer could not turn into HTML in bounded time.

Python-Markdown finds the end of a link by scanning forward from each ``[``
(and from the ``(`` after ``]``) to its partner, or to the end of the
paragraph when there is none; raw ``<`` are scanned to the next ``>``. A few
thousand unmatched brackets in one long paragraph therefore cost minutes,
and lists or quotes nested a few hundred deep exhaust Python's recursion.
Real prose is nowhere near either limit; these checks run before any build,
so hostile bodies are reported (with their line) instead of stalling CI.
"""

from __future__ import annotations

import bisect
import re

from generator.yamlsrc import file_lines

MAX_NESTING = 50  # lists and quotes inside each other
MAX_SCAN = 1_000_000  # estimated characters scanned for brackets: under a second; real prose stays below 10,000
LT_WEIGHT = 0.1  # a '<' is scanned by a regular expression, about ten times faster

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CONTAINER = re.compile(r"^[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$))")
_BRACKETS = re.compile(r"[\[\]()]")


def _nesting(line: str) -> int:
    """Lists and quotes this line opens or continues: its markers, plus a level per 8 columns of indentation."""
    indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
    depth = indent // 8
    rest = line
    while depth <= MAX_NESTING:
        match = _CONTAINER.match(rest)
        if not match:
            break
        depth += 1
        rest = rest[match.end():]
    return depth


def _scan_cost(paragraph: str) -> float:
    """Characters Python-Markdown's bracket matching walks through in this paragraph (an estimate)."""
    opened: dict[str, list[int]] = {"[": [], "(": []}
    cost = 0.0
    for match in _BRACKETS.finditer(paragraph):
        ch, pos = match.group(), match.start()
        if ch in "[(":
            opened[ch].append(pos)
        else:
            stack = opened["[" if ch == "]" else "("]
            if stack:
                cost += pos - stack.pop()
    end = len(paragraph)
    cost += sum(end - p for stack in opened.values() for p in stack)  # unmatched: scanned to the end
    if "<" in paragraph:  # each '<' is scanned to the next '>'
        closes = [m.start() for m in re.finditer(">", paragraph)]
        for match in re.finditer("<", paragraph):
            i = bisect.bisect_right(closes, match.start())
            cost += LT_WEIGHT * ((closes[i] if i < len(closes) else end) - match.start())
    return cost


def body_problems(body: str, first_line: int) -> list[tuple[int, str, str]]:
    """``(line, message, hint)`` for a body the renderer cannot handle; at most one of each kind."""
    out: list[tuple[int, str, str]] = []
    fence: str | None = None
    paragraph: list[str] = []
    paragraph_line = first_line
    total = 0.0
    nesting_reported = cost_reported = False

    def close_paragraph() -> None:
        nonlocal total, cost_reported
        if paragraph and not cost_reported:
            total += _scan_cost("".join(paragraph))
            if total > MAX_SCAN:
                out.append((paragraph_line, "the Markdown body has too many unmatched or nested brackets "
                            "('[', '(' or '<') to render in reasonable time",
                            "close the brackets, put such text in a code block (```), or split the paragraph"))
                cost_reported = True
        paragraph.clear()

    for number, line in enumerate(file_lines(body), start=first_line):
        fenced = _FENCE.match(line)
        if fence is not None:
            if fenced and fenced.group(1)[0] == fence[0] and len(fenced.group(1)) >= len(fence):
                fence = None
            continue
        if fenced:
            close_paragraph()
            fence = fenced.group(1)
            continue
        if not line.strip():
            close_paragraph()
            continue
        if not paragraph:
            paragraph_line = number
        paragraph.append(line)
        if not nesting_reported and _nesting(line) > MAX_NESTING:
            out.append((number, f"lists or quotes are nested more than {MAX_NESTING} deep here (or the line is indented that far)",
                        "flatten the list, or put the text in a code block (```)"))
            nesting_reported = True
    close_paragraph()
    return out
