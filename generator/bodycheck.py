"""Markdown bodies that the renderer could not turn into HTML in bounded time.

Python-Markdown finds the end of a link by scanning forward from each ``[``
(and from the ``(`` after ``]``) to its partner, or to the end of the
paragraph when there is none; raw ``<`` are scanned to the next ``>``. A few
thousand unmatched brackets in one long paragraph therefore cost minutes,
and lists or quotes nested a few hundred deep exhaust Python's recursion.
Code spans cost the same way: from each backtick run, Python-Markdown walks
forward (in Python, character by character) to a run of exactly the same
length, or to the end of the paragraph when there is none, so a paragraph of
runs without partners is quadratic. And raw HTML nested thousands deep makes
the search index's HTML parsing quadratic in the depth.

Each check is one linear pass that bounds the work rendering will do (an upper
bound, not a list of bad patterns): a body under every budget renders in time
linear in its size. Real prose is nowhere near any limit; these checks run
before any build, so hostile bodies are reported (with their line) instead of
stalling CI.
"""

from __future__ import annotations

import bisect
import re

from generator.yamlsrc import file_lines

MAX_NESTING = 50  # lists and quotes inside each other
MAX_SCAN = 1_000_000  # estimated characters scanned for brackets: under a second; real prose stays below 10,000
LT_WEIGHT = 0.1  # a '<' is scanned by a regular expression, about ten times faster
MAX_TICK_SCAN = 2_000_000  # characters walked looking for closing backtick runs: about 0.2 s
MAX_HTML_NESTING = 100  # raw HTML elements inside each other; real bodies stay under 10

_TICKS = re.compile(r"`+")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?(/?)>")
# Elements that never take content, so never nest (HTML's void elements).
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr"})

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


def _tick_cost(paragraph: str) -> int:
    """The characters Python-Markdown walks to pair this paragraph's backtick runs, without walking them.

    The renderer (``BacktickInlineProcessor``) takes the next backtick that no
    backslash escapes, counts the run from there (``k`` backticks), and walks
    forward to the next run of exactly ``k``; without one it walks to the end of
    the paragraph, then either closes the span at the first of the longest later
    runs (when those are shorter than ``k``) or resumes ``k`` characters after the
    run, which may be inside the next run. This replays those steps with an index
    of runs by length, so it costs a few operations per backtick, not per
    character walked.
    """
    runs = [m.span() for m in _TICKS.finditer(paragraph)]
    if not runs:
        return 0
    end = len(paragraph)
    starts = [a for a, _ in runs]
    by_length: dict[int, list[int]] = {}
    for index, (a, b) in enumerate(runs):
        by_length.setdefault(b - a, []).append(index)
    # For each run index: the longest run from there on, and the first run of that length.
    longest = [0] * (len(runs) + 1)
    for index in range(len(runs) - 1, -1, -1):
        longest[index] = max(runs[index][1] - runs[index][0], longest[index + 1])

    def first_after(length: int, index: int) -> int | None:
        candidates = by_length.get(length, [])
        at = bisect.bisect_right(candidates, index)
        return candidates[at] if at < len(candidates) else None

    cost, pos = 0, 0
    while True:
        at = paragraph.find("`", pos)
        if at < 0:
            return cost
        backslashes = 0
        while at - backslashes > 0 and paragraph[at - backslashes - 1] == "\\":
            backslashes += 1
        if backslashes % 2:  # an escaped backtick is text; the next one may open a span
            pos = at + 1
            continue
        run = bisect.bisect_right(starts, at) - 1
        run_end = runs[run][1]
        ticks = run_end - at
        partner = first_after(ticks, run)
        if partner is not None:
            cost += runs[partner][1] - run_end
            pos = runs[partner][1]
            continue
        cost += end - run_end
        shorter = longest[run + 1]
        if 0 < shorter < ticks:
            pos = runs[first_after(shorter, run) or run][1]
        else:
            pos = run_end + ticks


def html_nesting(body: str, limit: int = MAX_HTML_NESTING) -> tuple[int, int]:
    """The deepest raw HTML nesting outside code fences, and the 0-based line where it first exceeds ``limit``."""
    depth = deepest = deepest_line = 0
    fence: str | None = None
    for number, line in enumerate(file_lines(body)):
        fenced = _FENCE.match(line)
        if fence is not None:
            if fenced and fenced.group(1)[0] == fence[0] and len(fenced.group(1)) >= len(fence):
                fence = None
            continue
        if fenced:
            fence = fenced.group(1)
            continue
        if "<" not in line:
            continue
        for match in _TAG.finditer(line):
            closing, name, self_closing = match.groups()
            if name.lower() in _VOID or self_closing:
                continue
            if closing:
                depth = max(depth - 1, 0)
            else:
                depth += 1
                if depth > deepest:
                    deepest = depth
                    if depth == limit + 1:
                        deepest_line = number
    return deepest, deepest_line


def body_problems(body: str, first_line: int) -> list[tuple[int, str, str]]:
    """``(line, message, hint)`` for a body the renderer cannot handle; at most one of each kind."""
    out: list[tuple[int, str, str]] = []
    fence: str | None = None
    paragraph: list[str] = []
    paragraph_line = first_line
    total = 0.0
    ticks = 0
    nesting_reported = cost_reported = ticks_reported = False

    def close_paragraph() -> None:
        nonlocal total, cost_reported, ticks, ticks_reported
        if paragraph and not ticks_reported:
            ticks += _tick_cost("".join(paragraph))
            if ticks > MAX_TICK_SCAN:
                out.append((paragraph_line, "the Markdown body has so many backtick runs without a partner of the "
                            "same length that rendering would take minutes",
                            "pair each run of backticks (`code`, ``code``), escape single ones (\\`), or put such "
                            "text in a code block (```)"))
                ticks_reported = True
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
    deepest, at = html_nesting(body)
    if deepest > MAX_HTML_NESTING:
        out.append((first_line + at, f"raw HTML elements are nested more than {MAX_HTML_NESTING} deep here",
                    "close the HTML elements, or write the text in Markdown"))
    return out
