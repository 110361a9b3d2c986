"""A party's caucus with the mediators: messages and documents.

Anyone who may not view the caucus gets 404, exactly as for a caucus that does not exist.
"""

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import File, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from goodoffices.accounts.models import signed_in
from goodoffices.caucus import selectors, services
from goodoffices.caucus.downloads import document_response
from goodoffices.caucus.models import MAX_MESSAGE_LENGTH, CaucusDocument, CaucusMessage
from goodoffices.pagination import paginate
from goodoffices.processes import selectors as process_selectors
from goodoffices.processes.models import Party

from .schemas import Cursor, Input, Limit, Out, PageOut, lines_of_text

router = Router(tags=["caucus"])


class CaucusMessageIn(Input):
    # The limits are the service's, so that every interface gives the same message.
    body: Annotated[str, lines_of_text(MAX_MESSAGE_LENGTH)]


class CaucusMessageOut(Out):
    id: int
    party: int
    author: str
    body: str
    created_at: datetime


class CaucusMessageList(PageOut):
    items: list[CaucusMessageOut]


class CaucusDocumentOut(Out):
    id: int
    party: int
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime
    download: str


class CaucusDocumentList(PageOut):
    items: list[CaucusDocumentOut]


def _party(request: HttpRequest, process_id: int, party_id: int) -> Party:
    process = process_selectors.process_get(user=request.user, process_id=process_id)
    return process_selectors.party_get(user=request.user, process=process, party_id=party_id)


def _message(message: CaucusMessage) -> CaucusMessageOut:
    return CaucusMessageOut(
        id=message.pk,
        party=message.party_id,
        author=message.author.username,
        body=message.body,
        created_at=message.created_at,
    )


def _document(document: CaucusDocument) -> CaucusDocumentOut:
    return CaucusDocumentOut(
        id=document.pk,
        party=document.party_id,
        name=document.original_name,
        content_type=document.content_type,
        size=document.size,
        sha256=document.sha256,
        uploaded_by=document.uploaded_by.username,
        uploaded_at=document.uploaded_at,
        download=f"/api/v1/caucus/documents/{document.pk}",
    )


@router.get(
    "/processes/{process_id}/caucus/{party_id}/messages",
    response=CaucusMessageList,
    summary="Messages in a party's caucus (its delegation and the mediators)",
)
def caucus_message_list(
    request: HttpRequest, process_id: int, party_id: int, limit: Limit = None, cursor: Cursor = None
) -> CaucusMessageList:
    """Newest first; ``next`` pages back through older messages."""
    party = _party(request, process_id, party_id)
    page = paginate(
        selectors.caucus_messages(user=request.user, party=party),
        order=("-id",),
        scope=f"caucus-messages:{party.pk}",
        user=request.user,
        cursor=cursor,
        limit=limit,
    )
    return CaucusMessageList(items=[_message(m) for m in page.items], next=page.next, prev=page.prev)


@router.post(
    "/processes/{process_id}/caucus/{party_id}/messages",
    response={201: CaucusMessageOut},
    summary="Post a message in a party's caucus",
)
def caucus_message_post(
    request: HttpRequest, process_id: int, party_id: int, payload: CaucusMessageIn
) -> Status[CaucusMessageOut]:
    party = _party(request, process_id, party_id)
    message = services.caucus_message_post(actor=signed_in(request), party=party, body=payload.body)
    return Status(201, _message(message))


@router.get(
    "/processes/{process_id}/caucus/{party_id}/documents",
    response=CaucusDocumentList,
    summary="Documents in a party's caucus",
)
def caucus_document_list(
    request: HttpRequest, process_id: int, party_id: int, limit: Limit = None, cursor: Cursor = None
) -> CaucusDocumentList:
    party = _party(request, process_id, party_id)
    page = paginate(
        selectors.caucus_documents(user=request.user, party=party),
        order=("-id",),
        scope=f"caucus-documents:{party.pk}",
        user=request.user,
        cursor=cursor,
        limit=limit,
    )
    return CaucusDocumentList(items=[_document(d) for d in page.items], next=page.next, prev=page.prev)


@router.post(
    "/processes/{process_id}/caucus/{party_id}/documents",
    response={201: CaucusDocumentOut, 413: dict[str, object]},
    summary="Upload a document to a party's caucus (multipart, field 'file')",
    description="Accepted by content, not by name: PDF, PNG, JPEG, DOCX, ODT, XLSX and UTF-8 plain text. "
    "A file whose name claims another type than its content is refused as disguised (422); "
    "one over the size limit is refused with 413. A refused file is not stored.",
)
def caucus_document_upload(
    request: HttpRequest, process_id: int, party_id: int, file: File[UploadedFile]
) -> Status[CaucusDocumentOut]:
    party = _party(request, process_id, party_id)
    document = services.caucus_document_upload(actor=signed_in(request), party=party, upload=file)
    return Status(201, _document(document))


@router.get(
    "/caucus/documents/{document_id}",
    response={200: None},
    summary="Download a caucus document",
    description="Always as an attachment, with the stored SHA-256 in Repr-Digest (RFC 9530).",
)
def caucus_document_download(request: HttpRequest, document_id: int) -> HttpResponseBase:
    document = selectors.caucus_document_get(user=request.user, document_id=document_id)
    return document_response(document)
