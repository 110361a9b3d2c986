"""Reads of agreements, adoptions and signing keys, already restricted to what the reader may see,
and the read models the pages and the API both render.

An agreement is seen by its audience: a public one by anyone, signed in or not; a plenary one by the
parties' delegations and the mediators, and by no one else (404, as for what does not exist). A
process exists for a reader who is admitted to it, or who may see one of its agreements.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet

from goodoffices.accounts.models import User
from goodoffices.consent.models import Consent, JointConsent, Purpose
from goodoffices.lib import audience
from goodoffices.lib.agreement_doc import AgreementDoc, parse_agreement
from goodoffices.lib.errors import NotFound
from goodoffices.lib.signatures import openssl_verify_command, public_key_pem, to_base64
from goodoffices.policies import AnyUser, Permission, can, may_see, roles_for
from goodoffices.policies.rules.agreements import may_witness, signs_for
from goodoffices.processes.models import Party, Process
from goodoffices.texts.categories import category_label
from goodoffices.texts.models import Text, TextVersion

from .documents import document_for
from .models import Adoption, Agreement, Commitment, Signature, SigningKey
from .services.signing import sign_in_is_fresh

# --- restricted reads ---------------------------------------------------------------------------


def agreement_process(*, user: AnyUser, process_id: int) -> Process:
    """The process whose agreements ``user`` lists: one they are admitted to, or one with an
    agreement they may see (a public one); else ``NotFound``, as for a process that does not exist."""
    process = (
        Process.objects.select_related("mandate__framework", "mandate_version")
        .prefetch_related("parties")
        .filter(pk=process_id)
        .first()
    )
    if process is None:
        raise NotFound("process")
    if roles_for(user, process).admitted:
        return process
    if not Agreement.objects.filter(process=process, audience=audience.PUBLIC).exists():
        raise NotFound("process")
    return process


def agreement_list(*, user: AnyUser, process: Process) -> QuerySet[Agreement]:
    """The agreements of ``process`` the reader may see, without their bytes."""
    readable = sorted(roles_for(user, process).audiences())
    return Agreement.objects.filter(process=process, audience__in=readable).defer(*Agreement.FROZEN)


def agreement_get(*, user: AnyUser, agreement_id: int) -> Agreement:
    agreement = (
        Agreement.objects.select_related("process__mandate__framework", "process__mandate_version")
        .prefetch_related("process__parties")
        .defer("html", "pdf")
        .filter(pk=agreement_id)
        .first()
    )
    if agreement is None or not may_see(user, agreement):
        raise NotFound("agreement")
    return agreement


def agreement_file(*, user: AnyUser, agreement_id: int, field: str) -> tuple[Agreement, bytes]:
    """One stored rendering of an agreement the reader may see (``html`` or ``pdf``) and its bytes."""
    agreement = (
        (Agreement.objects.select_related("process").only("id", "title", "audience", "process", field))
        .filter(pk=agreement_id)
        .first()
    )
    if agreement is None or not may_see(user, agreement):
        raise NotFound("agreement")
    return agreement, bytes(getattr(agreement, field))


def document_parties(agreement: Agreement) -> list[int]:
    """The ids of the parties the agreement binds, as its canonical bytes name them."""
    return [int(p["id"]) for p in json.loads(bytes(agreement.canonical))["parties"]]


def signature_list(*, agreement: Agreement) -> QuerySet[Signature]:
    """The signatures on an agreement the reader may see (they share its audience), in signing order."""
    return (
        Signature.objects.filter(agreement=agreement)
        .select_related("key", "signer", "party")
        .order_by("signed_at", "id")
    )


def commitment_list(*, agreement: Agreement) -> QuerySet[Commitment]:
    """The commitments of an agreement the reader may see, in the document's order."""
    return Commitment.objects.filter(agreement=agreement).select_related("obligor").order_by("position")


def signing_key_list(*, user: AnyUser, process: Process) -> QuerySet[SigningKey]:
    """The keys held in ``process``, for a reader admitted to it (none for anyone else)."""
    if not can(user, Permission.SIGNING_KEYS_VIEW, process):
        return SigningKey.objects.none()
    return SigningKey.objects.filter(process=process).select_related("user")


def signing_key_get(*, user: AnyUser, key_id: int) -> SigningKey:
    key = SigningKey.objects.select_related("process", "user").filter(pk=key_id).first()
    if key is None or not can(user, Permission.SIGNING_KEYS_VIEW, key):
        raise NotFound("signing key")
    return key


def adoption_get(*, user: AnyUser, adoption_id: int) -> Adoption:
    adoption = (
        Adoption.objects.select_related(
            "text__process__mandate_version", "text__process__mandate__framework", "put_by", "agreement"
        )
        .prefetch_related("text__process__parties")
        .defer(*Agreement.frozen("agreement"))
        .filter(pk=adoption_id)
        .first()
    )
    if adoption is None or not may_see(user, adoption):
        raise NotFound("adoption")
    return adoption


def adoption_latest(*, text: Text) -> Adoption | None:
    """The text's latest putting to adoption (open, adopted or superseded), if any."""
    return (
        Adoption.objects.filter(text=text)
        .select_related("put_by", "agreement")
        .defer(*Agreement.frozen("agreement"))
        .order_by("-id")
        .first()
    )


def adoption_preview(*, adoption: Adoption) -> AgreementDoc | None:
    """The agreement as the adoption would make it, read from the version that was put; None when
    it no longer hashes to what was put (commitments tagged or removed since)."""
    version = TextVersion.objects.get(text_id=adoption.text_id, number=adoption.version)
    doc = document_for(text=adoption.text, version=version, adopted_on=adoption.adopted_on)
    return doc if doc.sha256() == adoption.sha256 else None


# --- read models ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdoptionState:
    """Where an adoption stands for one reader."""

    adoption: Adoption
    status: str  # open, adopted, superseded
    # The parties' consents the reader may see (their own party's; the mediators' where the mandate says).
    consents: dict[int, str]
    # The text moved on since it was put: a consent would be refused.
    stale: bool
    may_consent: bool
    # The reader's own party has consented (and may withdraw).
    own_consented: bool = False

    @property
    def open(self) -> bool:
        return self.status == "open"


def adoption_state(*, user: AnyUser, adoption: Adoption) -> AdoptionState:
    joint = JointConsent.objects.filter(
        subject_type=adoption._meta.label_lower, subject_id=str(adoption.pk), purpose=Purpose.ADOPTION
    ).first()
    if adoption.agreement_id is not None:
        status = "adopted"
    elif joint is not None and joint.status == JointConsent.Status.OPEN:
        status = "open"
    else:
        status = "superseded"
    consents: dict[int, str] = {}
    roles = roles_for(user, adoption.text.process)
    if joint is not None and status == "open":
        readable = sorted(roles.audiences())
        consents = dict(Consent.objects.filter(joint=joint, audience__in=readable).values_list("party_id", "option"))
    text = adoption.text
    stale = status == "open" and (text.version != adoption.version or text.status != Text.Status.DRAFTING)
    return AdoptionState(
        adoption=adoption,
        status=status,
        consents=consents,
        stale=stale,
        may_consent=status == "open" and not stale and can(user, Permission.ADOPTION_CONSENT, adoption),
        own_consented=any(party in consents for party in roles.headed_parties),
    )


@dataclass(frozen=True)
class CommitmentRow:
    """A commitment as the pages show it: of an agreement (with its execution) or of a document."""

    clause: str
    obligor_name: str
    action: str
    category_label: str
    deadline: date | None
    schedule: str
    verification: str
    monitors: list[str]
    status_label: str = ""
    breach: bool = False
    overdue: bool = False


def commitment_rows(commitments: list[Commitment]) -> list[CommitmentRow]:
    return [
        CommitmentRow(
            clause=c.clause,
            obligor_name=c.obligor.name,
            action=c.action,
            category_label=category_label(c.category),
            deadline=c.deadline,
            schedule=c.schedule,
            verification=c.verification,
            monitors=list(c.monitors),
            status_label=str(Commitment.Status(c.status).label),
            breach=c.breach,
            overdue=c.overdue,
        )
        for c in commitments
    ]


def document_commitment_rows(document: AgreementDoc) -> list[CommitmentRow]:
    return [
        CommitmentRow(
            clause=c.clause,
            obligor_name=document.party_name(c.obligor),
            action=c.action,
            category_label=category_label(c.category),
            deadline=c.deadline,
            schedule=c.schedule or "",
            verification=c.verification,
            monitors=list(c.monitors),
        )
        for c in document.commitments
    ]


@dataclass(frozen=True)
class SignatureView:
    signature: Signature
    party: str | None
    signer: str
    role_label: str
    public_key: str  # base64 of the raw 32 bytes
    public_key_pem: str
    signature_b64: str
    fingerprint: str
    key_origin: str
    key_registered_at: datetime
    key_retired_at: datetime | None
    verify_command: str


def signature_views(signatures: list[Signature]) -> list[SignatureView]:
    views = []
    for number, s in enumerate(signatures, start=1):
        views.append(
            SignatureView(
                signature=s,
                party=s.party.name if s.party else None,
                signer=str(s.signer),
                role_label=str(Signature.Role(s.role).label),
                public_key=to_base64(bytes(s.key.public_key)),
                public_key_pem=public_key_pem(bytes(s.key.public_key)),
                signature_b64=to_base64(bytes(s.signature)),
                fingerprint=s.key.fingerprint,
                key_origin=str(SigningKey.Origin(s.key.origin).label),
                key_registered_at=s.key.registered_at,
                key_retired_at=s.key.retired_at,
                verify_command=openssl_verify_command(
                    key_file=f"keys/{s.key.fingerprint[:16]}.pem",
                    message_file="canonical.json",
                    signature_file=f"signatures/{number}.sig",
                ),
            )
        )
    return views


@dataclass(frozen=True)
class AgreementView:
    """An agreement as one reader sees it, with what the reader may do to it."""

    agreement: Agreement
    document: AgreementDoc
    signatures: list[SignatureView]
    commitments: list[CommitmentRow]
    parties: list[Party]
    # Parties whose signature is still missing.
    awaiting: list[Party]
    # How the reader would sign: "signatory" (for a party), "witness", or "" (not at all).
    sign_as: str
    sign_for: Party | None
    # The reader signed; or the party the reader signs for has (through another signatory).
    signed_by_me: bool
    already_signed: bool
    my_keys: list[SigningKey]
    fresh: bool
    otp_required: bool
    demo_keys: bool
    text_visible: bool


def agreement_view(*, user: AnyUser, agreement: Agreement, authenticated_at: datetime | None) -> AgreementView:
    """The read model of an agreement the reader may see, in a fixed number of queries."""
    document = parse_agreement(bytes(agreement.canonical))
    signatures = list(signature_list(agreement=agreement))
    bound = {p.id for p in document.parties}
    parties = sorted((p for p in agreement.process.parties.all() if p.pk in bound), key=lambda p: p.pk)
    signed_parties = {s.party_id for s in signatures if s.party_id is not None}
    roles = roles_for(user, agreement.process)
    sign_as, sign_for = "", None
    if can(user, Permission.AGREEMENT_SIGN, agreement):
        own_parties = signs_for(roles)
        sign_for = next((p for p in parties if p.pk in own_parties), None)
        if sign_for is not None:
            sign_as = "signatory"
        elif may_witness(roles):
            sign_as = "witness"
    my_keys: list[SigningKey] = []
    if sign_as and isinstance(user, User):
        my_keys = list(
            SigningKey.objects.filter(process_id=agreement.process_id, user=user, retired_at__isnull=True).order_by(
                "-registered_at"
            )
        )
    signed_by_me = isinstance(user, User) and any(s.signer_id == user.pk for s in signatures)
    already = signed_by_me or (sign_for is not None and sign_for.pk in signed_parties)
    return AgreementView(
        agreement=agreement,
        document=document,
        signatures=signature_views(signatures),
        commitments=commitment_rows(list(commitment_list(agreement=agreement))),
        parties=parties,
        awaiting=[p for p in parties if p.pk not in signed_parties],
        sign_as=sign_as,
        sign_for=sign_for,
        signed_by_me=signed_by_me,
        already_signed=already,
        my_keys=my_keys,
        fresh=sign_in_is_fresh(authenticated_at),
        otp_required=bool(
            sign_as
            and isinstance(user, User)
            and user.totp_enabled
            and agreement.process.mandate_version.two_factor_required
        ),
        demo_keys=any(s.key.origin == SigningKey.Origin.DEMO for s in signatures),
        text_visible=agreement.text_id is not None and roles.in_plenary,
    )
