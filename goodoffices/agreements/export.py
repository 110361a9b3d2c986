"""An agreement's export: one zip holding all that is needed to check it without the platform.

- ``canonical.json``: the exact bytes every signature signs (``sha256`` in the manifest);
- ``agreement.html``, ``agreement.pdf``: the renderings made at adoption, with their digests;
- ``signatures/<n>.sig``: each signature's raw 64 bytes, and ``keys/<fingerprint>.pem`` its key
  (``openssl pkey -pubout`` form); ``verify.sh`` runs ``openssl pkeyutl -verify -rawin`` on each;
- ``proofs/<n>.json``: the inclusion proof of each signature's event in the transparency log
  (leaf index, tree size, root, the audit path, and the entry itself), against ``checkpoint``, the
  log's signed checkpoint of that tree; for an event the public cannot read, the entry is the sealed
  commitment and ``opening`` holds its salt and content, so that a reader may check the one opens the
  other. An event not yet integrated into the log (the next epoch takes it) has no proof yet;
- ``manifest.json`` lists all of it; ``README.txt`` says how to check it.
"""

import base64
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from goodoffices.events.entries import event_canonical, event_entry
from goodoffices.events.models import Event, EventKind
from goodoffices.ledger.checkpoints import signed_checkpoint
from goodoffices.ledger.keys import LogKeyUnavailable, log_signer
from goodoffices.ledger.log import LogView
from goodoffices.ledger.models import Leaf
from goodoffices.lib import audience
from goodoffices.lib.ledger import leaf_hash
from goodoffices.lib.signatures import openssl_verify_command, public_key_pem, to_base64

from .models import Agreement, Signature

# A fixed time for every member: the same agreement, signatures and log give the same archive.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Export:
    filename: str
    data: bytes


def _hashes(h: bytes) -> dict[str, str]:
    return {"hex": h.hex(), "base64": base64.b64encode(h).decode()}


def _proof(event: Event | None, view: LogView, leaf: Leaf | None) -> dict[str, Any] | None:
    if event is None or leaf is None or leaf.index >= view.size:
        return None
    entry = event_entry(event)
    proof: dict[str, Any] = {
        "event": event.public_id,
        "leaf_index": leaf.index,
        "tree_size": view.size,
        "root": _hashes(view.root),
        "leaf_hash": _hashes(leaf_hash(entry)),
        "inclusion_proof": [_hashes(h) for h in view.inclusion_proof(leaf.index)],
        "entry_base64": base64.b64encode(entry).decode(),
        "sealed": event.audience != audience.PUBLIC,
    }
    if event.audience != audience.PUBLIC:
        # The reader may see this event: they get what opens its sealed entry.
        proof["opening"] = {"salt": event.salt, "event": json.loads(event_canonical(event))}
    return proof


def _readme(agreement: Agreement, signatures: list[Signature], have_checkpoint: bool) -> str:
    lines = [
        agreement.title,
        "",
        f"SHA-256 of canonical.json (the bytes every signature signs): {agreement.sha256}",
        f"SHA-256 of agreement.html: {agreement.html_sha256}",
        f"SHA-256 of agreement.pdf: {agreement.pdf_sha256}",
        "",
        "Check the digests:  sha256sum canonical.json agreement.html agreement.pdf",
        "Check each signature with OpenSSL 3 alone (it prints 'Signature Verified Successfully'):",
        "",
    ]
    for number, signature in enumerate(signatures, start=1):
        who = signature.party.name if signature.party else f"witness ({signature.organisation or signature.signer})"
        lines.append(f"# {number}: {who}, signed by {signature.signer} at {signature.signed_at.isoformat()}")
        lines.append(
            openssl_verify_command(
                key_file=f"keys/{signature.key.fingerprint[:16]}.pem",
                message_file="canonical.json",
                signature_file=f"signatures/{number}.sig",
            )
        )
    lines += [
        "",
        "proofs/<n>.json is the inclusion proof of signature n's event in the platform's transparency log",
        "(RFC 9162: leaf hash SHA-256(0x00 || entry), audit path to 'root' at 'tree_size')"
        + (", and 'checkpoint' is the log's signed checkpoint of that tree" if have_checkpoint else "")
        + ".",
        "Check the checkpoint with the log's key, and the log itself with:",
        "  goodoffices ledger verify --log <site>/ledger --key <the log's key>",
        "",
    ]
    return "\n".join(lines)


def agreement_export(*, agreement: Agreement) -> Export:
    """The export archive of ``agreement`` (which its reader may see, with its signatures)."""
    full = Agreement.objects.get(pk=agreement.pk)
    signatures = list(
        Signature.objects.filter(agreement=full).select_related("key", "signer", "party").order_by("signed_at", "id")
    )
    events = {
        int(e.subject_id): e
        for e in Event.objects.filter(
            kind=EventKind.AGREEMENT_SIGNED,
            subject_type=Signature._meta.label_lower,
            subject_id__in=[str(s.pk) for s in signatures],
        )
    }
    leaves = {leaf.event_id: leaf for leaf in Leaf.objects.filter(event__in=list(events.values()))}
    view = LogView.current()
    checkpoint, log_key = b"", ""
    if view.size:
        try:
            checkpoint = signed_checkpoint(view).note
            log_key = log_signer().verifier.vkey
        except LogKeyUnavailable:
            checkpoint, log_key = b"", ""
    members: dict[str, bytes] = {
        "canonical.json": bytes(full.canonical),
        "agreement.html": bytes(full.html),
        "agreement.pdf": bytes(full.pdf),
    }
    listed = []
    script = [
        "#!/bin/sh",
        "# Checks every signature of this agreement with OpenSSL 3 alone.",
        "set -e",
        'cd "$(dirname "$0")"',
    ]
    for number, signature in enumerate(signatures, start=1):
        key_name = f"keys/{signature.key.fingerprint[:16]}.pem"
        members[f"signatures/{number}.sig"] = bytes(signature.signature)
        members[key_name] = public_key_pem(bytes(signature.key.public_key)).encode()
        event = events.get(signature.pk)
        proof = _proof(event, view, leaves.get(event.pk) if event else None)
        if proof is not None:
            members[f"proofs/{number}.json"] = json.dumps(proof, indent=2, ensure_ascii=False).encode()
        script.append(
            openssl_verify_command(
                key_file=key_name, message_file="canonical.json", signature_file=f"signatures/{number}.sig"
            )
        )
        listed.append(
            {
                "number": number,
                "party": signature.party_id,
                "party_name": signature.party.name if signature.party else None,
                "role": signature.role,
                "organisation": signature.organisation,
                "signer": str(signature.signer),
                "signed_at": signature.signed_at.isoformat(),
                "public_key": to_base64(bytes(signature.key.public_key)),
                "fingerprint": signature.key.fingerprint,
                "signature": to_base64(bytes(signature.signature)),
                "signature_file": f"signatures/{number}.sig",
                "key_file": key_name,
                "event": event.public_id if event else None,
                "proof_file": f"proofs/{number}.json" if proof is not None else None,
            }
        )
    if checkpoint:
        members["checkpoint"] = checkpoint
    manifest = {
        "format": "goodoffices-agreement-export/1",
        "agreement": full.pk,
        "title": full.title,
        "status": full.status,
        "audience": full.audience,
        "sha256": full.sha256,
        "html_sha256": full.html_sha256,
        "pdf_sha256": full.pdf_sha256,
        "adopted_on": full.adopted_on.isoformat(),
        "in_force_at": full.in_force_at.isoformat() if full.in_force_at else None,
        "signatures": listed,
        "log": {"origin": settings.LEDGER_ORIGIN, "key": log_key, "tree_size": view.size} if checkpoint else None,
    }
    members["manifest.json"] = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
    members["verify.sh"] = ("\n".join(script) + "\n").encode()
    members["README.txt"] = _readme(full, signatures, bool(checkpoint)).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o755 if name == "verify.sh" else 0o644) << 16
            archive.writestr(info, members[name])
    return Export(filename=f"agreement-{full.pk}-{full.sha256[:12]}.zip", data=buffer.getvalue())
