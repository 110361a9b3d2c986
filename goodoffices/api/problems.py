"""RFC 9457 problem details for every error the API answers.

``install`` maps every exception an API operation raises; ``ProblemsMiddleware`` rewrites what
no operation answered (an unknown route, a method not allowed, a request Django refused before
any operation ran, a lock-out, a server error), so that nothing under ``API_PREFIX`` answers an
error in any other form.
"""

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from goodoffices.lib.errors import Conflict, Forbidden, Invalid, NotFound, TooLarge, translated

PROBLEM_TYPE = "https://goodoffices.example/problems/"
PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/v1/"

TITLES = {
    400: "Bad request",
    401: "Unauthenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    422: "Invalid request",
    429: "Too many requests",
    500: "Server error",
    503: "Service unavailable",
}


def _title(status: int) -> str:
    if status in TITLES:
        return TITLES[status]
    try:
        return HTTPStatus(status).phrase.capitalize()
    except ValueError:
        return "Error"


def problem_body(
    request: HttpRequest, *, status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + title.lower().replace(" ", "-"),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    return body


def problem(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
) -> HttpResponse:
    body = problem_body(request, status=status, title=title, detail=detail, errors=errors)
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM_JSON
    return response


def _detail(request: HttpRequest, status: int, allow: str = "") -> str:
    if status == 404:
        return f"there is nothing at {request.path}"
    if status == 405:
        return f"{request.method} is not allowed here; allowed: {allow or 'none'}"
    if status == 413:
        return "the request body is larger than the server accepts"
    if status == 429:
        return "too many attempts; wait and try again"
    if status >= 500:
        return "the server could not answer this request; the error is logged"
    return "the request could not be read"


# Headers that describe the body being replaced; every other header (Allow, Retry-After,
# WWW-Authenticate, Vary, security headers) is kept.
_BODY_HEADERS = {"content-type", "content-length", "content-encoding", "content-disposition", "content-language"}


class ProblemsMiddleware:
    """Answer every error under ``API_PREFIX`` as problem+json, whoever produced it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not (request.path_info.rstrip("/") + "/").startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith(PROBLEM_JSON)
        ):
            return response
        status = response.status_code
        detail = _detail(request, status, response.get("Allow", ""))
        body = problem_body(request, status=status, title=_title(status), detail=detail)
        rewritten = HttpResponse(json.dumps(body), status=status, content_type=PROBLEM_JSON)
        for name, value in response.items():
            if name.lower() not in _BODY_HEADERS:
                rewritten[name] = value
        rewritten.cookies = response.cookies
        return rewritten


def _location(loc: list[Any] | tuple[Any, ...]) -> str:
    # ninja prefixes the location with where the value came from and the argument name.
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form"}:
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in {"payload", "data", "body"}:
            parts = parts[1:]
    # Items of a list are named as the services name them: ``slots[0].starts_at``.
    named = ""
    for part in parts:
        named += f"[{part}]" if part.isdigit() and named else (f".{part}" if named else part)
    return named or "body"


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"field": _location(e.get("loc", ())), "message": str(e.get("msg", "is invalid"))} for e in exc.errors
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "the request is invalid"
        return problem(api, request, status=422, title="Invalid request", detail=detail, errors=errors)

    @api.exception_handler(Invalid)
    def invalid(request: HttpRequest, exc: Invalid) -> HttpResponse:
        # In the reader's language (the messages of Django-free code are translated here).
        errors = [{"field": e.field, "message": translated(e.message, gettext)} for e in exc.errors]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        if isinstance(exc, TooLarge):
            return problem(api, request, status=413, title="Content too large", detail=detail, errors=errors)
        return problem(api, request, status=422, title="Invalid request", detail=detail, errors=errors)

    # Domain errors whose message is the detail.
    statuses: dict[type[Exception], int] = {NotFound: 404, Forbidden: 403, Conflict: 409}

    def domain_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        status = next(code for cls, code in statuses.items() if isinstance(exc, cls))
        return problem(api, request, status=status, title=_title(status), detail=str(exc))

    for cls in statuses:
        api.exception_handler(cls)(domain_error)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem(
            api, request, status=401, title="Unauthenticated", detail="sign in or send a valid bearer token"
        )
        response["WWW-Authenticate"] = 'Bearer realm="goodoffices"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # Also ninja's Throttled (429); ninja adds its Retry-After to this response.
        return problem(api, request, status=exc.status_code, title=_title(exc.status_code), detail=str(exc))

    # Refusals Django makes while an operation reads the request: no route, a body too large.
    early: dict[type[Exception], int] = {Http404: 404, RequestDataTooBig: 413}

    def refused_early(request: HttpRequest, exc: Exception) -> HttpResponse:
        status = next(code for cls, code in early.items() if isinstance(exc, cls))
        return problem(api, request, status=status, title=_title(status), detail=_detail(request, status))

    for cls in early:
        api.exception_handler(cls)(refused_early)
