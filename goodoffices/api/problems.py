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

from django.conf import settings
from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from goodoffices.lib.errors import Conflict, Forbidden, Invalid, NotFound, TooLarge, translated

PROBLEM_JSON = "application/problem+json"
# Each problem's ``type`` is the page that explains it (goodoffices/web/problems.py serves them).
PROBLEMS_PATH = "/problems/"
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


def problem_type(request: HttpRequest, status: int) -> str:
    """The address of the page explaining a problem of this status, or ``about:blank`` (RFC 9457:
    nothing beyond the status) for a status the platform does not explain."""
    if status not in TITLES:
        return "about:blank"
    path = PROBLEMS_PATH + TITLES[status].lower().replace(" ", "-") + "/"
    try:
        return request.build_absolute_uri(path)
    except (KeyError, DisallowedHost):
        # A request with no host of its own (refused before it was read): the site's address.
        return settings.SITE_URL.rstrip("/") + path


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
        "type": problem_type(request, status),
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


# OpenAPI: every operation documents the problems it may answer.

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem: `type` is the address of a page explaining it.",
    "type": "object",
    "properties": {
        "type": {"type": "string", "format": "uri", "description": "a page explaining the problem"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "what happened, naming the field or the state"},
        "instance": {"type": "string", "description": "the path asked"},
        "errors": {
            "type": "array",
            "description": "for an invalid request: every field and the rule it breaks",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                "required": ["field", "message"],
            },
        },
    },
    "required": ["type", "title", "status", "detail", "instance"],
}

WHEN = {
    400: "the body is not JSON, or not in a form the API takes",
    401: "no valid token and no signed-in session",
    403: "you may see the record but not do this to it",
    404: "nothing here that you may see (what you may not see answers as what does not exist)",
    405: "this address does not take this method",
    409: "the record's state no longer allows this (decided, published, changed since you read it)",
    413: "the body, or a text or file in it, is too large",
    422: "a field breaks a rule; `errors` names each",
    429: "too many attempts; wait as Retry-After says",
    500: "the server could not answer; nothing is revealed",
    503: "the database or the file store is unavailable; nothing was changed",
}


def _problems_of(method: str, operation: dict[str, Any]) -> list[int]:
    codes = [400, 404, 405, 422, 429, 500, 503]
    if operation.get("security"):
        codes.append(401)
    if method != "get":
        codes += [403, 409, 413]
    return sorted(codes)


def _problem_response(code: int, declared: str = "") -> dict[str, Any]:
    """A problem answer: described by its own page where the platform has one."""
    if code in TITLES:
        slug = TITLES[code].lower().replace(" ", "-")
        description = f"{TITLES[code]}: {WHEN[code]} (see {PROBLEMS_PATH}{slug}/)"
    else:
        description = declared or "Error"
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Add to every operation of ``schema`` the problems it may answer, as application/problem+json
    with the Problem schema and a link to each problem's page; its own answers stay as declared.

    An error an operation declares itself (with ninja's integer key) is described as what it is
    on the wire, a problem+json, under the code as text: one key per code, or the document would
    hold the same code twice and Swagger UI refuse it."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path in schema.get("paths", {}).values():
        for method, operation in path.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for key in list(responses):
                if not str(key).isdigit():
                    continue  # "default", "4XX": not a code
                declared = responses.pop(key)
                code = int(key)
                if code >= 400:
                    declared = _problem_response(code, declared.get("description", ""))
                responses[str(code)] = declared
            for code in _problems_of(method, operation):
                responses.setdefault(str(code), _problem_response(code))
    return schema


class ProblemsAPI(NinjaAPI):
    """The API whose OpenAPI schema documents every operation's problems."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_problems(schema)
        return schema
