"""Hostile input through the real commands: `validate`, `build` and every authoring command.

Whatever the files hold, each command ends with exit 0, 1 or 2 and a message that names the
file; never a traceback, never a hang. A refused edit leaves the file byte-for-byte as it was,
and a refused build leaves the previous output folder as it was. (tests/test_load_hostile.py
covers the loader alone; this file drives the command line on a tiny repository.)
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import author
from generator.author import yaml_scalar
from generator.cli import main
from generator.timeparse import (
    MAX_YEAR,
    MIN_YEAR,
    TimestampError,
    parse_date,
    parse_duration,
    parse_timestamp,
)
from tests.test_author import _only_insertions
from tests.test_load_hostile import mutated_front_matter

FIXTURES = Path(__file__).parent / "fixtures"
NOW = "2026-11-26T12:00:00Z"
CONFIG = (FIXTURES / "site_config.yml").read_text(encoding="utf-8")
RESOLVED = (FIXTURES / "valid/incidents/2026-03-14-api-errors.md").read_text(encoding="utf-8")
OPEN = (FIXTURES / "valid/incidents/2026-11-26-dashboard-slow.md").read_text(encoding="utf-8")
OPEN_ID = "2026-11-26-dashboard-slow"
BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(12))
HYPOTHESIS = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                            HealthCheck.too_slow])


def tiny_repo(dest: Path) -> Path:
    """The validator fixtures: a config, two incidents, one maintenance, one post-mortem."""
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "site_config.yml").write_text(CONFIG, encoding="utf-8")
    shutil.copytree(FIXTURES / "valid", dest / "content")
    return dest


def cli(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    assert "Traceback" not in result.output, result.output
    return result


def validate(root: Path) -> Result:
    return cli("validate", "--root", str(root), "--now", NOW)


def build(root: Path, out: Path, *flags: str) -> Result:
    return cli("build", "--root", str(root), "--out", str(out), "--now", NOW, *flags)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links listed, not followed)."""
    out: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[rel] = b"-> " + os.fsencode(os.readlink(path))
        elif path.is_file():
            out[rel] = path.read_bytes()
    return out


@pytest.fixture(scope="module")
def previous_site(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """A good build of the tiny repository: the "previous output" a failed build must not touch."""
    tmp = tmp_path_factory.mktemp("previous")
    result = build(tiny_repo(tmp / "repo"), tmp / "site")
    assert result.exit_code == 0, result.output
    return tmp / "site"


def _with_previous(previous: Path, dest: Path) -> dict[str, bytes]:
    shutil.copytree(previous, dest, symlinks=True)
    return snapshot(dest)


# ---------------------------------------------------------------- hostile content files

def _write(rel: str, data: bytes | str) -> Callable[[Path], str]:
    def plant(root: Path) -> str:
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return rel
    return plant


def _symlink_outside(root: Path) -> str:
    outside = root.parent / "outside.md"
    outside.write_text(OPEN, encoding="utf-8")
    (root / "content/incidents/2026-11-25-linked.md").symlink_to(outside)
    return "incidents/2026-11-25-linked.md"


def _symlink_loop(root: Path) -> str:
    link = root / "content/incidents/2026-11-25-loop.md"
    link.symlink_to(link.name)
    return "incidents/2026-11-25-loop.md"


def _fifo(root: Path) -> str:
    os.mkfifo(root / "content/incidents/2026-11-25-pipe.md")
    return "incidents/2026-11-25-pipe.md"


def _folder_linked_outside(root: Path) -> str:
    elsewhere = root.parent / "elsewhere"
    shutil.move(root / "content/maintenance", elsewhere)
    (root / "content/maintenance").symlink_to(elsewhere, target_is_directory=True)
    return "maintenance/2026-04-02-db-upgrade.md"


def _year_one(root: Path) -> str:
    path = root / "content/incidents" / f"{OPEN_ID}.md"
    path.write_text(OPEN.replace("started_at: 2026-11-26T10:00:00+01:00", "started_at: 0001-01-01T00:30:00+01:00"),
                    encoding="utf-8")
    return f"incidents/{OPEN_ID}.md"


def _in_place(edit: Callable[[str], str]) -> Callable[[Path], str]:
    def plant(root: Path) -> str:
        path = root / "content/incidents" / f"{OPEN_ID}.md"
        path.write_bytes(edit(OPEN).encode("utf-8"))
        return f"incidents/{OPEN_ID}.md"
    return plant


# name -> (plant it, exit code of validate/build, problem code in the report)
HOSTILE_FILES: dict[str, tuple[Callable[[Path], str], int, str | None]] = {
    "bom-and-crlf": (_in_place(lambda t: "\ufeff" + t.replace("\n", "\r\n")), 0, None),
    "tab-indent": (_in_place(lambda t: t.replace("  - at:", "\t- at:")), 1, "E003"),
    "alias-bomb": (_in_place(lambda t: t.replace("updates:", BOMB + "updates:")), 1, "E006"),
    "deep-nesting": (_in_place(lambda t: t.replace("updates:", "x: " + "[" * 5000 + "]" * 5000 + "\nupdates:")), 1,
                     "E003"),
    "control-character": (_in_place(lambda t: t.replace("title: Dashboard pages load slowly", 'title: "\\b"')), 1,
                          "E019"),
    "latin-1": (_write(f"incidents/{OPEN_ID}.md", OPEN.replace("slowly", "lentement, caf\xe9").encode("latin-1")),
                1, "E001"),
    "binary": (_write(f"incidents/{OPEN_ID}.md", bytes(range(256)) * 40), 1, "E001"),
    "nul-in-text": (_write(f"incidents/{OPEN_ID}.md", OPEN.encode() + b"\x00"), 1, "E001"),
    "empty": (_write(f"incidents/{OPEN_ID}.md", b""), 1, "E007"),
    "no-front-matter": (_write(f"incidents/{OPEN_ID}.md", "Just prose.\n"), 1, "E002"),
    "year-one": (_year_one, 1, "E014"),
    "symlink-outside": (_symlink_outside, 1, "E008"),
    "symlink-loop": (_symlink_loop, 1, "E001"),
    "fifo": (_fifo, 1, "E001"),
    "folder-linked-outside": (_folder_linked_outside, 1, "E008"),
    # Bodies Python-Markdown would take minutes (brackets) or recurse too deep (lists) to render.
    "bracket-bomb": (_in_place(lambda t: t + ("[" + "x" * 40) * 3000 + "\n"), 1, "E023"),
    "nested-brackets": (_in_place(lambda t: t + "[" * 50000 + "]" * 50000 + "\n"), 1, "E023"),
    "autolink-bomb": (_in_place(lambda t: t + "<http://" * 30000 + "\n"), 1, "E023"),
    "nested-lists": (_in_place(lambda t: t + "".join("    " * i + "- x\n" for i in range(1000))), 1, "E023"),
    "nested-markers": (_in_place(lambda t: t + "- " * 1000 + "x\n"), 1, "E023"),
    "odd-maintenance-name": (_write("maintenance/2026-12-01 <b>Window</b>.md",
                                    (FIXTURES / "valid/maintenance/2026-04-02-db-upgrade.md").read_bytes()), 1, "E009"),
    "odd-postmortem-name": (_write("postmortems/Ünïcode post mortem.md",
                                   (FIXTURES / "valid/postmortems/2026-03-14-api-errors.md").read_bytes()), 1, "E009"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_FILES))
def test_hostile_file_through_validate_and_build(case: str, tmp_path: Path, previous_site: Path) -> None:
    plant, code, problem = HOSTILE_FILES[case]
    if case == "fifo" and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    root = tiny_repo(tmp_path / "repo")
    rel = plant(root)
    checked = validate(root)
    assert checked.exit_code == code, checked.output
    if problem is not None:
        line = next(line for line in checked.output.splitlines() if f" {problem} " in line)
        assert line.startswith(f"content/{rel}:"), checked.output  # the report names the file
    out = tmp_path / "site"
    before = _with_previous(previous_site, out)
    built = build(root, out)
    assert built.exit_code == code, built.output
    if code:
        assert built.output == checked.output  # the same report as validate
        assert snapshot(out) == before
    else:
        assert (out / "incidents" / OPEN_ID / "index.html").is_file()
    assert not [p.name for p in out.parent.iterdir() if p.name.startswith(".")]  # no temporary folders left


@pytest.mark.parametrize("case", sorted(c for c in HOSTILE_FILES if c not in ("odd-maintenance-name",
                                                                              "odd-postmortem-name",
                                                                              "folder-linked-outside")))
def test_hostile_incident_through_every_authoring_command(case: str, tmp_path: Path) -> None:
    plant, _code, _problem = HOSTILE_FILES[case]
    if case == "fifo" and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    root = tiny_repo(tmp_path / "repo")
    rel = plant(root)
    ident = Path(rel).stem
    r = ["--root", str(root), "--now", NOW]
    for args in (["update", ident, "--status", "identified", "-m", "Found it.", *r],
                 ["resolve", ident, "-m", "Fixed.", *r],
                 ["new", "postmortem", ident, *r]):
        before = snapshot(root)
        result = cli(*args)
        if result.exit_code != 0:
            assert snapshot(root) == before, args  # refused: nothing rewritten, nothing added
            assert ident in result.output or "Error:" in result.output
            continue
        # Accepted: the file parses (what the loader objects to lies outside what the edit touches);
        # every original line is still there, in order.
        assert case in ("bom-and-crlf", "control-character", "nul-in-text") or HOSTILE_FILES[case][2] == "E023", (
            case, args, result.output)
        _only_insertions(before[f"content/{rel}"].decode("utf-8"), (root / "content" / rel).read_bytes().decode("utf-8"))
    if case == "bom-and-crlf":
        data = (root / "content" / rel).read_bytes()
        assert data.startswith("\ufeff".encode()) and data.count(b"\n") == data.count(b"\r\n")
        assert b"status: resolved" in data and validate(root).exit_code == 0
    # New files cannot be written through a hostile content folder either.
    result = cli("new", "incident", "Another one", "--severity", "SEV-3", "--service", "api", *r)
    assert result.exit_code == 0 and Path(result.output.strip()).parent == root / "content" / "incidents"


def test_authoring_refuses_to_write_into_a_linked_or_blocked_folder(tmp_path: Path) -> None:
    root = tiny_repo(tmp_path / "repo")
    _folder_linked_outside(root)
    r = ["--root", str(root), "--now", NOW]
    before = snapshot(tmp_path)
    result = cli("new", "maintenance", "Upgrade", "--start", "2026-12-01T00:00:00Z", "--end", "2026-12-01T01:00:00Z",
                 "--service", "api", *r)
    assert result.exit_code == 1 and "symbolic link" in result.output
    assert snapshot(tmp_path) == before
    shutil.rmtree(root / "content/postmortems")
    (root / "content/postmortems").write_text("not a folder", encoding="utf-8")
    result = cli("new", "postmortem", OPEN_ID, *r)
    assert result.exit_code == 1 and "content/postmortems" in result.output


def test_a_failed_write_leaves_the_file_and_no_temporary_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = tiny_repo(tmp_path / "repo")
    before = snapshot(root)

    def disk_full(src, dst):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(author.os, "replace", disk_full)
    result = cli("update", OPEN_ID, "--status", "identified", "-m", "Found it.", "--root", str(root), "--now", NOW)
    assert result.exit_code == 1 and "No space left on device" in result.output and OPEN_ID in result.output
    assert snapshot(root) == before  # the file as it was, and no .tmp file beside it


# ---------------------------------------------------------------- hostile site_config.yml

CONFIG_CASES = {
    "alias-bomb": BOMB + CONFIG.replace("categories: [deploy", "categories: *m\nx: [deploy"),
    "not-a-mapping": "- just\n- a list\n",
    "empty": "",
    "binary": "\x00\x01\x02",
    "services-wrong-type": CONFIG.replace("services:\n", "services: 7\nold_services:\n"),
    "service-items-wrong-type": CONFIG.replace("services:\n", "services:\n  - 5\n  - [a, b]\n"),
    "sections-wrong-type": CONFIG.replace("uptime: {weights", "uptime: 5\nold_uptime: {weights")
    .replace("site: {", "site: [1, 2]\nold_site: {").replace("publish: {kpis: internal}", "publish: yes"),
    "missing-sections": "site: {name: X, url: https://x.example/}\n",
    "values-wrong-type": CONFIG.replace("slo: 99.9", "slo: [1]").replace("bars_days: 90", "bars_days: many")
    .replace("name: Public API", "name: {a: 1}").replace("timezone: Europe/Berlin", "timezone: [UTC]"),
    "timezone-is-a-folder": CONFIG.replace("timezone: Europe/Berlin", "timezone: Europe"),
    "huge-numbers": CONFIG.replace("response_target: 1h", "response_target: 99999999999d")
    .replace("late_detection: 30m", "late_detection: 1e308d").replace("SEV-1: 5", "SEV-1: 99999999999999999999"),
    "year-one": CONFIG.replace("since: 2025-01-01", "since: 0001-01-01"),
    "deep-nesting": CONFIG + "x: " + "[" * 5000 + "]" * 5000 + "\n",
    "bom-and-crlf": "\ufeff" + CONFIG.replace("\n", "\r\n"),
}


@pytest.mark.parametrize("case", sorted(CONFIG_CASES))
def test_hostile_site_config_through_every_command(case: str, tmp_path: Path, previous_site: Path) -> None:
    root = tiny_repo(tmp_path / "repo")
    (root / "site_config.yml").write_bytes(CONFIG_CASES[case].encode("utf-8"))
    good = case == "bom-and-crlf"
    checked = validate(root)
    assert checked.exit_code == (0 if good else 1), checked.output
    if not good:
        assert "site_config.yml:" in checked.output
    out = tmp_path / "site"
    before = _with_previous(previous_site, out)
    built = build(root, out)
    assert built.exit_code == checked.exit_code, built.output
    if not good:
        assert snapshot(out) == before
    r = ["--root", str(root), "--now", NOW]
    for args in (["new", "incident", "Slow API", "--severity", "SEV-3", "--service", "api", *r],
                 ["update", OPEN_ID, "--status", "identified", "-m", "Found it.", *r],
                 ["new", "maintenance", "Upgrade", "--start", "2026-12-01T00:00:00Z",
                  "--end", "2026-12-01T01:00:00Z", "--service", "api", *r],
                 ["new", "postmortem", OPEN_ID, *r]):
        before_edit = snapshot(root)
        result = cli(*args)
        if result.exit_code != 0:
            assert snapshot(root) == before_edit
            assert "site_config.yml" in result.output or "unknown service" in result.output, result.output


# ---------------------------------------------------------------- properties, through the CLI

MUTABLE = {
    "incidents/2026-03-14-api-errors.md": RESOLVED,
    "maintenance/2026-04-02-db-upgrade.md": (FIXTURES / "valid/maintenance/2026-04-02-db-upgrade.md").read_text("utf-8"),
    "postmortems/2026-03-14-api-errors.md": (FIXTURES / "valid/postmortems/2026-03-14-api-errors.md").read_text("utf-8"),
}


@st.composite
def mutated_file(draw) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """One of the fixture files with a few lines deleted, doubled, re-valued, re-indented or added."""
    rel = draw(st.sampled_from(sorted(MUTABLE)))
    if rel.startswith("incidents/"):
        return rel, draw(mutated_front_matter())
    lines = MUTABLE[rel].splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(1, len(lines) - 2))
        op = draw(st.sampled_from(["delete", "dup", "value", "indent", "garbage"]))
        if op == "delete":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "value" and ":" in lines[i]:
            value = draw(st.sampled_from(["", "[]", "{}", "-1", "null", "yes", "2026-02-30", "&x 1", '"', "|",
                                          "0001-01-01T00:30:00+01:00", "'javascript:alert(1)'", "x" * 3000]))
            lines[i] = lines[i].split(":", 1)[0] + ": " + value
        elif op == "indent":
            lines[i] = "   " + lines[i]
        else:
            lines.insert(i, draw(st.text(alphabet=": -[]{}#&*!|>'\"%@`\tabc", max_size=12)))
    return rel, "\n".join(lines) + "\n"


@settings(HYPOTHESIS, max_examples=12)
@given(mutated_file())
def test_mutated_files_through_validate_build_and_authoring(mutated: tuple[str, str]) -> None:
    rel, text = mutated
    with tempfile.TemporaryDirectory() as tmp:
        root = tiny_repo(Path(tmp) / "repo")
        (root / "content" / rel).write_text(text, encoding="utf-8")
        checked = validate(root)
        if checked.exit_code:
            assert f"content/{rel}:" in checked.output, checked.output  # the report names the file
        out = Path(tmp) / "site"
        built = build(root, out)
        assert built.exit_code == checked.exit_code
        assert out.is_dir() == (built.exit_code == 0)
        if not rel.startswith("incidents/"):
            return
        # The mutated incident as a second, open one: every authoring command on it.
        copy = root / "content/incidents/2026-03-15-mutated.md"
        copy.write_text(text.replace("status: resolved", "status: monitoring"), encoding="utf-8")
        r = ["--root", str(root), "--now", NOW]
        for args in (["update", copy.stem, "--status", "monitoring", "-m", "Still watching.", *r],
                     ["new", "postmortem", copy.stem, *r], ["resolve", copy.stem, "-m", "Fixed.", *r]):
            before = snapshot(root)
            result = cli(*args)
            if result.exit_code:
                assert snapshot(root) == before and "Error:" in result.output


@settings(HYPOTHESIS, max_examples=40)
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_random_bytes_through_validate_and_authoring(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = tiny_repo(Path(tmp) / "repo")
        path = root / "content/incidents" / f"{OPEN_ID}.md"
        path.write_bytes(data)
        assert validate(root).exit_code == 1
        for args in (["update", OPEN_ID, "--status", "identified", "-m", "x"], ["resolve", OPEN_ID, "-m", "x"],
                     ["new", "postmortem", OPEN_ID]):
            before = snapshot(root)
            if cli(*args, "--root", str(root), "--now", NOW).exit_code:
                assert snapshot(root) == before


TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=80)


@settings(HYPOTHESIS, max_examples=8)
@given(title=TEXT, message=TEXT, reporter=TEXT, service=TEXT, body=st.text(max_size=300))
def test_random_text_in_every_field_builds_or_is_refused(title: str, message: str, reporter: str, service: str,
                                                         body: str) -> None:
    import json
    import xml.etree.ElementTree as ET

    with tempfile.TemporaryDirectory() as tmp:
        root = tiny_repo(Path(tmp) / "repo")
        config = root / "site_config.yml"
        config.write_text(CONFIG.replace("name: Public API", f"name: {yaml_scalar(service, flow=True)}"),
                          encoding="utf-8")
        text = OPEN.replace("title: Dashboard pages load slowly", f"title: {yaml_scalar(title)}")
        text = text.replace("    message: Some dashboard pages take longer than usual to load.",
                            f"    message: {yaml_scalar(message)}") + body
        text = text.replace("severity: P3\n", f"severity: P3\nreported_by: {yaml_scalar(reporter)}\n")
        (root / "content/incidents" / f"{OPEN_ID}.md").write_text(text, encoding="utf-8")
        out = Path(tmp) / "site"
        result = build(root, out, "--internal")
        assert result.exit_code in (0, 1)
        if result.exit_code:
            assert "E0" in result.output and not out.exists()
            return
        for path in out.rglob("*"):
            if path.suffix in (".rss", ".atom", ".svg", ".xml"):
                ET.fromstring(path.read_bytes())  # well-formed whatever the text
            elif path.suffix == ".json":
                json.loads(path.read_bytes())


# ---------------------------------------------------------------- size

def test_thousands_of_files_and_a_five_megabyte_body(tmp_path: Path) -> None:
    root = tiny_repo(tmp_path / "repo")
    folder = root / "content/incidents"
    for i in range(2000):
        (folder / f"2026-03-14-copy-{i:04d}.md").write_text(RESOLVED, encoding="utf-8")
    huge = folder / f"{OPEN_ID}.md"
    huge.write_text(OPEN + ("lorem ipsum dolor sit amet " * 40 + "\n\n") * 4700, encoding="utf-8")
    assert huge.stat().st_size > 5_000_000
    assert validate(root).exit_code == 0
    result = build(root, tmp_path / "site")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site/incidents/2026-03-14-copy-1999/index.html").is_file()
    assert "lorem ipsum" in (tmp_path / "site/incidents" / OPEN_ID / "index.html").read_text(encoding="utf-8")
    r = ["--root", str(root), "--now", NOW]
    assert cli("update", OPEN_ID, "--status", "identified", "-m", "Found it.", *r).exit_code == 0
    assert cli("new", "postmortem", OPEN_ID, *r).exit_code == 0
    assert cli("resolve", OPEN_ID, "-m", "Fixed.", *r).exit_code == 0
    assert huge.read_text(encoding="utf-8").endswith("lorem ipsum dolor sit amet " * 40 + "\n\n")
    assert validate(root).exit_code == 0


# ---------------------------------------------------------------- dates at the edges of time

@pytest.mark.parametrize("env, now", [
    ({}, "9026-11-26T12:00:00Z"),  # a typo: the build would lay out seven thousand years of history
    ({}, "2106-01-01T00:00:00Z"),  # past what gzip's 32-bit timestamp (sitemap.xml.gz) can hold
    ({}, "1970-01-01T00:30:00+01:00"),
    ({"SOURCE_DATE_EPOCH": "99999999999999999"}, None),
    ({"SOURCE_DATE_EPOCH": "-86400"}, None),
])
def test_a_now_outside_the_usable_years_is_a_usage_error(tmp_path: Path, env: dict[str, str], now: str | None) -> None:
    root = tiny_repo(tmp_path / "repo")
    before = snapshot(tmp_path)
    when = ["--now", now] if now else []
    for args in (["validate", "--root", str(root)], ["build", "--root", str(root), "--out", str(tmp_path / "site")],
                 ["new", "incident", "Slow API", "--severity", "SEV-3", "--service", "api", "--root", str(root)],
                 ["uptime", "--root", str(root)]):
        result = CliRunner(env=env).invoke(main, args + when, catch_exceptions=False)
        assert result.exit_code == 2 and "Traceback" not in result.output, (args, result.output)
        assert "--now" in result.output or "SOURCE_DATE_EPOCH" in result.output
    assert snapshot(tmp_path) == before


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)), st.integers(-23 * 60, 23 * 60),
       st.integers(0, 10**30), st.sampled_from(["s", "m", "min", "h", "d"]))
def test_extreme_dates_and_durations_raise_only_their_own_error(naive: datetime, offset: int, amount: int,
                                                                unit: str) -> None:
    sign = "+" if offset >= 0 else "-"
    text = naive.replace(microsecond=0).isoformat() + f"{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
    try:
        value = parse_timestamp(text)
    except TimestampError as exc:
        assert exc.code == "E014" and not MIN_YEAR <= naive.year <= MAX_YEAR
    else:
        assert MIN_YEAR <= naive.year <= MAX_YEAR and value.tzinfo is not None
        value.astimezone(ZoneInfo("Pacific/Kiritimati")), value.astimezone(ZoneInfo("Pacific/Pago_Pago"))
    try:
        parse_date(naive.date().isoformat())
    except TimestampError as exc:
        assert exc.code == "E014"
    try:
        duration = parse_duration(f"{amount}{unit}")
    except TimestampError as exc:
        assert exc.code == "E022"
    else:
        datetime(MAX_YEAR, 12, 31, tzinfo=UTC) + duration  # every date plus any duration still fits


def test_values_quoted_in_reports_cannot_start_ci_commands(tmp_path: Path) -> None:
    # GitHub Actions reads any output line starting with "::" as a command (annotations, masks...).
    root = tiny_repo(tmp_path / "repo")
    path = root / "content/incidents" / f"{OPEN_ID}.md"
    path.write_text(OPEN.replace("severity: P3", 'severity: "SEV-9\\n::error file=x,line=1::INJECTED"')
                    .replace("services:", '"odd\\r\\n::warning::KEY": 1\nservices:'), encoding="utf-8")
    for args in (["validate"], ["validate", "--format", "github"], ["build", "--out", str(tmp_path / "site")]):
        result = cli(*args, "--root", str(root), "--now", NOW)
        assert result.exit_code == 1 and "INJECTED" in result.output and "KEY" in result.output
        lines = result.output.splitlines()
        assert not [line for line in lines if line.lstrip().startswith(("::error file=x", "::warning::KEY"))]
        assert len(lines) == 3  # one line per problem, and the summary


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="[]()<>!-*+>1. \t\n`x", max_size=3000))
def test_bodies_the_check_accepts_render(body: str) -> None:
    from generator.bodycheck import body_problems
    from generator.site.pages import render_markdown

    if not body_problems(body, 1):
        render_markdown(body)  # no RecursionError (and, through the scan budget, no minutes-long render)


def test_the_body_limits_leave_room_for_real_prose() -> None:
    from generator.bodycheck import MAX_NESTING, body_problems
    from generator.site.pages import render_markdown

    deep = "".join("  " * i + "- level\n" for i in range(20)) + "> " * (MAX_NESTING - 1) + "quoted\n"
    links = "See [the runbook](https://runbooks.example/a_(b)) and <https://x.example/> (twice). " * 2000
    code = "```\n" + "[" * 100_000 + "\n```\n"
    for body in (deep, links, code):
        assert body_problems(body, 1) == []
        assert render_markdown(body)
