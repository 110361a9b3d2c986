"""Signing an agreement: each party's signatory signs its canonical bytes with Ed25519; mediators and
guarantors may sign as witnesses. The server keeps a signature only after checking it against the
signer's registered key, and never holds a private key.

Signing needs a fresh sign-in (``FRESH_SIGN_IN``: the interface says when its caller last proved
who they are) and, where the mandate requires two-factor, a one-time code. The signer names the
SHA-256 of the bytes it signed: anything but the agreement's is refused before the signature is
looked at. The agreement enters into force with the last party's signature. Each signature and the
entry into force are events with the agreement's audience: for a public agreement, the ledger holds
every signature and key in full, and the key's registration is opened there.

Lock order: the agreement row, then the key.
"""

import json
from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from goodoffices.accounts.models import User
from goodoffices.accounts.services import totp_verify
from goodoffices.events.models import Event, EventKind
from goodoffices.events.services import event_record
from goodoffices.ledger.services import ledger_open, opening_subject
from goodoffices.lib import audience, clock
from goodoffices.lib.errors import Conflict, Forbidden, Invalid, NotFound
from goodoffices.lib.signatures import check_signature, parse_signature, to_base64
from goodoffices.meetings.notices import notify
from goodoffices.policies import Permission, can, may_see, roles_for
from goodoffices.policies.rules.agreements import may_witness, signs_for
from goodoffices.processes.models import Appointment, AppointmentRole, Party

from ..models import Agreement, Signature, SigningKey

FRESH_SIGN_IN = timedelta(minutes=10)
IN_FORCE_NOTICE = gettext_noop("“%(title)s” is in force: every party has signed it.")


class FreshSignInNeeded(Forbidden):
    """Signing needs a sign-in within ``FRESH_SIGN_IN``: the interface asks the signer to prove who
    they are again."""


def sign_in_is_fresh(authenticated_at: datetime | None) -> bool:
    return authenticated_at is not None and clock.now() - authenticated_at <= FRESH_SIGN_IN


def _role(actor: User, agreement: Agreement) -> tuple[str, Party | None, str]:
    """How ``actor`` signs ``agreement``: for its party as signatory, or as a witness."""
    roles = roles_for(actor, agreement.process)
    if not can(actor, Permission.AGREEMENT_SIGN, agreement):
        if roles.parties:
            raise Forbidden(
                _("you are not your party's signatory: only the signatory named in the delegation signs for the party")
            )
        raise Forbidden(_("only a party's signatory signs; the mediators and guarantors may sign as witnesses"))
    parties = signs_for(roles)
    if parties:
        bound = {int(p["id"]) for p in json.loads(bytes(agreement.canonical))["parties"]}
        if parties[0] not in bound:
            raise Forbidden(_("your party is not bound by this agreement: its signatory does not sign it"))
        return Signature.Role.SIGNATORY, Party.objects.get(pk=parties[0]), ""
    if not may_witness(roles):
        raise Forbidden(_("only a party's signatory signs; the mediators and guarantors may sign as witnesses"))
    appointment = (
        Appointment.objects.filter(
            process_id=agreement.process_id,
            user=actor,
            role__in=[AppointmentRole.MEDIATOR, AppointmentRole.MONITOR],
        )
        .order_by("role")
        .first()
    )
    return Signature.Role.WITNESS, None, appointment.organisation if appointment else ""


def _two_factor(actor: User, agreement: Agreement, otp: str) -> None:
    """Where the mandate requires two-factor, a current one-time code of the signer's (each code once)."""
    if not agreement.process.mandate_version.two_factor_required or not actor.totp_enabled:
        return
    if not otp.strip():
        raise Invalid.one("otp", _("enter the current code from your authenticator app: the mandate requires it"))
    if not totp_verify(user=actor, code=otp):
        raise Invalid.one("otp", _("that code is not valid, or was used already; enter the next one"))


def _open_key_registration(key: SigningKey, actor: User) -> None:
    """A key that signs a public agreement is public: open its sealed registration in the ledger."""
    event = Event.objects.filter(
        kind=EventKind.SIGNING_KEY_REGISTERED, subject_type=key._meta.label_lower, subject_id=str(key.pk)
    ).first()
    if event is None or event.audience == audience.PUBLIC:
        return
    opened = Event.objects.filter(
        kind=EventKind.LEDGER_OPENED, subject_type=Event._meta.label_lower, subject_id=opening_subject(event)
    ).exists()
    if not opened:
        ledger_open(event=event, actor=actor)


@transaction.atomic
def agreement_sign(
    *,
    actor: User,
    agreement: Agreement,
    key: SigningKey,
    signature: str | bytes,
    sha256: str,
    authenticated_at: datetime | None,
    otp: str = "",
) -> Signature:
    """``actor`` signs ``agreement`` with ``key``: ``signature`` is the Ed25519 signature of its
    canonical bytes (raw 64 bytes or base64) and ``sha256`` the digest of the bytes it signed."""
    if not may_see(actor, agreement):
        raise NotFound("agreement")
    role, party, organisation = _role(actor, agreement)
    if not sign_in_is_fresh(authenticated_at):
        raise FreshSignInNeeded(
            _("signing needs a fresh sign-in: confirm your password (within %(minutes)d minutes of signing)")
            % {"minutes": int(FRESH_SIGN_IN.total_seconds() // 60)}
        )
    locked = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("process__mandate_version")
        .get(pk=agreement.pk)
    )
    held = SigningKey.objects.select_for_update(of=("self",)).filter(pk=key.pk).first()
    if held is None or held.user_id != actor.pk or held.process_id != locked.process_id:
        raise Invalid.one("key", _("names no signing key of yours in this process"))
    if held.retired_at is not None:
        raise Invalid.one("key", _("this key is retired: sign with an active key, or register a new one"))
    claimed = sha256.strip().lower()
    if claimed != locked.sha256:
        raise Conflict(
            _(
                "you signed other bytes than this agreement's: they hash to %(claimed)s, the agreement's canonical "
                "bytes to %(sha256)s. Fetch its canonical bytes again and sign those"
            )
            % {"claimed": claimed[:64] or "(nothing)", "sha256": locked.sha256}
        )
    raw = parse_signature(signature)
    check_signature(public_key=bytes(held.public_key), message=bytes(locked.canonical), signature=raw)
    if party is not None and Signature.objects.filter(agreement=locked, party=party).exists():
        raise Conflict(_("%(party)s has already signed this agreement") % {"party": party.name})
    if Signature.objects.filter(agreement=locked, signer=actor).exists():
        raise Conflict(_("you have already signed this agreement"))
    _two_factor(actor, locked, otp)
    signed = Signature.objects.create(
        agreement=locked,
        key=held,
        signer=actor,
        party=party,
        role=role,
        organisation=organisation,
        signature=raw,
        signed_at=clock.now(),
    )
    event_record(
        kind=EventKind.AGREEMENT_SIGNED,
        actor=actor,
        subject=signed,
        audience=locked.audience,
        process=locked.process,
        payload={
            "agreement": locked.pk,
            "sha256": locked.sha256,
            "party": party.pk if party else None,
            "role": role,
            "organisation": organisation,
            "signer": actor.username,
            "public_key": to_base64(bytes(held.public_key)),
            "fingerprint": held.fingerprint,
            "signature": to_base64(raw),
        },
    )
    if locked.audience == audience.PUBLIC:
        _open_key_registration(held, actor)
    _enter_into_force(locked)
    return signed


def _enter_into_force(agreement: Agreement) -> None:
    """With every party's signature present, the agreement is in force."""
    if agreement.status != Agreement.Status.ADOPTED:
        return
    doc_parties = {int(p["id"]) for p in json.loads(bytes(agreement.canonical))["parties"]}
    signed = set(Signature.objects.filter(agreement=agreement, party__isnull=False).values_list("party_id", flat=True))
    if not doc_parties or not doc_parties <= signed:
        return
    agreement.status = Agreement.Status.IN_FORCE
    agreement.in_force_at = clock.now()
    agreement.save(update_fields=["status", "in_force_at"])
    event_record(
        kind=EventKind.AGREEMENT_IN_FORCE,
        actor=None,
        subject=agreement,
        audience=agreement.audience,
        process=agreement.process,
        payload={
            "agreement": agreement.pk,
            "sha256": agreement.sha256,
            "parties": sorted(doc_parties),
            "in_force_at": agreement.in_force_at.isoformat(),
        },
    )
    notify(
        process=agreement.process,
        record_audience=agreement.audience,
        subject=agreement,
        actor=None,
        message=IN_FORCE_NOTICE,
        params={"title": agreement.title},
    )
