"""Reliability round two: hostile numbers, line separators, bidi controls, time zones, digits, messages.

Each test drives the real loader or the real command line on a tiny repository (the validator
fixtures) and asserts the problem code, the line and that nothing ends in a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from generator.cli import main
from generator.timeparse import TimestampError, parse_date, parse_duration, parse_timestamp
from generator.validate import check_repository
from tests.test_hostile_cli import NOW, OPEN, OPEN_ID, tiny_repo

HUGE = "9" * 5000


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    assert "Traceback" not in result.output
    return result


def codes_at(root: Path, path: str) -> set[tuple[str, int]]:
    from generator.timeparse import parse_timestamp as ts

    _model, problems = check_repository(root, ts(NOW))
    return {(p.code, p.line) for p in problems if p.path == path}


# --------------------------------------------------------------------------- item 2: huge integers


def test_huge_integer_in_content_is_a_problem_in_every_command(tmp_path: Path) -> None:
    repo = tiny_repo(tmp_path / "repo")
    path = repo / "content/incidents" / f"{OPEN_ID}.md"
    path.write_text(OPEN.replace("severity: P3", f"severity: P3\nnovel: {HUGE}"), encoding="utf-8")
    before = path.read_bytes()
    where = f"content/incidents/{OPEN_ID}.md"
    assert ("E016", 4) in codes_at(repo, where)
    out = run("validate", "--root", str(repo), "--now", NOW)
    assert out.exit_code == 1 and f"{where}:4" in out.output and "5000 digits" in out.output
    built = run("build", "--root", str(repo), "--out", str(tmp_path / "site"), "--now", NOW)
    assert built.exit_code == 1 and "E016" in built.output
    upd = run("update", OPEN_ID, "--status", "identified", "-m", "Found it.", "--root", str(repo), "--now", NOW)
    assert upd.exit_code == 1 and f"{OPEN_ID}.md:4" in upd.output and "digits" in upd.output
    assert path.read_bytes() == before


def test_huge_integer_in_site_config_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    repo = tiny_repo(tmp_path / "repo")
    config = repo / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + f"extra_number: {HUGE}\n", encoding="utf-8")
    line = config.read_text(encoding="utf-8").count("\n")
    assert ("E016", line) in codes_at(repo, "site_config.yml")
    new = run("new", "incident", "Errors", "--severity", "SEV-2", "--service", "api", "--root", str(repo),
              "--now", NOW)
    assert new.exit_code == 1 and f"site_config.yml:{line}" in new.output
    assert not list((repo / "content/incidents").glob("2026-11-26-errors*"))


# --------------------------------------------------------------------------- items 7 and 10: line separators


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85"])
def test_a_comment_with_a_yaml_only_line_break_is_never_published(tmp_path: Path, char: str) -> None:
    repo = tiny_repo(tmp_path / "repo")
    path = repo / "content/incidents" / f"{OPEN_ID}.md"
    secret = "the on-call engineer was asleep"
    path.write_text(OPEN.replace("severity: P3", f"severity: P3  # note{char}---{char}{secret}"), encoding="utf-8")
    model, problems = check_repository(repo, parse_timestamp(NOW))
    found = [(p.code, p.line) for p in problems if p.path.endswith(f"{OPEN_ID}.md")]
    assert ("E019", 3) in found
    incident = model.incident(OPEN_ID)
    assert incident is None or secret not in incident.body  # the comment never becomes the body
    built = run("build", "--root", str(repo), "--out", str(tmp_path / "site"), "--now", NOW)
    assert built.exit_code == 1 and not (tmp_path / "site").exists()


def test_line_numbers_count_only_real_line_breaks(tmp_path: Path) -> None:
    repo = tiny_repo(tmp_path / "repo")
    path = repo / "content/incidents" / f"{OPEN_ID}.md"
    text = OPEN.replace("title: Dashboard pages load slowly", "title: \"Dashboard\u2028pages\u2029load slowly\"")
    text = text.replace("severity: P3", "severity: P9")  # line 3, after the separators
    text = text.replace("    status: investigating", "    status: investigatin")  # line 9
    path.write_text(text, encoding="utf-8")
    found = codes_at(repo, f"content/incidents/{OPEN_ID}.md")
    assert {("E019", 2), ("E017", 3), ("E017", 9)} <= found, found


def test_line_numbers_in_the_body_count_only_real_line_breaks(tmp_path: Path) -> None:
    repo = tiny_repo(tmp_path / "repo")
    path = repo / "content/postmortems/2026-03-14-api-errors.md"
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    target = next(i for i, line in enumerate(lines) if line.startswith("## ") and i > 5) + 2
    lines.insert(target - 1, "Paragraph\u2028with a separator\x0cand a form feed.")
    lines.insert(target, "The deploy failed because of human error.")
    path.write_text("\n".join(lines), encoding="utf-8")
    found = codes_at(repo, "content/postmortems/2026-03-14-api-errors.md")
    assert ("B002", target + 1) in found, found


# --------------------------------------------------------------------------- item 12: bidi controls


@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
                                  "\u2069", "\u200e", "\u200f", "\u061c"])
def test_bidi_controls_are_refused_in_plain_text(tmp_path: Path, char: str) -> None:
    repo = tiny_repo(tmp_path / "repo")
    path = repo / "content/incidents" / f"{OPEN_ID}.md"
    path.write_text(OPEN.replace("    message: Some", f"    message: Some{char}"), encoding="utf-8")
    assert ("E019", 10) in codes_at(repo, f"content/incidents/{OPEN_ID}.md")
    new = run("new", "incident", f"Errors {char}on the API", "--severity", "SEV-2", "--service", "api",
              "--root", str(repo), "--now", NOW)
    assert new.exit_code == 1 and "bidirectional" in new.output


# --------------------------------------------------------------------------- item 13: '...' closes front-matter


def test_front_matter_closed_by_dots_is_one_rule_for_validate_and_update(tmp_path: Path) -> None:
    repo = tiny_repo(tmp_path / "repo")
    path = repo / "content/incidents" / f"{OPEN_ID}.md"
    text = OPEN.rstrip("\n")
    assert text.endswith("---")
    path.write_text(text[:-3] + "...\nBody text.\n", encoding="utf-8")
    assert codes_at(repo, f"content/incidents/{OPEN_ID}.md") == set()
    upd = run("update", OPEN_ID, "--status", "identified", "-m", "Found it.", "--root", str(repo), "--now", NOW)
    assert upd.exit_code == 0, upd.output
    after = path.read_text(encoding="utf-8")
    assert after.endswith("...\nBody text.\n") and "status: identified" in after
    assert codes_at(repo, f"content/incidents/{OPEN_ID}.md") == set()
    res = run("resolve", OPEN_ID, "-m", "Fixed.", "--root", str(repo), "--now", NOW)
    assert res.exit_code == 0, res.output
    assert codes_at(repo, f"content/incidents/{OPEN_ID}.md") == set()


def test_a_longer_dash_line_is_refused_alike_by_validate_and_update(tmp_path: Path) -> None:
    repo = tiny_repo(tmp_path / "repo")
    path = repo / "content/incidents" / f"{OPEN_ID}.md"
    path.write_text("-----\n" + OPEN.split("\n", 1)[1], encoding="utf-8")
    assert ("E002", 1) in codes_at(repo, f"content/incidents/{OPEN_ID}.md")
    upd = run("update", OPEN_ID, "--status", "identified", "-m", "Found it.", "--root", str(repo), "--now", NOW)
    assert upd.exit_code == 1 and "no front-matter" in upd.output


# --------------------------------------------------------------------------- item 14: IANA zones only


@pytest.mark.parametrize("zone", ["localtime", "Factory", "posixrules", "Europe", "../../etc/passwd"])
def test_only_iana_time_zones(tmp_path: Path, zone: str) -> None:
    repo = tiny_repo(tmp_path / "repo")
    config = repo / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("timezone: Europe/Berlin", f"timezone: {zone}"),
                      encoding="utf-8")
    assert ("E071", 2) in codes_at(repo, "site_config.yml")


def test_time_zone_in_the_wrong_case_gets_the_right_name(tmp_path: Path) -> None:
    repo = tiny_repo(tmp_path / "repo")
    config = repo / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("Europe/Berlin", "america/chicago"), encoding="utf-8")
    _model, problems = check_repository(repo, parse_timestamp(NOW))
    [problem] = [p for p in problems if p.code == "E071"]
    assert "'America/Chicago'" in problem.hint


# --------------------------------------------------------------------------- item 16: ASCII digits only

NON_ASCII_DIGITS = st.sampled_from(["\u0660", "\u0661", "\u0662", "\u06f5", "\u0966", "\uff11", "\u09e8"])


@given(st.integers(min_value=0, max_value=19), NON_ASCII_DIGITS)
def test_timestamps_dates_and_durations_take_ascii_digits_only(position: int, digit: str) -> None:
    stamp = "2026-03-14T09:12:00Z"
    digits = [i for i, ch in enumerate(stamp) if ch.isdigit()]
    at = digits[position % len(digits)]
    with pytest.raises(TimestampError) as exc:
        parse_timestamp(stamp[:at] + digit + stamp[at + 1:])
    assert exc.value.code == "E013"
    day = "2026-03-14"
    at = [i for i, ch in enumerate(day) if ch.isdigit()][position % 8]
    with pytest.raises(TimestampError):
        parse_date(day[:at] + digit + day[at + 1:])
    with pytest.raises(TimestampError):
        parse_duration(f"{digit}h")


def test_now_option_takes_ascii_digits_only(tmp_path: Path) -> None:
    repo = tiny_repo(tmp_path / "repo")
    result = run("validate", "--root", str(repo), "--now", "\u0662\u0660\u0662\u0666-11-26T12:00:00Z")
    assert result.exit_code == 2 and "RFC 3339" in result.output


# --------------------------------------------------------------------------- item 18: messages


@pytest.mark.parametrize(("word", "hint"), [
    ("SEV-0", "not on the scale"), ("SEV-5", "not on the scale"), ("P0", "not on the scale"),
    ("critical", "'SEV-1'"), ("Major", "'SEV-2'"), ("low", "'SEV-4'"), ("SEV-l", "SEV-1 (most severe) to SEV-4"),
])
def test_unknown_severity_gets_a_right_hint(tmp_path: Path, word: str, hint: str) -> None:
    repo = tiny_repo(tmp_path / "repo")
    path = repo / "content/incidents" / f"{OPEN_ID}.md"
    path.write_text(OPEN.replace("severity: P3", f"severity: {word}"), encoding="utf-8")
    _model, problems = check_repository(repo, parse_timestamp(NOW))
    [problem] = [p for p in problems if p.code == "E017"]
    assert hint in problem.hint
    assert "did you mean" not in problem.hint or word.lower() in ("critical", "major", "low")
    new = run("new", "incident", "Errors", "--severity", word, "--service", "api", "--root", str(repo),
              "--now", NOW)
    assert new.exit_code == 1 and hint in new.output


def test_date_only_published_at_is_one_clear_error(tmp_path: Path) -> None:
    repo = tiny_repo(tmp_path / "repo")
    path = repo / "content/postmortems/2026-03-14-api-errors.md"
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^published_at: \S+", text, re.M)
    path.write_text(re.sub(r"^published_at: \S+", "published_at: 2026-03-20", text, flags=re.M), encoding="utf-8")
    _model, problems = check_repository(repo, parse_timestamp(NOW))
    mine = [p for p in problems if p.path.endswith("2026-03-14-api-errors.md") and p.level == "error"]
    assert [p.code for p in mine] == ["E020"], mine
    assert "2026-03-20T00:00:00Z" in mine[0].hint


# --------------------------------------------------------------------------- item 17: one run, every problem

MANY = Path(__file__).parent / "fixtures" / "many"


def test_one_run_reports_every_problem_of_a_file_with_many(tmp_path: Path) -> None:
    repo = tiny_repo(tmp_path / "repo")
    incident = "content/incidents/2026-02-10-many-problems.md"
    postmortem = "content/postmortems/2026-02-10-many-problems.md"
    (repo / incident).write_bytes((MANY / "2026-02-10-many-problems.md").read_bytes())
    (repo / postmortem).write_bytes((MANY / "postmortem-many-problems.md").read_bytes())
    _model, problems = check_repository(repo, parse_timestamp(NOW))
    got = {(p.path, p.code, p.line) for p in problems}
    assert {(p, c, line) for p, c, line in got if p == incident} == {
        (incident, "E010", 2),   # title missing
        (incident, "E017", 2),   # SEV-0
        (incident, "E040", 5),   # billing
        (incident, "E012", 6),   # started_at without offset
        (incident, "E041", 8),   # deploys
        (incident, "E017", 9),   # detection: pager
        (incident, "E011", 10),  # updats
        (incident, "E040", 15),  # update 2: search
        (incident, "E034", 19),  # update 3 in the future
        (incident, "E037", 11),  # acknowledged_at missing
    }
    assert {(c, line) for p, c, line in got if p == postmortem} == {
        ("E010", 2),   # authors missing
        ("E020", 6),   # a date where published_at needs a time (and no second, contradicting E054)
        ("E050", 17),  # headings
        ("E052", 11),  # not verb first
        ("E053", 11),  # wont_do without reason
        ("B002", 7),   # human error, in the summary
        ("B001", 9),   # should have, in a contributing factor
        ("B003", 18),  # careless, in the body
        ("B005", 11),  # be more careful, in an action item's title
    }


# --------------------------------------------------------------------------- item 11: files never read


def test_files_statuspress_never_reads_are_warned_about_by_name(tmp_path: Path) -> None:
    repo = tiny_repo(tmp_path / "repo")
    content = repo / "content"
    (content / "incidents" / "2026-02-11-upper.MD").write_text(OPEN, encoding="utf-8")
    (content / "incidents" / "2026-02-12-long.markdown").write_text(OPEN, encoding="utf-8")
    (content / "incident").mkdir()
    (content / "incident" / "2026-02-13-typo-folder.md").write_text(OPEN, encoding="utf-8")
    (content / "2026-02-14-loose.md").write_text(OPEN, encoding="utf-8")
    (content / "incidents" / ".2026-02-15-hidden.md.swp").write_text("editor swap file", encoding="utf-8")
    _model, problems = check_repository(repo, parse_timestamp(NOW))
    warned = {p.path: p for p in problems if p.code == "W002"}
    assert set(warned) == {"content/incidents/2026-02-11-upper.MD", "content/incidents/2026-02-12-long.markdown",
                           "content/incident", "content/2026-02-14-loose.md"}
    assert all(p.level == "warning" for p in warned.values())
    assert "2026-02-11-upper.md" in warned["content/incidents/2026-02-11-upper.MD"].hint
    assert "2026-02-12-long.md" in warned["content/incidents/2026-02-12-long.markdown"].hint
    assert "content/incidents" in warned["content/incident"].hint
    out = run("validate", "--root", str(repo), "--now", NOW)
    assert out.exit_code == 0 and "content/incidents/2026-02-11-upper.MD:1" in out.output
    strict = run("validate", "--strict", "--root", str(repo), "--now", NOW)
    assert strict.exit_code == 1


# --------------------------------------------------------------------------- item 19: scaffold text published


def test_a_published_post_mortem_full_of_scaffold_text_fails_strict(tmp_path: Path) -> None:
    repo = tiny_repo(tmp_path / "repo")
    (repo / "content/postmortems/2026-03-14-api-errors.md").unlink()
    made = run("new", "postmortem", "2026-03-14-api-errors", "--root", str(repo), "--now", NOW)
    assert made.exit_code == 0, made.output
    path = repo / "content/postmortems/2026-03-14-api-errors.md"
    text = path.read_text(encoding="utf-8")
    # Publish it as it was scaffolded: only the status and its date change.
    text = re.sub(r"^status: draft.*$", "status: published\npublished_at: 2026-03-18T12:00:00Z", text, flags=re.M)
    path.write_text(text, encoding="utf-8")
    _model, problems = check_repository(repo, parse_timestamp(NOW))
    leftovers = [p for p in problems if p.code == "W062"]
    lines = text.split("\n")
    assert {p.line for p in leftovers} >= {
        lines.index(next(x for x in lines if x.startswith("summary:"))) + 1,
        lines.index(next(x for x in lines if "- Draft - " in x)) + 1,
        lines.index(next(x for x in lines if x.startswith("## Summary"))) + 3,
    }
    assert any("example action item" in p.message for p in leftovers)
    assert all(p.level == "warning" for p in leftovers)
    assert run("validate", "--strict", "--root", str(repo), "--now", NOW).exit_code == 1
    # The draft itself is fine: scaffold text is only a problem once it is published.
    path.write_text(text.replace("status: published", "status: draft"), encoding="utf-8")
    _model, problems = check_repository(repo, parse_timestamp(NOW))
    assert not [p for p in problems if p.code == "W062"]


def test_scaffolded_pull_request_workflow_validates_strictly(tmp_path: Path) -> None:
    import yaml

    made = run("init", str(tmp_path / "site"), "--now", NOW)
    assert made.exit_code == 0, made.output
    workflow = yaml.safe_load((tmp_path / "site/.github/workflows/validate.yml").read_text(encoding="utf-8"))
    runs = [str(step.get("run", "")) for step in workflow["jobs"]["validate"]["steps"]]
    assert any(r.startswith("statuspress validate --strict") for r in runs), runs


# --------------------------------------------------------------------------- item 18: diff --base


def _git_repo(tmp_path: Path) -> Path:
    import subprocess

    repo = tiny_repo(tmp_path / "repo")
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "first"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)
    return repo


@pytest.mark.parametrize(("base", "hint"), [("origin/main", "no remote 'origin'"), ("HEAD~5", "git log --oneline"),
                                            ("no-such-branch", "git branch -a")])
def test_diff_with_a_missing_base_says_why_and_what_to_do(tmp_path: Path, base: str, hint: str) -> None:
    repo = _git_repo(tmp_path)
    result = run("diff", "--base", base, "--root", str(repo), "--now", NOW)
    assert result.exit_code == 1
    assert f"--base {base}: git has no commit of that name" in result.output and hint in result.output
    assert "rev-parse" not in result.output
    assert run("diff", "--base", "main", "--root", str(repo), "--now", NOW).exit_code == 0


# --------------------------------------------------------------------------- item 5: concurrent updates


def test_concurrent_updates_of_one_incident_are_all_kept(tmp_path: Path) -> None:
    import subprocess
    import sys

    repo = tiny_repo(tmp_path / "repo")
    path = repo / "content/incidents" / f"{OPEN_ID}.md"
    start = tmp_path / "start"
    # Four real processes, released at the same moment (each waits for the start file).
    script = ("import os, sys, time\n"
              "from generator.cli import main\n"
              f"while not os.path.exists({str(start)!r}): time.sleep(0.001)\n"
              "main(sys.argv[1:])\n")
    procs = [subprocess.Popen([sys.executable, "-c", script, "update", OPEN_ID, "--status", "identified",
                               "-m", f"Update number {n}.", "--root", str(repo), "--now", NOW],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for n in range(4)]
    import time

    time.sleep(1.5)  # all four have imported statuspress and are waiting
    start.write_text("go")
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], results
    text = path.read_text(encoding="utf-8")
    assert sorted(re.findall(r"Update number (\d)\.", text)) == ["0", "1", "2", "3"]
    model, problems = check_repository(repo, parse_timestamp(NOW))
    assert not [p for p in problems if p.level == "error"], problems
    assert len(model.incident(OPEN_ID).updates) == 5
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no lock or temp file left


# --------------------------------------------------------------------------- item 9: serve


def test_serve_on_a_taken_port_says_so_before_serving(tmp_path: Path) -> None:
    import socket

    repo = tiny_repo(tmp_path / "repo")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--port", str(port), "--root", str(repo), "--now", NOW)
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output and "--port" in result.output
    assert "serving" not in result.output and "rebuilt" not in result.output


def test_serve_on_an_unknown_host_says_so(tmp_path: Path) -> None:
    repo = tiny_repo(tmp_path / "repo")
    result = run("serve", "--host", "no-such-host.invalid", "--port", "8123", "--root", str(repo), "--now", NOW)
    assert result.exit_code == 1 and "cannot listen on no-such-host.invalid:8123" in result.output


def test_serve_answers_a_nul_in_the_path_without_a_traceback(tmp_path: Path) -> None:
    import http.client
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    repo = tiny_repo(tmp_path / "repo")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--port", str(port), "--root", str(repo),
                             "--now", NOW], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        statuses = []
        for path in ("/%00", "/incidents/%00/", "/a%00b.html"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path)
            statuses.append(conn.getresponse().status)
        assert all(s in (400, 404) for s in statuses), statuses
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    assert "Traceback" not in stderr.decode(), stderr.decode()[-3000:]


# --------------------------------------------------------------------------- item 1: bounded rendering work


def _walked_by_code_spans(body: str) -> int:
    """Characters Python-Markdown's code-span search really walks when it renders ``body``."""
    import markdown
    from markdown import inlinepatterns

    walked = 0
    original = inlinepatterns.BacktickInlineProcessor.find_code_spans

    def counting(self: object, start: int, text: str) -> tuple[int, int | None]:
        nonlocal walked
        opened, i = start, start
        while i < len(text) and text[i] == "`":
            i += 1
        ticks = i - opened
        for match in re.finditer(r"`+", text[i:]):  # the walk stops at a run of exactly that length
            if len(match.group()) == ticks:
                walked += match.end()
                break
        else:
            walked += len(text) - i
        return original(self, start, text)  # type: ignore[arg-type]

    inlinepatterns.BacktickInlineProcessor.find_code_spans = counting  # type: ignore[method-assign]
    try:
        markdown.Markdown(extensions=["attr_list", "md_in_html", "tables", "toc"]).convert(body)
    finally:
        inlinepatterns.BacktickInlineProcessor.find_code_spans = original  # type: ignore[method-assign]
    return walked


@given(st.text(alphabet="``````\\\\a b*_[]<>\n", max_size=600))
def test_the_backtick_estimate_bounds_the_real_walk(body: str) -> None:
    from generator.bodycheck import _tick_cost

    paragraphs = re.split(r"\n[ \t]*\n", body)
    assert _walked_by_code_spans(body) <= sum(_tick_cost(p) for p in paragraphs) + len(body)


@pytest.mark.parametrize("unit", ["``a```", "\\`` "])
def test_bodies_of_unpaired_backticks_are_refused_before_rendering(tmp_path: Path, unit: str) -> None:
    from generator.bodycheck import MAX_TICK_SCAN, _tick_cost, body_problems

    body = unit * (80_000 // len(unit))
    assert _walked_by_code_spans(body[:6000]) > 100_000  # quadratic already at 6 KB: the defect is real
    assert _tick_cost(body) > MAX_TICK_SCAN
    assert [p[0] for p in body_problems(body, 10)] == [10]


@pytest.mark.parametrize("unit", ["`` x ```` y ", "` `` ``` ```` ", "`code` and ``more`` "])
def test_paired_backtick_runs_are_not_refused_however_many(unit: str) -> None:
    from generator.bodycheck import _tick_cost, body_problems

    body = unit * (80_000 // len(unit))
    assert body_problems(body, 1) == []
    assert _walked_by_code_spans(body[:6000]) <= _tick_cost(body[:6000]) + 6000


def test_prose_with_code_spans_is_far_under_the_budget() -> None:
    from generator.bodycheck import MAX_TICK_SCAN, _tick_cost

    prose = ("Run `statuspress build` and then ``git commit -m 'a `quoted` word'``; an unpaired ` here. " * 200)
    assert _tick_cost(prose) < MAX_TICK_SCAN / 10


def test_raw_html_nested_too_deep_is_refused_and_flat_html_is_not() -> None:
    from generator.bodycheck import MAX_HTML_NESTING, body_problems, html_nesting

    deep = "<blockquote>" * 26_000
    assert html_nesting(deep)[0] == 26_000
    assert body_problems(deep, 5)[0][0] == 5
    flat = "<blockquote><p>one</p><br><img src=x.png></blockquote>\n" * 5_000
    assert html_nesting(flat)[0] == 2 and body_problems(flat, 1) == []
    fenced = "```\n" + "<div>" * (MAX_HTML_NESTING + 5) + "\n```\n"
    assert body_problems(fenced, 1) == []


def test_serve_with_a_huge_integer_in_the_config_reports_it_and_keeps_running(tmp_path: Path) -> None:
    import http.client
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    repo = tiny_repo(tmp_path / "repo")
    config = repo / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + f"extra_number: {HUGE}\n", encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--port", str(port), "--root", str(repo),
                             "--now", NOW], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    try:
        deadline, answered = time.monotonic() + 60, False
        while time.monotonic() < deadline and not answered:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/")
                conn.getresponse()
                answered = True
            except OSError:
                time.sleep(0.2)
        assert answered and proc.poll() is None
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    text = stderr.decode()
    assert "Traceback" not in text and "E016" in text and "not rebuilt" in text, text[-3000:]
