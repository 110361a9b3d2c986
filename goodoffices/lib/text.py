"""The one validator for every text a person types.

``single_line`` (titles, names, venues, topics, file names) and ``multi_line`` (reasons,
minutes, communiqués, messages) return the text as it is stored: normalised to Unicode NFC,
line breaks as ``\\n``, surrounding white space removed. They raise ``Invalid`` naming the field
for a text that is empty (when required), too long, or holds what is not text:

- control characters: C0 (tab and line feed are allowed in multi-line texts only), DEL and C1.
  NUL cannot be stored by PostgreSQL, and the others cannot be written into XML (one of them
  in a published communiqué broke the public Atom feed);
- lone surrogates, which have no UTF-8 form, and the noncharacters U+FFFE and U+FFFF, which
  XML refuses;
- the bidirectional overrides and isolates (U+202A to U+202E, U+2066 to U+2069), which can make a
  text display otherwise than it reads (a party could be shown words it did not write);
- in a single-line text, any line break (an e-mail subject or a header cannot hold one).

``TEXT_PATTERN`` and ``LINE_PATTERN`` state the same rules as regular expressions (ECMA-262 and
Python ``re`` alike), for an API schema to declare what the server enforces.
"""

import unicodedata

from .errors import Invalid
from .errors import Message as _

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
NONCHARACTERS = frozenset("\ufffe\uffff")
MULTI_LINE_CONTROLS_ALLOWED = frozenset("\t\n")

# Character classes (inside [...]) of what is refused, for schemas. Surrogates are left out:
# a JSON text cannot carry a lone one as a character, only as an escape that the server refuses.
_REFUSED_EVERYWHERE = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF"
_REFUSED_IN_A_LINE = _REFUSED_EVERYWHERE + r"\u0009\u000A\u000D\u2028\u2029"
_REFUSED_IN_A_TEXT = _REFUSED_EVERYWHERE + r"\u000D"


def _pattern(refused: str, *, required: bool) -> str:
    if not required:
        return f"^[^{refused}]*$"
    # At least one character that is neither refused nor white space: not empty once stripped.
    return f"^[^{refused}]*[^\\s{refused}][^{refused}]*$"


LINE_PATTERN = _pattern(_REFUSED_IN_A_LINE, required=True)
OPTIONAL_LINE_PATTERN = _pattern(_REFUSED_IN_A_LINE, required=False)
# Carriage returns are refused by the pattern but accepted (as line feeds) by ``multi_line``:
# the schema states the canonical form, the server is lenient with what browsers send.
TEXT_PATTERN = _pattern(_REFUSED_IN_A_TEXT, required=True)
OPTIONAL_TEXT_PATTERN = _pattern(_REFUSED_IN_A_TEXT, required=False)


def _code(character: str) -> str:
    return f"U+{ord(character):04X}"


def problem(value: str, *, multiline: bool) -> str | None:
    """What makes ``value`` not text for its kind of field, or ``None`` (no length checks)."""
    for character in value:
        point = ord(character)
        if 0xD800 <= point <= 0xDFFF:
            return _("must be valid Unicode text: it contains a lone surrogate (%(code)s)", code=_code(character))
        if not multiline and character in LINE_BREAKS:
            return _("must be a single line: no line breaks")
        if (point < 0x20 or 0x7F <= point <= 0x9F) and not (multiline and character in MULTI_LINE_CONTROLS_ALLOWED):
            return _("must not contain control characters (found %(code)s)", code=_code(character))
        if character in BIDI_CONTROLS:
            return _(
                "must not contain bidirectional override characters (found %(code)s): "
                "they can make a text display otherwise than it reads",
                code=_code(character),
            )
        if character in NONCHARACTERS:
            return _("must not contain noncharacters (found %(code)s)", code=_code(character))
    return None


def _normalised(value: str, *, multiline: bool) -> str:
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    # Lone surrogates pass through NFC unchanged; ``problem`` refuses them afterwards.
    return unicodedata.normalize("NFC", value).strip()


def _checked(value: str, field: str, limit: int, *, multiline: bool, required: bool, max_bytes: int | None) -> str:
    text = _normalised(value or "", multiline=multiline)
    if required and not text:
        raise Invalid.one(field, _("must not be empty"))
    if (message := problem(text, multiline=multiline)) is not None:
        raise Invalid.one(field, message)
    if len(text) > limit:
        raise Invalid.one(
            field, _("must be at most %(limit)d characters, not %(length)d", limit=limit, length=len(text))
        )
    if max_bytes is not None and len(text.encode("utf-8")) > max_bytes:
        raise Invalid.one(field, _("must be at most %(limit)d bytes in UTF-8", limit=max_bytes))
    return text


def single_line(value: str, field: str, limit: int, *, required: bool = True) -> str:
    """A one-line text as stored (NFC, stripped), or ``Invalid`` naming ``field``."""
    return _checked(value, field, limit, multiline=False, required=required, max_bytes=None)


def multi_line(value: str, field: str, limit: int, *, required: bool = True, max_bytes: int | None = None) -> str:
    """A text of one or more lines as stored (NFC, ``\\n`` line breaks, stripped), or ``Invalid``
    naming ``field``; ``max_bytes`` bounds its UTF-8 form where a ledger entry must hold it."""
    return _checked(value, field, limit, multiline=True, required=required, max_bytes=max_bytes)
