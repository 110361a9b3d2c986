"""The one joint-consent mechanism. Feature services (readiness, minutes, communiqués,
declassification, adoption of texts) open a joint consent on exact content and pass each
party's consent through here; this module binds, decides, seals and reveals. It never acts on
the outcome itself: the caller does, in the same transaction, from the ``ConsentResult``.

A consent is always to exact content (DESIGN.md, principle 3): the question carries the SHA-256
of the canonical form of what is asked and the version its readers see; a consent names the
version (and, where it matters, the label) its party read, and anything but the current question
is refused with ``Conflict`` and writes nothing.
"""

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from goodoffices.accounts.models import User
from goodoffices.compiled import CompiledModelQuery, CompiledQuery
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience, clock
from goodoffices.lib.canonical import canonical_json
from goodoffices.lib.errors import Conflict, Invalid
from goodoffices.processes.models import Party, Process

from .models import Consent, JointConsent


@dataclass(frozen=True)
class Question:
    """What a joint consent asks about: content with a canonical form, the version its readers
    see, and a short label where the purpose needs one (the audience asked for, say)."""

    content: Mapping[str, Any]
    version: int = 1
    label: str = ""

    @property
    def digest(self) -> str:
        return hashlib.sha256(canonical_json(dict(self.content))).hexdigest()


@dataclass(frozen=True)
class Read:
    """What a party says it read when it consents: the version, and the label where there is one."""

    version: int
    label: str = ""


@dataclass(frozen=True)
class ConsentResult:
    reached: bool
    outcome: str | None
    # The version and digest of the question the consent was to.
    version: int = 0
    digest: str = ""


@dataclass(frozen=True)
class Opened:
    joint: JointConsent
    # The parties whose consents to the previous question were voided by this one.
    voided: tuple[int, ...]


def joint_consent_open(
    *,
    process: Process,
    subject: models.Model,
    purpose: str,
    parties: list[Party],
    reveal_to: str,
    question: Question,
    fresh: bool = False,
) -> Opened:
    """Open a joint consent inside the caller's transaction; the caller records the event.

    An open joint consent on the same subject and purpose is cancelled first: a new version
    of the question (amended text, new minutes) makes consents to the old one void, and the
    caller learns whose, to tell them. A ``fresh`` subject, made in this transaction, has none."""
    voided = () if fresh else joint_consent_cancel(subject=subject, purpose=purpose)
    joint = JointConsent.objects.create(
        process=process,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        purpose=purpose,
        reveal_to=reveal_to,
        question=question.label,
        version=question.version,
        digest=question.digest,
    )
    # The asked parties in one insert (``parties.set`` would first read those already there).
    asked = JointConsent.parties.through
    asked.objects.bulk_create(asked(jointconsent_id=joint.pk, party_id=party.pk) for party in parties)
    return Opened(joint, voided)


def joint_consent_cancel(*, subject: models.Model, purpose: str) -> tuple[int, ...]:
    """Close the open joint consent on ``subject`` without outcome (the subject changed or
    ended), if there is one. Consents given stay sealed to their own parties; returns the ids
    of the parties that had consented."""
    open_joints = JointConsent.objects.filter(
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        purpose=purpose,
        status=JointConsent.Status.OPEN,
    )
    voided = tuple(
        Consent.objects.filter(joint__in=open_joints).order_by("party_id").values_list("party_id", flat=True)
    )
    open_joints.update(status=JointConsent.Status.CANCELLED, decided_at=clock.now())
    return voided


def _sealed_audience(joint: JointConsent, party_id: int) -> str:
    """A party's consent is seen by that party, and by the mediators when the mandate says so."""
    process = joint.process
    if process.mandate_version.mediators_see_readiness:
        return audience.caucus(party_id)
    return audience.party(party_id)


def _check_read(joint: JointConsent, read: Read) -> None:
    if read.label != joint.question:
        raise Conflict(
            _(
                "what is asked changed since you read it: you read %(read)r, "
                "the parties are now asked %(asked)r; read it again before you consent"
            )
            % {"read": read.label, "asked": joint.question}
        )
    if read.version != joint.version:
        raise Conflict(
            _(
                "the text changed since you read it: you read version %(read)d, the current version is "
                "%(current)d; read it again before you consent"
            )
            % {"read": read.version, "current": joint.version}
        )


def same_option(options: list[str]) -> str | None:
    """The default rule: reached when every party gave the same option."""
    return options[0] if len(set(options)) == 1 else None


# The statements of every consent, compiled once (goodoffices.compiled): the open joint consent,
# locked alone; the parties it asks; the consents given to it.
_OPEN_JOINT_FOR_UPDATE = CompiledModelQuery(
    JointConsent,
    lambda subject_type, subject_id, purpose: (
        JointConsent.objects.select_for_update(of=("self",))
        .filter(subject_type=subject_type, subject_id=subject_id, purpose=purpose, status=JointConsent.Status.OPEN)
        .order_by()
    ),
    values=(str, str, str),
)
_ASKED_PARTIES = CompiledQuery(
    lambda joint_id: (
        JointConsent.parties.through.objects.filter(jointconsent_id=joint_id).order_by().values_list("party_id")
    ),
    values=(int,),
)
_CONSENTS_GIVEN = CompiledModelQuery(
    Consent, lambda joint_id: Consent.objects.filter(joint_id=joint_id).order_by("party_id"), values=(int,)
)


def joint_consent_lock(*, subject: models.Model, purpose: str) -> JointConsent | None:
    """The open joint consent on ``subject`` (there is at most one), locked (it alone, not the
    rows it joins) until the caller's transaction ends; None if there is none."""
    found = _OPEN_JOINT_FOR_UPDATE.objects(subject._meta.label_lower, str(subject.pk), purpose)
    return found[0] if found else None


# No savepoint of its own: it runs inside its caller's transaction (which rolls back whole on
# any refusal), and a savepoint would cost two statements on every consent.
@transaction.atomic(savepoint=False)
def consent_set(
    *,
    actor: User,
    joint: JointConsent,
    party_id: int,
    option: str | None,
    read: Read | None = None,
    decide: Callable[[list[str]], str | None] = same_option,
    locked: bool = False,
) -> ConsentResult:
    """Give (``option``, with what the party ``read``) or withdraw (``None``) the consent of the
    party ``party_id``. Once every party has consented to the current question, ``decide``
    reads their options and names the outcome, or None while they do not meet (readiness for
    several slots meets on a slot common to all). ``locked``: the caller read ``joint`` with
    ``joint_consent_lock`` in this transaction. Policy is the caller's."""
    if not locked:
        # Lock the joint consent alone (not the rows it joins): two parties consenting at the same
        # instant are serialised here, so exactly one of them sees the last consent arrive.
        joint = (
            JointConsent.objects.select_for_update(of=("self",))
            .select_related("process__mandate_version")
            .get(pk=joint.pk)
        )
    if joint.status != JointConsent.Status.OPEN:
        raise Conflict(_("this has already been decided, or what was asked has changed; read it again"))
    required = {party for (party,) in _ASKED_PARTIES.rows(joint.pk)}
    if party_id not in required:
        name = Party.objects.filter(pk=party_id).values_list("name", flat=True).first() or str(party_id)
        raise Invalid.one("party", _("%(party)s is not asked to consent to this") % {"party": name})
    given = {consent.party_id: consent for consent in _CONSENTS_GIVEN.objects(joint.pk)}
    existing = given.get(party_id)
    if option is None:
        if existing is None:
            return ConsentResult(reached=False, outcome=None)
        existing.delete()
        # The withdrawal is seen by exactly whom the consent was: a later change of the
        # mandate's rule must not show the mediators a consent that was sealed from them.
        event_record(
            kind=EventKind.CONSENT_WITHDRAWN,
            actor=actor,
            subject=joint,
            audience=existing.audience,
            process=joint.process,
            payload={"purpose": joint.purpose, "party": party_id},
        )
        return ConsentResult(reached=False, outcome=None)
    if read is None:
        raise Invalid.one("version", _("say which version you read: a consent is to exact content"))
    _check_read(joint, read)
    sealed = _sealed_audience(joint, party_id)
    if existing is not None:
        existing.option = option
        existing.given_by = actor
        existing.audience = sealed
        existing.digest = joint.digest
        existing.save(update_fields=["option", "given_by", "audience", "digest"])
    else:
        given[party_id] = Consent.objects.create(
            joint=joint, party_id=party_id, option=option, given_by=actor, audience=sealed, digest=joint.digest
        )
    event_record(
        kind=EventKind.CONSENT_GIVEN,
        actor=actor,
        subject=joint,
        audience=sealed,
        process=joint.process,
        payload={"purpose": joint.purpose, "party": party_id, "option": option, "digest": joint.digest},
    )
    outcome = None
    if set(given) == required and {consent.digest for consent in given.values()} == {joint.digest}:
        outcome = decide([consent.option for consent in given.values()])
    if outcome is None:
        return ConsentResult(reached=False, outcome=None, version=joint.version, digest=joint.digest)
    joint.status = JointConsent.Status.REACHED
    joint.outcome = outcome
    joint.decided_at = clock.now()
    joint.save(update_fields=["status", "outcome", "decided_at"])
    # Reached by every party together: the event names no actor, not whoever consented last.
    event_record(
        kind=EventKind.CONSENT_REACHED,
        actor=None,
        subject=joint,
        audience=joint.reveal_to,
        process=joint.process,
        payload={"purpose": joint.purpose, "outcome": outcome, "digest": joint.digest, "version": joint.version},
    )
    return ConsentResult(reached=True, outcome=outcome, version=joint.version, digest=joint.digest)
