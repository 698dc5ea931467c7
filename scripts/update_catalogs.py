"""Extract the words statuspress writes for people, and bring every language's catalog up to date.

    python scripts/update_catalogs.py            # extract messages.pot, update every .po, check them
    python scripts/update_catalogs.py --add pt   # also start a catalog for a new language
    python scripts/update_catalogs.py --check    # change nothing; fail when a catalog is out of date

1. extract: Python (``_()``, ``ngettext()``, ``N_()``) and the Jinja2 templates (``{{ _("...") }}``,
   ``{% trans %}``) as mapped in ``babel.cfg`` -> ``generator/locale/messages.pot``;
2. update: merge the template into every ``generator/locale/<lang>/LC_MESSAGES/messages.po``
   (like msgmerge: translations are kept; a changed message becomes fuzzy, a removed one obsolete);
3. compile: every catalog is compiled (in memory: statuspress compiles catalogs when it loads
   them) and checked, placeholders included; problems are printed and make the exit status 1.

Output is deterministic: no dates, locations by file only, so a catalog changes when its
messages do.
"""

from __future__ import annotations

import argparse
import copy
import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "generator" / "locale"
POT = LOCALE_DIR / "messages.pot"
# A fixed stamp: the real dates would change every file on every run.
STAMP = datetime(2026, 1, 1, tzinfo=UTC)
WIDTH = 100
SOURCE = "en"  # the language the messages are written in


def extract() -> Catalog:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, filename="babel.cfg")
    catalog = Catalog(project="statuspress", version="", copyright_holder="statuspress contributors",
                      charset="utf-8", creation_date=STAMP, revision_date=STAMP, fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
        empty = "" if isinstance(message, str) else ("",) * len(message)
        catalog.add(message, empty, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _write(path: Path, catalog: Catalog) -> bool:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, sort_by_file=False, include_lineno=False, ignore_obsolete=False)
    data = buffer.getvalue()
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def update(template: Catalog, tag: str) -> Catalog:
    path = LOCALE_DIR / tag / "LC_MESSAGES" / "messages.po"
    if path.is_file():
        catalog = _read(path, tag)
    else:
        catalog = Catalog(locale=Locale.parse(tag, sep="-"), project="statuspress", version="",
                          copyright_holder="statuspress contributors", creation_date=STAMP,
                          revision_date=STAMP, fuzzy=False)
    # A copy: Babel shares the template's new messages with the catalog it updates.
    catalog.update(copy.deepcopy(template), no_fuzzy_matching=False, update_header_comment=False)
    for message in catalog:
        # An untranslated plural message has as many (empty) forms as the language has plurals.
        if message.id and isinstance(message.string, tuple) and not any(message.string) \
                and len(message.string) != catalog.num_plurals:
            message.string = ("",) * catalog.num_plurals
    if tag == SOURCE:
        # The messages are written in English: its catalog says each as it is, so it is complete.
        for message in catalog:
            if message.id:
                message.string = message.id
                message.flags.discard("fuzzy")
    catalog.creation_date = STAMP
    catalog.revision_date = STAMP
    return catalog


def check(tag: str, catalog: Catalog) -> list[str]:
    """Problems a compile would hit: bad placeholders, plural forms, anything Babel's checkers find."""
    problems = []
    for message, errors in catalog.check():
        for error in errors:
            problems.append(f"{tag}: {message.id!r}: {error}")
    try:
        write_mo(io.BytesIO(), catalog, use_fuzzy=False)
    except Exception as exc:  # a catalog that does not compile: say which and why
        problems.append(f"{tag}: does not compile: {exc}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--add", action="append", default=[], metavar="TAG",
                        help="start a catalog for a new language (BCP 47 tag, e.g. pt-BR)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file would change")
    args = parser.parse_args(argv)

    template = extract()
    tags = sorted({p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po")} | set(args.add))
    stale: list[str] = []
    problems: list[str] = []
    outputs = [(POT, template)]
    for tag in tags:
        catalog = update(template, tag)
        problems += check(tag, catalog)
        outputs.append((LOCALE_DIR / tag / "LC_MESSAGES" / "messages.po", catalog))
    for path, catalog in outputs:
        if args.check:
            buffer = io.BytesIO()
            write_po(buffer, catalog, width=WIDTH, include_lineno=False)
            if not path.is_file() or path.read_bytes() != buffer.getvalue():
                stale.append(path.relative_to(ROOT).as_posix())
        elif _write(path, catalog):
            print(f"wrote {path.relative_to(ROOT).as_posix()}")
    for tag, (_, catalog) in zip(tags, outputs[1:], strict=True):
        missing = sum(1 for m in catalog if m.id and (not m.string or m.fuzzy or
                                                      (isinstance(m.string, tuple) and not all(m.string))))
        print(f"{tag}: {len(template) - missing}/{len(template)} messages translated")
    for line in problems:
        print(line, file=sys.stderr)
    if stale:
        print("out of date (run scripts/update_catalogs.py): " + ", ".join(stale), file=sys.stderr)
    return 1 if problems or stale else 0


if __name__ == "__main__":
    sys.exit(main())
