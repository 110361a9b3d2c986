"""Django's handler500: a database or file store that fails answers 503, never 500.

It runs for any exception a view or middleware did not handle, with that exception current. A
database that cannot be reached or written (``OperationalError``) and a file store that refuses
(``OSError``) are the server's state, not a bug: the client may retry, so the answer is 503 with
Retry-After, as problem+json under /api/ and as a plain page elsewhere (rendered without the site's
templates, which would ask the failing database for the user). Nothing is written either way: the
request's transaction rolled back. The log keeps the traceback for the operator.
"""

import json
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

from .problems import problem_path

RETRY_AFTER_SECONDS = 30
UNAVAILABLE = (OperationalError, InterfaceError, OSError)


def server_error(request: HttpRequest) -> HttpResponse:
    if isinstance(sys.exc_info()[1], UNAVAILABLE):
        return unavailable(request)
    return defaults.server_error(request)


def unavailable(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = {
            "type": request.build_absolute_uri(problem_path("service-unavailable")),
            "title": "Service unavailable",
            "status": 503,
            "detail": "the database or the file store is unavailable right now; nothing was changed, try again later",
            "instance": request.path,
        }
        response = HttpResponse(json.dumps(body), status=503, content_type="application/problem+json")
    else:
        html = render_to_string("503.html", {"LANGUAGE_CODE": getattr(request, "LANGUAGE_CODE", "en")})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
