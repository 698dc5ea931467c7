"""Hostile and odd input: the loader and validator never raise, and say what is wrong."""

from __future__ import annotations

import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import load_repository
from generator.timeparse import TimestampError, parse_timestamp
from generator.validate import check_repository
from generator.yamlsrc import parse_yaml

FIXTURES = Path(__file__).parent / "fixtures"
VALID = (FIXTURES / "valid/incidents/2026-03-14-api-errors.md").read_text()
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
ALLOWED_CODES = {f"E{n:03d}" for n in range(1, 100)} | {"W060", "W061", "B001", "B002", "B003", "B004", "B005"}


def repo_with(tmp: Path, files: dict[str, bytes]) -> Path:
    shutil.copy(FIXTURES / "site_config.yml", tmp / "site_config.yml")
    for rel, data in files.items():
        target = tmp / "content" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return tmp


def codes_for(repo: Path, rel: str) -> set[str]:
    _m, problems = check_repository(repo, NOW)
    return {p.code for p in problems if p.path == f"content/{rel}"}


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(tmp_path_factory, text: str) -> None:
    repo = repo_with(tmp_path_factory.mktemp("t"), {"incidents/2026-01-01-x.md": text.encode("utf-8", "replace")})
    _m, problems = check_repository(repo, NOW)
    assert all(p.code in ALLOWED_CODES and p.line >= 1 for p in problems)


@SETTINGS
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(tmp_path_factory, data: bytes) -> None:
    repo = repo_with(tmp_path_factory.mktemp("b"), {"postmortems/x.md": data})
    check_repository(repo, NOW)


@st.composite
def mutated_front_matter(draw) -> str:
    lines = VALID.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(1, len(lines) - 2))
        op = draw(st.sampled_from(["delete", "dup", "replace_value", "indent", "garbage"]))
        if op == "delete":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "replace_value" and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            value = draw(st.sampled_from(["", "[]", "{}", "-1", "null", "yes", "2026-02-30", "&x 1", '"', "|"]))
            lines[i] = f"{key}: {value}"
        elif op == "indent":
            lines[i] = "   " + lines[i]
        else:
            lines.insert(i, draw(st.text(alphabet=": -[]{}#&*!|>'\"%@`\tabc", max_size=12)))
    return "\n".join(lines) + "\n"


@SETTINGS
@given(mutated_front_matter())
def test_mutated_front_matter_never_raises(tmp_path_factory, text: str) -> None:
    repo = repo_with(tmp_path_factory.mktemp("m"), {"incidents/2026-03-14-api-errors.md": text.encode()})
    _m, problems = check_repository(repo, NOW)
    assert all(p.code in ALLOWED_CODES for p in problems)


@given(st.text(max_size=40))
def test_timestamp_parser_raises_only_its_own_error(text: str) -> None:
    try:
        value = parse_timestamp(text)
    except TimestampError as exc:
        assert exc.code in {"E012", "E013", "E014", "E015", "E020"} and exc.hint
    else:
        assert value.tzinfo is not None and value.utcoffset().total_seconds() == 0


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9000, 12, 30)),
       st.integers(-14 * 60, 14 * 60))
def test_timestamp_round_trip(naive: datetime, offset_minutes: int) -> None:
    sign = "+" if offset_minutes >= 0 else "-"
    h, m = divmod(abs(offset_minutes), 60)
    text = naive.replace(microsecond=0).isoformat() + f"{sign}{h:02d}:{m:02d}"
    parsed = parse_timestamp(text)
    assert datetime.fromisoformat(text) == parsed


def test_billion_laughs_is_rejected_fast() -> None:
    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(12))
    started = time.process_time()
    doc, issues = parse_yaml(bomb)
    assert doc is None and issues[0].code == "E006"
    assert time.process_time() - started < 5  # would be hours if expanded


def test_crlf_and_bom_files_load_like_unix_ones(tmp_path: Path) -> None:
    crlf = ("\ufeff" + VALID).replace("\n", "\r\n").encode()
    repo = repo_with(tmp_path, {"incidents/2026-03-14-api-errors.md": crlf})
    model, problems = load_repository(repo)
    assert [p for p in problems if p.level == "error"] == []
    inc = model.incident("2026-03-14-api-errors")
    assert inc is not None and len(inc.updates) == 4 and inc.lines["category"] == 14


def test_non_utf8_names_the_line(tmp_path: Path) -> None:
    data = VALID.replace("Optional Markdown", "Caf\xe9 body").encode("latin-1")
    repo = repo_with(tmp_path, {"incidents/2026-03-14-api-errors.md": data})
    _m, problems = check_repository(repo, NOW)
    [p] = [p for p in problems if p.code == "E001"]
    assert p.line == VALID.splitlines().index("Optional Markdown body: the public description shown on the incident "
                                               "page.") + 1


def test_huge_body_and_deep_nesting(tmp_path: Path) -> None:
    huge = (VALID + ("lorem ipsum " * 80 + "\n") * 5500).encode()
    assert len(huge) > 5_000_000
    deep = "---\ntitle: " + "[" * 200 + "]" * 200 + "\n---\n"
    repo = repo_with(tmp_path, {"incidents/2026-03-14-api-errors.md": huge, "incidents/2026-01-01-deep.md": deep.encode()})
    model, problems = check_repository(repo, NOW)
    assert model.incident("2026-03-14-api-errors") is not None
    assert "E003" in {p.code for p in problems if p.path.endswith("deep.md")}


def test_thousands_of_files(tmp_path: Path) -> None:
    files = {f"incidents/2026-01-01-copy-{i:04d}.md": VALID.encode() for i in range(2000)}
    model, problems = check_repository(repo_with(tmp_path, files), NOW)
    assert len(model.incidents) == 2000
    assert not [p for p in problems if p.level == "error"]


def test_symlink_outside_repository_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text(VALID)
    (tmp_path / "repo").mkdir()
    repo = repo_with(tmp_path / "repo", {})
    link = repo / "content/incidents/2026-03-14-api-errors.md"
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(outside, link)
    model, problems = check_repository(repo, NOW)
    assert model.incidents == ()
    [p] = [p for p in problems if p.code == "E008"]
    assert p.path == "content/incidents/2026-03-14-api-errors.md" and str(outside) in p.message


def test_tabs_are_reported_not_crashed(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"incidents/2026-03-14-api-errors.md": VALID.replace("  api: major", "\tapi: major").encode()})
    assert "E003" in codes_for(repo, "incidents/2026-03-14-api-errors.md")
