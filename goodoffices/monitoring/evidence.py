"""Evidence files: checked by their content as caucus documents are, stored under a random name with
their SHA-256, served only through views that checked who may read them, and checked against that
SHA-256 again when served (the hash is in the ledger: a swapped file is refused, not served).

A refused upload leaves nothing on disk; a file stored for a write that then rolled back is removed
by the write itself, or by the worker's sweep after a crash (``orphan_evidence_sweep``).
"""

import base64
import hashlib
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse

from goodoffices.caucus import services as caucus
from goodoffices.lib.errors import FieldError, Invalid, NotFound, TooLarge

from .models import Evidence, evidence_storage

logger = logging.getLogger(__name__)

ROOT = "evidence"
MAX_FILES = 10
# Names asked about in one query (SQLite bounds the parameters of a statement).
CHUNK = 500


@dataclass(frozen=True)
class Checked:
    """An upload that passed the checks, not yet stored."""

    upload: UploadedFile
    name: str
    content_type: str
    size: int
    sha256: str

    def describe(self) -> dict[str, object]:
        """What an event records of it."""
        return {"name": self.name, "content_type": self.content_type, "size": self.size, "sha256": self.sha256}


def _renamed(exc: Invalid, field: str) -> Invalid:
    errors = [FieldError(field, error.message) for error in exc.errors]
    return TooLarge(errors) if isinstance(exc, TooLarge) else Invalid(errors)


def check_uploads(uploads: Sequence[UploadedFile], errors: list[FieldError]) -> list[Checked]:
    """Check every upload (its name, size and type by content, with the caucus's rules), adding what
    is wrong to ``errors`` as ``evidence[i]``. A file too large raises ``TooLarge`` at once (413)."""
    if len(uploads) > MAX_FILES:
        errors.append(FieldError("evidence", f"at most {MAX_FILES} files"))
        return []
    limit: int = settings.EVIDENCE_MAX_UPLOAD_BYTES
    checked: list[Checked] = []
    for i, upload in enumerate(uploads):
        field = f"evidence[{i}]"
        try:
            # The one content check of stored documents, shared with the caucus (goodoffices.caucus).
            name = caucus._check_name(upload.name or "")
            if upload.size is not None and upload.size > limit:
                raise caucus._too_large(limit)
            inspected = caucus._inspect(upload, limit)
            caucus._check_type(name, inspected.content_type)
        except TooLarge as exc:
            raise _renamed(exc, field) from None
        except Invalid as exc:
            errors.extend(_renamed(exc, field).errors)
            continue
        checked.append(Checked(upload, name, inspected.content_type, inspected.size, inspected.sha256))
    return checked


def store(files: Sequence[Checked], process_id: int) -> list[str]:
    """Write the files under random names; the caller removes them if its transaction fails."""
    storage = evidence_storage()
    stored: list[str] = []
    try:
        for item in files:
            stored.append(storage.save(f"{ROOT}/{process_id}/{uuid.uuid4().hex}", item.upload))
    except BaseException:
        discard(stored)
        raise
    return stored


def discard(names: Sequence[str]) -> None:
    storage = evidence_storage()
    for name in names:
        storage.delete(name)


def _digest(evidence: Evidence) -> str:
    hasher = hashlib.sha256()
    with evidence.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def evidence_response(evidence: Evidence) -> FileResponse:
    """The stored file as a download no browser renders in place, after checking that its content
    still has the SHA-256 recorded when it was filed. Call it only with evidence a selector gave."""
    try:
        intact = _digest(evidence) == evidence.sha256
    except FileNotFoundError:
        raise NotFound("evidence") from None
    if not intact:
        logger.error(
            "evidence #%s (%s) no longer has its recorded SHA-256; refusing to serve it",
            evidence.pk,
            evidence.file.name,
        )
        raise NotFound("evidence")
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise NotFound("evidence") from None
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(evidence.sha256)).decode()}:"
    return response


def _stored_files() -> list[str]:
    storage = evidence_storage()
    if not storage.exists(ROOT):
        return []
    names: list[str] = []
    processes, _ = storage.listdir(ROOT)
    for process in processes:
        _, files = storage.listdir(f"{ROOT}/{process}")
        names.extend(f"{ROOT}/{process}/{name}" for name in files)
    return names


def orphan_evidence_sweep(*, older_than: datetime) -> list[str]:
    """Delete stored evidence files last written before ``older_than`` that no row names (a write
    interrupted between storing its files and committing)."""
    storage = evidence_storage()
    candidates = [name for name in _stored_files() if storage.get_modified_time(name) < older_than]
    referenced: set[str] = set()
    for start in range(0, len(candidates), CHUNK):
        chunk = candidates[start : start + CHUNK]
        referenced.update(Evidence.objects.filter(file__in=chunk).values_list("file", flat=True))
    removed = []
    for name in candidates:
        if name not in referenced:
            storage.delete(name)
            logger.warning("removed %s: a stored evidence file that no row refers to (an interrupted write)", name)
            removed.append(name)
    return removed
