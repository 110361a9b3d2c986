"""The one validator for typed text (goodoffices.lib.text), on its own, and its schema patterns
checked against it: whatever a pattern accepts, the validator accepts."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goodoffices.lib import text
from goodoffices.lib.errors import Invalid

# Each kind of character that is not text, named as a reader would.
NOT_TEXT = {
    "NUL": "\x00",
    "bell (C0)": "\x07",
    "escape (C0)": "\x1b",
    "DEL": "\x7f",
    "padding (C1)": "\x80",
    "CSI (C1)": "\x9b",
    "lone surrogate": "\ud800",
    "left-to-right embedding": "\u202a",
    "right-to-left override": "\u202e",
    "left-to-right isolate": "\u2066",
    "pop directional isolate": "\u2069",
    "noncharacter": "\uffff",
}
LINE_BREAKS = {"line feed": "\n", "carriage return": "\r", "CRLF": "\r\n", "line separator": "\u2028", "tab": "\t"}


@pytest.mark.parametrize("character", NOT_TEXT.values(), ids=NOT_TEXT.keys())
@pytest.mark.parametrize("check", [text.single_line, text.multi_line])
def test_what_is_not_text_is_refused_naming_the_field(check, character):
    with pytest.raises(Invalid) as refused:
        check(f"before {character} after", "title", 200)
    [error] = refused.value.errors
    assert error.field == "title"
    assert f"U+{ord(character):04X}" in error.message


@pytest.mark.parametrize("character", LINE_BREAKS.values(), ids=LINE_BREAKS.keys())
def test_a_single_line_holds_no_line_break_but_a_text_may(character):
    with pytest.raises(Invalid):
        text.single_line(f"Talks{character}Bcc: everyone@example.org", "title", 200)
    assert text.multi_line(f"one{character}two", "text", 200) in {"one\ntwo", "one\ttwo", "one\u2028two"}


def test_next_line_is_a_line_break_and_a_control_character():
    with pytest.raises(Invalid, match="single line"):
        text.single_line("one\x85two", "title", 200)
    with pytest.raises(Invalid, match="U\\+0085"):
        text.multi_line("one\x85two", "text", 200)


def test_texts_are_stored_in_nfc_with_line_feeds_and_trimmed():
    assert text.single_line("  Cafe\u0301 de Gene\u0300ve  ", "venue", 200) == "Café de Genève"
    assert text.multi_line("first\r\nsecond\rthird\n", "text", 200) == "first\nsecond\nthird"


def test_empty_and_long_texts_are_refused_after_normalising():
    with pytest.raises(Invalid, match="must not be empty"):
        text.single_line(" \t ", "title", 10)
    assert text.single_line("  ", "organisation", 10, required=False) == ""
    # Five characters once composed, ten as typed.
    assert text.single_line("e\u0301" * 5, "title", 5) == "é" * 5
    with pytest.raises(Invalid, match="at most 5 characters, not 6"):
        text.single_line("x" * 6, "title", 5)
    with pytest.raises(Invalid, match="at most 8 bytes in UTF-8"):
        text.multi_line("🕊🕊🕊", "text", 10, max_bytes=8)


def test_the_texts_the_platform_is_for_pass():
    for typed in ["Reopening of the Stepanakert–Goris road", "Ստեփանակերտ", "Bakı", "Москва", "مفاوضات", "会谈"]:
        assert text.single_line(typed, "title", 200) == typed
    # Marks that direct a single character (not overrides) are what right-to-left text needs.
    assert text.multi_line("Agreed:\n\tمفاوضات\u200f (text)", "text", 200)


PATTERNS = [
    (text.LINE_PATTERN, text.single_line, True),
    (text.OPTIONAL_LINE_PATTERN, text.single_line, False),
    (text.TEXT_PATTERN, text.multi_line, True),
    (text.OPTIONAL_TEXT_PATTERN, text.multi_line, False),
]


@pytest.mark.parametrize(("pattern", "check", "required"), PATTERNS)
@given(value=st.text(max_size=30))
def test_what_a_schema_pattern_accepts_the_validator_accepts(pattern, check, required, value):
    if re.fullmatch(pattern, value):
        check(value, "field", 1000, required=required)


@pytest.mark.parametrize(("pattern", "check", "required"), PATTERNS)
@pytest.mark.parametrize("character", NOT_TEXT.values(), ids=NOT_TEXT.keys())
def test_a_schema_pattern_refuses_what_is_not_text(pattern, check, required, character):
    if character == "\ud800":
        pytest.skip("a lone surrogate cannot be a character of a JSON text; the API refuses its escape")
    assert re.fullmatch(pattern, f"a{character}b") is None
    assert re.fullmatch(pattern, "Talks in Geneva")
