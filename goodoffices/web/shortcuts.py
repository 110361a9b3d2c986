"""What every web view shares: one mapping of domain errors to answers, one way to answer 403.

- ``NotFound`` (missing, or not yours to see) becomes a 404 page;
- ``Forbidden`` becomes the 403 page (``PermissionDenied``, rendered by ``forbidden``);
- ``Invalid`` becomes errors on the form's fields (422; 413 for ``TooLarge``), or messages when
  there is no form;
- ``Conflict`` (the state moved on) becomes an error above the form or a message (409).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from goodoffices.lib.errors import Conflict, Forbidden, Invalid, NotFound, TooLarge, translated
from goodoffices.pagination import Page, paginate
from goodoffices.policies import roles_for
from goodoffices.processes.models import Process

T = TypeVar("T")
M = TypeVar("M", bound=Model)

# Field names a service uses that a form calls otherwise.
FIELD_ALIASES = {"user": "username"}


def process_context(request: HttpRequest, process: Process) -> dict[str, object]:
    """What every page of a process shows: the process and the reader's roles in it."""
    return {"process": process, "roles": roles_for(request.user, process)}


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:  # noqa: ARG001 - handler403 is called with exception=
    """The one 403 answer (also Django's handler403)."""
    return render(request, "web/forbidden.html", status=403)


def visible_or_404(read: Callable[[], T]) -> T:
    """Run a selector; what is missing or not the reader's to see is a 404."""
    try:
        return read()
    except NotFound:
        raise Http404(_("Not found.")) from None


def page_of(
    request: HttpRequest, queryset: QuerySet[M], *, order: Sequence[str], scope: str, param: str = "cursor"
) -> Page[M]:
    """One page of a list for a web page; a bad cursor in the address is a 404, as any bad address."""
    try:
        return paginate(queryset, order=order, scope=scope, user=request.user, cursor=request.GET.get(param) or None)
    except Invalid:
        raise Http404(_("Not found.")) from None


def record_id(raw: str) -> int:
    """A record id from a query string: anything but a plain positive number is not found."""
    if not raw.isdigit() or len(raw) > 18:
        raise Http404(_("Not found."))
    return int(raw)


@dataclass(frozen=True)
class Attempt(Generic[T]):
    """The outcome of a service call from a view: its value when done, else the status to answer."""

    value: T | None
    status: int

    @property
    def done(self) -> bool:
        return self.status < 400


def _field(form: forms.Form, name: str) -> str | None:
    """The form field an error names; a form whose fields are not named as the service's
    (``slots[0].starts_at``) says which with ``field_for_error``."""
    field_for_error = getattr(form, "field_for_error", None)
    if field_for_error is not None:
        mapped: str | None = field_for_error(name)
        return mapped
    base = name.split("[", 1)[0]
    base = FIELD_ALIASES.get(base, base)
    return base if base in form.fields else None


def attempt(request: HttpRequest, action: Callable[[], T], *, form: forms.Form | None = None) -> Attempt[T]:
    """Run a service for a view and map its refusals (see the module docstring)."""
    try:
        return Attempt(action(), 200)
    except NotFound:
        raise Http404(_("Not found.")) from None
    except Forbidden:
        raise PermissionDenied from None
    except Invalid as exc:
        for error in exc.errors:
            message = translated(error.message, _)
            if form is not None:
                form.add_error(_field(form, error.field), message)
            else:
                messages.error(request, message)
        return Attempt(None, 413 if isinstance(exc, TooLarge) else 422)
    except Conflict as exc:
        if form is not None:
            form.add_error(None, str(exc))
        else:
            messages.error(request, str(exc))
        return Attempt(None, 409)
