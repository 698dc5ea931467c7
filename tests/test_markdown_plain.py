"""The plain-text fast path of generator/site/markdown.py gives the HTML Markdown and nh3 give."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.site import markdown as md

# Characters that make Markdown, magiclink or the sanitiser do something, and ordinary ones, so
# that generated texts often come near the edge of what the fast path accepts.
_TRICKY = list("\\`*_{}[]<>#|~&@=^-+.)(!:;/'\"0123456789 \n\t\r\xa0\u2028") + ["www.", "://", "1. ", "- ", "    "]
_WORDS = ["Fixed", "at", "14:05", "UTC", "the", "API", "e.g.", "(EU)", "50%", "café", "don't", "\"ok\"", "v2.1"]

texts = st.lists(st.sampled_from(_TRICKY + _WORDS) | st.text(max_size=3), max_size=14).map("".join)


def _full(text: str, short: bool) -> str:
    return str(md._render_markdown(text, short))


@settings(max_examples=1500, deadline=None)
@given(texts, st.booleans())
@example("The service is back to normal.", True)
@example("Line one\nline two", True)
@example("Line one\nline two", False)
@example("2026. A year", True)
@example("See www.example.com", True)
@example("mail ops@example.com", False)
@example("a\n\nb", True)
@example("Trailing\n", False)
def test_plain_path_is_the_full_path(text: str, short: bool) -> None:
    plain = md._plain_html(text, short)
    if plain is not None:
        assert plain == _full(text, short)


@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=12).map(" ".join), st.booleans())
def test_sentences_take_the_plain_path(text: str, short: bool) -> None:
    # The fast path must actually serve ordinary messages, or it saves nothing.
    plain = md._plain_html(text, short)
    assert plain is not None
    assert plain == _full(text, short)


def test_public_functions_use_it_with_the_same_result() -> None:
    for text in ("We are investigating reports of errors.", "Two lines,\nkept apart.", "**bold** news"):
        assert str(md.render_short_markdown(text)) == _full(text, True)
        assert str(md.render_markdown(text)) == _full(text, False)
    assert md._plain_html("**bold** news", True) is None
