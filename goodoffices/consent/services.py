"""The one joint-consent mechanism. Feature services (readiness, minutes, communiqués,
declassification) open a joint consent and pass each party's consent through here; this
module decides, seals and reveals. It never acts on the outcome itself: the caller does,
in the same transaction, from the ``ConsentResult`` it gets back."""

from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from goodoffices.accounts.models import User
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience
from goodoffices.lib.errors import Conflict, Invalid
from goodoffices.processes.models import Party, Process

from .models import Consent, JointConsent


@dataclass(frozen=True)
class ConsentResult:
    reached: bool
    outcome: str | None


def joint_consent_open(
    *, process: Process, subject: models.Model, purpose: str, parties: list[Party], reveal_to: str, question: str = ""
) -> JointConsent:
    """Open a joint consent inside the caller's transaction; the caller records the event.

    An open joint consent on the same subject and purpose is cancelled first: a new version
    of the question (amended text, new minutes) makes consents to the old one void."""
    joint_consent_cancel(subject=subject, purpose=purpose)
    joint = JointConsent.objects.create(
        process=process,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        purpose=purpose,
        reveal_to=reveal_to,
        question=question,
    )
    joint.parties.set(parties)
    return joint


def joint_consent_cancel(*, subject: models.Model, purpose: str) -> None:
    """Close the open joint consent on ``subject`` without outcome (the subject changed or
    ended), if there is one. Consents given stay sealed to their own parties."""
    JointConsent.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=str(subject.pk), purpose=purpose, status="open"
    ).update(status=JointConsent.Status.CANCELLED, decided_at=timezone.now())


def _sealed_audience(joint: JointConsent, party: Party) -> str:
    """A party's consent is seen by that party, and by the mediators when the mandate says so."""
    process = joint.process
    if process.mandate_version.mediators_see_readiness:
        return audience.caucus(party.pk)
    return audience.party(party.pk)


@transaction.atomic
def consent_set(*, actor: User, joint: JointConsent, party: Party, option: str | None) -> ConsentResult:
    """Give (``option``) or withdraw (``None``) ``party``'s consent. Policy is the caller's."""
    # Lock the joint consent: two parties consenting at the same instant are serialised
    # here, so exactly one of them sees the last consent arrive and reveals the outcome.
    joint = JointConsent.objects.select_for_update().select_related("process__mandate_version").get(pk=joint.pk)
    if joint.status != JointConsent.Status.OPEN:
        raise Conflict("this has already been decided")
    if not joint.parties.filter(pk=party.pk).exists():
        raise Invalid.one("party", f"{party.name} is not asked to consent to this")
    sealed = _sealed_audience(joint, party)
    existing = Consent.objects.filter(joint=joint, party=party).first()
    if option is None:
        if existing is None:
            return ConsentResult(reached=False, outcome=None)
        existing.delete()
        event_record(
            kind=EventKind.CONSENT_WITHDRAWN,
            actor=actor,
            subject=joint,
            audience=sealed,
            process=joint.process,
            payload={"purpose": joint.purpose, "party": party.pk},
        )
        return ConsentResult(reached=False, outcome=None)
    if existing is not None:
        existing.option = option
        existing.given_by = actor
        existing.audience = sealed
        existing.save(update_fields=["option", "given_by", "audience"])
    else:
        Consent.objects.create(joint=joint, party=party, option=option, given_by=actor, audience=sealed)
    event_record(
        kind=EventKind.CONSENT_GIVEN,
        actor=actor,
        subject=joint,
        audience=sealed,
        process=joint.process,
        payload={"purpose": joint.purpose, "party": party.pk, "option": option},
    )
    required = set(joint.parties.values_list("pk", flat=True))
    options = dict(Consent.objects.filter(joint=joint).values_list("party_id", "option"))
    if set(options) != required or len(set(options.values())) != 1:
        return ConsentResult(reached=False, outcome=None)
    joint.status = JointConsent.Status.REACHED
    joint.outcome = option
    joint.decided_at = timezone.now()
    joint.save(update_fields=["status", "outcome", "decided_at"])
    event_record(
        kind=EventKind.CONSENT_REACHED,
        actor=actor,
        subject=joint,
        audience=joint.reveal_to,
        process=joint.process,
        payload={"purpose": joint.purpose, "outcome": option},
    )
    return ConsentResult(reached=True, outcome=option)
