"""The problems the API answers (RFC 9457), each explained on a page of its own: a problem's
``type`` is the address of that page (``/problems/<slug>/``)."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ProblemType:
    status: int
    title: str  # as the API's ``title`` says it (English, like the rest of the problem)
    explanation: Promise
    remedy: Promise


PROBLEMS: dict[str, ProblemType] = {
    "bad-request": ProblemType(
        400,
        "Bad request",
        _("The request could not be read: its body is not JSON, or not in a form the API takes."),
        _("Send a JSON body (Content-Type: application/json) as the operation's schema describes it."),
    ),
    "unauthenticated": ProblemType(
        401,
        "Unauthenticated",
        _("The request names no one: it carries no valid token and no signed-in session."),
        _("Send Authorization: Bearer <token> (POST /api/v1/auth/token gives one), or sign in."),
    ),
    "forbidden": ProblemType(
        403,
        "Forbidden",
        _("You may see this record, but your role does not let you do this to it (a party's acts are its head's)."),
        _("Ask whoever holds the role: the detail says what is refused."),
    ),
    "not-found": ProblemType(
        404,
        "Not found",
        _(
            "There is nothing here that you may see. A record you may not see answers exactly as one that does "
            "not exist, so that no one learns of it by asking."
        ),
        _("Check the address and the id; if someone else can see the record, it is not shared with you."),
    ),
    "method-not-allowed": ProblemType(
        405,
        "Method not allowed",
        _("This address does not take this method."),
        _("The Allow header and the detail list the methods it takes."),
    ),
    "conflict": ProblemType(
        409,
        "Conflict",
        _(
            "The request is valid, but the record is no longer in a state that allows it: already decided, "
            "published, or changed since you read it (a consent is to the exact version you read)."
        ),
        _("Read the record again, then decide again on what it says now."),
    ),
    "content-too-large": ProblemType(
        413,
        "Content too large",
        _("The request body, or a text or file in it, is larger than the platform accepts."),
        _("The detail says the limit; send less."),
    ),
    "invalid-request": ProblemType(
        422,
        "Invalid request",
        _(
            "The request is well formed but breaks a rule: a field is missing or of the wrong type, or what it "
            "asks is not reasonable under the mandate (an agenda item outside its scope, a slot outside its term, "
            "a time a daylight-saving change skips). Nothing was changed."
        ),
        _("The errors list names every field and its rule, in the words the web form uses; correct them all."),
    ),
    "too-many-requests": ProblemType(
        429,
        "Too many requests",
        _("Too many attempts in a short time (failed sign-ins, say)."),
        _("Wait as long as Retry-After says, then try again."),
    ),
    "server-error": ProblemType(
        500,
        "Server error",
        _("The server could not answer this request. The error is logged for the operators; nothing is revealed."),
        _("Try again later; if it persists, tell the operators the time and the instance."),
    ),
    "service-unavailable": ProblemType(
        503,
        "Service unavailable",
        _("The database or the file store is unavailable right now. Nothing was changed."),
        _("Wait as long as Retry-After says, then try again."),
    ),
}

SLUG_OF_STATUS = {problem.status: slug for slug, problem in PROBLEMS.items()}


def problem_path(slug: str) -> str:
    """Where a problem type is explained (its ``type``, made absolute for the request)."""
    return f"/problems/{slug}/"
