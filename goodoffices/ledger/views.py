"""The log's public HTTP interface (C2SP tlog-tiles, tlog-checkpoint) and its page.

Plain Django views: these paths are a byte-exact contract read by independent
clients, so nothing here goes through the JSON API's schemas or error format.
"""

import base64
import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from goodoffices.events.entries import event_entry
from goodoffices.events.models import Event, EventKind
from goodoffices.lib.ledger import leaf_hash, parse_tile_path, verify_inclusion
from goodoffices.lib.ledger.errors import ProofError, TilePathError
from goodoffices.lib.ledger.note import MAX_NOTE_SIZE

from .checkpoints import SignedCheckpoint, signed_checkpoint
from .keys import LogKeyUnavailable, log_signer
from .log import BeyondTree, LogView
from .models import Witness
from .services import CosignatureRefused, cosignature_submit

TEXT = "text/plain; charset=utf-8"
BINARY = "application/octet-stream"
IMMUTABLE = "public, max-age=31536000, immutable"
# Partial tiles stop being served by some logs once the full tile exists; keep them briefly.
SHORT = "public, max-age=60"
NO_CACHE = "no-cache"

logger = logging.getLogger(__name__)


def _unavailable(exc: LogKeyUnavailable) -> str:
    """Log the operator's reason (it may name the key file) and return the public one (it does not)."""
    logger.error("ledger: %s", exc)
    return exc.public


def _text(body: str, status: int = 200, cache: str = NO_CACHE) -> HttpResponse:
    response = HttpResponse(body.encode(), content_type=TEXT, status=status)
    response["Cache-Control"] = cache
    return response


@require_safe
def checkpoint(request: HttpRequest) -> HttpResponse:
    try:
        signed = signed_checkpoint(LogView.current())
    except LogKeyUnavailable as exc:
        return _text(f"checkpoint unavailable: {_unavailable(exc)}\n", status=503)
    response = HttpResponse(signed.note, content_type=TEXT)
    response["Cache-Control"] = NO_CACHE
    return response


@require_safe
def key(request: HttpRequest) -> HttpResponse:
    try:
        vkey = log_signer().verifier.vkey
    except LogKeyUnavailable as exc:
        return _text(f"key unavailable: {_unavailable(exc)}\n", status=503)
    return _text(vkey + "\n", cache="public, max-age=3600")


@require_safe
def tile(request: HttpRequest, path: str) -> HttpResponse:
    try:
        requested = parse_tile_path("tile/" + path)
    except TilePathError as exc:
        return _text(f"malformed tile path: {exc}\n", status=400)
    view = LogView.current()
    try:
        data = view.bundle(requested) if requested.entries else view.tile(requested)
    except BeyondTree:
        return _text(f"{requested.path} is beyond the tree of size {view.size}\n", status=404)
    response = HttpResponse(data, content_type=BINARY)
    response["Cache-Control"] = SHORT if requested.partial else IMMUTABLE
    return response


@csrf_exempt
@require_POST
def cosignature(request: HttpRequest) -> HttpResponse:
    """A witness posts the checkpoint note carrying its cosignature line."""
    if len(request.body) > MAX_NOTE_SIZE:
        return _text("checkpoint note is too large\n", status=413)
    try:
        log = log_signer().verifier
    except LogKeyUnavailable as exc:
        return _text(f"cannot check cosignatures: {_unavailable(exc)}\n", status=503)
    try:
        receipt = cosignature_submit(note=request.body, log=log)
    except CosignatureRefused as exc:
        return _text(f"{exc}\n", status=exc.status)
    names = ", ".join(receipt.witnesses)
    return _text(f"stored the cosignature of {names} for tree size {receipt.checkpoint.size}\n")


def _b64(h: bytes) -> str:
    return base64.b64encode(h).decode()


def _signed_or_none(view: LogView) -> tuple[SignedCheckpoint | None, str]:
    try:
        return signed_checkpoint(view), ""
    except LogKeyUnavailable as exc:
        return None, _unavailable(exc)


@require_safe
def page(request: HttpRequest) -> HttpResponse:
    view = LogView.current()
    signed, problem = _signed_or_none(view)
    witnesses = list(Witness.objects.filter(active=True))
    cosigned = set(signed.witnesses) if signed else set()
    vkey = log_signer().verifier.vkey if signed else ""  # signed: the key is known to load
    base = request.build_absolute_uri("/ledger/").rstrip("/")
    context: dict[str, Any] = {
        "size": view.size,
        "root_b64": _b64(view.root),
        "root_hex": view.root.hex(),
        "note": signed.note.decode() if signed else "",
        "problem": problem,
        "witnesses": [{"name": w.name, "vkey": w.vkey, "cosigned": w.name in cosigned} for w in witnesses],
        "vkey": vkey,
        "log_url": base,
        "witness_flags": " ".join(f"--witness {w.vkey}" for w in witnesses),
    }
    return render(request, "ledger/index.html", context)


@require_safe
def entry(request: HttpRequest, seq: int) -> HttpResponse:
    view = LogView.current()
    if seq >= view.size:
        raise Http404("no such entry")
    event = Event.objects.get(seq=seq)
    raw = event_entry(event)
    leaf = leaf_hash(raw)
    proof = view.inclusion_proof(seq)
    # The page shows a proof; make sure it is one before anyone relies on it.
    try:
        verify_inclusion(seq, view.size, leaf, proof, view.root)
    except ProofError:
        return _text(
            f"entry {seq} has no valid inclusion proof: the stored tree does not match its events; "
            "the operator should run `goodoffices ledger audit`\n",
            status=503,
        )
    sealed = event.audience != "public"
    opening = Event.objects.filter(
        kind=EventKind.LEDGER_OPENED, subject_type=Event._meta.label_lower, subject_id=str(event.pk)
    ).first()
    data = {
        "seq": seq,
        "sealed": sealed,
        "entry": raw.decode(),
        "leaf_hash": {"hex": leaf.hex(), "base64": _b64(leaf)},
        "tree_size": view.size,
        "root": {"hex": view.root.hex(), "base64": _b64(view.root)},
        "inclusion_proof": [{"hex": h.hex(), "base64": _b64(h)} for h in proof],
        "opened_by": opening.seq if opening else None,
    }
    if request.GET.get("format") == "json":
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Cache-Control"] = NO_CACHE
        return response
    return render(request, "ledger/entry.html", {**data, "kind": None if sealed else event.kind})
