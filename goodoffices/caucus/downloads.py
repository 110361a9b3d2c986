"""The one way a stored caucus document leaves the server, for the web and the API alike."""

import base64

from django.http import FileResponse

from goodoffices.lib.errors import NotFound

from .models import CaucusDocument


def document_response(document: CaucusDocument) -> FileResponse:
    """The stored file as a download that no browser renders or sniffs in place.

    Call it only with a document from ``selectors.caucus_document_get``, which checked policy.
    """
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        # A file lost from disk is the operator's problem, but must not become a 500 page.
        raise NotFound("document") from None
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(document.sha256)).decode()}:"
    return response
