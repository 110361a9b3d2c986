"""Request bodies sent without a length (``Transfer-Encoding: chunked``), for Django.

Django reads ``wsgi.input`` only up to CONTENT_LENGTH, and takes a missing one as 0: a chunked
body, which has no length, reached every view as empty (a valid JSON body was refused with
"field required"). The WSGI server has already decoded the chunks; this middleware reads the
body to its end, up to the largest body the platform accepts, and hands it to Django with its
length, so that Django's own limits (DATA_UPLOAD_MAX_MEMORY_SIZE, the upload limit) apply as
for any other request. A body over that is refused with 413 before Django sees it.
"""

import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from wsgiref.util import application_uri

from django.conf import settings

from .problems import problem_path

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# A multipart upload carries its boundaries and part headers beside the file itself.
ENVELOPE_BYTES = 64 * 1024
READ_BYTES = 64 * 1024


def body_limit() -> int:
    """The largest request body the platform accepts: a form or JSON body, or an upload."""
    form_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return max(form_limit, settings.CAUCUS_MAX_UPLOAD_BYTES) + ENVELOPE_BYTES


def _unknown_length(environ: dict[str, Any]) -> bool:
    if environ.get("CONTENT_LENGTH"):
        return False
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    # wsgi.input_terminated: the server promises that reading to the end is safe (PEP 3333 extension).
    return chunked or bool(environ.get("wsgi.input_terminated"))


class ChunkedBodies:
    def __init__(self, application: WSGIApp) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not _unknown_length(environ):
            return self.application(environ, start_response)
        limit = body_limit()
        stream = environ["wsgi.input"]
        body = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115 - handed to Django, which reads it after this returns
        size = 0
        while size <= limit:
            chunk = stream.read(min(READ_BYTES, limit + 1 - size))
            if not chunk:
                break
            body.write(chunk)
            size += len(chunk)
        if size > limit:
            body.close()
            return _too_large(environ, start_response, limit)
        body.seek(0)
        environ["wsgi.input"] = body
        environ["CONTENT_LENGTH"] = str(size)
        try:
            return _Closing(self.application(environ, start_response), body)
        except BaseException:
            body.close()
            raise


class _Closing:
    """The application's answer, which also frees the buffered body once the server is done."""

    def __init__(self, answer: Iterable[bytes], body: Any) -> None:
        self.answer = answer
        self.body = body

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.answer)

    def close(self) -> None:
        try:
            close = getattr(self.answer, "close", None)
            if close is not None:
                close()
        finally:
            self.body.close()


def _too_large(environ: dict[str, Any], start_response: StartResponse, limit: int) -> Iterable[bytes]:
    problem = {
        "type": application_uri(environ).rstrip("/") + problem_path("content-too-large"),
        "title": "Content too large",
        "status": 413,
        "detail": f"the request body is larger than the server accepts ({limit} bytes)",
        "instance": environ.get("PATH_INFO", "/"),
    }
    content = json.dumps(problem).encode()
    start_response(
        "413 Content Too Large",
        [
            ("Content-Type", "application/problem+json"),
            ("Content-Length", str(len(content))),
            ("Connection", "close"),
        ],
    )
    return [content]
