"""The signed checkpoint as served: the log's signature, then the stored witness cosignatures."""

from dataclasses import dataclass

from django.conf import settings

from goodoffices.lib.ledger import Checkpoint, sign_checkpoint
from goodoffices.lib.ledger.note import Signature

from .keys import log_signer
from .log import LogView
from .models import Cosignature


@dataclass(frozen=True)
class SignedCheckpoint:
    checkpoint: Checkpoint
    note: bytes
    witnesses: tuple[str, ...]


def signed_checkpoint(view: LogView) -> SignedCheckpoint:
    """Sign the tree ``view`` shows (Ed25519 is deterministic, so nothing needs storing) and
    append every cosignature stored for exactly this size and root. Raises ``LogKeyUnavailable``."""
    signer = log_signer()
    checkpoint = view.checkpoint(settings.LEDGER_ORIGIN)
    cosignatures = (
        Cosignature.objects.filter(tree_size=checkpoint.size, witness__active=True)
        .select_related("witness")
        .order_by("witness__name", "witness__key_id")
    )
    lines = []
    names = []
    for cosignature in cosignatures:
        if bytes(cosignature.root) != checkpoint.root:
            continue
        witness = cosignature.witness
        lines.append(Signature(witness.name, witness.key_id, bytes(cosignature.signature)).line())
        names.append(witness.name)
    note = sign_checkpoint(checkpoint, [signer]) + "".join(lines).encode()
    return SignedCheckpoint(checkpoint, note, tuple(names))
