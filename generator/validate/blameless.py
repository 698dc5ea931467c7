"""Blameless lint: find blaming language in post-mortem prose. Pure, no I/O.

The validator passes ``(file line, text)`` pairs: each body line, plus the
summary and each contributing factor with the line it starts on. Findings are
warnings: a post-mortem is a learning document, and the lint exists to
suggest a better sentence, not to block a merge.

Rules (see docs/blameless.md):

* B001 counterfactuals ("should have", "failed to"): hindsight, not what happened
* B002 "human error" and friends: a label that ends the inquiry
* B003 judging words ("careless", "obviously", "made a mistake")
* B004 a person named as the cause ("caused by @alice", "blame")
* B005 hollow actions ("be more careful", "double-check")

A file opts out with ``<!-- blameless-disable B002 -->`` (several ids,
separated by commas or spaces) or ``<!-- blameless-disable -->`` for all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from generator.model import Problem

RULES: dict[str, str] = {
    "B001": "counterfactual",
    "B002": "error label",
    "B003": "judging word",
    "B004": "person named as a cause",
    "B005": "hollow action",
}
RULE_IDS = frozenset(RULES)

_APOS = "['\u2019]"  # straight and typographic apostrophes
_NT = rf"(?:n{_APOS}t|\s+not)"  # "didn't" / "did not"
_ROLE = (r"(?:an?|the|our)\s+(?:engineer|developer|operator|on-?call(?:\s+engineer)?|admin(?:istrator)?"
         r"|intern|employee|contractor|team\s+member|sre|dev)")
_ANY_VERB = (rf"forgot|broke|pushed|deployed|ran|deleted|ignored|missed|overlooked|misread|mistyped"
             rf"|did{_NT}|never")
# "forgot to" / "neglected to" are B001's; B004 takes the other fault verbs.
_FAULT_VERB = (r"broke|forgot(?!\s+to\b)|messed\s+up|screwed\s+up|fat-?fingered|mistyped|misread|overlooked"
               r"|neglected(?!\s+to\b)|ignored")
# A lowercase name at the start of a sentence ("john pushed ..."): any word but these.
_LOWER_NAME = (r"(?:(?<=^)|(?<=[.!?]\s)|(?<=[.!?]\s\s))(?!(?:the|this|that|these|those|it|we|they|he|she|i|you|our|their"
               r"|a|an|and|but|so|then|when|if|someone|nobody|everyone|something|ci|bot|script|job|pipeline|deploy"
               r"|tool|system|service|process|cron|automation|terraform|ansible|puppet|renovate|dependabot)\b)[a-z]+")
# With a bare capitalised word we only trust verbs that a system cannot do.
_HUMAN_VERB = (rf"forgot|pushed|ignored|overlooked|misread|mistyped|neglected"
               rf"|did{_NT}\s+(?:check|notice|test|review|read|follow|run)")
# Past participles after "should/could/would have": a counterfactual. "should have clear rules" is not one.
_PARTICIPLE = (r"(?:been|had|done|known|seen|caught|run|written|taken|gone|made|got|gotten|sent|built|put|set|read|spent|found"
               r"|told|thought|understood|given|shown|begun|broken|chosen|held|kept|left|let|lost|meant|paid|said|sold"
               r"|stopped|stood|noticed|[a-z]+ed)\b")
# Things only people do: "failed to notice" blames whoever the subject is.
_HUMAN_ACT = (r"notice|check|test|verify|review|follow|read|realize|realise|consider|communicate|escalate|inform"
              r"|notify|update|document|remember|understand|double-check|ask|tell|report|respond|acknowledge|page|look")
_NAME = (r"\b(?!(?:The|This|That|These|Those|It|We|They|He|She|I|You|Our|Their|A|An|What|Nothing|Something"
         r"|Everything|Nobody|Someone|Everyone|And|But|So|Then|When|If)\b)[A-Z][a-z]+")


@dataclass(frozen=True)
class _Pattern:
    rule: str
    regex: re.Pattern[str]
    explain: str  # completes the message after the quoted phrase
    hint: str


def _p(rule: str, pattern: str, explain: str, hint: str, flags: int = re.IGNORECASE) -> _Pattern:
    return _Pattern(rule, re.compile(pattern, flags), explain, hint)


_HINDSIGHT = "judges the past with what is known now"
_PATTERNS: tuple[_Pattern, ...] = (
    # B001: counterfactuals describe a world that did not happen.
    _p("B001", rf"\bshould(?:{_NT}|n{_APOS}t)?(?:\s+have(?=\s+{_PARTICIPLE})|{_APOS}ve)\b", _HINDSIGHT,
       "describe what happened and why it made sense at the time: 'the check did not run because ...'"),
    # "could have been a lot worse" / "could have been difficult" weigh an outcome; they judge nobody.
    _p("B001", rf"\bcould(?:{_NT}|n{_APOS}t)?(?:\s+have(?=\s+{_PARTICIPLE})|{_APOS}ve)\b"
       rf"(?!(?:\s+been)?\s+(?:(?:a\s+lot|much|far|even|very|quite)\s+)?(?:worse|better|difficult|hard|harder|tricky"
       rf"|challenging|longer|bigger|larger|more\s+severe)\b)", _HINDSIGHT,
       "state what did happen and what makes the other path easy next time: 'no alert existed for ...'"),
    _p("B001", rf"\bwould(?:{_NT}|n{_APOS}t)?(?:\s+have(?=\s+{_PARTICIPLE})|{_APOS}ve)\b", _HINDSIGHT,
       "describe the actual sequence: 'the retry ran before the lock was released, so ...'"),
    # "failed to" blames only with a person as subject or a verb only people do; "Prometheus fails
    # to start" and "all inbound traffic failed to reach" describe systems.
    _p("B001", rf"(?:(?i:\b(?:I|we|he|she|they|you|someone|somebody|nobody|no\s+one|everyone|{_ROLE}|(?:the|our)\s+team)\s+)"
       rf"|(?<![\w@])@[\w-]+\s+)(?P<phrase>(?i:fail(?:ed|s)?\s+to))\b", "frames an outcome as a personal failure",
       "say what did not happen and the condition behind it: 'the check did not run because ...'", flags=0),
    _p("B001", rf"\b(?P<phrase>fail(?:ed|s)?\s+to)(?=\s+(?:{_HUMAN_ACT})\b)", "frames an outcome as a personal failure",
       "say what did not happen and the condition behind it: 'the check did not run because ...'"),
    _p("B001", r"\bneglect(?:ed|s)?\s+to\b", "frames an outcome as a personal failure",
       "describe the step that was skipped and what made skipping it likely: 'the runbook did not list ...'"),
    _p("B001", r"\bforg[oe]t(?:s)?\s+to\b|\bforgotten\s+to\b", "frames an outcome as a lapse of memory",
       "describe what the process relied on memory for: 'the release checklist did not include ...'"),
    _p("B001", rf"\bdid{_NT}\s+bother\b", "presumes indifference",
       "describe why the step looked unnecessary at the time: 'the step appeared optional because ...'"),
    # B002: error labels.
    _p("B002", r"\b(?:human|operator|user|pilot)\s+errors?\b", "is a label, not a cause",
       "name the condition that made the error likely (missing guardrail, unclear runbook)"),
    _p("B002", r"\bPEBKAC\b", "is a label, not a cause",
       "name the condition that made the error likely (missing guardrail, unclear runbook)"),
    # B003: judging words.
    _p("B003", r"\bcareless(?:ly|ness)?\b", "judges a person",
       "describe the conditions instead (time pressure, missing check, ambiguous output)"),
    _p("B003", r"\bnegligen(?:t|tly|ce)\b", "judges a person",
       "describe which safeguard was absent and why"),
    _p("B003", r"\bsloppy\b|\bsloppiness\b", "judges a person",
       "describe the missing review or check, e.g. 'the change was merged without a second review because ...'"),
    # "lazy loading" and "lazy DB lookups" are techniques, not judgements.
    _p("B003", r"\blaz(?:y|iness)\b(?![-\s]+(?:load|loaded|loading|evaluat\w*|init\w*|db|database|lookups?|fetch\w*"
               r"|import\w*|sequences?|iterators?|evaluation|mode|mount\w*|binding|allocation)\b)", "judges a person",
       "describe why the shortcut was the reasonable choice at the time"),
    _p("B003", r"\bincompeten(?:t|ce)\b", "judges a person",
       "describe which knowledge or tooling was missing and how it is being provided"),
    _p("B003", r"\breckless(?:ly|ness)?\b", "judges a person",
       "describe the risk that was not visible and what can show it next time"),
    _p("B003", r"\bstupid(?:ity)?\b", "judges a person",
       "describe the situation neutrally: what was known, what was done, what followed"),
    # "nothing obviously wrong" describes what was seen, it does not judge anyone.
    _p("B003", r"(?<!\bnothing\s)(?<!\banything\s)(?<!\bnot\s)\bobvious(?:ly)?\b", "was not obvious at the time, or it would not have happened",
       "drop the word and state the fact: 'the dashboard showed ...'"),
    # "simply too fragile" is emphasis about a design, not effort being played down.
    _p("B003", r"\bsimply\b(?!\s+(?:too|to|not|no|unavailable|impossible|incorrect|wrong|unusable|missing)\b)",
       "hides the effort and the context involved",
       "drop 'simply' and describe the steps"),
    _p("B003", r"\bjust\s+had\s+to\b", "hides the effort and the context involved",
       "describe what the step required: 'the fix needed a restart of ...'"),
    _p("B003", rf"(?:\b[\w@.-]+{_APOS}s|\b(?:his|her|their|my|our|your))\s+(?:mistakes?|fault)\b",
       "attributes the outcome to a person",
       "describe the decision and the information available at the time"),
    _p("B003", r"\bmade\s+(?:an?\s+(?:\w+\s+)?)?(?:mistakes?|errors?|blunders?)\b|\bmistake\s+by\b|\bby\s+mistake\b",
       "attributes the outcome to a person",
       "describe the action, what the system showed at that moment, and why the action looked right"),
    # B004: a person named as the cause. Names are matched case-sensitively (flags=0,
    # (?i:...) elsewhere) so that "because it ran" is not read as a person.
    _p("B004", rf"(?i:\b(?:caused|triggered|broken|started)\s+by\s+)(?:@[\w-]+|(?i:{_ROLE}))\b",
       "names a person as the cause",
       "name the system or process step, not the person: 'caused by a configuration change that skipped the canary'",
       flags=0),
    _p("B004", rf"(?i:\bbecause\s+)(?:(?:@[\w-]+|(?i:{_ROLE}))\s+(?i:{_ANY_VERB})"
       rf"|{_NAME}\s+(?i:{_HUMAN_VERB}))\b",
       "names a person as the cause",
       "name the system or process step, not the person: 'because the deploy tool allowed ...'",
       flags=0),
    _p("B004", rf"(?:(?<![\w@])@[\w-]+|{_NAME})\s+(?i:broke|forgot|messed\s+up|screwed\s+up|fat-?fingered)\b",
       "names a person as the cause",
       "name the system or process step, not the person: 'the change broke X because Y was not tested'",
       flags=0),
    # A lowercase word starting a sentence before a human verb is a user name: "john pushed ...".
    _p("B004", rf"{_LOWER_NAME}\s+(?:{_HUMAN_VERB})\b", "names a person as the cause",
       "name the system or process step, not the person: 'a change was pushed while the freeze was not enforced'",
       flags=0),
    # A role, a name (any case) or a handle doing something faulty: "The intern pushed a bad config".
    _p("B004", rf"(?:(?<![\w@])@[\w-]+|(?i:{_ROLE})|{_NAME}|{_LOWER_NAME})\s+"
       rf"(?i:(?:{_FAULT_VERB})\b|(?:pushed|deployed|merged|applied|ran|shipped|committed|made|changed|typed|entered)"
       rf"\s+(?:(?:a|an|the|some)\s+)?(?:bad|wrong|broken|faulty|incorrect|untested|typo)\b)",
       "names a person as the cause",
       "name the system or process step, not the person: 'a configuration change reached production without a canary'",
       flags=0),
    _p("B004", r"(?<!\bno\s)(?<!\bwithout\s)(?<!\bnot\sto\s)\bblam(?:e|es|ed|ing)\b(?!-)", "assigns blame",
       "name the system or process step, not the person: describe the condition that made the outcome possible"),
    _p("B004", r"\bat\s+fault\b|\bfault\s+of\b", "assigns blame",
       "name the system or process step, not the person: 'the pipeline allowed an untested change to ...'"),
    # B005: hollow actions.
    _p("B005", r"\bbe(?:ing)?\s+more\s+careful\b|\btake\s+more\s+care\b", "is an intention, not a mechanism",
       "replace with a mechanism (a check, an alert, an automation) that makes the safe path the default: "
       "'Add a confirmation step to the failover script'"),
    _p("B005", r"\bpay(?:ing)?\s+(?:more|closer|better)\s+attention\b", "is an intention, not a mechanism",
       "replace with a mechanism (a check, an alert, an automation) that demands attention: "
       "'Page on queue depth instead of showing it on a dashboard'"),
    _p("B005", r"\btry(?:ing)?\s+harder\b", "is an intention, not a mechanism",
       "replace with a mechanism (a check, an alert, an automation): 'Add the missing step to the runbook and a CI job for it'"),
    _p("B005", r"\bbe(?:ing)?\s+more\s+vigilant\b|\bstay\s+vigilant\b", "is an intention, not a mechanism",
       "replace with a mechanism (a check, an alert, an automation) that watches for you: "
       "'Alert when a certificate expires within 14 days'"),
    _p("B005", r"\bdouble[- ]?check(?:s|ed|ing)?\b", "relies on someone noticing",
       "replace with a mechanism: an automated check in CI or a confirmation step in the tool"),
    _p("B005", r"\bremember(?:s|ing)?\s+to\b", "relies on memory",
       "put the step where it cannot be missed: a checklist item, a required CI job, a default"),
)

# "More training" is only hollow as a whole action ("More training."); inside a
# longer sentence it usually comes with a mechanism.
_TRAINING = re.compile(r"\b(?:more|additional|extra|better)\s+training\b", re.IGNORECASE)
_TRAINING_HINT = "replace with a mechanism: a check, an alert, an automation (training alone does not prevent a recurrence)"
_WORD = re.compile(r"[\w'\u2019-]+")

_DISABLE = re.compile(r"<!--\s*blameless-disable\b(.*?)-->", re.IGNORECASE | re.DOTALL)
_RULE_ID = re.compile(r"^B\d{3}$", re.IGNORECASE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_INDENTED = re.compile(r"^(?: {4,}|\t)(?![-*+] |\d+[.)] )\S")
_BLOCKQUOTE = re.compile(r"^ {0,3}>")
# Quoted text of some length is output or someone's words, not the author's judgement:
# "Failed to mark memory page as executable".
_QUOTED = re.compile(r"\"[^\"\n]{8,}\"|\u201c[^\u201d\n]{8,}\u201d")
_URL = re.compile(r"\b(?:https?|ftp)://\S+|\]\([^)\s]*\)")


def disabled_rules(body: str) -> set[str]:
    """Rule ids switched off by ``<!-- blameless-disable ... -->`` comments anywhere in ``body``.

    No ids means every rule. Unknown ids are ignored (they cannot disable anything).
    """
    out: set[str] = set()
    for m in _DISABLE.finditer(body):
        ids = [t for t in re.split(r"[\s,;]+", m.group(1).strip()) if t]
        if not ids:
            return set(RULE_IDS)
        out.update(t.upper() for t in ids if _RULE_ID.match(t) and t.upper() in RULE_IDS)
    return out


def _blank(text: str, start: int, end: int) -> str:
    """Replace text[start:end] with spaces, keeping newlines, so columns and lines stay put."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def _strip_inline_code(line: str) -> str:
    """Blank out `code spans` (any backtick run closed by a run of the same length)."""
    i = 0
    while i < len(line):
        if line[i] != "`":
            i += 1
            continue
        j = i
        while j < len(line) and line[j] == "`":
            j += 1
        run = line[i:j]
        close = re.compile(rf"(?<!`){run}(?!`)").search(line, j)
        if close is None:
            i = j  # an unmatched run is literal text
            continue
        line = _blank(line, i, close.end())
        i = close.end()
    return line


class _Scanner:
    """Tracks fenced code blocks and HTML comments across consecutive lines."""

    def __init__(self) -> None:
        self.fence: str | None = None  # the opening run, e.g. "```"
        self.in_comment = False
        self.last_line: int | None = None
        self.code_ok = True  # an indented line here would start an indented code block (after a blank line)
        self.in_indented = False

    def reset_if_jump(self, line: int) -> None:
        # Texts that go back in the file (front-matter items after the body) start afresh.
        if self.last_line is not None and line <= self.last_line:
            self.fence = None
            self.in_comment = False

    def prose(self, text: str) -> str:
        """The part of one line that is prose; code, quoted output and comments become spaces."""
        was_code_ok, was_indented = self.code_ok, self.in_indented
        self.code_ok = not text.strip() or (was_indented and bool(_INDENTED.match(text)))
        self.in_indented = False
        if self.fence is None and not self.in_comment and _INDENTED.match(text) and (was_code_ok or was_indented):
            self.in_indented = True
            self.code_ok = True
            return " " * len(text)
        if self.fence is None and not self.in_comment and _BLOCKQUOTE.match(text):
            return " " * len(text)  # quoted output: log lines, chat messages, error text
        return self._prose(text)

    def _prose(self, text: str) -> str:
        if self.fence is not None:
            m = _FENCE.match(text)
            if m and m.group(1)[0] == self.fence[0] and len(m.group(1)) >= len(self.fence) and not m.group(2).strip():
                self.fence = None
            return " " * len(text)
        m = _FENCE.match(text)
        if m and not self.in_comment and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            self.fence = m.group(1)
            return " " * len(text)
        out = text
        pos = 0
        while True:
            if self.in_comment:
                end = out.find("-->", pos)
                if end == -1:
                    return _blank(out, pos, len(out))
                out = _blank(out, pos, end + 3)
                pos = end + 3
                self.in_comment = False
            start = out.find("<!--", pos)
            if start == -1:
                break
            self.in_comment = True
            pos = start
        out = _strip_inline_code(out)
        out = _QUOTED.sub(lambda m: " " * len(m.group(0)), out)
        return _URL.sub(lambda m: " " * len(m.group(0)), out)


def _findings(text: str) -> Iterable[tuple[int, int, str, str, str, str]]:
    """(offset, end, rule, phrase, explanation, hint) for one prose text."""
    for pat in _PATTERNS:
        group = "phrase" if "phrase" in pat.regex.groupindex else 0
        for m in pat.regex.finditer(text):
            yield m.start(group), m.end(group), pat.rule, m.group(group), pat.explain, pat.hint
    for m in _TRAINING.finditer(text):
        if len(_WORD.findall(text)) <= 6:
            yield m.start(), m.end(), "B005", m.group(0), "is an intention, not a mechanism", _TRAINING_HINT


def lint_blameless(path: str, texts: list[tuple[int, str]], disabled: set[str]) -> list[Problem]:
    """Warnings for blaming language in ``texts``; rules in ``disabled`` are skipped.

    A text with newlines counts its lines from the line it was given with.
    """
    active = RULE_IDS - {d.upper() for d in disabled}
    if not active:
        return []
    problems: list[tuple[int, int, Problem]] = []
    scanner = _Scanner()
    for first_line, text in texts:
        scanner.reset_if_jump(first_line)
        for n, raw in enumerate(str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")):
            line_no = first_line + n
            prose = scanner.prose(raw)
            taken: list[tuple[int, int, str]] = []
            for start, end, rule, phrase, explain, hint in sorted(_findings(prose)):
                if rule not in active:
                    continue
                # One finding per stretch of text and rule: overlapping patterns say the same thing.
                if any(r == rule and start < e and s < end for s, e, r in taken):
                    continue
                taken.append((start, end, rule))
                phrase = " ".join(phrase.split())
                problems.append((line_no, start, Problem(
                    path=path,
                    line=line_no,
                    code=rule,
                    message=f'{RULES[rule]}: "{phrase}" {explain}',
                    hint=hint,
                    level="warning",
                )))
            scanner.last_line = line_no
    problems.sort(key=lambda t: (t[0], t[1], t[2].code))
    return [p for _, _, p in problems]
