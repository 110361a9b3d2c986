"""The mediators create a text and revise it; every change is a new version recorded by its event."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from goodoffices.accounts.models import User
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib.errors import FieldError, Invalid
from goodoffices.lib.negotiating_text import Clause, NegotiatingText, Section, amendment_to_json
from goodoffices.policies import Permission, require
from goodoffices.processes.models import Process

from ..models import Text, TextVersion
from .common import (
    MAX_CLAUSE_SOURCE,
    MAX_CLAUSES,
    MAX_OPERATIONS,
    MAX_SECTIONS,
    MAX_TITLE,
    clean_note,
    current_version,
    operation_read,
    text_for_update,
    version_write,
    visible_text,
)


@dataclass(frozen=True)
class ClauseIn:
    """A clause of a new text: its body in the authoring syntax; ``id`` is made when left empty."""

    text: str
    id: str = ""
    heading: str | None = None


@dataclass(frozen=True)
class SectionIn:
    """A section of a new text; ``id`` is made when left empty."""

    title: str
    clauses: Sequence[ClauseIn] = field(default_factory=tuple)
    id: str = ""


def _fresh(prefix: str, taken: set[str]) -> str:
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    taken.add(f"{prefix}{n}")
    return f"{prefix}{n}"


def _at(path: str, exc: Invalid, names: Mapping[str, str]) -> list[FieldError]:
    return [FieldError(f"{path}.{names.get(e.field, e.field)}", e.message) for e in exc.errors]


def _build(title: str, sections: Sequence[SectionIn]) -> NegotiatingText:  # noqa: C901 - every part of the text names its own field
    """The lib's text from what a person wrote, each refusal on the path of its part
    (``sections[1].clauses[0].text``)."""
    if len(sections) > MAX_SECTIONS:
        raise Invalid.one("sections", _("a text has at most %(limit)d sections") % {"limit": MAX_SECTIONS})
    if sum(len(s.clauses) for s in sections) > MAX_CLAUSES:
        raise Invalid.one("sections", _("a text has at most %(limit)d clauses") % {"limit": MAX_CLAUSES})
    section_ids = {s.id for s in sections if s.id}
    clause_ids = {c.id for s in sections for c in s.clauses if c.id}
    errors: list[FieldError] = []
    built: list[Section] = []
    for i, section_in in enumerate(sections):
        clauses: list[Clause] = []
        for j, clause_in in enumerate(section_in.clauses):
            path = f"sections[{i}].clauses[{j}]"
            if len(clause_in.text) > MAX_CLAUSE_SOURCE:
                errors.append(
                    FieldError(f"{path}.text", _("must be at most %(limit)d characters") % {"limit": MAX_CLAUSE_SOURCE})
                )
                continue
            heading = (clause_in.heading or "").strip() or None
            if heading is not None and len(heading) > MAX_TITLE:
                errors.append(
                    FieldError(f"{path}.heading", _("must be at most %(limit)d characters") % {"limit": MAX_TITLE})
                )
                continue
            try:
                clauses.append(Clause.from_source(clause_in.id or _fresh("c", clause_ids), clause_in.text, heading))
            except Invalid as exc:
                errors += _at(path, exc, {})
        if not section_in.clauses:
            errors.append(FieldError(f"sections[{i}].clauses", _("a section has at least one clause")))
        try:
            section_id = section_in.id or _fresh("s", section_ids)
            built.append(Section(id=section_id, title=section_in.title.strip(), clauses=tuple(clauses)))
        except Invalid as exc:
            errors += _at(f"sections[{i}]", exc, {"section": "id"})
    if errors:
        raise Invalid(errors)
    try:
        return NegotiatingText(title=title.strip(), sections=tuple(built))
    except Invalid as exc:
        raise Invalid(
            [FieldError("sections" if e.field in ("section", "clause") else e.field, e.message) for e in exc.errors]
        ) from None


@transaction.atomic
def text_create(*, actor: User, process: Process, title: str, sections: Sequence[SectionIn], note: str = "") -> Text:
    """A mediator opens a negotiating text in ``process``: its first version."""
    require(actor, Permission.TEXT_CREATE, process)
    note = clean_note(note, "note")
    document = _build(title, sections)
    text = Text.objects.create(process=process, title=document.title, created_by=actor)
    version = version_write(actor=actor, text=text, document=document, note=note)
    event_record(
        kind=EventKind.TEXT_CREATED,
        actor=actor,
        subject=text,
        audience=text.audience,
        process=process,
        payload={
            "text": text.pk,
            "title": document.title,
            "version": version.number,
            "sha256": version.sha256,
            "clauses": len(version.clause_versions),
        },
    )
    return text


@transaction.atomic
def text_revise(*, actor: User, text: Text, operations: Sequence[Mapping[str, Any]], note: str = "") -> TextVersion:
    """A mediator edits the text directly: the operations (lib amendment records: replace, insert,
    delete, add_option, resolve) apply in order and make one new version."""
    visible_text(actor, text)
    require(actor, Permission.TEXT_REVISE, text)
    note = clean_note(note, "note")
    if not operations:
        raise Invalid.one("operations", _("name at least one change"))
    if len(operations) > MAX_OPERATIONS:
        raise Invalid.one("operations", _("at most %(limit)d changes at once") % {"limit": MAX_OPERATIONS})
    locked = text_for_update(text)
    previous = current_version(locked)
    document = previous.document()
    changes = []
    for i, value in enumerate(operations):
        operation, document = operation_read(value, document, field=f"operations[{i}]")
        changes.append({"op": amendment_to_json(operation)["op"], "clause": operation.clause})
    version = version_write(actor=actor, text=locked, document=document, note=note, previous=previous)
    event_record(
        kind=EventKind.TEXT_REVISED,
        actor=actor,
        subject=locked,
        audience=locked.audience,
        process=locked.process,
        payload={
            "text": locked.pk,
            "version": version.number,
            "sha256": version.sha256,
            "changes": changes,
            "note": note,
        },
    )
    return version
