"""Nothing is agreed until everything is agreed: a clean text is put to adoption, and it is adopted
when every party's head has consented to exactly what it would become.

The mediators put the current version to adoption as a public or a plenary agreement. The joint
consent (``goodoffices.consent``, purpose ``adoption``) is bound to the SHA-256 of the canonical
bytes the adoption produces, the version and the audience asked; every consent is checked again
against the text as it is then (the same version, still clean, the same bytes), and the last one
freezes the text and writes the agreement: canonical JSON, HTML and PDF with their digests, and the
commitments of the document, all in one transaction with its events.

Lock order: the text row first (as every text service), then the joint consent.
"""

from dataclasses import dataclass
from typing import Literal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from goodoffices.accounts.models import User
from goodoffices.consent.models import Purpose
from goodoffices.consent.selectors import joint_consent_for
from goodoffices.consent.services import Question, Read, consent_set, joint_consent_cancel, joint_consent_open
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience, clock
from goodoffices.lib.agreement_doc import AgreementDoc
from goodoffices.lib.errors import Conflict, Forbidden, Invalid, NotFound
from goodoffices.meetings.notices import notify
from goodoffices.policies import Permission, may_see, require, roles_for
from goodoffices.processes.models import Party
from goodoffices.texts.models import Text, TextVersion
from goodoffices.texts.selectors import text_current_version, text_ready_for_adoption

from ..documents import document_for, renderings
from ..models import Adoption, Agreement, Commitment

AUDIENCES = (audience.PUBLIC, audience.PLENARY)
OPTION = "adopt"
AdoptionOutcome = Literal["awaiting", "adopted"]

PUT_NOTICE = gettext_noop("“%(title)s” is put to adoption: each party's head is asked to consent to its exact words.")
ADOPTED_NOTICE = gettext_noop("“%(title)s” is adopted as an agreement: each party's signatory may now sign it.")


@dataclass(frozen=True)
class ConsentOutcome:
    status: AdoptionOutcome
    agreement: Agreement | None = None


def _text_for_update(text_id: int) -> Text:
    """Lock the text alone (the joined process and mandate are read, not locked)."""
    return (
        Text.objects.select_for_update(of=("self",))
        .select_related("process__mandate_version", "process__mandate__framework")
        .get(pk=text_id)
    )


def _not_adopted(text: Text) -> None:
    if text.status != Text.Status.DRAFTING:
        raise Conflict(_("the text is already adopted: it can no longer change or be adopted again"))


def _ready(text: Text) -> None:
    """Refuse a text that is not clean, naming the first clause that blocks it."""
    ready, blocking = text_ready_for_adoption(text)
    if not ready:
        assert blocking is not None
        raise Conflict(
            _(
                "the text cannot be adopted: nothing is agreed until everything is agreed. "
                "Clause %(number)s blocks it: %(reason)s"
            )
            % {"number": blocking.number, "reason": blocking.reason}
        )


def _audience(value: str) -> str:
    if value not in AUDIENCES:
        raise Invalid.one(
            "audience",
            _("must be %(public)s or %(plenary)s") % {"public": audience.PUBLIC, "plenary": audience.PLENARY},
        )
    return value


@transaction.atomic
def adoption_put(*, actor: User, text: Text, agreement_audience: str) -> Adoption:
    """A mediator puts the current version of a clean text to adoption as a public or plenary
    agreement: every party is asked to consent to the exact bytes it would become. Putting it
    again (a new version, another audience) voids the consents to the previous question."""
    if not may_see(actor, text):
        raise NotFound("text")
    require(actor, Permission.ADOPTION_PUT, text)
    _audience(agreement_audience)
    locked = _text_for_update(text.pk)
    _not_adopted(locked)
    _ready(locked)
    version = text_current_version(locked)
    adopted_on = clock.now().date()
    doc = document_for(text=locked, version=version, adopted_on=adopted_on)
    # Refuse now what could not be rendered at adoption (a character the PDF fonts lack).
    renderings(doc)
    for previous in Adoption.objects.filter(text=locked, agreement__isnull=True):
        joint_consent_cancel(subject=previous, purpose=Purpose.ADOPTION)
    adoption = Adoption.objects.create(
        text=locked,
        version=version.number,
        agreement_audience=agreement_audience,
        adopted_on=adopted_on,
        sha256=doc.sha256(),
        put_by=actor,
        put_at=clock.now(),
    )
    opened = joint_consent_open(
        process=locked.process,
        subject=adoption,
        purpose=Purpose.ADOPTION,
        parties=list(Party.objects.filter(process_id=locked.process_id).order_by("id")),
        reveal_to=audience.PLENARY,
        # The question's digest is the SHA-256 of the document's canonical bytes: what is signed later.
        question=Question(content=doc.to_json(), version=version.number, label=agreement_audience),
    )
    assert opened.joint.digest == adoption.sha256
    event_record(
        kind=EventKind.ADOPTION_PUT,
        actor=actor,
        subject=adoption,
        audience=audience.PLENARY,
        process=locked.process,
        payload={
            "text": locked.pk,
            "version": version.number,
            "sha256": adoption.sha256,
            "audience": agreement_audience,
            "adopted_on": adopted_on.isoformat(),
        },
    )
    notify(
        process=locked.process,
        record_audience=audience.PLENARY,
        subject=locked,
        actor=actor,
        message=PUT_NOTICE,
        params={"title": doc.title},
    )
    return adoption


def _acting_party(actor: User, adoption: Adoption) -> Party:
    heads = roles_for(actor, adoption.text.process).headed_parties
    if len(heads) != 1:
        raise Forbidden(_("only a party's head of delegation consents for it"))
    return Party.objects.get(pk=heads[0])


def _document_now(text: Text, adoption: Adoption) -> AgreementDoc:
    """The document as the text stands now; refused unless it is exactly what was put."""
    if text.version != adoption.version:
        raise Conflict(
            _(
                "the text changed since it was put to adoption (version %(put)d was put, version %(now)d is current): "
                "the mediators must put it to adoption again"
            )
            % {"put": adoption.version, "now": text.version}
        )
    _ready(text)
    version = TextVersion.objects.get(text_id=text.pk, number=text.version)
    doc = document_for(text=text, version=version, adopted_on=adoption.adopted_on)
    if doc.sha256() != adoption.sha256:
        raise Conflict(
            _(
                "what the text would be adopted as changed since it was put to adoption (its commitments): "
                "the mediators must put it to adoption again"
            )
        )
    return doc


@transaction.atomic
def adoption_consent(
    *,
    actor: User,
    adoption: Adoption,
    consent: bool,
    version: int | None = None,
    agreement_audience: str | None = None,
) -> ConsentOutcome:
    """A party's head consents to adopt what was put (naming the ``version`` and the
    ``agreement_audience`` it read), or withdraws its consent (``consent`` false). The last
    consent adopts: the text is frozen and the agreement written."""
    if not may_see(actor, adoption):
        raise NotFound("adoption")
    require(actor, Permission.ADOPTION_CONSENT, adoption)
    party = _acting_party(actor, adoption)
    if consent and version is None:
        raise Invalid.one("version", _("say which version you read: a consent is to exact content"))
    if consent and not agreement_audience:
        raise Invalid.one("audience", _("say which audience you consent to adopt the agreement for"))
    if consent and agreement_audience:
        _audience(agreement_audience)
    text = _text_for_update(adoption.text_id)
    joint = joint_consent_for(subject=adoption, purpose=Purpose.ADOPTION)
    if joint is None:
        raise Conflict(
            _("this adoption is no longer open: the text was adopted, or put to adoption again; read it again")
        )
    doc = None
    if consent:
        _not_adopted(text)
        doc = _document_now(text, adoption)
    result = consent_set(
        actor=actor,
        joint=joint,
        party_id=party.pk,
        option=OPTION if consent else None,
        read=Read(version=version or 0, label=agreement_audience or "") if consent else None,
    )
    if not result.reached:
        return ConsentOutcome("awaiting")
    assert doc is not None
    return ConsentOutcome("adopted", _adopt(adoption, text, doc))


def _adopt(adoption: Adoption, text: Text, doc: AgreementDoc) -> Agreement:
    made = renderings(doc)
    now = clock.now()
    agreement = Agreement.objects.create(
        process=text.process,
        text=text,
        text_version=adoption.version,
        title=doc.title,
        status=Agreement.Status.ADOPTED,
        audience=adoption.agreement_audience,
        canonical=doc.canonical_bytes(),
        sha256=doc.sha256(),
        adopted_on=doc.adopted,
        adopted_at=now,
        html=made.html,
        html_sha256=made.html_sha256,
        pdf=made.pdf,
        pdf_sha256=made.pdf_sha256,
    )
    Commitment.objects.bulk_create(
        Commitment(
            agreement=agreement,
            position=i,
            clause=c.clause,
            obligor_id=c.obligor,
            action=c.action,
            category=c.category,
            deadline=c.deadline,
            schedule=c.schedule or "",
            verification=c.verification,
            monitors=list(c.monitors),
        )
        for i, c in enumerate(doc.commitments)
    )
    adoption.agreement = agreement
    adoption.save(update_fields=["agreement"])
    text.status = Text.Status.ADOPTED
    text.save(update_fields=["status"])
    event_record(
        kind=EventKind.AGREEMENT_ADOPTED,
        actor=None,
        subject=agreement,
        audience=agreement.audience,
        process=text.process,
        payload={
            "agreement": agreement.pk,
            "title": agreement.title,
            "sha256": agreement.sha256,
            "html_sha256": agreement.html_sha256,
            "pdf_sha256": agreement.pdf_sha256,
            "adopted_on": agreement.adopted_on.isoformat(),
            "parties": [p.id for p in doc.parties],
            "commitments": len(doc.commitments),
            "by": "joint consent",
        },
    )
    notify(
        process=text.process,
        record_audience=agreement.audience,
        subject=agreement,
        actor=None,
        message=ADOPTED_NOTICE,
        params={"title": agreement.title},
    )
    return agreement
