"""The reader's language: message catalogs (gettext) and Babel's formats for dates and numbers.

Everything statuspress writes for people (pages, feeds, the calendar, badges,
notifications) asks here for its words: ``_("Subscribe")``,
``ngettext("%(num)d incident", "%(num)d incidents", n)``. The language is the
site's (``site.language``), made active for one build with :func:`use`; outside
of that it is English, so the command line and the machine contracts (the
Statuspage API, file names, ids) never change with it.

Catalogs live in ``generator/locale/<lang>/LC_MESSAGES/messages.po`` and are
compiled in memory when first used (no ``.mo`` files to keep in step with
them); ``scripts/update_catalogs.py`` extracts ``messages.pot`` and merges it
into every catalog. A message a catalog lacks is shown in English.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError, dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DEFAULT = "en"
DOMAIN = "messages"

# Languages whose catalog is complete (a test checks every message is translated); others
# shipped are partial, and a missing message falls back to English.
COMPLETE = ("en", "de", "fr", "es", "ja", "ar")



def material_languages() -> frozenset[str]:
    """The languages Material for MkDocs has interface words for (its partials/languages/*.html)."""
    return _material_languages()


def _material_dir() -> Path:
    import material  # only needed to find its files

    return Path(material.__file__).resolve().parent / "templates" / "partials" / "languages"


@lru_cache(maxsize=1)
def _material_languages() -> frozenset[str]:
    return frozenset(p.stem for p in _material_dir().glob("*.html"))


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translated later"
    """Mark ``message`` for extraction without translating it now (a table of words read at display time)."""
    return message


@dataclass(frozen=True)
class Language:
    """One active language: the tag as configured, its Babel locale, and its compiled catalog."""

    tag: str  # BCP 47, as written in site_config.yml ("de", "pt-BR")
    locale: Locale
    translations: NullTranslations

    @property
    def rtl(self) -> bool:
        return self.locale.character_order == "right-to-left"

    @property
    def direction(self) -> str:
        return "rtl" if self.rtl else "ltr"


def shipped() -> tuple[str, ...]:
    """Languages with a catalog, sorted (``en`` first)."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return tuple(sorted(found, key=lambda tag: (tag != DEFAULT, tag)))


def parse_locale(tag: str) -> Locale | None:
    """The Babel locale of a BCP 47 tag (``pt-BR``, ``de``); ``None`` when Babel does not know it."""
    try:
        return Locale.parse(tag.replace("_", "-"), sep="-")
    except (ValueError, TypeError, UnknownLocaleError):
        return None


def catalog_for(tag: str) -> str | None:
    """The shipped catalog that serves ``tag``: itself, else its language without region (``de-AT`` -> ``de``)."""
    loc = parse_locale(tag)
    if loc is None:
        return None
    names = set(shipped())
    for candidate in (str(loc), loc.language):
        if candidate in names:
            return candidate
    return None


def material_language(tag: str) -> str:
    """Material's ``theme.language`` for a tag: the tag, its language without region, else English."""
    loc = parse_locale(tag)
    if loc is None:
        return "en"
    candidates = [tag, f"{loc.language}-{loc.territory}" if loc.territory else "", loc.language]
    if loc.script:
        candidates.insert(1, f"{loc.language}-{loc.script}")
    for candidate in candidates:
        if candidate in material_languages():
            return candidate
    return "en"


@lru_cache(maxsize=32)
def _compiled(name: str) -> Translations:
    with (LOCALE_DIR / name / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as fh:
        catalog = read_po(fh, locale=name)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@lru_cache(maxsize=32)
def language(tag: str = DEFAULT) -> Language:
    """The language for ``tag`` (validated by the config loader); an unknown one is English."""
    loc = parse_locale(tag) or Locale.parse(DEFAULT)
    name = catalog_for(tag)
    translations: NullTranslations = _compiled(name) if name is not None else NullTranslations()
    return Language(tag, loc, translations)


_ACTIVE = language(DEFAULT) if (LOCALE_DIR / DEFAULT).is_dir() else Language(DEFAULT, Locale.parse(DEFAULT),
                                                                              NullTranslations())
_LOCK = threading.RLock()


def active() -> Language:
    return _ACTIVE


@contextmanager
def use(tag: str) -> Iterator[Language]:
    """Make ``tag`` the language of everything said until the block ends (one build, one notify run).

    A process-wide setting, not a context variable: worker threads of the build speak it too.
    """
    global _ACTIVE
    with _LOCK:
        before = _ACTIVE
        _ACTIVE = language(tag)
        try:
            yield _ACTIVE
        finally:
            _ACTIVE = before


def gettext(message: str) -> str:
    return _ACTIVE.translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _ACTIVE.translations.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return str(_ACTIVE.translations.pgettext(context, message))


_ = gettext


# ---------------------------------------------------------------- dates and numbers
#
# English keeps statuspress's own compact forms ("14 Mar 2026, 10:30 CET", "99.95%"); every other
# language gets CLDR's (Babel), with Latin digits. Numbers of figures are never rounded here: the
# caller has already rounded (uptime down), these only write them.

_EN_MONTHS = ("January", "February", "March", "April", "May", "June",
              "July", "August", "September", "October", "November", "December")
_EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _english() -> bool:
    return _ACTIVE.locale.language == "en"


def format_moment(local: datetime) -> str:
    """A moment in the site's zone, zone named: ``14 Mar 2026, 10:30 CET`` / ``14. März 2026, 10:30 CET``."""
    if _english():
        return f"{local.day} {_EN_MONTHS[local.month - 1][:3]} {local.year}, {local.hour:02d}:{local.minute:02d} {local.tzname()}"
    loc = _ACTIVE.locale
    day = dates.format_skeleton("yMMMd", local, locale=loc)
    clock = dates.format_skeleton("Hm", local, locale=loc)
    zone = local.tzname() or ""
    pattern = str(dates.get_datetime_format("medium", locale=loc))
    return f"{pattern.replace('{1}', day).replace('{0}', clock)} {zone}".strip()


def format_day(day: date) -> str:
    """A date: ``14 Mar 2026`` / ``14. März 2026`` / ``2026年3月14日``."""
    if _english():
        return f"{day.day} {_EN_MONTHS[day.month - 1][:3]} {day.year}"
    return dates.format_skeleton("yMMMd", day, locale=_ACTIVE.locale)


def format_weekday_day(day: date) -> str:
    """``Thursday, 26 Nov 2026`` / ``Donnerstag, 26. Nov. 2026``."""
    if _english():
        return f"{_EN_WEEKDAYS[day.weekday()]}, {format_day(day)}"
    return dates.format_skeleton("yMMMEEEEd", day, locale=_ACTIVE.locale)


def format_month(year: int, month: int) -> str:
    """``November 2026`` / ``2026年11月``."""
    if _english():
        return f"{_EN_MONTHS[month - 1]} {year}"
    return dates.format_skeleton("yMMMM", date(year, month, 1), locale=_ACTIVE.locale)


def format_number(value: int | float | Decimal, places: int | None = None) -> str:
    """An already rounded number in the language's digits and separators (``1,234.5`` / ``1.234,5``)."""
    if places is not None:
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return numbers.format_decimal(value, format=pattern, locale=_ACTIVE.locale, decimal_quantization=True)
    return numbers.format_decimal(value, locale=_ACTIVE.locale, decimal_quantization=False)


def format_percent_value(shown: Decimal, places: int) -> str:
    """A percentage already rounded to ``places`` (``shown`` is 99.95 for 99.95%): ``99.95%`` / ``99,95 %``."""
    if _english():
        return f"{shown}%"
    base = _ACTIVE.locale.percent_formats[None].pattern  # e.g. "#,##0 %" (de), "#,##0%" (ja)
    pattern = base.replace("#,##0", "#,##0" + ("." + "0" * places if places else ""), 1)
    # A number rounded to ``places`` divided by 100 is exact in Decimal: nothing is rounded again.
    return numbers.format_percent(shown / 100, format=pattern, locale=_ACTIVE.locale, decimal_quantization=True)
