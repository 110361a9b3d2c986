"""The negotiating text: sections of clauses whose wording may still be in [square brackets].

A version of a text is an immutable ``NegotiatingText``: ordered ``Section``s, each of ordered
``Clause``s. A clause's body is a tuple of segments, ``Plain`` wording and ``Bracket``s; a bracket
holds one option (words not yet agreed) or several alternatives, labelled A, B, C... by position.
Every operation (``replace_clause``, ``insert_clause``, ``delete_clause``, ``add_option``,
``resolve_bracket``, or ``apply`` of an ``Amendment``) returns a new version and leaves the old one
as it was. Clauses and sections are known by stable ids the caller gives; their display numbers
(``numbers()``) follow their order.

Authoring syntax of a clause body (``parse_body`` / ``format_body``)::

    The parties [shall] cooperate on [A: humanitarian access | B: the return of displaced persons | C:].

* ``[words]`` brackets words not yet agreed (a bracket with one option);
* ``[A: one | B: other]`` offers alternatives; every option starts with its label, A, B, C... in
  order, and an alternative may be empty (``C:`` above: leave the words out);
* spaces around an option are not part of it; brackets do not nest;
* ``\\[``, ``\\]``, ``\\|`` and ``\\\\`` write the characters themselves; a backslash before
  anything else is an error.

``format_body(parse_body(s))`` is the normal spelling of ``s``, and ``parse_body(format_body(b)) == b``
for every valid body ``b``. A malformed body is refused with ``Invalid`` naming the clause and the
character where the problem is.
"""

import hashlib
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from . import agreement_doc
from .agreement_doc import text_problem
from .canonical import canonical_json
from .errors import FieldError, Invalid
from .errors import Message as _

FORMAT = "goodoffices-negotiating-text/1"
MAX_OPTIONS = 26
LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ESCAPABLE = "\\[]|"
_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
# Punctuation that takes no space before it, with the Armenian full stop (U+0589) and comma (U+055D).
_CLOSING_PUNCTUATION = frozenset(".,;:!?)]}»\u2019\u201d\u0589\u055d")
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# --- segments -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plain:
    """Wording outside brackets, exactly as written (spaces included)."""

    text: str


@dataclass(frozen=True)
class Bracket:
    """Words not yet agreed (one option) or alternatives (several; option i is labelled ``LABELS[i]``)."""

    options: tuple[str, ...]

    @property
    def is_alternatives(self) -> bool:
        """True for alternatives (two options or more), False for bracketed words."""
        return len(self.options) > 1

    def labelled(self) -> list[tuple[str, str]]:
        """``[("A", text), ("B", text), ...]``."""
        return list(zip(LABELS, self.options, strict=False))


Segment = Plain | Bracket
Body = tuple[Segment, ...]


def _body_problem(body: Body) -> str | None:
    """Why ``body`` is not a valid clause body in its normal form (a phrase naming its subject), or ``None``."""
    if not body:
        return _("the text is empty")
    for i, segment in enumerate(body):
        if isinstance(segment, Plain):
            if not segment.text:
                return _("the text holds an empty run of plain text")
            if i > 0 and isinstance(body[i - 1], Plain):
                return _("the text holds two runs of plain text in a row")
            problem = _characters_problem(segment.text)
            if problem:
                return _("the text %(problem)s", problem=problem)
        elif isinstance(segment, Bracket):
            position = sum(isinstance(s, Bracket) for s in body[: i + 1])
            problem = _bracket_problem(segment)
            if problem:
                return _("bracket %(bracket)d %(problem)s", bracket=position, problem=problem)
        else:
            return f"the text holds {type(segment).__name__}, which is neither plain text nor a bracket"
    first, last = body[0], body[-1]
    if (isinstance(first, Plain) and first.text != first.text.lstrip()) or (
        isinstance(last, Plain) and last.text != last.text.rstrip()
    ):
        return _("the text has leading or trailing whitespace")
    return None


def _bracket_problem(bracket: Bracket) -> str | None:
    options = bracket.options
    if not isinstance(options, tuple) or not options:
        return _("has no option")
    if len(options) > MAX_OPTIONS:
        return _("has %(count)d options; at most %(limit)d can be labelled", count=len(options), limit=MAX_OPTIONS)
    if len(options) == 1 and not options[0]:
        return _("is empty")
    seen: dict[str, str] = {}
    for label, option in zip(LABELS, options, strict=False):
        if option != option.strip():
            return _("has leading or trailing whitespace in option %(label)s", label=label)
        problem = _characters_problem(option)
        if problem:
            return _("%(problem)s in option %(label)s", problem=problem, label=label)
        if option in seen:
            return _("offers the same words as options %(first)s and %(second)s", first=seen[option], second=label)
        seen[option] = label
    return None


def _characters_problem(text: str) -> str | None:
    for ch in text:
        if unicodedata.category(ch) == "Cc" and ch != "\n":
            return _("holds the control character %(code)s", code=f"U+{ord(ch):04X}")
        if ch in _BIDI_CONTROLS:
            return _(
                "holds the bidirectional formatting character %(code)s, which can hide what is signed",
                code=f"U+{ord(ch):04X}",
            )
    if unicodedata.normalize("NFC", text) != text:
        return _("is not in Unicode normal form NFC")
    if text and unicodedata.category(text[0]).startswith("M"):
        return _("starts with a combining mark")
    return None


# --- authoring syntax ---------------------------------------------------------------------------


def parse_body(source: str, *, clause: str = "", field: str = "text") -> Body:  # noqa: C901 - a character-by-character parser of the authoring syntax
    """Parse a clause body written in the authoring syntax (module docstring) into its segments.

    Surrounding whitespace of the whole body is dropped. Refuses, with ``Invalid`` on ``field`` and a
    message beginning ``clause <clause>:``, unbalanced or nested brackets, unlabelled or misordered
    alternatives, stray backslashes, empty bodies and brackets, repeated options and text unfit for an
    agreement (control or bidirectional formatting characters, not NFC).
    """

    def refuse(message: str) -> Invalid:
        return Invalid.one(
            field, _("clause %(clause)s: %(problem)s", clause=clause, problem=message) if clause else message
        )

    text = source.strip()
    offset = len(source) - len(source.lstrip())
    segments: list[Segment] = []
    plain: list[str] = []
    options: list[str] | None = None  # the options of the open bracket, if one is open
    current: list[str] = []
    opened_at = 0
    i = 0
    while i < len(text):
        ch = text[i]
        column = offset + i + 1
        if ch == "\\":
            if i + 1 >= len(text) or text[i + 1] not in _ESCAPABLE:
                raise refuse(
                    _("the backslash at character %(column)d must be followed by \\, [, ] or |", column=column)
                )
            (plain if options is None else current).append(text[i + 1])
            i += 2
            continue
        if ch == "[":
            if options is not None:
                raise refuse(
                    _(
                        "the bracket at character %(column)d opens inside the bracket opened at character %(opened)d",
                        column=column,
                        opened=opened_at,
                    )
                )
            if plain:
                segments.append(Plain("".join(plain)))
                plain = []
            options, current, opened_at = [], [], column
        elif ch == "]":
            if options is None:
                raise refuse(_("the bracket closed at character %(column)d was never opened", column=column))
            options.append("".join(current))
            segments.append(_make_bracket(options, opened_at, refuse))
            options = None
        elif ch == "|" and options is not None:
            options.append("".join(current))
            current = []
        else:
            (plain if options is None else current).append(ch)
        i += 1
    if options is not None:
        raise refuse(_("the bracket opened at character %(opened)d is never closed", opened=opened_at))
    if plain:
        segments.append(Plain("".join(plain)))
    body = tuple(segments)
    problem = _body_problem(body)
    if problem:
        raise refuse(problem)
    return body


def _make_bracket(raw: list[str], opened_at: int, refuse: Callable[[str], Invalid]) -> Bracket:
    if len(raw) == 1:
        words = raw[0].strip()
        if not words:
            raise refuse(_("the bracket opened at character %(opened)d is empty", opened=opened_at))
        return Bracket((words,))
    if len(raw) > MAX_OPTIONS:
        raise refuse(
            _(
                "the bracket opened at character %(opened)d has %(count)d options; at most %(limit)d",
                opened=opened_at,
                count=len(raw),
                limit=MAX_OPTIONS,
            )
        )
    options: list[str] = []
    for label, option in zip(LABELS, raw, strict=False):
        stripped = option.strip()
        if not stripped.startswith(label + ":"):
            raise refuse(
                _(
                    "option %(number)d of the bracket opened at character %(opened)d must begin with %(label)s:",
                    number=len(options) + 1,
                    opened=opened_at,
                    label=label,
                )
            )
        options.append(stripped[len(label) + 1 :].strip())
    return Bracket(tuple(options))


def _escape(text: str, specials: str) -> str:
    return "".join("\\" + ch if ch in specials else ch for ch in text)


def format_body(body: Body) -> str:
    """Write a body in the authoring syntax: the inverse of ``parse_body``."""
    out = []
    for segment in body:
        if isinstance(segment, Plain):
            out.append(_escape(segment.text, "\\[]"))
        elif len(segment.options) == 1:
            out.append("[" + _escape(segment.options[0], _ESCAPABLE) + "]")
        else:
            alternatives = (f"{label}: {_escape(text, _ESCAPABLE)}".rstrip() for label, text in segment.labelled())
            out.append("[" + " | ".join(alternatives) + "]")
    return "".join(out)


# --- clauses, sections, texts -------------------------------------------------------------------


def _id_problem(value: object) -> str | None:
    if not isinstance(value, str) or not 1 <= len(value) <= 64 or not set(value) <= _ID_CHARS:
        return _("must be 1 to 64 letters, digits, '_' or '-'")
    return None


@dataclass(frozen=True)
class Clause:
    """A clause: a stable ``id``, an optional ``heading`` and its body (validated, ``Invalid`` on error)."""

    id: str
    body: Body
    heading: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "body", tuple(self.body))
        errors = []
        if problem := _id_problem(self.id):
            errors.append(FieldError("id", problem))
        if self.heading is not None and (problem := text_problem(self.heading)):
            errors.append(
                FieldError("heading", _("clause %(clause)s: the heading %(problem)s", clause=self.id, problem=problem))
            )
        if problem := _body_problem(self.body):
            errors.append(FieldError("text", _("clause %(clause)s: %(problem)s", clause=self.id, problem=problem)))
        if errors:
            raise Invalid(errors)

    @classmethod
    def from_source(cls, id: str, source: str, heading: str | None = None) -> "Clause":  # noqa: A002 - the field's name
        """A clause from its body in the authoring syntax."""
        return cls(id=id, body=parse_body(source, clause=id), heading=heading)

    @property
    def source(self) -> str:
        """The body in the authoring syntax."""
        return format_body(self.body)

    @property
    def brackets(self) -> tuple[Bracket, ...]:
        """The clause's brackets in order; bracket n of the amending methods is ``brackets[n - 1]``."""
        return tuple(s for s in self.body if isinstance(s, Bracket))

    @property
    def open_brackets(self) -> int:
        """How many brackets remain in the clause."""
        return len(self.brackets)

    def is_clean(self) -> bool:
        """True when no bracket remains in the clause."""
        return not self.brackets

    def plain_text(self) -> str:
        """The agreed wording of a clean clause (no escapes); ``ValueError`` while a bracket remains."""
        if not self.is_clean():
            raise ValueError(f"clause {self.id} still has {self.open_brackets} open bracket(s)")
        return "".join(s.text for s in self.body if isinstance(s, Plain))


@dataclass(frozen=True)
class Section:
    """An ordered group of clauses with a title."""

    id: str
    title: str
    clauses: tuple[Clause, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "clauses", tuple(self.clauses))
        errors = []
        if problem := _id_problem(self.id):
            errors.append(FieldError("section", problem))
        if problem := text_problem(self.title):
            errors.append(
                FieldError("title", _("section %(section)s: the title %(problem)s", section=self.id, problem=problem))
            )
        if errors:
            raise Invalid(errors)


@dataclass(frozen=True)
class NegotiatingText:
    """One version of a negotiating text. Ids of sections and of clauses are unique in it."""

    title: str
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sections", tuple(self.sections))
        errors = []
        if problem := text_problem(self.title):
            errors.append(FieldError("title", problem))
        section_ids: set[str] = set()
        clause_ids: set[str] = set()
        for section in self.sections:
            if section.id in section_ids:
                errors.append(FieldError("section", _("section %(section)s appears twice", section=section.id)))
            section_ids.add(section.id)
            for clause in section.clauses:
                if clause.id in clause_ids:
                    errors.append(FieldError("clause", _("clause %(clause)s appears twice", clause=clause.id)))
                clause_ids.add(clause.id)
        if errors:
            raise Invalid(errors)

    # reading

    def clauses(self) -> Iterator[tuple[Section, Clause]]:
        """Every clause with its section, in order."""
        for section in self.sections:
            for clause in section.clauses:
                yield section, clause

    def clause(self, clause_id: str) -> Clause:
        """The clause with this id; ``Invalid`` on field ``clause`` if there is none."""
        for _section, clause in self.clauses():
            if clause.id == clause_id:
                return clause
        raise Invalid.one("clause", _("there is no clause %(clause)s in this text", clause=clause_id))

    def numbers(self) -> dict[str, str]:
        """Display number of each clause by id: "1", "2", ... in order through all sections."""
        return {clause.id: str(n) for n, (_, clause) in enumerate(self.clauses(), start=1)}

    def open_brackets_by_clause(self) -> dict[str, int]:
        """Open brackets of each clause by id, in order (zeros included)."""
        return {clause.id: clause.open_brackets for _section, clause in self.clauses()}

    @property
    def open_brackets(self) -> int:
        """How many brackets remain in the whole text."""
        return sum(clause.open_brackets for _section, clause in self.clauses())

    def is_clean(self) -> bool:
        """True when no bracket remains anywhere in the text (what adoption requires)."""
        return self.open_brackets == 0

    def first_bracketed_clause(self) -> Clause | None:
        """The first clause (in order) that still holds a bracket, or ``None``."""
        return next((clause for _section, clause in self.clauses() if not clause.is_clean()), None)

    def agreement_clauses(self) -> tuple[agreement_doc.Clause, ...]:
        """The clauses of a clean text as the clauses of an agreement: numbered in order, plain wording.

        Nothing is agreed until everything is agreed: while a bracket remains, ``Invalid`` (field
        ``text``) names the first clause that holds one.
        """
        numbers = self.numbers()
        blocking = self.first_bracketed_clause()
        if blocking is not None:
            raise Invalid.one(
                "text",
                f"clause {numbers[blocking.id]} ({blocking.id}) still has {blocking.open_brackets} open "
                "bracket(s): nothing is agreed until everything is agreed",
            )
        return tuple(
            agreement_doc.Clause(number=numbers[clause.id], heading=clause.heading, text=clause.plain_text())
            for _section, clause in self.clauses()
        )

    # storing

    def to_json(self) -> dict[str, Any]:
        """The version as JSON, each clause body in the authoring syntax."""
        return {
            "format": FORMAT,
            "title": self.title,
            "sections": [
                {
                    "id": section.id,
                    "title": section.title,
                    "clauses": [{"id": c.id, "heading": c.heading, "text": c.source} for c in section.clauses],
                }
                for section in self.sections
            ],
        }

    def canonical_bytes(self) -> bytes:
        """RFC 8785 bytes of ``to_json()``: what a consent to this exact version names."""
        return canonical_json(self.to_json())

    def sha256(self) -> str:
        """Lowercase hex SHA-256 of ``canonical_bytes()``."""
        return hashlib.sha256(self.canonical_bytes()).hexdigest()

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> "NegotiatingText":
        """Read ``to_json()`` output back; ``Invalid`` names the first problem (and its clause)."""
        try:
            if value["format"] != FORMAT:
                raise Invalid.one("format", f"must be {FORMAT!r}")
            sections = tuple(
                Section(
                    id=s["id"],
                    title=s["title"],
                    clauses=tuple(Clause.from_source(c["id"], c["text"], c["heading"]) for c in s["clauses"]),
                )
                for s in value["sections"]
            )
            return cls(title=value["title"], sections=sections)
        except (KeyError, TypeError, AttributeError) as exc:
            raise Invalid.one("text", f"is not a stored negotiating text ({type(exc).__name__}: {exc})") from None

    # amending: every method returns a new version

    def _locate(self, clause_id: str) -> tuple[int, int]:
        for si, section in enumerate(self.sections):
            for ci, clause in enumerate(section.clauses):
                if clause.id == clause_id:
                    return si, ci
        raise Invalid.one("clause", _("there is no clause %(clause)s in this text", clause=clause_id))

    def _with_clauses(self, si: int, clauses: tuple[Clause, ...]) -> "NegotiatingText":
        sections = list(self.sections)
        sections[si] = replace(sections[si], clauses=clauses)
        return replace(self, sections=tuple(sections))

    def replace_clause(self, clause_id: str, source: str) -> "NegotiatingText":
        """Replace a clause's body with ``source`` (authoring syntax); id and heading stay."""
        si, ci = self._locate(clause_id)
        old = self.sections[si].clauses[ci]
        clauses = list(self.sections[si].clauses)
        clauses[ci] = replace(old, body=parse_body(source, clause=clause_id))
        return self._with_clauses(si, tuple(clauses))

    def insert_clause(self, new: Clause, *, after: str | None = None, section: str | None = None) -> "NegotiatingText":
        """Insert ``new`` right after clause ``after``, or first in ``section``: give exactly one."""
        if (after is None) == (section is None):
            raise ValueError("insert_clause needs exactly one of after= and section=")
        if any(clause.id == new.id for _section, clause in self.clauses()):
            raise Invalid.one("clause_id", _("clause %(clause)s is already in this text", clause=new.id))
        if after is not None:
            si, ci = self._locate(after)
            position = ci + 1
        else:
            si = next((i for i, s in enumerate(self.sections) if s.id == section), -1)
            if si < 0:
                raise Invalid.one("section", _("there is no section %(section)s in this text", section=section))
            position = 0
        clauses = list(self.sections[si].clauses)
        clauses.insert(position, new)
        return self._with_clauses(si, tuple(clauses))

    def delete_clause(self, clause_id: str) -> "NegotiatingText":
        """Remove a clause; the numbers of the clauses after it move up."""
        si, ci = self._locate(clause_id)
        clauses = self.sections[si].clauses
        return self._with_clauses(si, clauses[:ci] + clauses[ci + 1 :])

    def _bracket_at(self, clause: Clause, bracket: int) -> int:
        """Index in ``clause.body`` of its ``bracket``-th bracket (1-based)."""
        positions = [i for i, s in enumerate(clause.body) if isinstance(s, Bracket)]
        if not 1 <= bracket <= len(positions):
            values = {"clause": clause.id, "count": len(positions), "bracket": bracket}
            raise Invalid.one(
                "bracket",
                _("clause %(clause)s has %(count)d bracket; there is no bracket %(bracket)d", **values)
                if len(positions) == 1
                else _("clause %(clause)s has %(count)d brackets; there is no bracket %(bracket)d", **values),
            )
        return positions[bracket - 1]

    def add_option(self, clause_id: str, bracket: int, text: str) -> "NegotiatingText":
        """Add ``text`` as the next option (next letter) of the ``bracket``-th bracket (1-based) of a clause.

        Bracketed words become alternatives A (the words) and B (``text``); an empty ``text`` offers
        leaving the words out.
        """
        si, ci = self._locate(clause_id)
        clause = self.sections[si].clauses[ci]
        index = self._bracket_at(clause, bracket)
        old = clause.body[index]
        assert isinstance(old, Bracket)
        option = text.strip()
        if len(old.options) >= MAX_OPTIONS:
            raise Invalid.one(
                "option",
                _(
                    "bracket %(bracket)d of clause %(clause)s already has %(limit)d options",
                    bracket=bracket,
                    clause=clause_id,
                    limit=MAX_OPTIONS,
                ),
            )
        if option in old.options:
            label = LABELS[old.options.index(option)]
            raise Invalid.one(
                "option",
                _(
                    "this is already option %(label)s of bracket %(bracket)d of clause %(clause)s",
                    label=label,
                    bracket=bracket,
                    clause=clause_id,
                ),
            )
        if problem := _characters_problem(option):
            raise Invalid.one(
                "option", _("clause %(clause)s: the option %(problem)s", clause=clause_id, problem=problem)
            )
        body = (*clause.body[:index], Bracket((*old.options, option)), *clause.body[index + 1 :])
        clauses = list(self.sections[si].clauses)
        clauses[ci] = replace(clause, body=body)
        return self._with_clauses(si, tuple(clauses))

    def resolve_bracket(self, clause_id: str, bracket: int, option: str) -> "NegotiatingText":
        """Keep option ``option`` ("A", "B", ...) of the ``bracket``-th bracket (1-based) as plain wording.

        Resolving to an empty alternative removes the bracket and one space beside it when both sides
        are whitespace, or when a space precedes closing punctuation ("a [b] c" gives "a c", "a [b]."
        gives "a."). A clause left with no wording is refused: delete the clause instead.
        """
        si, ci = self._locate(clause_id)
        clause = self.sections[si].clauses[ci]
        index = self._bracket_at(clause, bracket)
        old = clause.body[index]
        assert isinstance(old, Bracket)
        labels = LABELS[: len(old.options)]
        if len(option) != 1 or option not in labels:
            raise Invalid.one(
                "option",
                _(
                    "bracket %(bracket)d of clause %(clause)s has options %(labels)s; there is no option %(option)s",
                    bracket=bracket,
                    clause=clause_id,
                    labels=", ".join(labels),
                    option=option,
                ),
            )
        chosen = old.options[labels.index(option)]
        previous, following = clause.body[index - 1 : index], clause.body[index + 1 : index + 2]
        left = previous[0] if previous and isinstance(previous[0], Plain) else None
        right = following[0] if following and isinstance(following[0], Plain) else None
        before, after = (left.text if left else ""), (right.text if right else "")
        # "a [b] c" without b is "a c", and "a [b]." is "a.": one space goes, line breaks stay.
        if not chosen and before[-1:].isspace() and after[:1] == " ":
            after = after[1:]
        elif not chosen and before[-1:] == " " and (after[:1].isspace() or after[:1] in _CLOSING_PUNCTUATION):
            before = before[:-1]
        start = index - 1 if left else index
        end = index + 2 if right else index + 1
        merged = before + chosen + after
        if start == 0:
            merged = merged.lstrip()
        if end == len(clause.body):
            merged = merged.rstrip()
        body = clause.body[:start] + ((Plain(merged),) if merged else ()) + clause.body[end:]
        if not body:
            raise Invalid.one(
                "option",
                _(
                    "option %(option)s would leave clause %(clause)s empty; delete the clause instead",
                    option=option,
                    clause=clause_id,
                ),
            )
        clauses = list(self.sections[si].clauses)
        clauses[ci] = replace(clause, body=_normalise(body))
        return self._with_clauses(si, tuple(clauses))

    def apply(self, amendment: "Amendment") -> "NegotiatingText":
        """The version with ``amendment`` taken in (``Invalid`` if it does not fit this version)."""
        return amendment.apply_to(self)


def _normalise(body: Body) -> Body:
    """Merge runs of plain text that touch (after a bracket between them is removed)."""
    out: list[Segment] = []
    for segment in body:
        if isinstance(segment, Plain) and out and isinstance(out[-1], Plain):
            out[-1] = Plain(out[-1].text + segment.text)
        else:
            out.append(segment)
    return tuple(out)


# --- amendments as data -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplaceClause:
    """Replace the body of ``clause`` with ``text`` (authoring syntax)."""

    clause: str
    text: str

    def apply_to(self, version: NegotiatingText) -> NegotiatingText:
        """The new version; ``Invalid`` when the amendment does not fit ``version``."""
        return version.replace_clause(self.clause, self.text)


@dataclass(frozen=True)
class InsertClause:
    """Insert clause ``clause`` (a new id) after clause ``after``, or first in ``section``."""

    clause: str
    text: str
    after: str | None = None
    section: str | None = None
    heading: str | None = None

    def apply_to(self, version: NegotiatingText) -> NegotiatingText:
        """The new version; ``Invalid`` when the amendment does not fit ``version``."""
        if (self.after is None) == (self.section is None):
            raise Invalid.one("after", _("an inserted clause goes after a clause or first in a section: name one"))
        new = Clause.from_source(self.clause, self.text, self.heading)
        return version.insert_clause(new, after=self.after, section=self.section)


@dataclass(frozen=True)
class DeleteClause:
    """Delete ``clause``."""

    clause: str

    def apply_to(self, version: NegotiatingText) -> NegotiatingText:
        """The new version; ``Invalid`` when the amendment does not fit ``version``."""
        return version.delete_clause(self.clause)


@dataclass(frozen=True)
class AddOption:
    """Add ``text`` as an option of the ``bracket``-th bracket (1-based) of ``clause``."""

    clause: str
    bracket: int
    text: str

    def apply_to(self, version: NegotiatingText) -> NegotiatingText:
        """The new version; ``Invalid`` when the amendment does not fit ``version``."""
        return version.add_option(self.clause, self.bracket, self.text)


@dataclass(frozen=True)
class ResolveBracket:
    """Keep ``option`` of the ``bracket``-th bracket (1-based) of ``clause``."""

    clause: str
    bracket: int
    option: str

    def apply_to(self, version: NegotiatingText) -> NegotiatingText:
        """The new version; ``Invalid`` when the amendment does not fit ``version``."""
        return version.resolve_bracket(self.clause, self.bracket, self.option)


Amendment = ReplaceClause | InsertClause | DeleteClause | AddOption | ResolveBracket

_KINDS: dict[str, type[Amendment]] = {
    "replace": ReplaceClause,
    "insert": InsertClause,
    "delete": DeleteClause,
    "add_option": AddOption,
    "resolve": ResolveBracket,
}
_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "replace": {"clause": str, "text": str},
    "insert": {"clause": str, "text": str, "after": (str, type(None)), "section": (str, type(None))},
    "delete": {"clause": str},
    "add_option": {"clause": str, "bracket": int, "text": str},
    "resolve": {"clause": str, "bracket": int, "option": str},
}
_OPTIONAL = {"insert": {"heading": (str, type(None))}}


def amendment_to_json(amendment: Amendment) -> dict[str, Any]:
    """``{"op": "replace" | "insert" | "delete" | "add_option" | "resolve", ...fields}``."""
    op = next(name for name, kind in _KINDS.items() if isinstance(amendment, kind))
    return {"op": op, **{name: getattr(amendment, name) for name in amendment.__dataclass_fields__}}


def amendment_from_json(value: Mapping[str, Any]) -> Amendment:
    """Read ``amendment_to_json`` output (or an API body of that shape) back; ``Invalid`` names the field."""
    op = value.get("op")
    if not isinstance(op, str) or op not in _KINDS:
        raise Invalid.one("op", "must be one of " + ", ".join(_KINDS))
    required, optional = _FIELDS[op], _OPTIONAL.get(op, {})
    errors = []
    for name, kind in required.items():
        if name not in value:
            errors.append(FieldError(name, "is required"))
        elif not isinstance(value[name], kind) or isinstance(value[name], bool):
            errors.append(FieldError(name, "has the wrong type"))
    for name, kind in optional.items():
        if name in value and not isinstance(value[name], kind):
            errors.append(FieldError(name, "has the wrong type"))
    unknown = sorted(set(value) - set(required) - set(optional) - {"op"})
    errors += [FieldError(name, "is not a field of this amendment") for name in unknown]
    if errors:
        raise Invalid(errors)
    return _KINDS[op](**{k: v for k, v in value.items() if k != "op"})
