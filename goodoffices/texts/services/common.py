"""What the text services share: locking a text, writing a version, the acting party, and limits.

Lock order, for every service here: the text row first, then the one record acted on.
"""

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from goodoffices.accounts.models import User
from goodoffices.lib import audience
from goodoffices.lib.errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from goodoffices.lib.negotiating_text import Amendment as Operation
from goodoffices.lib.negotiating_text import InsertClause, NegotiatingText, amendment_from_json
from goodoffices.policies import Permission, can, may_see, require
from goodoffices.processes.models import Party

from ..models import Amendment, Text, TextVersion

T = TypeVar("T")

MAX_TITLE = 200
MAX_CLAUSE_SOURCE = 4_000
MAX_CLAUSES = 200
MAX_SECTIONS = 50
MAX_NOTE = 4_000
MAX_OPERATIONS = 50
MAX_OPEN_AMENDMENTS = 50
MAX_COMMITMENTS_PER_CLAUSE = 20


def visible_text(actor: User, text: Text) -> None:
    """What the actor may not see does not exist for it."""
    if not may_see(actor, text):
        raise NotFound("text")


def text_for_update(text: Text) -> Text:
    """Lock the text (the first lock of every text service) and check it may still change."""
    # of=("self",): the join reads the process without locking it.
    locked = Text.objects.select_for_update(of=("self",)).select_related("process").get(pk=text.pk)
    if locked.status != Text.Status.DRAFTING:
        raise Conflict(_("the text is %(status)s and can no longer change") % {"status": locked.get_status_display()})
    return locked


def current_version(text: Text) -> TextVersion:
    return TextVersion.objects.get(text_id=text.pk, number=text.version)


def clause_number(document: NegotiatingText, clause: str) -> str:
    """The display number of a clause of ``document``; ``NotFound`` when it has none (a clause id
    comes from the address, so a missing one is a missing page)."""
    number = document.numbers().get(clause)
    if number is None:
        raise NotFound("clause")
    return number


def check_document(document: NegotiatingText) -> None:
    """The limits every version keeps, so that a text stays readable and its records fit the ledger."""
    errors: list[FieldError] = []
    if len(document.title) > MAX_TITLE:
        errors.append(FieldError("title", _("must be at most %(limit)d characters") % {"limit": MAX_TITLE}))
    if len(document.sections) > MAX_SECTIONS:
        errors.append(FieldError("sections", _("a text has at most %(limit)d sections") % {"limit": MAX_SECTIONS}))
    clauses = list(document.clauses())
    if not clauses:
        errors.append(FieldError("sections", _("a text has at least one clause")))
    if len(clauses) > MAX_CLAUSES:
        errors.append(FieldError("sections", _("a text has at most %(limit)d clauses") % {"limit": MAX_CLAUSES}))
    for _section, clause in clauses:
        if len(clause.source) > MAX_CLAUSE_SOURCE or len(clause.heading or "") > MAX_TITLE:
            errors.append(
                FieldError(
                    "text",
                    _("clause %(clause)s: at most %(limit)d characters")
                    % {"clause": clause.id, "limit": MAX_CLAUSE_SOURCE},
                )
            )
    if errors:
        raise Invalid(errors)


def clause_versions(
    previous: TextVersion | None, old: NegotiatingText | None, new: NegotiatingText, number: int
) -> dict[str, int]:
    """Which version gave each clause of ``new`` its words: the previous answer for a clause whose id,
    heading and words are unchanged, ``number`` for every other."""
    before = {clause.id: clause for _s, clause in old.clauses()} if old is not None else {}
    known = previous.clause_versions if previous is not None else {}
    result: dict[str, int] = {}
    for _section, clause in new.clauses():
        same = before.get(clause.id) == clause and clause.id in known
        result[clause.id] = int(known[clause.id]) if same else number
    return result


def version_write(
    *,
    actor: User,
    text: Text,
    document: NegotiatingText,
    note: str = "",
    previous: TextVersion | None = None,
    amendment: Amendment | None = None,
) -> TextVersion:
    """Write ``document`` as the next version of the locked ``text`` and make it current."""
    check_document(document)
    number = previous.number + 1 if previous is not None else 1
    old = previous.document() if previous is not None else None
    if old is not None and old.sha256() == document.sha256():
        raise Invalid.one("operations", _("this changes nothing in the text"))
    version = TextVersion.objects.create(
        text=text,
        number=number,
        content=document.to_json(),
        sha256=document.sha256(),
        clause_versions=clause_versions(previous, old, document, number),
        note=note,
        amendment=amendment,
        created_by=actor,
    )
    text.version = number
    text.title = document.title
    text.save(update_fields=["version", "title"])
    return version


def clean_note(value: str, field: str, *, required: bool = False, limit: int = MAX_NOTE) -> str:
    """A note a person typed: within ``limit`` characters, and present when ``required``."""
    value = (value or "").strip()
    if required and not value:
        raise Invalid.one(field, _("must not be empty"))
    if len(value) > limit:
        raise Invalid.one(field, _("must be at most %(limit)d characters") % {"limit": limit})
    if "\x00" in value:
        raise Invalid.one(field, _("contains characters that are not text"))
    return value


def acting_party(actor: User, text: Text, permission: Permission, party: Party | None) -> Party:
    """The party ``actor`` acts for: ``party`` when given (refused unless the actor may act for it),
    else the one party it may act for; naming the party is required when there are several."""
    if party is not None:
        if party.process_id != text.process_id:
            raise NotFound("party")
        if not can(actor, permission, party):
            raise Forbidden(
                _("you do not act for %(party)s here (field party; %(permission)s)")
                % {"party": party.name, "permission": permission.value}
            )
        return party
    parties = [p for p in text.process.parties.all() if can(actor, permission, p)]
    if not parties:
        require(actor, permission, None, visible=True)
    if len(parties) > 1:
        raise Invalid.one("party", _("you act for several parties: name the one you act for"))
    return parties[0]


def audience_for(requested: str, party: Party) -> str:
    """``plenary``, or the caucus of ``party`` (written ``caucus`` or ``caucus:<party id>``)."""
    own = audience.caucus(party.pk)
    if requested in ("", audience.PLENARY):
        return audience.PLENARY
    if requested in (audience.CAUCUS, own):
        return own
    raise Invalid.one(
        "audience",
        _("must be %(plenary)s or %(caucus)s (the caucus of %(party)s)")
        % {"plenary": audience.PLENARY, "caucus": own, "party": party.name},
    )


def operation_read(
    value: Mapping[str, Any], document: NegotiatingText, field: str = "operation"
) -> tuple[Operation, NegotiatingText]:
    """A lib amendment record read from ``value`` and applied to ``document``; an insertion without a
    clause id gets the next free ``c<n>``. Refusals name ``<field>.<name>`` (``<name>`` alone when
    ``field`` is empty)."""
    record = dict(value)
    if record.get("op") == "insert":
        # An insertion goes after a clause or first in a section: the other may be left out.
        record.setdefault("after", None)
        record.setdefault("section", None)
        if not record.get("clause"):
            record["clause"] = free_clause_id(document)
    operation = _prefixed(field, lambda: amendment_from_json(record))
    if isinstance(operation, InsertClause) and len(operation.text) > MAX_CLAUSE_SOURCE:
        raise Invalid.one(f"{field}.text", _("must be at most %(limit)d characters") % {"limit": MAX_CLAUSE_SOURCE})
    changed = _prefixed(field, lambda: operation.apply_to(document))
    return operation, changed


def free_clause_id(document: NegotiatingText) -> str:
    taken = {clause.id for _s, clause in document.clauses()}
    n = len(taken) + 1
    while f"c{n}" in taken:
        n += 1
    return f"c{n}"


def _prefixed(field: str, action: Callable[[], T]) -> T:
    try:
        return action()
    except Invalid as exc:
        raise Invalid([FieldError(f"{field}.{e.field}" if field else e.field, e.message) for e in exc.errors]) from None
