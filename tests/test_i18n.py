"""The site in the reader's language: catalogs, site.language, per-language config text, formats, RTL.

The example site is built (real MkDocs builds) in every shipped language, and no English
interface word may be left on a page; the check itself is shown to catch a missing translation.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import feedparser
import pytest
from babel.messages.pofile import read_po
from babel.numbers import parse_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import i18n
from generator.compute.display import format_percent
from generator.load import load_config
from generator.notify import messages as msg
from generator.notify.events import derive_events
from generator.site.visibility import SiteContext
from generator.timeparse import format_duration, parse_timestamp
from tests.site_repo import build, copy_example
from tests.support.english_left import LOCALE, english_left, own_words, same_as_english

ROOT = Path(__file__).resolve().parents[1]
COMPLETE = [tag for tag in i18n.COMPLETE if tag != "en"]
RTL = "ar"  # right to left
_PLACEHOLDERS = re.compile(r"%\([a-z_]+\)[-0-9.]*[sd]|%%")
_TAGS = re.compile(r"</?[a-z]+[^>]*>")


def set_language(repo: Path, tag: str) -> None:
    config = repo / "site_config.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"^(  timezone: .*)$", rf"\1\n  language: {tag}", text, count=1, flags=re.M),
                      encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """The example site in each shipped language: (repository, output)."""
    out = {}
    for tag in i18n.shipped():
        repo = copy_example(tmp_path_factory.mktemp(f"repo-{tag}"))
        set_language(repo, tag)
        site = tmp_path_factory.mktemp(f"site-{tag}")
        build(repo, site)
        out[tag] = (repo, site)
    return out


@pytest.fixture(scope="module")
def built_internal(built: dict[str, tuple[Path, Path]],
                   tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """The internal build with drafts (internal fields, drills, drafts) of the same repositories."""
    out = {}
    for tag, (repo, _site) in built.items():
        site = tmp_path_factory.mktemp(f"internal-{tag}")
        build(repo, site, internal=True, drafts=True)
        out[tag] = (repo, site)
    return out


# ---------------------------------------------------------------- catalogs


def _catalog(tag: str):  # type: ignore[no-untyped-def]
    with (LOCALE / tag / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=tag)


def test_complete_languages_are_shipped_and_rtl_is_among_them() -> None:
    assert set(i18n.COMPLETE) <= set(i18n.shipped())
    assert RTL in i18n.shipped() and i18n.language(RTL).rtl


def test_catalogs_are_current_and_compile() -> None:
    """messages.pot matches the code, every catalog has every message, and each compiles (placeholders checked)."""
    spec = importlib.util.spec_from_file_location("update_catalogs", ROOT / "scripts" / "update_catalogs.py")
    assert spec is not None and spec.loader is not None
    update = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(update)
    assert update.main(["--check"]) == 0, "run scripts/update_catalogs.py"


@pytest.mark.parametrize("tag", i18n.COMPLETE)
def test_complete_catalog_translates_every_message_with_its_placeholders(tag: str) -> None:
    catalog = _catalog(tag)
    problems = []
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if m.fuzzy or not all(strings):
            problems.append(f"untranslated: {m.id!r}")
            continue
        wanted = set(_PLACEHOLDERS.findall(ids[-1]))
        # Plural forms: the form for many says every placeholder; the form for one may leave the count out.
        for form in strings:
            if not set(_PLACEHOLDERS.findall(form)) <= wanted:
                problems.append(f"placeholder not in the message: {m.id!r} -> {form!r}")
        if set(_PLACEHOLDERS.findall(strings[-1])) != wanted:
            problems.append(f"placeholders differ: {m.id!r} -> {strings[-1]!r}")
        if sorted(_TAGS.findall(ids[-1])) != sorted(_TAGS.findall(strings[-1])):
            problems.append(f"HTML differs: {m.id!r} -> {strings[-1]!r}")
    assert problems == []


def test_a_partial_catalog_falls_back_to_english_per_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A language whose catalog lacks a message says that message in English, and the rest in its own words."""
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE, locale)
    po = locale / RTL / "LC_MESSAGES" / "messages.po"
    text, n = re.subn(r'(msgid "Recent history"\nmsgstr )"[^"]*"', r'\1""', po.read_text(encoding="utf-8"))
    assert n == 1
    po.write_text(text, encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    i18n.language.cache_clear()
    i18n._compiled.cache_clear()
    try:
        with i18n.use(RTL):
            assert i18n.gettext("Recent history") == "Recent history"
            assert i18n.gettext("Subscribe") not in ("", "Subscribe")
    finally:
        i18n.language.cache_clear()
        i18n._compiled.cache_clear()


# ---------------------------------------------------------------- built sites


@pytest.mark.parametrize("tag", COMPLETE)
def test_no_english_interface_word_is_left_on_any_page(built: dict[str, tuple[Path, Path]],
                                                       built_internal: dict[str, tuple[Path, Path]], tag: str) -> None:
    for repo, site in (built[tag], built_internal[tag]):
        assert english_left(site, repo, tag) == {}


@pytest.mark.parametrize("tag", COMPLETE)
def test_no_text_is_left_as_it_is_on_the_english_site(built: dict[str, tuple[Path, Path]],
                                                      built_internal: dict[str, tuple[Path, Path]], tag: str) -> None:
    """Words nobody marked for translation are in no catalog: they show as text the English site has too."""
    for sites in (built, built_internal):
        repo, site = sites[tag]
        assert same_as_english(site, sites["en"][1], repo, tag) == {}


def test_the_check_finds_words_nobody_marked_for_translation(built: dict[str, tuple[Path, Path]],
                                                            tmp_path: Path) -> None:
    """A page template with a sentence outside _(): the English-site comparison names its words."""
    repo, _site = built["de"]
    english_repo, _english_site = built["en"]
    for where, out in ((repo, tmp_path / "de"), (english_repo, tmp_path / "en")):
        copy = tmp_path / f"repo-{out.name}"
        shutil.copytree(where, copy)
        legend = ROOT / "generator" / "site" / "templates" / "partials" / "legend.html"
        override = copy / "theme" / "statuspress" / "partials" / "legend.html"
        override.parent.mkdir(parents=True)
        override.write_text(legend.read_text(encoding="utf-8").replace(
            "</summary>", "</summary><p>Bars are drawn per calendar day</p>", 1), encoding="utf-8")
        build(copy, out)
    left = same_as_english(tmp_path / "de", tmp_path / "en", repo, "de")
    # Words the (English) example content also uses count as the user's: the others are named.
    found = set().union(*left.values())
    assert "drawn" in found and found <= {"bars", "are", "drawn", "per", "calendar", "day"} - own_words("de")
    assert "index.html" in left


def test_the_check_finds_english_left_by_a_missing_translation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A German catalog without "Recent history" and "Uptime": the check names both, where they show."""
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE, locale)
    po = locale / "de" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    for english in ("Recent history", "Uptime"):
        text, n = re.subn(rf'(msgid "{english}"\nmsgstr )"[^"]*"', r'\1""', text)
        assert n == 1
    po.write_text(text, encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    i18n.language.cache_clear()
    i18n._compiled.cache_clear()
    try:
        repo = copy_example(tmp_path / "repo")
        set_language(repo, "de")
        build(repo, tmp_path / "site")
        left = english_left(tmp_path / "site", repo, "de", po_dir=locale)
    finally:
        i18n.language.cache_clear()
        i18n._compiled.cache_clear()
    assert "Recent history" in left["index.html"]
    assert any("Uptime" in hits for page, hits in left.items() if page.startswith("services/"))
    assert {word for hits in left.values() for word in hits} == {"Recent history", "Uptime"}


def test_user_text_is_never_counted_as_english_left(built: dict[str, tuple[Path, Path]]) -> None:
    repo, site = built["de"]
    incident = (repo / "content" / "incidents" / "2025-10-07-webhook-delivery-delays.md").read_text(encoding="utf-8")
    title = re.search(r"^title: (.*)$", incident, re.M).group(1).strip()  # type: ignore[union-attr]
    page = (site / "incidents" / "2025-10-07-webhook-delivery-delays" / "index.html").read_text(encoding="utf-8")
    assert title in page  # English, as written: the user's words
    assert english_left(site, repo, "de") == {}


def test_german_pages_speak_german_with_german_formats(built: dict[str, tuple[Path, Path]]) -> None:
    _, site = built["de"]
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in home and '<body dir="ltr"' in home
    assert "Letzte Tage" in home and ("Alle Systeme betriebsbereit" in home or "Teilausfall" in home)
    assert re.search(r"26\. Nov\. 2026, 13:00 CET", home)
    api = (site / "services" / "api" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"\d{2},\d{2}\xa0%", api), "percentages with a decimal comma and a space"
    assert "Verfügbarkeit" in api
    # Material's own interface follows: its German search placeholder and theme.language.
    about = (site / "about" / "index.html").read_text(encoding="utf-8")
    assert "Suche" in about
    words = json.loads(re.search(r'name="statuspress-words" content="([^"]*)"', home).group(1)  # type: ignore[union-attr]
                       .replace("&#34;", '"'))
    assert words["locale"] == "de" and words["ago"] == "vor {duration}"


def test_machine_contracts_stay_english(built: dict[str, tuple[Path, Path]]) -> None:
    _, en_site = built["en"]
    _, de_site = built["de"]
    for path in ("api/v2/summary.json", "api/v2/components.json", "api/v2/incidents.json"):
        en, de = json.loads((en_site / path).read_text()), json.loads((de_site / path).read_text())
        assert de == en, path
    assert sorted(p.relative_to(de_site).as_posix() for p in de_site.rglob("*") if p.is_file()) == \
        sorted(p.relative_to(en_site).as_posix() for p in en_site.rglob("*") if p.is_file())


def test_feeds_calendar_and_badges_in_the_site_language(built: dict[str, tuple[Path, Path]]) -> None:
    _, site = built["de"]
    rss = feedparser.parse((site / "feeds" / "incidents.rss").read_bytes())
    atom = feedparser.parse((site / "feeds" / "incidents.atom").read_bytes())
    assert rss.feed.language == "de" and rss.feed.title.endswith(": Störungen")
    assert atom.feed.get("language") == "de"
    assert any("Betroffen:" in e.content[0].value for e in atom.entries)
    ics = (site / "maintenance.ics").read_text(encoding="utf-8")
    assert "Betroffene Dienste:" in ics and "Affected services" not in ics
    badge = json.loads((site / "badges" / "api" / "uptime.json").read_text())
    assert badge["label"].endswith("Verfügbarkeit 30 T.") and "%" in badge["message"]
    assert "Verfügbarkeit" in (site / "badges" / "api" / "uptime.svg").read_text(encoding="utf-8")


def test_rtl_language_pages_are_right_to_left(built: dict[str, tuple[Path, Path]]) -> None:
    _, site = built[RTL]
    pages = sorted(site.rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert '<html lang="ar"' in html and '<body dir="rtl"' in html, page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'lang="ar"' in home and "Recent history" not in home
    # What the user wrote (English in the example) keeps its own direction inside the RTL page.
    assert '<div class="sp-update__message" dir="auto">' in home
    assert 'dir="auto"' not in (built["en"][1] / "index.html").read_text(encoding="utf-8")
    # The strip of bars is mirrored: the legend says today is on the left; badges lay out right to left.
    assert "اليوم الحالي على اليسار" in home and "على اليمين" not in home
    assert 'direction="rtl"' in (site / "badges" / "api" / "uptime.svg").read_text(encoding="utf-8")
    assert 'direction="rtl"' not in (built["en"][1] / "badges" / "api" / "uptime.svg").read_text(encoding="utf-8")


def test_a_language_build_is_deterministic(built: dict[str, tuple[Path, Path]], tmp_path: Path) -> None:
    repo, site = built["de"]
    again = tmp_path / "again"
    build(repo, again)
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first == second


# ---------------------------------------------------------------- site_config.yml


def _config(tmp_path: Path, site_extra: str = "", service: str = "name: Public API") -> tuple:  # type: ignore[type-arg]
    (tmp_path / "site_config.yml").write_text(
        "site:\n  name: Acme Status\n  url: https://status.example/\n  timezone: UTC\n" + site_extra +
        "services:\n  - id: api\n    " + service + "\n    group: Core\n", encoding="utf-8")
    config, problems, _ = load_config(tmp_path)
    return config, problems


def test_language_defaults_to_english_and_accepts_a_region(tmp_path: Path) -> None:
    config, problems = _config(tmp_path)
    assert config.site.language == "en" and problems == []
    config, problems = _config(tmp_path, "  language: de-AT\n")
    assert config.site.language == "de-AT" and problems == []
    assert i18n.catalog_for("de-AT") == "de" and i18n.language("de-AT").translations.gettext("Uptime") == "Verfügbarkeit"


@pytest.mark.parametrize("tag,why", [("klingon!", "not a language tag Babel knows"), ("sw", "has no message catalog")])
def test_an_unusable_language_is_an_error_with_its_line(tmp_path: Path, tag: str, why: str) -> None:
    _, problems = _config(tmp_path, f"  language: {tag}\n")
    [p] = problems
    assert (p.code, p.path, p.line) == ("E074", "site_config.yml", 5) and why in p.message
    assert "en, ar, de" in p.hint


def test_per_language_text_picks_the_site_language(tmp_path: Path) -> None:
    config, problems = _config(tmp_path, "  language: de\n  description: {en: Our status, de: Unser Status}\n",
                               "name: {en: Payments API, de: Zahlungs-API}")
    assert problems == []
    assert config.site.description == "Unser Status" and config.service("api").name == "Zahlungs-API"
    config, problems = _config(tmp_path, "  language: de-CH\n", "name: {en: Payments API, de: Zahlungs-API}")
    assert config.service("api").name == "Zahlungs-API" and problems == []


def test_per_language_text_without_the_site_language_warns_and_shows_english(tmp_path: Path) -> None:
    config, problems = _config(tmp_path, "  language: de\n", "name: {fr: API de paiement, en: Payments API}")
    assert config.service("api").name == "Payments API"
    [p] = problems
    assert (p.code, p.level, p.line) == ("W075", "warning", 8) and "'de'" in p.message
    config, problems = _config(tmp_path, "  language: de\n", "name: {fr: API de paiement}")
    assert config.service("api").name == "API de paiement" and problems[0].code == "W075"


def test_per_language_text_with_a_bad_tag_is_an_error_on_its_line(tmp_path: Path) -> None:
    _, problems = _config(tmp_path, "", "name:\n      en: Payments API\n      not a tag!: x")
    [p] = problems
    assert (p.code, p.line) == ("E075", 9) and "'not a tag!'" in p.message


def test_english_site_with_per_language_text_builds_like_plain_text(tmp_path: Path) -> None:
    repo = copy_example(tmp_path / "repo")
    config = repo / "site_config.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("    name: Public API\n", "    name: {en: Public API, de: Öffentliche API}\n", 1),
                      encoding="utf-8")
    build(repo, tmp_path / "site")
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "Public API" in home and "Öffentliche API" not in home


# ---------------------------------------------------------------- Material and formats


@pytest.mark.parametrize("tag,material", [
    ("en", "en"), ("de", "de"), ("de-AT", "de"), ("pt-BR", "pt-BR"), ("pt-PT", "pt"), ("zh-Hant-TW", "zh-Hant"),
    ("ar", "ar"), ("sw", "en"), ("nonsense!", "en"),
])
def test_material_language_mapping(tag: str, material: str) -> None:
    assert i18n.material_language(tag) == material


def test_english_keeps_its_own_forms() -> None:
    assert format_percent(99.956) == "99.95%" and format_duration(parse_timestamp("2026-01-01T01:05:00Z")
                                                                   - parse_timestamp("2026-01-01T00:00:00Z")) == "1 h 05 min"


def test_german_durations_and_percentages() -> None:
    with i18n.use("de"):
        assert format_percent(99.956) == "99,95\xa0%"
        assert format_percent(None) == "keine Daten"
        assert format_duration(parse_timestamp("2026-01-02T01:05:00Z") - parse_timestamp("2026-01-01T00:00:00Z")) \
            == "1 T. 1 Std."
    assert format_percent(99.956) == "99.95%", "the language ends with the block"


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=0, max_value=100, allow_nan=False), st.sampled_from(sorted(i18n.shipped())))
def test_uptime_is_rounded_down_in_every_language(value: float, tag: str) -> None:
    """Whatever the language writes, read back it is never above the value, and never 100 with downtime."""
    with i18n.use(tag) as lang:
        shown = format_percent(value)
        number = parse_decimal(shown.replace("%", "").replace("\xa0", "").replace("\u200e", "").strip(),
                               locale=lang.locale, strict=False)
    assert number <= Decimal(repr(value)) and number > Decimal(repr(value)) - Decimal("0.01")
    if value < 100:
        assert number < 100


def notification_in(tmp_path: Path, tag: str) -> tuple[msg.MessageView, msg.Email, dict]:
    """(view, email, Slack payload) of the notify example's open-incident update, in ``tag``."""
    from generator.load import load_repository  # noqa: PLC0415
    from tests.notify_repo import OPEN_INCIDENT, make_repo  # noqa: PLC0415

    repo = make_repo(tmp_path / "repo")
    set_language(repo, tag)
    model, problems = load_repository(repo)
    assert not [p for p in problems if p.level == "error"]
    ctx = SiteContext(model, parse_timestamp("2026-11-26T12:00:00Z"), model.config.site.url)
    events = {e.id: e for e in derive_events(model, ctx.now)}
    with i18n.use(model.config.site.language):
        view = msg.view_for(events[f"incident:{OPEN_INCIDENT}:updated:2026-11-26T09:40:00Z"], ctx)
        return view, msg.email_message(view), msg.slack_payload(view)


def test_notifications_in_the_site_language(tmp_path: Path) -> None:
    view, mail, slack = notification_in(tmp_path, "de")
    assert view.headline.startswith("Ursache gefunden: ") and view.lead.startswith("Neue Meldung vom ")
    assert "Auf der Statusseite ansehen" in json.dumps(slack, ensure_ascii=False)
    assert '<html lang="de" dir="ltr">' in mail.html and "Schweregrad" in mail.text


@pytest.mark.parametrize(("tag", "three", "two"), [
    ("en", "A, B, C", "A; B"),  # English keeps statuspress's own separators
    ("fr", "A, B et C", "A et B"),
    ("ja", "A、B、C", "A、B"),
    ("ar", "A وB وC", "A وB"),
])
def test_lists_are_joined_in_the_language(tag: str, three: str, two: str) -> None:
    with i18n.use(tag):
        assert i18n.format_list(["A", "B", "C"]) == three
        assert i18n.format_list(["A", "B"], "; ") == two
        assert i18n.format_list(["A"]) == "A" and i18n.format_list([]) == ""
        # Templates put the same separators between items they marked up.
        assert "".join(p + s for p, s in zip("ABC", [*i18n.list_separators(3), ""], strict=True)) == three


def test_french_notification_writes_its_own_colon_and_list(tmp_path: Path) -> None:
    view, mail, _ = notification_in(tmp_path, "fr")
    assert " : " in view.headline
    lines = mail.text.splitlines()
    assert any(re.match(r"Services\s:\sPublic API\s:\s", line) for line in lines)
    # French puts a space before the colon: no "word: " is left in the message (the catalog may use a
    # no-break space).
    assert not [line for line in lines if re.search(r"[^\s\u00a0\u202f]: ", line)]


def test_one_english_word_in_several_roles_has_a_word_per_role() -> None:
    from generator.site.views.postmortems import _ACTION_STATES  # noqa: PLC0415
    from generator.words import status_label  # noqa: PLC0415

    with i18n.use("de"):  # a maintenance window "läuft"; work on an action item is "in Arbeit"
        assert _ACTION_STATES["in_progress"]() == "In Arbeit" and status_label("in_progress") == "Läuft"
    with i18n.use("fr"):  # the state of one item vs the heading of a count of them
        assert i18n.pgettext("action item state", "Open") == "Ouverte"
        assert i18n.pgettext("count row", "Open") == "Ouvertes"
    with open(i18n.LOCALE_DIR / "messages.pot", "rb") as fh:
        template = read_po(fh)
    contexts = {m.context for m in template if m.id == "Published"}
    assert {None, "date label", "count row"} <= contexts
    assert all(m.auto_comments for m in template if m.id == "Published" and m.context)


def test_whole_hours_have_a_message_of_their_own() -> None:
    from datetime import timedelta  # noqa: PLC0415

    assert format_duration(timedelta(hours=2)) == "2 h 00 min"  # English as before
    with i18n.use("de"):
        assert format_duration(timedelta(hours=2)) == "2 Std."
        assert format_duration(timedelta(hours=2, minutes=5)) == "2 Std. 05 Min."


def test_the_next_business_day_target_is_said_in_the_language() -> None:
    from generator.site.views.kpis import target_text  # noqa: PLC0415

    assert target_text("next business day") == "next business day"
    with i18n.use("de"):
        assert target_text("next business day") == "nächster Werktag"
        assert target_text(None) == "keines"
