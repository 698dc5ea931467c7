"""The docs generated from the schema stay identical to it."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from generator.codes import CODES

ROOT = Path(__file__).resolve().parent.parent


def _gen_docs():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_blocks_are_current() -> None:
    gen = _gen_docs()
    for path in gen.FILES:
        text = path.read_text(encoding="utf-8")
        assert gen.render(text) == text, f"{path.name} is stale: run python scripts/gen_docs.py"


def test_readme_reference_lists_every_field() -> None:
    from generator.schema import CONTENT_SCHEMAS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for schema in CONTENT_SCHEMAS:
        for field in schema.fields:
            assert f"| `{field.name}` |" in readme


def test_readme_opens_with_the_two_commands() -> None:
    head = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:20]
    assert any("pip install" in line and "statuspress build" in line for line in head)
    assert any(line.strip() == "bash scripts/test.sh" for line in head)


def test_every_code_used_in_the_code_is_documented() -> None:
    used = set()
    for path in (ROOT / "generator").rglob("*.py"):
        used |= set(re.findall(r'"([EWB]0\d\d)"', path.read_text(encoding="utf-8")))
    assert used - set(CODES) == set()
