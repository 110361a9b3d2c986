"""The canonical agreement document: the exact bytes every signature on an agreement signs.

An adopted text is frozen as an ``AgreementDoc``. Its canonical form is RFC 8785 JSON
(``goodoffices.lib.canonical.canonical_json``) of this shape, every key always present::

    {
      "format": "goodoffices-agreement/1",
      "title": "...",
      "process": {"id": 7, "title": "..."},
      "framework": "...",
      "parties": [{"id": 1, "name": "..."}, ...],
      "language": "hy",
      "adopted": "2020-11-10",
      "clauses": [{"number": "1", "heading": null, "text": "..."}, ...],
      "commitments": [{"clause": "2", "obligor": 1, "action": "...", "category": "withdrawal_of_troops",
                       "deadline": "2020-11-20", "schedule": null, "verification": "...", "monitors": ["..."]}]
    }

Clauses and commitments keep their order; a commitment with neither ``deadline`` nor ``schedule``
is continuous (a ceasefire). ``parse_agreement`` reads such bytes back and refuses anything that is
not exactly the canonical form of a valid document, so one agreement has one byte form.

Text fields must be in Unicode NFC and hold no control characters (clause text may hold line breaks)
and no bidirectional override or isolate characters, which could make what a reader sees differ from
what the signatures cover. Every refusal is ``Invalid`` listing each broken rule with its field path
(``clauses[2].text``).

``agreement_html`` renders the document as a standalone HTML page whose bytes depend only on the
document and the labels given.
"""

import datetime
import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any

from .canonical import canonical_json
from .errors import FieldError, Invalid

FORMAT = "goodoffices-agreement/1"

# I-JSON (RFC 7493): integers beyond 2**53 - 1 do not survive every JSON reader.
_MAX_ID = 2**53 - 1
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_SLUG = re.compile(r"[a-z0-9]+(_[a-z0-9]+)*")
# Embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class ProcessRef:
    """The process the agreement came out of."""

    id: int
    title: str


@dataclass(frozen=True)
class PartyRef:
    """A party bound by the agreement."""

    id: int
    name: str


@dataclass(frozen=True)
class Clause:
    """One clause of the adopted text: ``number`` is its label as printed ("1", "2.1", "7 bis")."""

    number: str
    text: str
    heading: str | None = None


@dataclass(frozen=True)
class Commitment:
    """Who must do what by when, tagged on a clause.

    ``obligor`` is a party id of the agreement. At most one of ``deadline`` and ``schedule`` is set;
    with neither, the commitment is continuous. ``category`` is a lowercase slug (the vocabulary, the
    Peace Accords Matrix provision types, belongs to the caller).
    """

    clause: str
    obligor: int
    action: str
    category: str
    deadline: datetime.date | None = None
    schedule: str | None = None
    verification: str = ""
    monitors: tuple[str, ...] = ()

    @property
    def is_continuous(self) -> bool:
        """True when the commitment has neither deadline nor schedule (it holds all the time)."""
        return self.deadline is None and self.schedule is None


@dataclass(frozen=True)
class AgreementDoc:
    """An adopted agreement, validated on construction (``Invalid`` lists every broken rule).

    Sequences are stored as tuples, so a document never changes after it is made.
    """

    title: str
    process: ProcessRef
    framework: str
    parties: tuple[PartyRef, ...]
    clauses: tuple[Clause, ...]
    adopted: datetime.date
    language: str
    commitments: tuple[Commitment, ...] = ()

    def __post_init__(self) -> None:
        for name in ("parties", "clauses", "commitments"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        errors = _validate(self)
        if errors:
            raise Invalid(errors)

    def to_json(self) -> dict[str, Any]:
        """The document as the JSON value whose canonical form is signed."""
        return {
            "format": FORMAT,
            "title": self.title,
            "process": {"id": self.process.id, "title": self.process.title},
            "framework": self.framework,
            "parties": [{"id": p.id, "name": p.name} for p in self.parties],
            "language": self.language,
            "adopted": self.adopted.isoformat(),
            "clauses": [{"number": c.number, "heading": c.heading, "text": c.text} for c in self.clauses],
            "commitments": [
                {
                    "clause": c.clause,
                    "obligor": c.obligor,
                    "action": c.action,
                    "category": c.category,
                    "deadline": c.deadline.isoformat() if c.deadline else None,
                    "schedule": c.schedule,
                    "verification": c.verification,
                    "monitors": list(c.monitors),
                }
                for c in self.commitments
            ],
        }

    def canonical_bytes(self) -> bytes:
        """RFC 8785 bytes of ``to_json()``: what each party's signatory signs."""
        return canonical_json(self.to_json())

    def sha256(self) -> str:
        """Lowercase hex SHA-256 of ``canonical_bytes()``."""
        return sha256_hex(self.canonical_bytes())

    def party_name(self, party_id: int) -> str:
        """The name of a party of this agreement; ``KeyError`` for any other id."""
        for party in self.parties:
            if party.id == party_id:
                return party.name
        raise KeyError(party_id)


def sha256_hex(data: bytes) -> str:
    """Lowercase hex SHA-256 of ``data``: the digest shown beside every rendering of an agreement."""
    return hashlib.sha256(data).hexdigest()


# --- validation ---------------------------------------------------------------------------------


def text_problem(value: object, *, multiline: bool = False, required: bool = True) -> str | None:
    """What makes ``value`` unfit as a text of an agreement, or ``None`` when it is fine.

    A text is a string in Unicode NFC, without leading or trailing whitespace, without control
    characters (``multiline`` allows line breaks) and without bidirectional formatting characters;
    it is empty only when not ``required``.
    """
    if not isinstance(value, str):
        return "must be a string"
    if not value.strip():
        return "is required" if required else None
    if value != value.strip():
        return "has leading or trailing whitespace"
    allowed = "\n" if multiline else ""
    for ch in value:
        if unicodedata.category(ch) == "Cc" and ch not in allowed:
            return f"holds the control character U+{ord(ch):04X}"
        if ch in _BIDI_CONTROLS:
            return f"holds the bidirectional formatting character U+{ord(ch):04X}, which can hide what is signed"
    if unicodedata.normalize("NFC", value) != value:
        return "is not in Unicode normal form NFC"
    return None


def _check_text(errors: list[FieldError], path: str, value: object, **kwargs: bool) -> None:
    problem = text_problem(value, **kwargs)
    if problem:
        errors.append(FieldError(path, problem))


def _check_id(errors: list[FieldError], path: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _MAX_ID:
        errors.append(FieldError(path, f"must be an integer from 1 to {_MAX_ID}"))


def _validate(doc: AgreementDoc) -> list[FieldError]:  # noqa: C901 - every rule of the document names its own field
    errors: list[FieldError] = []
    _check_text(errors, "title", doc.title)
    _check_id(errors, "process.id", doc.process.id)
    _check_text(errors, "process.title", doc.process.title)
    _check_text(errors, "framework", doc.framework)
    if not isinstance(doc.language, str) or not _LANGUAGE_TAG.fullmatch(doc.language):
        errors.append(FieldError("language", "must be a language tag such as en, hy, az or ru"))
    if not isinstance(doc.adopted, datetime.date) or isinstance(doc.adopted, datetime.datetime):
        errors.append(FieldError("adopted", "must be a date"))

    if len(doc.parties) < 2:
        errors.append(FieldError("parties", "an agreement binds at least two parties"))
    party_ids: set[int] = set()
    for i, party in enumerate(doc.parties):
        _check_id(errors, f"parties[{i}].id", party.id)
        _check_text(errors, f"parties[{i}].name", party.name)
        if isinstance(party.id, int):
            if party.id in party_ids:
                errors.append(FieldError(f"parties[{i}].id", f"party {party.id} is listed twice"))
            party_ids.add(party.id)

    if not doc.clauses:
        errors.append(FieldError("clauses", "an agreement has at least one clause"))
    numbers: set[str] = set()
    for i, clause in enumerate(doc.clauses):
        _check_text(errors, f"clauses[{i}].number", clause.number)
        if clause.heading == "":
            errors.append(FieldError(f"clauses[{i}].heading", "is empty: a clause without a heading has None"))
        elif clause.heading is not None:
            _check_text(errors, f"clauses[{i}].heading", clause.heading)
        _check_text(errors, f"clauses[{i}].text", clause.text, multiline=True)
        if isinstance(clause.number, str):
            if clause.number in numbers:
                errors.append(FieldError(f"clauses[{i}].number", f"clause {clause.number!r} is numbered twice"))
            numbers.add(clause.number)

    for i, commitment in enumerate(doc.commitments):
        errors += commitment_problems(commitment, clauses=numbers, parties=party_ids, path=f"commitments[{i}]")
    return errors


def commitment_problems(
    commitment: Commitment, *, clauses: Set[str], parties: Set[int], path: str = ""
) -> list[FieldError]:
    """Every rule ``commitment`` breaks, each on its field (``<path>.action``, or ``action`` without a path).

    ``clauses`` are the clause numbers and ``parties`` the party ids it may name: the same rules
    an ``AgreementDoc`` applies to each of its commitments, for a commitment tagged while drafting.
    """
    errors: list[FieldError] = []
    prefix = f"{path}." if path else ""
    if not isinstance(commitment.clause, str) or commitment.clause not in clauses:
        errors.append(FieldError(f"{prefix}clause", f"names no clause of the agreement ({commitment.clause!r})"))
    if not isinstance(commitment.obligor, int) or commitment.obligor not in parties:
        errors.append(FieldError(f"{prefix}obligor", f"names no party of the agreement ({commitment.obligor!r})"))
    _check_text(errors, f"{prefix}action", commitment.action, multiline=True)
    if not isinstance(commitment.category, str) or not _SLUG.fullmatch(commitment.category):
        errors.append(FieldError(f"{prefix}category", "must be a lowercase slug such as withdrawal_of_troops"))
    if commitment.deadline is not None and (
        not isinstance(commitment.deadline, datetime.date) or isinstance(commitment.deadline, datetime.datetime)
    ):
        errors.append(FieldError(f"{prefix}deadline", "must be a date"))
    if commitment.schedule is not None:
        _check_text(errors, f"{prefix}schedule", commitment.schedule)
        if commitment.deadline is not None:
            errors.append(FieldError(f"{prefix}schedule", "a commitment has a deadline or a schedule, not both"))
    _check_text(errors, f"{prefix}verification", commitment.verification, multiline=True, required=False)
    monitors = commitment.monitors
    if not isinstance(monitors, tuple):
        errors.append(FieldError(f"{prefix}monitors", "must be a tuple of names"))
        return errors
    for j, monitor in enumerate(monitors):
        _check_text(errors, f"{prefix}monitors[{j}]", monitor)
    if all(isinstance(m, str) for m in monitors) and len(set(monitors)) != len(monitors):
        errors.append(FieldError(f"{prefix}monitors", "names a monitor twice"))
    return errors


# --- reading canonical bytes back -----------------------------------------------------------------


class _Reader:
    """Pulls typed fields out of decoded JSON, recording a ``FieldError`` for each mismatch."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def obj(self, value: object, path: str, keys: Sequence[str]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.errors.append(FieldError(path, "must be an object"))
            return None
        missing = [k for k in keys if k not in value]
        unknown = sorted(k for k in value if k not in keys)
        if missing:
            self.errors.append(FieldError(path, "lacks " + ", ".join(missing)))
        if unknown:
            self.errors.append(FieldError(path, "has unknown keys " + ", ".join(unknown)))
        return None if missing or unknown else value

    def array(self, value: object, path: str) -> list[Any]:
        if not isinstance(value, list):
            self.errors.append(FieldError(path, "must be an array"))
            return []
        return value

    def date(self, value: object, path: str) -> datetime.date | None:
        if isinstance(value, str) and _ISO_DATE.fullmatch(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        self.errors.append(FieldError(path, "must be a date written YYYY-MM-DD"))
        return None


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


_DOC_KEYS = ("format", "title", "process", "framework", "parties", "language", "adopted", "clauses", "commitments")
_COMMITMENT_KEYS = ("clause", "obligor", "action", "category", "deadline", "schedule", "verification", "monitors")


def parse_agreement(data: bytes) -> AgreementDoc:  # noqa: C901 - a strict parse refuses each malformed part by name
    """Read canonical agreement bytes back into an ``AgreementDoc``.

    Refuses (``Invalid``, field ``document`` or the path of the bad value) bytes that are not UTF-8
    JSON, another format, a document that breaks any rule of ``AgreementDoc``, and valid documents
    whose bytes are not exactly their RFC 8785 form: what parses is what was signed.
    """
    try:
        value = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError:
        raise Invalid.one("document", "is not UTF-8") from None
    except ValueError as exc:
        raise Invalid.one("document", f"is not JSON: {exc}") from None
    if isinstance(value, dict) and value.get("format") != FORMAT:
        raise Invalid.one("format", f"must be {FORMAT!r}")
    reader = _Reader()
    top = reader.obj(value, "document", _DOC_KEYS)
    if top is None:
        raise Invalid(reader.errors)
    process = reader.obj(top["process"], "process", ("id", "title"))
    parties = []
    for i, item in enumerate(reader.array(top["parties"], "parties")):
        party = reader.obj(item, f"parties[{i}]", ("id", "name"))
        if party is not None:
            parties.append(PartyRef(id=party["id"], name=party["name"]))
    clauses = []
    for i, item in enumerate(reader.array(top["clauses"], "clauses")):
        clause = reader.obj(item, f"clauses[{i}]", ("number", "heading", "text"))
        if clause is not None:
            clauses.append(Clause(number=clause["number"], heading=clause["heading"], text=clause["text"]))
    commitments = []
    for i, item in enumerate(reader.array(top["commitments"], "commitments")):
        c = reader.obj(item, f"commitments[{i}]", _COMMITMENT_KEYS)
        if c is None:
            continue
        deadline = None if c["deadline"] is None else reader.date(c["deadline"], f"commitments[{i}].deadline")
        monitors = reader.array(c["monitors"], f"commitments[{i}].monitors")
        commitments.append(
            Commitment(
                clause=c["clause"],
                obligor=c["obligor"],
                action=c["action"],
                category=c["category"],
                deadline=deadline,
                schedule=c["schedule"],
                verification=c["verification"],
                monitors=tuple(monitors),
            )
        )
    adopted = reader.date(top["adopted"], "adopted")
    if reader.errors or process is None or adopted is None:
        raise Invalid(reader.errors)
    doc = AgreementDoc(
        title=top["title"],
        process=ProcessRef(id=process["id"], title=process["title"]),
        framework=top["framework"],
        parties=tuple(parties),
        clauses=tuple(clauses),
        adopted=adopted,
        language=top["language"],
        commitments=tuple(commitments),
    )
    if doc.canonical_bytes() != data:
        raise Invalid.one("document", "is not in canonical form (RFC 8785): it is not the exact bytes that are signed")
    return doc


# --- HTML ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Labels:
    """The words a rendering adds around the document, in the document's language.

    The defaults are English; the caller passes translated ones. ``categories`` maps a category slug
    to its name (a slug without a name is shown as it is).
    """

    process: str = "Process"
    framework: str = "Framework"
    adopted: str = "Adopted"
    parties: str = "Parties"
    clauses: str = "Clauses"
    commitments: str = "Commitments"
    clause: str = "Clause"
    obligor: str = "Obligor"
    action: str = "Action"
    category: str = "Category"
    due: str = "Due"
    continuous: str = "continuous"
    verification: str = "Verification"
    monitors: str = "Monitors"
    digest: str = "SHA-256 of the canonical document"
    categories: Mapping[str, str] = field(default_factory=dict)

    def category_name(self, slug: str) -> str:
        """The name of a commitment category, or its slug when ``categories`` has none."""
        return self.categories.get(slug, slug)


ENGLISH = Labels()


def due_text(commitment: Commitment, labels: Labels = ENGLISH) -> str:
    """When a commitment is due, as one line: its ISO deadline, its schedule, or ``labels.continuous``."""
    if commitment.deadline is not None:
        return commitment.deadline.isoformat()
    return commitment.schedule if commitment.schedule is not None else labels.continuous


def paragraphs(text: str) -> list[list[str]]:
    """Split a clause text into paragraphs (blank-line separated), each a list of its lines."""
    return [block.split("\n") for block in re.split(r"\n[ \t]*\n+", text) if block.strip()]


_STYLE = (
    "body{font-family:'DejaVu Sans',sans-serif;max-width:42em;margin:2em auto;padding:0 1em;line-height:1.5}"
    "h1{font-size:1.5em}dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}"
    "dl.meta dt{font-weight:bold}dl.meta dd{margin:0}ol.clauses{list-style:none;padding:0}"
    "table{border-collapse:collapse;width:100%}th,td{border:1px solid #888;padding:.3em;text-align:left;"
    "vertical-align:top}footer{margin-top:2em;font-size:.85em;word-break:break-all}"
)


def agreement_html(doc: AgreementDoc, labels: Labels = ENGLISH) -> str:
    """A standalone HTML5 page of the agreement (UTF-8, ``lang`` of the document, everything escaped).

    The result depends only on ``doc`` and ``labels``: the same input gives the same string, so its
    UTF-8 bytes can be hashed and published beside the canonical JSON. The page ends with the
    canonical document's SHA-256.
    """

    def e(text: str) -> str:
        return html.escape(text, quote=True)

    out = [
        "<!DOCTYPE html>",
        f'<html lang="{e(doc.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(doc.title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<article>",
        f"<h1>{e(doc.title)}</h1>",
        '<dl class="meta">',
        f"<dt>{e(labels.process)}</dt><dd>{e(doc.process.title)}</dd>",
        f"<dt>{e(labels.framework)}</dt><dd>{e(doc.framework)}</dd>",
        f'<dt>{e(labels.adopted)}</dt><dd><time datetime="{doc.adopted.isoformat()}">'
        f"{doc.adopted.isoformat()}</time></dd>",
        "</dl>",
        f'<section aria-labelledby="parties"><h2 id="parties">{e(labels.parties)}</h2>',
        "<ul>",
        *(f"<li>{e(p.name)}</li>" for p in doc.parties),
        "</ul>",
        "</section>",
        f'<section aria-labelledby="clauses"><h2 id="clauses">{e(labels.clauses)}</h2>',
        '<ol class="clauses">',
    ]
    for index, clause in enumerate(doc.clauses, start=1):
        heading = f"{clause.number}. {clause.heading}" if clause.heading else clause.number
        out.append(f'<li id="clause-{index}"><h3>{e(heading)}</h3>')
        for block in paragraphs(clause.text):
            out.append("<p>" + "<br>\n".join(e(line) for line in block) + "</p>")
        out.append("</li>")
    out += ["</ol>", "</section>"]
    if doc.commitments:
        columns = (
            labels.clause,
            labels.obligor,
            labels.action,
            labels.category,
            labels.due,
            labels.verification,
            labels.monitors,
        )
        out += [
            f'<section aria-labelledby="commitments"><h2 id="commitments">{e(labels.commitments)}</h2>',
            "<table>",
            "<thead><tr>" + "".join(f'<th scope="col">{e(c)}</th>' for c in columns) + "</tr></thead>",
            "<tbody>",
        ]
        for c in doc.commitments:
            cells = (
                c.clause,
                doc.party_name(c.obligor),
                c.action,
                labels.category_name(c.category),
                due_text(c, labels),
                c.verification,
                ", ".join(c.monitors),
            )
            out.append("<tr>" + "".join(f"<td>{e(cell)}</td>" for cell in cells) + "</tr>")
        out += ["</tbody>", "</table>", "</section>"]
    out += [
        "</article>",
        f"<footer><p>{e(labels.digest)}: <code>{doc.sha256()}</code></p></footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(out)
