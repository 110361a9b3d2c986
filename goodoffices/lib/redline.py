"""Word-by-word comparison of two texts (a redline), as typed operations, safe HTML and plain text.

Texts are cut into tokens: words (letters, digits and combining marks of any script, with an inner
apostrophe or hyphen: "party's", "2020-ci"), runs of whitespace, and single other characters
(punctuation, brackets). ``difflib`` aligns the tokens; a run of whitespace alone between two changes
is folded into them, so "the quick brown" → "a slow red" reads as one change rather than three.

The operations cover both texts exactly: joining the ``equal`` and ``delete`` texts gives the old
text, joining the ``equal`` and ``insert`` texts gives the new one.

``compare_versions`` applies this clause by clause to two versions of a negotiating text.
"""

import difflib
import html
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .negotiating_text import Clause, NegotiatingText

OpKind = Literal["equal", "insert", "delete"]


@dataclass(frozen=True)
class Op:
    """One run of the redline: text both versions share, or text only the new (insert) or old (delete) has."""

    kind: OpKind
    text: str


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or unicodedata.category(ch).startswith("M")


def tokens(text: str) -> list[str]:
    """Cut ``text`` into words, whitespace runs and single other characters; ``"".join`` gives it back."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        j = i + 1
        if _is_word_char(ch):
            while j < n:
                if _is_word_char(text[j]):
                    j += 1
                elif text[j] in "'\u2019-" and j + 1 < n and _is_word_char(text[j + 1]):
                    j += 2
                else:
                    break
        elif ch.isspace():
            while j < n and text[j].isspace():
                j += 1
        out.append(text[i:j])
        i = j
    return out


def redline(old: str, new: str) -> list[Op]:
    """The operations that turn ``old`` into ``new``, word by word (deletions before insertions in a change)."""
    a, b = tokens(old), tokens(new)
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    # Regions: ("equal", text) or ("change", old text, new text).
    regions: list[tuple[str, str, str]] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        old_part, new_part = "".join(a[i1:i2]), "".join(b[j1:j2])
        between_changes = 0 < index < len(opcodes) - 1
        if tag == "equal" and not (between_changes and old_part.isspace()):
            regions.append(("equal", old_part, new_part))
        elif regions and regions[-1][0] == "change":
            _, old_before, new_before = regions[-1]
            regions[-1] = ("change", old_before + old_part, new_before + new_part)
        else:
            regions.append(("change", old_part, new_part))
    ops: list[Op] = []
    for kind, old_part, new_part in regions:
        if kind == "equal":
            ops.append(Op("equal", old_part))
            continue
        if old_part:
            ops.append(Op("delete", old_part))
        if new_part:
            ops.append(Op("insert", new_part))
    return ops


def old_text(ops: Sequence[Op]) -> str:
    """The old text the operations were made from."""
    return "".join(op.text for op in ops if op.kind != "insert")


def new_text(ops: Sequence[Op]) -> str:
    """The new text the operations lead to."""
    return "".join(op.text for op in ops if op.kind != "delete")


def _html_safe(text: str) -> str:
    """Escape for HTML text and attributes, replacing what no HTML page may hold (NUL and other
    controls but tab and line breaks, lone surrogates, non-characters) with U+FFFD."""
    cleaned = []
    for ch in text:
        code = ord(ch)
        bad = (
            (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r")
            or 0xD800 <= code <= 0xDFFF
            or 0xFDD0 <= code <= 0xFDEF
            or code & 0xFFFE == 0xFFFE
        )
        cleaned.append("\ufffd" if bad else ch)
    return html.escape("".join(cleaned), quote=True)


def redline_html(ops: Sequence[Op]) -> str:
    """HTML of the redline: ``<del>`` for deletions, ``<ins>`` for insertions, all text escaped.

    Line breaks are kept as they are: show it in an element styled ``white-space: pre-wrap``.
    """
    out = []
    for op in ops:
        text = _html_safe(op.text)
        if op.kind == "equal":
            out.append(text)
        elif op.kind == "delete":
            out.append(f"<del>{text}</del>")
        else:
            out.append(f"<ins>{text}</ins>")
    return "".join(out)


def redline_text(ops: Sequence[Op]) -> str:
    """Plain-text redline in wdiff's notation: ``[-deleted-]{+inserted+}``. For reading, not parsing."""
    out = []
    for op in ops:
        if op.kind == "equal":
            out.append(op.text)
        elif op.kind == "delete":
            out.append(f"[-{op.text}-]")
        else:
            out.append(f"{{+{op.text}+}}")
    return "".join(out)


# --- two versions of a negotiating text ---------------------------------------------------------

ClauseStatus = Literal["unchanged", "changed", "added", "deleted"]


@dataclass(frozen=True)
class ClauseChange:
    """How one clause differs between two versions; ``ops`` compare the bodies in the authoring syntax."""

    clause_id: str
    status: ClauseStatus
    ops: tuple[Op, ...]
    old_heading: str | None
    new_heading: str | None


def compare_versions(old: NegotiatingText, new: NegotiatingText) -> list[ClauseChange]:
    """Every clause of either version, in reading order: clauses of ``new`` in their order, each deleted
    clause where it stood in ``old``. A clause is known by its id, so a moved clause shows as deleted
    at its old place and added at its new one."""
    old_clauses = [clause for _, clause in old.clauses()]
    new_clauses = [clause for _, clause in new.clauses()]
    matcher = difflib.SequenceMatcher(None, [c.id for c in old_clauses], [c.id for c in new_clauses], autojunk=False)
    changes: list[ClauseChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            changes += [_changed(o, n) for o, n in zip(old_clauses[i1:i2], new_clauses[j1:j2], strict=True)]
            continue
        changes += [
            ClauseChange(c.id, "deleted", (Op("delete", c.source),), c.heading, None) for c in old_clauses[i1:i2]
        ]
        changes += [ClauseChange(c.id, "added", (Op("insert", c.source),), None, c.heading) for c in new_clauses[j1:j2]]
    return changes


def _changed(old: Clause, new: Clause) -> ClauseChange:
    ops = tuple(redline(old.source, new.source))
    same = old.body == new.body and old.heading == new.heading
    return ClauseChange(old.id, "unchanged" if same else "changed", ops, old.heading, new.heading)
