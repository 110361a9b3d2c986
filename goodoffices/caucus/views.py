"""The caucus page of one party: its thread with the mediators and its documents.

Works without JavaScript; with htmx, posting a message swaps the thread in place.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from goodoffices.accounts.models import signed_in
from goodoffices.processes import selectors as process_selectors
from goodoffices.processes.models import Party
from goodoffices.web.shortcuts import attempt, page_of, process_context, visible_or_404

from . import selectors, services
from .downloads import document_response
from .forms import DocumentForm, MessageForm


def _party(request: HttpRequest, process_id: int, party_id: int) -> Party:
    def read() -> Party:
        process = process_selectors.process_get(user=request.user, process_id=process_id)
        party = process_selectors.party_get(user=request.user, process=process, party_id=party_id)
        # Checked here too, so that a caucus one may not view is a 404 before any form is read.
        selectors.caucus_messages(user=request.user, party=party)
        return party

    return visible_or_404(read)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _thread(request: HttpRequest, party: Party) -> dict[str, Any]:
    """The latest messages, oldest of them first, with a link back to older ones."""
    page = page_of(
        request,
        selectors.caucus_messages(user=request.user, party=party),
        order=("-id",),
        scope=f"caucus-messages:{party.pk}",
        param="messages",
    )
    return {"thread": page.items[::-1], "thread_page": page}


def _page(
    request: HttpRequest,
    party: Party,
    *,
    message_form: MessageForm | None = None,
    document_form: DocumentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    documents = page_of(
        request,
        selectors.caucus_documents(user=request.user, party=party),
        order=("-id",),
        scope=f"caucus-documents:{party.pk}",
        param="documents",
    )
    context = {
        **process_context(request, party.process),
        "party": party,
        **_thread(request, party),
        "documents": documents.items,
        "document_page": documents,
        "message_form": message_form or MessageForm(),
        "document_form": document_form or DocumentForm(),
    }
    return render(request, "caucus/caucus.html", context, status=status)


@login_required
@require_GET
def caucus(request: HttpRequest, process_id: int, party_id: int) -> HttpResponse:
    return _page(request, _party(request, process_id, party_id))


@login_required
@require_POST
def caucus_message_post(request: HttpRequest, process_id: int, party_id: int) -> HttpResponse:
    party = _party(request, process_id, party_id)
    form = MessageForm(request.POST)
    if (
        form.is_valid()
        and attempt(
            request,
            lambda: services.caucus_message_post(actor=signed_in(request), party=party, body=form.cleaned_data["body"]),
            form=form,
        ).done
    ):
        if not _is_htmx(request):
            messages.success(request, _("Your message was posted in the caucus."))
            return redirect("caucus", process_id=party.process_id, party_id=party.pk)
        form = MessageForm()
    if _is_htmx(request):
        # htmx swaps only successful answers by default, so a refused message comes back as
        # 200 with its errors shown in the form it replaces.
        return render(request, "caucus/thread.html", {"party": party, **_thread(request, party), "message_form": form})
    return _page(request, party, message_form=form, status=422)


@login_required
@require_POST
def caucus_document_upload(request: HttpRequest, process_id: int, party_id: int) -> HttpResponse:
    party = _party(request, process_id, party_id)
    form = DocumentForm(request.POST, request.FILES)
    status = 422
    if form.is_valid():
        outcome = attempt(
            request,
            lambda: services.caucus_document_upload(
                actor=signed_in(request), party=party, upload=form.cleaned_data["file"]
            ),
            form=form,
        )
        if outcome.value is not None:
            name = outcome.value.original_name
            messages.success(request, _("%(name)s was stored in the caucus.") % {"name": name})
            return redirect("caucus", process_id=party.process_id, party_id=party.pk)
        status = outcome.status
    return _page(request, party, document_form=form, status=status)


@login_required
@require_GET
def caucus_document_download(request: HttpRequest, document_id: int) -> HttpResponseBase:
    return visible_or_404(
        lambda: document_response(selectors.caucus_document_get(user=request.user, document_id=document_id))
    )
