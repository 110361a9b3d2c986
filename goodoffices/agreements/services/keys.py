"""Signing keys: the public half of a key someone holds to sign agreements in one process.

The private half never reaches the server: it is made in the holder's browser (WebCrypto Ed25519,
not extractable) or with openssl on their own machine. Registering and retiring a key are events
that everyone admitted to the process sees (key transparency); once a key has signed a public
agreement its registration is opened in the ledger, and its retirement is public, so anyone can
check which keys a signatory held when.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from goodoffices.accounts.models import User
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience, clock, text
from goodoffices.lib.errors import Conflict, Invalid, NotFound
from goodoffices.lib.signatures import key_fingerprint, parse_public_key, to_base64
from goodoffices.policies import Permission, may_see, require
from goodoffices.processes.models import Process

from ..models import SigningKey

MAX_LABEL = 80
# Where a holder made the private key: in the browser, or with openssl.
SIGNING_ORIGINS = [SigningKey.Origin.WEBCRYPTO.value, SigningKey.Origin.OPENSSL.value]
# Keys one person holds at once in a process: enough for a few devices.
MAX_ACTIVE_KEYS = 5


@transaction.atomic
def signing_key_register(
    *,
    actor: User,
    process: Process,
    public_key: str | bytes,
    origin: str,
    label: str = "",
    demo_loader: bool = False,
) -> SigningKey:
    """Register the public key ``actor`` will sign with in ``process``: raw 32 bytes, their base64,
    or PEM/DER as openssl writes it. A key is registered once, ever. Only the demo's loader
    (``demo_loader``) registers keys it made itself, with the origin that says so."""
    require(actor, Permission.SIGNING_KEY_REGISTER, process)
    origins = [SigningKey.Origin.DEMO.value] if demo_loader else SIGNING_ORIGINS
    if origin not in origins:
        raise Invalid.one("origin", _("must be one of %(origins)s") % {"origins": ", ".join(origins)})
    label = text.single_line(label, "label", MAX_LABEL, required=False)
    raw = parse_public_key(public_key)
    fingerprint = key_fingerprint(raw)
    if SigningKey.objects.filter(fingerprint=fingerprint).exists():
        raise Conflict(
            _("this key (%(fingerprint)s…) is already registered: a key is registered once, by one person")
            % {"fingerprint": fingerprint[:16]}
        )
    active = SigningKey.objects.filter(process=process, user=actor, retired_at__isnull=True).count()
    if active >= MAX_ACTIVE_KEYS:
        raise Conflict(
            _("you already hold %(count)d active keys here: retire one you no longer use first") % {"count": active}
        )
    try:
        with transaction.atomic():
            key = SigningKey.objects.create(
                process=process,
                user=actor,
                public_key=raw,
                fingerprint=fingerprint,
                origin=origin,
                label=label,
                registered_at=clock.now(),
            )
    except IntegrityError:
        # The same key registered at the same instant by another request.
        raise Conflict(_("this key is already registered: a key is registered once, by one person")) from None
    event_record(
        kind=EventKind.SIGNING_KEY_REGISTERED,
        actor=actor,
        subject=key,
        audience=key.audience,
        process=process,
        payload={
            "key": key.pk,
            "holder": actor.username,
            "public_key": to_base64(raw),
            "fingerprint": fingerprint,
            "origin": origin,
            "label": label,
        },
    )
    return key


@transaction.atomic
def signing_key_retire(*, actor: User, key: SigningKey) -> SigningKey:
    """Its holder retires a key (a lost device, a key no longer used): it signs nothing more, and the
    signatures it made stay valid. Retired for good."""
    if not may_see(actor, key):
        raise NotFound("signing key")
    require(actor, Permission.SIGNING_KEY_RETIRE, key)
    locked = SigningKey.objects.select_for_update(of=("self",)).select_related("process").get(pk=key.pk)
    if locked.retired_at is not None:
        raise Conflict(_("this key is already retired"))
    locked.retired_at = clock.now()
    locked.save(update_fields=["retired_at"])
    signed_publicly = locked.signatures.filter(agreement__audience=audience.PUBLIC).exists()
    event_record(
        kind=EventKind.SIGNING_KEY_RETIRED,
        actor=actor,
        subject=locked,
        audience=audience.PUBLIC if signed_publicly else locked.audience,
        process=locked.process,
        payload={"key": locked.pk, "holder": actor.username, "fingerprint": locked.fingerprint},
    )
    return locked
