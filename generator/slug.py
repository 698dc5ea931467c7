"""File-name slugs for new content files.

A slug is lowercase ASCII letters, digits and single hyphens, at most 60
characters. It can never contain a dot or a slash, so a title such as
``../../x`` cannot steer a new file out of its content folder.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

MAX_SLUG = 60
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(title: str, fallback: str = "incident", max_length: int = MAX_SLUG) -> str:
    """``"Élevated errors: API/EU"`` -> ``"elevated-errors-api-eu"``.

    Accents are folded (NFKD, then non-ASCII dropped); every run of other
    characters becomes one hyphen. Cut at a hyphen when the title is long, so
    the slug does not end in half a word. Empty results use ``fallback``.
    """
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    slug = _NON_ALNUM.sub("-", folded).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        # Prefer a whole-word cut when one exists in the second half.
        if slug[max_length] != "-" and "-" in cut[max_length // 2 :]:
            cut = cut[: cut.rindex("-")]
        slug = cut.strip("-")
    if not slug:
        slug = _NON_ALNUM.sub("-", fallback.lower()).strip("-")[:max_length] or "item"
    return slug


def inside(folder: Path, candidate: Path) -> bool:
    """True when ``candidate`` resolves to a path inside ``folder`` (symlinks followed)."""
    base = folder.resolve()
    try:
        candidate.resolve().relative_to(base)
    except ValueError:
        return False
    return True


def free_path(folder: Path, stem: str, suffix: str = ".md") -> Path:
    """``folder/stem.md``, or ``stem-2.md``, ``stem-3.md``... when taken. Never an existing file.

    Raises ValueError if the name would land outside ``folder`` (a guard: slugs
    cannot do that, but a stem built elsewhere might).
    """
    n = 1
    while True:
        name = f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}"
        candidate = folder / name
        if not inside(folder, candidate) or candidate.parent.resolve() != folder.resolve():
            raise ValueError(f"{name!r} would be written outside {folder}")
        if not candidate.exists() and not candidate.is_symlink():
            return candidate
        n += 1
