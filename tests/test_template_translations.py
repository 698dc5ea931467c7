"""Literal messages are translated when a template compiles: the same HTML as looking them up on
every render (jinja2's newstyle gettext), with variables still escaped."""

from __future__ import annotations

from gettext import NullTranslations

from hypothesis import given
from hypothesis import strategies as st
from jinja2 import Environment

from generator.site.templating import _LiteralTranslations, _TranslatingEnvironment


class Catalog(NullTranslations):
    def __init__(self, words: dict[str, str]) -> None:
        super().__init__()
        self.words = words

    def gettext(self, message: str) -> str:
        return self.words.get(message, message)


WORDS = {
    "Resolved": "Behoben",
    "100%% of %(what)s": "%(what)s zu 100 %%",
    "Since %(when)s": "Seit <b>%(when)s</b>",
}
SOURCE = (
    '<p>{{ _("Resolved") }}|{{ _("100%% of %(what)s", what=thing) }}|{{ _("Since %(when)s", when=thing) }}'
    '|{{ _("Untranslated") }}|{{ gettext("Resolved") }}|{{ _(dynamic) }}</p>'
)


def both(source: str, words: dict[str, str]) -> tuple[str, str, str]:
    """(looked up at render time, translated at compile time, the compiled module's source)."""
    catalog = Catalog(words)
    runtime = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    runtime.install_gettext_translations(catalog, newstyle=True)  # type: ignore[attr-defined]
    compiled = _TranslatingEnvironment(autoescape=True, extensions=["jinja2.ext.i18n"])
    compiled.install_gettext_translations(catalog, newstyle=True)  # type: ignore[attr-defined]
    compiled.literal_translations = _LiteralTranslations(catalog)
    values = {"thing": "<script>x</script>", "dynamic": "Resolved"}
    code = compiled.compile(source, raw=True)
    return (runtime.from_string(source).render(values), compiled.from_string(source).render(values), code)


def test_literal_messages_are_translated_once_and_render_the_same() -> None:
    looked_up, precompiled, code = both(SOURCE, WORDS)
    assert precompiled == looked_up
    assert "Behoben" in precompiled and "zu 100 %" in precompiled and "&lt;script&gt;" in precompiled
    assert "<b>&lt;script&gt;x&lt;/script&gt;</b>" in precompiled  # the catalog's markup kept, the value escaped
    # The literals are in the compiled code already; only the dynamic message is looked up.
    assert "Behoben" in code and "resolve('gettext')" not in code
    assert code.count("undefined(name='_')") == 1  # the one call left: _(dynamic)


@given(st.text(alphabet=st.sampled_from("ab %()s<&>'\""), max_size=20),
       st.text(alphabet=st.sampled_from("xy %()s<&>"), max_size=20))
def test_any_literal_renders_as_the_runtime_lookup_would(message: str, translation: str) -> None:
    source = "{{ _(%r) }}|{{ _(%r, v=thing) }}" % (message, message)  # noqa: UP031 (a Jinja literal)
    try:
        looked_up, precompiled, _ = both(source, {message: translation})
    except (TypeError, ValueError, KeyError) as runtime_error:  # a broken format fails in both
        name = type(runtime_error)
        try:
            both(source.split("|")[0], {message: translation})
        except (TypeError, ValueError, KeyError):
            return
        raise AssertionError(f"only one path failed: {name}") from None
    assert precompiled == looked_up
