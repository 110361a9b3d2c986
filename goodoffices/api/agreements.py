"""Agreements: adoption by joint consent, signing keys, signatures, and the agreements themselves.

A public agreement answers without authentication (its list, itself, its canonical bytes, its
commitments); a plenary one is the plenary's, and 404 to everyone else, as for what does not exist.
``canonical`` answers exactly the bytes every signature signs; ``sha256`` is their digest.
Lists are paginated with ``limit`` and ``cursor`` (``next`` and ``prev``).
"""

from datetime import date, datetime
from typing import Annotated, Any

from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router
from ninja.errors import HttpError
from ninja.responses import Status

from goodoffices.accounts.middleware import authenticated_at
from goodoffices.accounts.models import User, signed_in
from goodoffices.agreements import selectors, services
from goodoffices.agreements.downloads import canonical_response
from goodoffices.agreements.models import Adoption, Agreement, Commitment, Signature, SigningKey
from goodoffices.lib import audience, clock
from goodoffices.lib.errors import Invalid, NotFound
from goodoffices.lib.signatures import to_base64
from goodoffices.pagination import paginate
from goodoffices.processes import selectors as process_selectors
from goodoffices.texts import selectors as text_selectors
from goodoffices.texts.categories import category_label

from .auth import bearer, session
from .schemas import Cursor, Input, Limit, Out, PageOut, line, one_of, optional

router = Router(tags=["agreements"])


def anyone(request: HttpRequest) -> bool:
    """No credentials: the caller reads as an anonymous visitor (public agreements only)."""
    return True


# Who may read: a token or a session when given (two-factor rule included), else anyone.
OPEN_TO_ANYONE = [bearer, session, anyone]

AUDIENCE = one_of([audience.PUBLIC, audience.PLENARY])
ORIGIN = one_of([SigningKey.Origin.OPENSSL, SigningKey.Origin.WEBCRYPTO])


# --- schemas -------------------------------------------------------------------------------------


class ProblemOut(Out):
    """RFC 9457 problem details (``application/problem+json``)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict[str, str]] = []


READ_ERRORS: dict[int, Any] = {404: ProblemOut, 422: ProblemOut}
WRITE_ERRORS: dict[int, Any] = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut}


class AgreementSummary(Out):
    id: int
    title: str
    status: str = Field(description="adopted (awaiting signatures) or in_force")
    audience: str
    sha256: str
    adopted_on: date


class AgreementList(PageOut):
    items: list[AgreementSummary]


class PartyOut(Out):
    id: int
    name: str


class SignatureOut(Out):
    party: int | None = Field(description="the party signed for; null for a witness")
    party_name: str | None
    signer: str
    role: str = Field(description="signatory or witness")
    organisation: str
    public_key: str = Field(description="base64 of the raw 32-byte Ed25519 public key")
    fingerprint: str = Field(description="SHA-256 of the raw key, hex")
    signature: str = Field(description="base64 of the raw 64-byte Ed25519 signature of the canonical bytes")
    signed_at: datetime


class AgreementOut(AgreementSummary):
    process: int
    adopted_at: datetime
    in_force_at: datetime | None
    html_sha256: str
    pdf_sha256: str
    parties: list[PartyOut]
    awaiting: list[int] = Field(description="the parties whose signature is still missing")
    signatures: list[SignatureOut]


class CommitmentOut(Out):
    id: int
    clause: str = Field(description="the clause's number in the agreement")
    obligor: int = Field(description="a party id")
    obligor_name: str
    action: str
    category: str
    category_label: str
    deadline: date | None
    schedule: str | None
    continuous: bool
    verification: str
    monitors: list[str]
    status: int = Field(description="execution on the Peace Accords Matrix scale: 0 not initiated to 3 full")
    breach: bool
    overdue: bool
    completed_on: date | None


class CommitmentList(PageOut):
    items: list[CommitmentOut]


class AdoptionIn(Input):
    audience: Annotated[str, AUDIENCE] = Field(description="what the parties are asked to adopt it as")


class AdoptionOut(Out):
    id: int
    text: int
    version: int
    audience: str = Field(description="the audience the agreement will have: public or plenary")
    adopted_on: date
    sha256: str = Field(description="SHA-256 of the canonical bytes the adoption produces: what every consent names")
    put_by: str
    put_at: datetime
    status: str = Field(description="open, adopted or superseded")
    stale: bool = Field(description="the text changed since it was put: it must be put again")
    agreement: int | None
    consents: dict[str, str] = Field(description="party id -> option, for the consents you may see")
    document: dict[str, Any] | None = Field(
        description="the agreement as it would be adopted: its RFC 8785 bytes hash to sha256 (null when stale)"
    )


class AdoptionConsentIn(Input):
    consent: bool
    version: int = optional(ge=1, description="the version of the text you read; required to consent")
    audience: Annotated[str, AUDIENCE] = optional(description="the audience you were asked about; required to consent")


class AdoptionStateOut(Out):
    status: str = Field(description="awaiting or adopted")
    agreement: int | None


class SigningKeyIn(Input):
    public_key: str = Field(
        max_length=2000, description="Ed25519: raw 32 bytes as base64, or PEM (openssl pkey -pubout), or DER as base64"
    )
    origin: Annotated[str, ORIGIN] = Field(description="where the private key was made")
    label: Annotated[str, line(80, required=False)] = Field(default="", max_length=80)


class SigningKeyOut(Out):
    id: int
    holder: str
    public_key: str = Field(description="base64 of the raw 32 bytes")
    fingerprint: str
    origin: str
    label: str
    registered_at: datetime
    retired_at: datetime | None
    active: bool


class SigningKeyList(PageOut):
    items: list[SigningKeyOut]


class SignIn(Input):
    key: int = Field(ge=1, description="the id of your registered signing key")
    signature: str = Field(max_length=200, description="base64 of the 64-byte Ed25519 signature of the canonical bytes")
    sha256: str = Field(max_length=64, description="SHA-256 of the bytes you signed: the agreement's")
    password: str = optional(max_length=1024, description="your password: signing needs a fresh sign-in")
    otp: str = optional(max_length=12, description="your one-time code, where the mandate requires two-factor")


# --- helpers -------------------------------------------------------------------------------------


def _summary(agreement: Agreement) -> dict[str, Any]:
    return {
        "id": agreement.pk,
        "title": agreement.title,
        "status": agreement.status,
        "audience": agreement.audience,
        "sha256": agreement.sha256,
        "adopted_on": agreement.adopted_on,
    }


def _signature(s: Signature) -> SignatureOut:
    return SignatureOut(
        party=s.party_id,
        party_name=s.party.name if s.party else None,
        signer=str(s.signer),
        role=s.role,
        organisation=s.organisation,
        public_key=to_base64(bytes(s.key.public_key)),
        fingerprint=s.key.fingerprint,
        signature=to_base64(bytes(s.signature)),
        signed_at=s.signed_at,
    )


def _agreement_out(agreement: Agreement) -> AgreementOut:
    signatures = list(selectors.signature_list(agreement=agreement))
    parties = list(agreement.process.parties.all())
    named = set(selectors.document_parties(agreement))
    signed = {s.party_id for s in signatures}
    return AgreementOut(
        **_summary(agreement),
        process=agreement.process_id,
        adopted_at=agreement.adopted_at,
        in_force_at=agreement.in_force_at,
        html_sha256=agreement.html_sha256,
        pdf_sha256=agreement.pdf_sha256,
        parties=[PartyOut(id=p.pk, name=p.name) for p in parties if p.pk in named],
        awaiting=[p.pk for p in parties if p.pk in named and p.pk not in signed],
        signatures=[_signature(s) for s in signatures],
    )


def _commitment(c: Commitment) -> CommitmentOut:
    return CommitmentOut(
        id=c.pk,
        clause=c.clause,
        obligor=c.obligor_id,
        obligor_name=c.obligor.name,
        action=c.action,
        category=c.category,
        category_label=category_label(c.category),
        deadline=c.deadline,
        schedule=c.schedule or None,
        continuous=c.continuous,
        verification=c.verification,
        monitors=list(c.monitors),
        status=c.status,
        breach=c.breach,
        overdue=c.overdue,
        completed_on=c.completed_on,
    )


def _key(key: SigningKey) -> SigningKeyOut:
    return SigningKeyOut(
        id=key.pk,
        holder=key.user.username,
        public_key=to_base64(bytes(key.public_key)),
        fingerprint=key.fingerprint,
        origin=key.origin,
        label=key.label,
        registered_at=key.registered_at,
        retired_at=key.retired_at,
        active=key.active,
    )


def _adoption(request: HttpRequest, adoption: Adoption) -> AdoptionOut:
    state = selectors.adoption_state(user=request.user, adoption=adoption)
    document = None
    if state.open and not state.stale:
        doc = selectors.adoption_preview(adoption=adoption)
        document = doc.to_json() if doc is not None else None
    return AdoptionOut(
        id=adoption.pk,
        text=adoption.text_id,
        version=adoption.version,
        audience=adoption.agreement_audience,
        adopted_on=adoption.adopted_on,
        sha256=adoption.sha256,
        put_by=adoption.put_by.username,
        put_at=adoption.put_at,
        status=state.status,
        stale=state.stale or (state.open and document is None),
        agreement=adoption.agreement_id,
        consents={str(party): option for party, option in state.consents.items()},
        document=document,
    )


def _fresh_sign_in(request: HttpRequest, user: User, password: str | None) -> datetime | None:
    """When the caller last proved who they are: now, with the right password in the request; else
    the session's last sign-in (a browser's)."""
    if password:
        if authenticate(request, username=user.username, password=password) is None:
            if getattr(request, "axes_locked_out", False):
                raise HttpError(429, "too many failed sign-ins to this account from your address; wait and try again")
            raise Invalid.one("password", "is not your password")
        return clock.now()
    return authenticated_at(request) if hasattr(request, "session") else None


# --- agreements ----------------------------------------------------------------------------------


@router.get(
    "/processes/{process_id}/agreements",
    auth=OPEN_TO_ANYONE,
    response={200: AgreementList, **READ_ERRORS},
    summary="Agreements of a process you may see (public ones without authentication)",
)
def agreement_list(request: HttpRequest, process_id: int, limit: Limit = None, cursor: Cursor = None) -> AgreementList:
    process = selectors.agreement_process(user=request.user, process_id=process_id)
    page = paginate(
        selectors.agreement_list(user=request.user, process=process),
        order=("-adopted_at", "-id"),
        scope=f"agreements:{process.pk}",
        user=request.user,
        cursor=cursor,
        limit=limit,
    )
    return AgreementList(items=[AgreementSummary(**_summary(a)) for a in page.items], next=page.next, prev=page.prev)


@router.get(
    "/agreements/{agreement_id}",
    auth=OPEN_TO_ANYONE,
    response={200: AgreementOut, **READ_ERRORS},
    summary="An agreement, with every signature and its key",
)
def agreement_detail(request: HttpRequest, agreement_id: int) -> AgreementOut:
    return _agreement_out(selectors.agreement_get(user=request.user, agreement_id=agreement_id))


@router.get(
    "/agreements/{agreement_id}/canonical",
    auth=OPEN_TO_ANYONE,
    response={200: None, **READ_ERRORS},
    summary="Exactly the bytes every signature signs",
    description="RFC 8785 JSON; its SHA-256 is the agreement's sha256 (also sent as Repr-Digest, RFC 9530).",
)
def agreement_canonical(request: HttpRequest, agreement_id: int) -> HttpResponse:
    return canonical_response(selectors.agreement_get(user=request.user, agreement_id=agreement_id))


@router.get(
    "/agreements/{agreement_id}/commitments",
    auth=OPEN_TO_ANYONE,
    response={200: CommitmentList, **READ_ERRORS},
    summary="The commitments of an agreement, in the document's order, with what is known of their execution",
)
def agreement_commitments(
    request: HttpRequest, agreement_id: int, limit: Limit = None, cursor: Cursor = None
) -> CommitmentList:
    agreement = selectors.agreement_get(user=request.user, agreement_id=agreement_id)
    page = paginate(
        selectors.commitment_list(agreement=agreement),
        order=("position",),
        scope=f"agreement-commitments:{agreement.pk}",
        user=request.user,
        cursor=cursor,
        limit=limit,
    )
    return CommitmentList(items=[_commitment(c) for c in page.items], next=page.next, prev=page.prev)


# --- adoption ------------------------------------------------------------------------------------


@router.post(
    "/texts/{text_id}/adoption",
    response={201: AdoptionOut, **WRITE_ERRORS},
    summary="Put a clean text to adoption (mediators)",
    description="Every party's head is asked to consent to the exact bytes the adoption produces. "
    "A text with an open bracket, or a clause a party does not agree to, is refused with 409 naming the clause.",
)
def adoption_put(request: HttpRequest, text_id: int, payload: AdoptionIn) -> Status[AdoptionOut]:
    text = text_selectors.text_get(user=request.user, text_id=text_id)
    adoption = services.adoption_put(actor=signed_in(request), text=text, agreement_audience=payload.audience)
    return Status(201, _adoption(request, selectors.adoption_get(user=request.user, adoption_id=adoption.pk)))


@router.get(
    "/texts/{text_id}/adoption",
    response={200: AdoptionOut, **READ_ERRORS},
    summary="The text's latest putting to adoption",
)
def adoption_of_text(request: HttpRequest, text_id: int) -> AdoptionOut:
    text = text_selectors.text_get(user=request.user, text_id=text_id)
    latest = selectors.adoption_latest(text=text)
    if latest is None:
        raise NotFound("adoption")
    return _adoption(request, selectors.adoption_get(user=request.user, adoption_id=latest.pk))


@router.get("/adoptions/{adoption_id}", response={200: AdoptionOut, **READ_ERRORS}, summary="One putting to adoption")
def adoption_detail(request: HttpRequest, adoption_id: int) -> AdoptionOut:
    return _adoption(request, selectors.adoption_get(user=request.user, adoption_id=adoption_id))


@router.put(
    "/adoptions/{adoption_id}/consent",
    response={200: AdoptionStateOut, **WRITE_ERRORS},
    summary="Your party's consent to adopt (heads of delegation)",
    description='{"consent": true, "version": N, "audience": "public"} names what you read; '
    '{"consent": false} withdraws. Anything but the current question is 409 and writes nothing.',
)
def adoption_consent(request: HttpRequest, adoption_id: int, payload: AdoptionConsentIn) -> AdoptionStateOut:
    adoption = selectors.adoption_get(user=request.user, adoption_id=adoption_id)
    outcome = services.adoption_consent(
        actor=signed_in(request),
        adoption=adoption,
        consent=payload.consent,
        version=payload.version,
        agreement_audience=payload.audience,
    )
    return AdoptionStateOut(status=outcome.status, agreement=outcome.agreement.pk if outcome.agreement else None)


# --- keys and signatures -------------------------------------------------------------------------


@router.get(
    "/processes/{process_id}/signing-keys",
    response={200: SigningKeyList, **READ_ERRORS},
    summary="The signing keys held in a process, newest first (key transparency)",
)
def signing_key_list(
    request: HttpRequest, process_id: int, limit: Limit = None, cursor: Cursor = None
) -> SigningKeyList:
    process = process_selectors.process_get(user=request.user, process_id=process_id)
    page = paginate(
        selectors.signing_key_list(user=request.user, process=process),
        order=("-registered_at", "-id"),
        scope=f"signing-keys:{process.pk}",
        user=request.user,
        cursor=cursor,
        limit=limit,
    )
    return SigningKeyList(items=[_key(k) for k in page.items], next=page.next, prev=page.prev)


@router.post(
    "/processes/{process_id}/signing-keys",
    response={201: SigningKeyOut, **WRITE_ERRORS},
    summary="Register your public signing key (signatories, mediators, guarantors)",
    description="The private key stays with you. A key is registered once, ever: the same key again is 409.",
)
def signing_key_register(request: HttpRequest, process_id: int, payload: SigningKeyIn) -> Status[SigningKeyOut]:
    process = process_selectors.process_get(user=request.user, process_id=process_id)
    key = services.signing_key_register(
        actor=signed_in(request),
        process=process,
        public_key=payload.public_key,
        origin=payload.origin,
        label=payload.label,
    )
    return Status(201, _key(selectors.signing_key_get(user=request.user, key_id=key.pk)))


@router.post(
    "/signing-keys/{key_id}/retire",
    response={200: SigningKeyOut, **WRITE_ERRORS},
    summary="Retire your signing key: it signs nothing more",
)
def signing_key_retire(request: HttpRequest, key_id: int) -> SigningKeyOut:
    key = selectors.signing_key_get(user=request.user, key_id=key_id)
    services.signing_key_retire(actor=signed_in(request), key=key)
    return _key(selectors.signing_key_get(user=request.user, key_id=key_id))


@router.post(
    "/agreements/{agreement_id}/signatures",
    response={201: SignatureOut, **WRITE_ERRORS},
    summary="Sign an agreement (a party's signatory; mediators and guarantors as witnesses)",
    description="Sign the bytes of GET .../canonical with your registered key, e.g. "
    "`openssl pkeyutl -sign -inkey key.pem -rawin -in canonical.json -out sig.bin`, and send them as base64. "
    "Signing needs a fresh sign-in: send your password (a browser session signed in within the last "
    "minutes needs none), and your one-time code where the mandate requires two-factor.",
)
def agreement_sign(request: HttpRequest, agreement_id: int, payload: SignIn) -> Status[SignatureOut]:
    actor = signed_in(request)
    agreement = selectors.agreement_get(user=request.user, agreement_id=agreement_id)
    key = SigningKey.objects.filter(pk=payload.key).first()
    if key is None:
        raise Invalid.one("key", "names no signing key of yours in this process")
    signature = services.agreement_sign(
        actor=actor,
        agreement=agreement,
        key=key,
        signature=payload.signature,
        sha256=payload.sha256,
        authenticated_at=_fresh_sign_in(request, actor, payload.password),
        otp=payload.otp or "",
    )
    return Status(201, _signature(selectors.signature_list(agreement=agreement).get(pk=signature.pk)))
