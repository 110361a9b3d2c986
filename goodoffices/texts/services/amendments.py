"""A party proposes an amendment; the mediators take it into the text (a new version) or not, with a reason.

An amendment is checked against the version it is proposed on: it must fit it and change something.
It is taken in only if the clause it concerns still has the words it was proposed on; otherwise the
mediators decide not to take it in, and the party may propose it again on the present words.
"""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from goodoffices.accounts.models import User
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience
from goodoffices.lib.errors import Conflict, Invalid
from goodoffices.lib.negotiating_text import InsertClause, amendment_from_json, amendment_to_json
from goodoffices.policies import Permission, require
from goodoffices.processes.models import Party

from ..models import Amendment, Text
from .common import (
    MAX_OPEN_AMENDMENTS,
    acting_party,
    audience_for,
    check_document,
    clean_note,
    current_version,
    operation_read,
    text_for_update,
    version_write,
    visible_text,
)


@transaction.atomic
def amendment_propose(
    *,
    actor: User,
    text: Text,
    operation: Mapping[str, Any],
    note: str = "",
    party: Party | None = None,
    audience_name: str = audience.PLENARY,
) -> Amendment:
    """A party's head or delegate proposes one amendment (a lib amendment record: ``replace``,
    ``insert``, ``delete``, ``add_option`` or ``resolve``) to the current version, in the plenary or
    in its caucus with the mediators (``audience_name`` ``caucus``)."""
    visible_text(actor, text)
    acting = acting_party(actor, text, Permission.AMENDMENT_PROPOSE, party)
    record_audience = audience_for(audience_name, acting)
    note = clean_note(note, "note")
    locked = text_for_update(text)
    version = current_version(locked)
    parsed, changed = operation_read(operation, version.document(), field="")
    check_document(changed)
    if changed.sha256() == version.sha256:
        raise Invalid.one("text", _("this amendment changes nothing in the text"))
    open_count = Amendment.objects.filter(text=locked, party=acting, status=Amendment.Status.OPEN).count()
    if open_count >= MAX_OPEN_AMENDMENTS:
        raise Conflict(
            _("%(party)s already has %(count)d amendments awaiting a decision on this text")
            % {"party": acting.name, "count": open_count}
        )
    record = amendment_to_json(parsed)
    amendment = Amendment.objects.create(
        text=locked,
        party=acting,
        proposed_by=actor,
        base_version=version.number,
        operation=record,
        clause=parsed.clause,
        note=note,
        audience=record_audience,
    )
    event_record(
        kind=EventKind.AMENDMENT_PROPOSED,
        actor=actor,
        subject=amendment,
        audience=record_audience,
        process=locked.process,
        payload={
            "text": locked.pk,
            "party": acting.pk,
            "version": version.number,
            "operation": record,
            "note": note,
        },
    )
    return amendment


@transaction.atomic
def amendment_decide(*, actor: User, amendment: Amendment, take_in: bool, reason: str = "") -> Amendment:
    """A mediator takes an open amendment into the text (a new version) or not (a reason is required)."""
    text = amendment.text
    visible_text(actor, text)
    require(actor, Permission.AMENDMENT_DECIDE, text)
    reason = clean_note(reason, "reason", required=not take_in)
    locked_text = text_for_update(text)
    locked = Amendment.objects.select_for_update().get(pk=amendment.pk)
    if locked.status != Amendment.Status.OPEN:
        raise Conflict(_("this amendment is already decided: %(status)s") % {"status": locked.get_status_display()})
    now = timezone.now()
    locked.decided_by, locked.decided_at, locked.reason = actor, now, reason
    if not take_in:
        locked.status = Amendment.Status.NOT_TAKEN_IN
        locked.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        event_record(
            kind=EventKind.AMENDMENT_NOT_TAKEN_IN,
            actor=actor,
            subject=locked,
            audience=locked.audience,
            process=locked_text.process,
            payload={"text": locked_text.pk, "reason": reason},
        )
        return locked
    previous = current_version(locked_text)
    operation = amendment_from_json(locked.operation)
    words_from = previous.clause_versions.get(locked.clause)
    if not isinstance(operation, InsertClause) and words_from is not None and words_from > locked.base_version:
        raise Conflict(
            _(
                "clause %(clause)s changed in version %(changed)d, after this amendment was proposed on version "
                "%(base)d: decide not to take it in, and the party may propose it again on the present words"
            )
            % {"clause": locked.clause, "changed": words_from, "base": locked.base_version}
        )
    try:
        document = operation.apply_to(previous.document())
    except Invalid as exc:
        raise Conflict(_("this amendment no longer fits the text: %(problem)s") % {"problem": str(exc)}) from None
    locked.status = Amendment.Status.TAKEN_IN
    locked.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    version = version_write(
        actor=actor, text=locked_text, document=document, note=reason, previous=previous, amendment=locked
    )
    # The text changed for the whole plenary; an amendment proposed in caucus is not named to it.
    in_plenary = locked.audience == audience.PLENARY
    event_record(
        kind=EventKind.AMENDMENT_TAKEN_IN,
        actor=actor,
        subject=locked if in_plenary else locked_text,
        audience=locked_text.audience,
        process=locked_text.process,
        payload={
            "text": locked_text.pk,
            "amendment": locked.pk if in_plenary else None,
            "party": locked.party_id if in_plenary else None,
            "version": version.number,
            "sha256": version.sha256,
            "operation": locked.operation,
            "reason": reason,
        },
    )
    return locked
