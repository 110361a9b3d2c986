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

from goodoffices.events.models import Event, EventKind
from goodoffices.lib.ledger import leaf_hash, parse_tile_path, verify_inclusion
from goodoffices.lib.ledger.errors import ProofError, TilePathError
from goodoffices.lib.ledger.note import MAX_NOTE_SIZE

from .checkpoints import SignedCheckpoint, signed_checkpoint
from .keys import LogKeyUnavailable, log_signer
from .log import BeyondTree, LogView, leaf_entry
from .models import Leaf, Witness
from .services import CosignatureRefused, cosignature_submit, opening_subject

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


def _opening(leaf: Leaf) -> Event | None:
    """The public event that opened this leaf, if any."""
    if leaf.event is not None:
        return Event.objects.filter(
            kind=EventKind.LEDGER_OPENED,
            subject_type=Event._meta.label_lower,
            subject_id=opening_subject(leaf.event),
        ).first()
    return Event.objects.filter(kind=EventKind.LEDGER_COVER_OPENED, subject_id=f"leaf:{leaf.index}").first()


@require_safe
def entry(request: HttpRequest, index: int) -> HttpResponse:
    view = LogView.current()
    leaf = Leaf.objects.select_related("event").filter(index=index).first() if index < view.size else None
    if leaf is None:
        raise Http404("no such entry")
    raw = leaf_entry(leaf)
    digest = leaf_hash(raw)
    proof = view.inclusion_proof(index)
    # The page shows a proof; make sure it is one before anyone relies on it.
    try:
        verify_inclusion(index, view.size, digest, proof, view.root)
    except ProofError:
        return _text(
            f"entry {index} has no valid inclusion proof: the stored tree does not match its events; "
            "the operator should run `goodoffices ledger audit`\n",
            status=503,
        )
    sealed = leaf.event is None or leaf.event.audience != "public"
    opening = _opening(leaf)
    opening_leaf = Leaf.objects.filter(event=opening, index__lt=view.size).first() if opening else None
    data = {
        "index": index,
        "sealed": sealed,
        "entry": raw.decode(),
        "leaf_hash": {"hex": digest.hex(), "base64": _b64(digest)},
        "tree_size": view.size,
        "root": {"hex": view.root.hex(), "base64": _b64(view.root)},
        "inclusion_proof": [{"hex": h.hex(), "base64": _b64(h)} for h in proof],
        # The leaf of the public event that opened this one (null until that event is integrated).
        "opened_by": opening_leaf.index if opening_leaf else None,
    }
    if request.GET.get("format") == "json":
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Cache-Control"] = NO_CACHE
        return response
    kind = None if sealed or leaf.event is None else leaf.event.kind_name
    # The page's words name the leaf's position ``seq`` (as its translations do).
    return render(request, "ledger/entry.html", {**data, "seq": index, "kind": kind})
