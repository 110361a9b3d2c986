"""A party's position on a clause, given by its head of delegation, in the plenary or in its caucus.

A position is given on the current version. When the clause's words change afterwards, the position
stays as it was, is shown as given on that version, and no longer counts as agreement: the party
states it again on the new words (see ``selectors.position_is_current``).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from goodoffices.accounts.models import User
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience
from goodoffices.lib.errors import Invalid
from goodoffices.policies import Permission
from goodoffices.processes.models import Party

from ..models import Amendment, Position, Stance, Text
from .common import (
    acting_party,
    audience_for,
    clause_number,
    clean_note,
    current_version,
    text_for_update,
    visible_text,
)


def _amendment_for(amendment: Amendment | None, stance: str, text: Text, party: Party, clause: str, where: str) -> None:
    """An ``amend`` position carries an open amendment of the same party to the same clause, seen where
    the position is seen; no other position carries one."""
    if stance != Stance.AMEND:
        if amendment is not None:
            raise Invalid.one("amendment", _("only an 'amend' position carries an amendment"))
        return
    if amendment is None:
        raise Invalid.one("amendment", _("an 'amend' position names the amendment the party proposes"))
    if amendment.text_id != text.pk or amendment.party_id != party.pk or amendment.clause != clause:
        raise Invalid.one(
            "amendment",
            _("amendment #%(id)d is not an amendment of %(party)s to this clause")
            % {"id": amendment.pk, "party": party.name},
        )
    if amendment.status != Amendment.Status.OPEN:
        raise Invalid.one("amendment", _("amendment #%(id)d is already decided") % {"id": amendment.pk})
    if where == audience.PLENARY and amendment.audience != audience.PLENARY:
        raise Invalid.one("amendment", _("a position in the plenary cannot name an amendment proposed in caucus"))


@transaction.atomic
def position_set(
    *,
    actor: User,
    text: Text,
    clause: str,
    stance: str,
    note: str = "",
    party: Party | None = None,
    audience_name: str = audience.PLENARY,
    amendment: Amendment | None = None,
) -> Position:
    """Record ``party``'s position on ``clause`` (its head of delegation's act), replacing the one it
    gave before in the same place (plenary or caucus)."""
    visible_text(actor, text)
    acting = acting_party(actor, text, Permission.POSITION_SET, party)
    where = audience_for(audience_name, acting)
    if stance not in Stance.values:
        raise Invalid.one("stance", _("must be one of %(stances)s") % {"stances": ", ".join(Stance.values)})
    note = clean_note(note, "note")
    locked = text_for_update(text)
    version = current_version(locked)
    clause_number(version.document(), clause)
    _amendment_for(amendment, stance, locked, acting, clause, where)
    position, _created = Position.objects.update_or_create(
        text=locked,
        clause=clause,
        party=acting,
        audience=where,
        defaults={
            "stance": stance,
            "note": note,
            "amendment": amendment,
            "version": version.number,
            "set_by": actor,
            "set_at": timezone.now(),
        },
    )
    event_record(
        kind=EventKind.POSITION_SET,
        actor=actor,
        subject=position,
        audience=where,
        process=locked.process,
        payload={
            "text": locked.pk,
            "clause": clause,
            "party": acting.pk,
            "stance": stance,
            "note": note,
            "version": version.number,
            "amendment": amendment.pk if amendment is not None else None,
        },
    )
    return position
