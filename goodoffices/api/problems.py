"""RFC 9457 problem details for every error the API answers."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from goodoffices.lib.errors import Conflict, Forbidden, Invalid, NotFound, TooLarge

PROBLEM_TYPE = "https://goodoffices.example/problems/"


def problem(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + title.lower().replace(" ", "-"),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


def _location(loc: list[Any] | tuple[Any, ...]) -> str:
    # ninja prefixes the location with where the value came from and the argument name.
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form"}:
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in {"payload", "data", "body"}:
            parts = parts[1:]
    return ".".join(parts) or "body"


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
        errors = [{"field": e.field, "message": e.message} for e in exc.errors]
        if isinstance(exc, TooLarge):
            return problem(api, request, status=413, title="Content too large", detail=str(exc), errors=errors)
        return problem(api, request, status=422, title="Invalid request", detail=str(exc), errors=errors)

    @api.exception_handler(NotFound)
    def not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
        return problem(api, request, status=404, title="Not found", detail=str(exc))

    @api.exception_handler(Forbidden)
    def forbidden(request: HttpRequest, exc: Forbidden) -> HttpResponse:
        return problem(api, request, status=403, title="Forbidden", detail=str(exc))

    @api.exception_handler(Conflict)
    def conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
        return problem(api, request, status=409, title="Conflict", detail=str(exc))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem(
            api, request, status=401, title="Unauthenticated", detail="sign in or send a valid bearer token"
        )
        response["WWW-Authenticate"] = 'Bearer realm="goodoffices"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        titles = {
            400: "Bad request",
            403: "Forbidden",
            401: "Unauthenticated",
            404: "Not found",
            405: "Method not allowed",
            429: "Too many requests",
        }
        return problem(
            api, request, status=exc.status_code, title=titles.get(exc.status_code, "Error"), detail=str(exc)
        )
