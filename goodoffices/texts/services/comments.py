"""Comments on a clause, in the plenary or in one party's caucus with the mediators."""

from django.db import transaction
from django.utils.translation import gettext as _

from goodoffices.accounts.models import User
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience
from goodoffices.lib.errors import Invalid
from goodoffices.policies import Permission, require, roles_for

from ..models import Comment, Text
from .common import clause_number, clean_note, current_version, text_for_update, visible_text

MAX_COMMENT = 4_000


@transaction.atomic
def comment_add(*, actor: User, text: Text, clause: str, body: str, audience_name: str = audience.PLENARY) -> Comment:
    """A comment on ``clause`` for the plenary, or for one party's caucus (``caucus:<party id>``):
    a delegation member writes to its own party's caucus, a mediator to any."""
    visible_text(actor, text)
    require(actor, Permission.TEXT_COMMENT, text)
    where = audience_name or audience.PLENARY
    try:
        kind, _party = audience.parse(where)
    except ValueError:
        kind = ""
    if kind not in (audience.PLENARY, audience.CAUCUS) or where not in roles_for(actor, text.process).audiences():
        raise Invalid.one("audience", _("must be plenary or the caucus of a party you may write to"))
    body = clean_note(body, "body", required=True, limit=MAX_COMMENT)
    locked = text_for_update(text)
    version = current_version(locked)
    clause_number(version.document(), clause)
    comment = Comment.objects.create(
        text=locked, clause=clause, author=actor, body=body, version=version.number, audience=where
    )
    event_record(
        kind=EventKind.TEXT_COMMENT_ADDED,
        actor=actor,
        subject=comment,
        audience=where,
        process=locked.process,
        payload={"text": locked.pk, "clause": clause, "version": version.number, "body": body},
    )
    return comment
