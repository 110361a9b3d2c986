"""The one way an agreement's bytes leave the server, for the web and the API alike: the canonical
JSON, the HTML page and the PDF made at adoption, and the export zip. Each answer carries its
SHA-256 in ``Repr-Digest`` (RFC 9530). Call these only with an agreement a selector gave the reader."""

import base64

from django.http import HttpResponse

from goodoffices.lib.agreement_doc import sha256_hex

from .export import agreement_export
from .models import Agreement


def repr_digest(sha256: str) -> str:
    return f"sha-256=:{base64.b64encode(bytes.fromhex(sha256)).decode()}:"


def _answer(
    data: bytes, sha256: str, content_type: str, filename: str, *, attachment: bool, public: bool
) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Repr-Digest"] = repr_digest(sha256)
    response["X-Content-Type-Options"] = "nosniff"
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # A plenary agreement is never kept by a shared cache.
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response


def canonical_response(agreement: Agreement) -> HttpResponse:
    """Exactly the bytes every signature signs."""
    return _answer(
        bytes(agreement.canonical),
        agreement.sha256,
        "application/json",
        f"agreement-{agreement.pk}.json",
        attachment=False,
        public=agreement.audience == "public",
    )


def html_response(agreement: Agreement, data: bytes) -> HttpResponse:
    """The standalone HTML page made at adoption, as a download (a page of its own, outside the site)."""
    return _answer(
        data,
        agreement.html_sha256,
        "text/html; charset=utf-8",
        f"agreement-{agreement.pk}.html",
        attachment=True,
        public=agreement.audience == "public",
    )


def pdf_response(agreement: Agreement, data: bytes) -> HttpResponse:
    return _answer(
        data,
        agreement.pdf_sha256,
        "application/pdf",
        f"agreement-{agreement.pk}.pdf",
        attachment=False,
        public=agreement.audience == "public",
    )


def export_response(agreement: Agreement) -> HttpResponse:
    export = agreement_export(agreement=agreement)
    return _answer(
        export.data, sha256_hex(export.data), "application/zip", export.filename, attachment=True, public=False
    )
