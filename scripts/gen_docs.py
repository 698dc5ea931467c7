"""Regenerate the parts of the docs that come from the code: the content-format reference and the code table.

Run: python scripts/gen_docs.py   (tests/test_docs.py fails when these are stale)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.codes import codes_markdown  # noqa: E402
from generator.schema import CONFIG_SCHEMAS, CONTENT_SCHEMAS, reference_markdown  # noqa: E402

BLOCKS = {
    "content-reference": lambda: reference_markdown(CONTENT_SCHEMAS),
    "config-reference": lambda: reference_markdown(CONFIG_SCHEMAS),
    "problem-codes": codes_markdown,
}
FILES = [ROOT / "README.md", ROOT / "docs" / "validation-codes.md", ROOT / "docs" / "configuration.md"]


def render(text: str) -> str:
    for name, make in BLOCKS.items():
        pattern = re.compile(rf"(<!-- {name}:begin -->\n).*?(<!-- {name}:end -->)", re.S)
        text = pattern.sub(lambda m, make=make: m.group(1) + make() + m.group(2), text)
    return text


def main() -> int:
    for path in FILES:
        if path.exists():
            old = path.read_text(encoding="utf-8")
            new = render(old)
            if new != old:
                path.write_text(new, encoding="utf-8")
                print(f"updated {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
