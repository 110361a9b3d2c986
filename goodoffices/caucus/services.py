"""Writes to a caucus: messages and documents.

Each service checks policy, validates, writes and records its event in one transaction.
A refused upload leaves nothing behind: no row, no event and no file on disk.
"""

import codecs
import hashlib
import os
import uuid
from dataclasses import dataclass

import filetype  # type: ignore[import-untyped]
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goodoffices.accounts.models import User
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience, text
from goodoffices.lib.errors import FieldError, Invalid, TooLarge
from goodoffices.policies import Permission, require
from goodoffices.processes.models import Party

from .models import MAX_MESSAGE_LENGTH, CaucusDocument, CaucusMessage, caucus_storage

MAX_FILENAME = 255
# filetype decides from the first bytes; it never reads further than this.
SIGNATURE_BYTES = 8192


@dataclass(frozen=True)
class DocumentType:
    label: str | Promise
    extensions: frozenset[str]


TEXT = "text/plain"
ACCEPTED: dict[str, DocumentType] = {
    "application/pdf": DocumentType("PDF", frozenset({"pdf"})),
    "image/png": DocumentType("PNG", frozenset({"png"})),
    "image/jpeg": DocumentType("JPEG", frozenset({"jpg", "jpeg"})),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": DocumentType(
        "DOCX", frozenset({"docx"})
    ),
    "application/vnd.oasis.opendocument.text": DocumentType("ODT", frozenset({"odt"})),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": DocumentType("XLSX", frozenset({"xlsx"})),
    TEXT: DocumentType(gettext_lazy("plain text (UTF-8)"), frozenset({"txt", "text", "md", "csv"})),
}


class FileTooLarge(TooLarge):
    """An upload over CAUCUS_MAX_UPLOAD_BYTES; interfaces answer 413."""


@transaction.atomic
def caucus_message_post(*, actor: User, party: Party, body: str) -> CaucusMessage:
    require(actor, Permission.CAUCUS_POST, party, seen_with=Permission.CAUCUS_VIEW, what="caucus")
    body = text.multi_line(body, "body", MAX_MESSAGE_LENGTH)
    message = CaucusMessage.objects.create(process=party.process, party=party, author=actor, body=body)
    event_record(
        kind=EventKind.CAUCUS_MESSAGE_POSTED,
        actor=actor,
        subject=message,
        audience=audience.caucus(party.pk),
        process=party.process,
        payload={"party": party.pk, "body": body},
    )
    return message


@dataclass(frozen=True)
class _Inspected:
    size: int
    sha256: str
    content_type: str


def _inspect(upload: UploadedFile, limit: int) -> _Inspected:  # noqa: C901 - one pass over the upload: size, hash, text and type at once
    """Read the upload once: its size, its SHA-256 and its type as told by its content."""
    hasher = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    head = b""
    size = 0
    is_text = True
    upload.seek(0)
    for chunk in upload.chunks():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        hasher.update(chunk)
        if len(head) < SIGNATURE_BYTES:
            head += chunk[: SIGNATURE_BYTES - len(head)]
        if is_text and b"\x00" in chunk:
            is_text = False
        if is_text:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                is_text = False
    if is_text:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            is_text = False
    upload.seek(0)
    if size == 0:
        raise Invalid.one("file", _("the file is empty"))
    guessed = filetype.guess_mime(head)
    if guessed in ACCEPTED:
        content_type = guessed
    elif is_text:
        # Text wins over a signature that is not accepted: a note that happens to start with
        # "BM" or "ID3" is still a note, and real binaries always contain NUL or invalid UTF-8.
        content_type = TEXT
    else:
        content_type = guessed or ""
    return _Inspected(size=size, sha256=hasher.hexdigest(), content_type=content_type)


def _too_large(limit: int) -> FileTooLarge:
    return FileTooLarge(
        [FieldError("file", _("the file is larger than the limit of %(mb)s MB") % {"mb": f"{limit / 2**20:g}"})]
    )


def _accepted_list() -> str:
    return ", ".join(str(t.label) for t in ACCEPTED.values())


def _extension(name: str) -> str:
    base, dot, ext = name.rpartition(".")
    return ext.lower() if dot and base else ""


def _check_name(name: str) -> str:
    name = os.path.basename((name or "").replace("\\", "/")).strip()
    if not name:
        raise Invalid.one("file", _("the file has no name"))
    try:
        return text.single_line(name, "file", MAX_FILENAME)
    except Invalid as exc:
        raise Invalid.one("file", _("the file name %(problem)s") % {"problem": exc.errors[0].message}) from None


def _check_type(name: str, content_type: str) -> None:
    """Refuse what is not accepted by content, and a name that claims another type."""
    ext = _extension(name)
    claimed = next((t for t in ACCEPTED.values() if ext in t.extensions), None)
    detected = ACCEPTED.get(content_type)
    if detected is not None and (not ext or ext in detected.extensions):
        return
    if detected is not None:
        raise Invalid.one(
            "file",
            _("%(name)s is named as .%(ext)s but its content is %(detected)s: refused as a disguised file")
            % {"name": name, "ext": ext, "detected": detected.label},
        )
    what = content_type or _("of an unrecognised type")
    if claimed is not None:
        raise Invalid.one(
            "file",
            _("%(name)s is named as %(claimed)s but its content is %(what)s: refused as a disguised file")
            % {"name": name, "claimed": claimed.label, "what": what},
        )
    raise Invalid.one(
        "file",
        _("the content of %(name)s is %(what)s, which is not accepted; accepted are %(accepted)s")
        % {"name": name, "what": what, "accepted": _accepted_list()},
    )


def caucus_document_upload(*, actor: User, party: Party, upload: UploadedFile) -> CaucusDocument:
    """Store a document in ``party``'s caucus, after checking its size and its content type."""
    require(actor, Permission.CAUCUS_POST, party, seen_with=Permission.CAUCUS_VIEW, what="caucus")
    limit: int = settings.CAUCUS_MAX_UPLOAD_BYTES
    name = _check_name(upload.name or "")
    # The declared size is checked before reading a byte; the real one again while reading.
    if upload.size is not None and upload.size > limit:
        raise _too_large(limit)
    inspected = _inspect(upload, limit)
    _check_type(name, inspected.content_type)
    storage = caucus_storage()
    stored = storage.save(f"caucus/{party.pk}/{uuid.uuid4().hex}", upload)
    try:
        with transaction.atomic():
            document = CaucusDocument.objects.create(
                process=party.process,
                party=party,
                uploaded_by=actor,
                original_name=name,
                content_type=inspected.content_type,
                size=inspected.size,
                sha256=inspected.sha256,
                file=stored,
            )
            event_record(
                kind=EventKind.CAUCUS_DOCUMENT_UPLOADED,
                actor=actor,
                subject=document,
                audience=audience.caucus(party.pk),
                process=party.process,
                payload={
                    "party": party.pk,
                    "name": name,
                    "content_type": inspected.content_type,
                    "size": inspected.size,
                    "sha256": inspected.sha256,
                },
            )
    except BaseException:
        # The rows rolled back; the file must go too, or a failed upload would leave it on disk.
        storage.delete(stored)
        raise
    return document
