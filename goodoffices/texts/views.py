"""The text pages: one view per page and one per action, each a thin call of one selector or service.

What a reader may do comes from the read model (``selectors.text_view``); a refused change comes back
to a page that shows the form as it was typed, with its errors (422, or 409 when the text moved on).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from goodoffices.accounts.models import signed_in
from goodoffices.policies import Permission, can
from goodoffices.processes import selectors as process_selectors
from goodoffices.processes.models import Party, Process
from goodoffices.web.shortcuts import attempt, process_context, record_id, visible_or_404

from . import selectors, services
from .forms import AmendmentForm, ChangeForm, CommentForm, CommitmentForm, DecisionForm, PositionForm, TextCreateForm
from .models import Amendment, Text

TEXTS_ON_PAGE = 100


def _process(request: HttpRequest, process_id: int) -> Process:
    return visible_or_404(lambda: process_selectors.process_get(user=request.user, process_id=process_id))


def _text(request: HttpRequest, text_id: int) -> Text:
    return visible_or_404(lambda: selectors.text_get(user=request.user, text_id=text_id))


def _back(text: Text, clause: str = "") -> HttpResponse:
    url = reverse("text", args=[text.pk])
    return redirect(f"{url}#clause-{clause}" if clause else url)


def _clause_choices(text: Text) -> list[tuple[str, str]]:
    version = selectors.version_get(text=text, number=text.version)
    return [
        (c.id, f"{c.number}. {c.heading}" if c.heading else c.number)
        for section in selectors.version_view(version=version).sections
        for c in section.clauses
    ]


def _party_choices(parties: tuple[Party, ...]) -> list[tuple[int, str]]:
    return [(p.pk, p.name) for p in parties]


def _form_page(
    request: HttpRequest, text: Text, form: forms.Form, *, title: str, action: str, status: int
) -> HttpResponse:
    """The form of a refused change, as typed, with its errors."""
    context = {**process_context(request, text.process), "text": text, "form": form, "title": title, "action": action}
    return render(request, "texts/form_page.html", context, status=status)


def _act(
    request: HttpRequest,
    text: Text,
    form: forms.Form,
    act: Callable[[], Any],
    *,
    done: str,
    title: str,
    action: str,
    clause: str = "",
) -> HttpResponse:
    """Run one change once its form is valid; back to the text when done, else the form with its errors."""
    status = 422
    if form.is_valid():
        outcome = attempt(request, act, form=form)
        if outcome.done:
            messages.success(request, done)
            return _back(text, clause)
        status = outcome.status
    return _form_page(request, text, form, title=title, action=action, status=status)


# --- pages ---------------------------------------------------------------------------------------


@login_required
@require_GET
def texts(request: HttpRequest, process_id: int) -> HttpResponse:
    process = _process(request, process_id)
    return render(
        request,
        "texts/list.html",
        {
            **process_context(request, process),
            "tab": "texts",
            "texts": selectors.text_list(user=request.user, process=process)[:TEXTS_ON_PAGE],
            "may_create": can(request.user, Permission.TEXT_CREATE, process),
        },
    )


@login_required
def text_create(request: HttpRequest, process_id: int) -> HttpResponse:
    process = _process(request, process_id)
    if not can(request.user, Permission.TEXT_CREATE, process):
        raise PermissionDenied
    form = TextCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            outcome = attempt(
                request,
                lambda: services.text_create(
                    actor=signed_in(request),
                    process=process,
                    title=form.cleaned_data["title"],
                    sections=form.sections(),
                    note=form.cleaned_data["note"],
                ),
                form=form,
            )
            if outcome.value is not None:
                messages.success(request, _("The text is open for negotiation."))
                return redirect("text", outcome.value.pk)
            status = outcome.status
    return render(
        request, "texts/create.html", {**process_context(request, process), "tab": "texts", "form": form}, status=status
    )


@dataclass(frozen=True)
class ClauseRow:
    """A clause with the forms its reader may use on it."""

    view: selectors.ClauseView
    position_form: PositionForm | None
    comment_form: CommentForm | None
    commitment_form: CommitmentForm | None


@login_required
@require_GET
def text_detail(request: HttpRequest, text_id: int) -> HttpResponse:
    text = _text(request, text_id)
    view = selectors.text_view(user=request.user, text=text)
    heads = {p.pk for p in view.positions_for}
    parties = _party_choices(view.parties)
    clauses = [(c.clause.id, c.clause.number) for s in view.sections for c in s.clauses]

    def row(clause: selectors.ClauseView) -> ClauseRow:
        cid = clause.clause.id
        own = [(a.amendment.pk, a.summary) for a in clause.amendments if a.amendment.party_id in heads]
        return ClauseRow(
            view=clause,
            position_form=(
                PositionForm(auto_id=f"position-{cid}-%s", amendments=own, parties=_party_choices(view.positions_for))
                if view.positions_for
                else None
            ),
            comment_form=(
                CommentForm(auto_id=f"comment-{cid}-%s", choices=list(view.comment_audiences))
                if view.may_comment
                else None
            ),
            commitment_form=CommitmentForm(auto_id=f"commitment-{cid}-%s", parties=parties) if view.may_tag else None,
        )

    sections = [(section, [row(c) for c in section.clauses]) for section in view.sections]
    return render(
        request,
        "texts/text.html",
        {
            **process_context(request, text.process),
            "tab": "texts",
            "text": text,
            "view": view,
            "sections": sections,
            "amendment_form": (
                AmendmentForm(clauses=clauses, parties=_party_choices(view.propose_for)) if view.propose_for else None
            ),
            "change_form": ChangeForm(auto_id="change-%s", clauses=clauses) if view.may_revise else None,
            "decision_form": DecisionForm(),
        },
    )


@login_required
@require_GET
def text_versions(request: HttpRequest, text_id: int) -> HttpResponse:
    text = _text(request, text_id)
    versions = list(selectors.version_list(text=text))
    return render(
        request,
        "texts/versions.html",
        {**process_context(request, text.process), "tab": "texts", "text": text, "versions": versions},
    )


@login_required
@require_GET
def text_version(request: HttpRequest, text_id: int, number: int) -> HttpResponse:
    text = _text(request, text_id)
    version = visible_or_404(lambda: selectors.version_get(text=text, number=number))
    return render(
        request,
        "texts/version.html",
        {
            **process_context(request, text.process),
            "tab": "texts",
            "text": text,
            "view": selectors.version_view(version=version),
        },
    )


@login_required
@require_GET
def text_redline(request: HttpRequest, text_id: int) -> HttpResponse:
    text = _text(request, text_id)
    new_number = record_id(request.GET.get("to", str(text.version)))
    old_number = record_id(request.GET.get("from", str(max(1, new_number - 1))))
    old = visible_or_404(lambda: selectors.version_get(text=text, number=old_number))
    new = visible_or_404(lambda: selectors.version_get(text=text, number=new_number))
    return render(
        request,
        "texts/redline.html",
        {
            **process_context(request, text.process),
            "tab": "texts",
            "text": text,
            "old": old,
            "new": new,
            "changes": selectors.text_redline(old=old, new=new),
            "numbers": range(1, text.version + 1),
        },
    )


# --- actions -------------------------------------------------------------------------------------


@login_required
@require_POST
def text_revise(request: HttpRequest, text_id: int) -> HttpResponse:
    text = _text(request, text_id)
    form = ChangeForm(request.POST, clauses=_clause_choices(text))
    return _act(
        request,
        text,
        form,
        lambda: services.text_revise(
            actor=signed_in(request), text=text, operations=[form.record()], note=form.cleaned_data["note"]
        ),
        done=_("The text is revised: a new version is made."),
        title=_("Revise the text"),
        action=reverse("text_revise", args=[text.pk]),
        clause=request.POST.get("clause", ""),
    )


def _party(text: Text, party_id: int | None) -> Party | None:
    return None if party_id is None else Party.objects.filter(process_id=text.process_id, pk=party_id).first()


@login_required
@require_POST
def amendment_propose(request: HttpRequest, text_id: int) -> HttpResponse:
    text = _text(request, text_id)
    parties = [(p.pk, p.name) for p in text.process.parties.all()]
    form = AmendmentForm(request.POST, clauses=_clause_choices(text), parties=parties)
    return _act(
        request,
        text,
        form,
        lambda: services.amendment_propose(
            actor=signed_in(request),
            text=text,
            operation=form.record(),
            note=form.cleaned_data["note"],
            party=_party(text, form.cleaned_data["party"]),
            audience_name=form.cleaned_data["audience"],
        ),
        done=_("Your amendment is proposed; the mediators will decide whether to take it into the text."),
        title=_("Propose an amendment"),
        action=reverse("amendment_propose", args=[text.pk]),
        clause=request.POST.get("clause", ""),
    )


@login_required
@require_POST
def amendment_decide(request: HttpRequest, amendment_id: int) -> HttpResponse:
    amendment: Amendment = visible_or_404(lambda: selectors.amendment_get(user=request.user, amendment_id=amendment_id))
    form = DecisionForm(request.POST)
    take_in = request.POST.get("take_in") == "1"
    return _act(
        request,
        amendment.text,
        form,
        lambda: services.amendment_decide(
            actor=signed_in(request),
            amendment=amendment,
            take_in=form.cleaned_data["take_in"],
            reason=form.cleaned_data["reason"],
        ),
        done=_("The amendment is taken into the text: a new version is made.")
        if take_in
        else _("The amendment is not taken in; the party sees your reason."),
        title=_("Decide on amendment #%(id)d") % {"id": amendment.pk},
        action=reverse("amendment_decide", args=[amendment.pk]),
        clause=amendment.clause,
    )


@login_required
@require_POST
def position_set(request: HttpRequest, text_id: int, clause: str) -> HttpResponse:
    text = _text(request, text_id)
    own = [
        (a.pk, f"#{a.pk}")
        for a in selectors.amendment_list(user=request.user, text=text).filter(clause=clause, status="open")
    ]
    parties = [(p.pk, p.name) for p in text.process.parties.all()]
    form = PositionForm(request.POST, amendments=own, parties=parties)

    def act() -> Any:
        amendment_id = form.cleaned_data["amendment"]
        amendment = (
            selectors.amendment_get(user=request.user, amendment_id=amendment_id) if amendment_id is not None else None
        )
        return services.position_set(
            actor=signed_in(request),
            text=text,
            clause=clause,
            stance=form.cleaned_data["stance"],
            note=form.cleaned_data["note"],
            party=_party(text, form.cleaned_data["party"]),
            audience_name=form.cleaned_data["audience"],
            amendment=amendment,
        )

    return _act(
        request,
        text,
        form,
        act,
        done=_("Your party's position is recorded."),
        title=_("Your party's position"),
        action=reverse("position_set", args=[text.pk, clause]),
        clause=clause,
    )


@login_required
@require_POST
def comment_add(request: HttpRequest, text_id: int, clause: str) -> HttpResponse:
    text = _text(request, text_id)
    form = CommentForm(request.POST)
    return _act(
        request,
        text,
        form,
        lambda: services.comment_add(
            actor=signed_in(request),
            text=text,
            clause=clause,
            body=form.cleaned_data["body"],
            audience_name=form.cleaned_data["audience"],
        ),
        done=_("Your comment is posted."),
        title=_("Comment on the clause"),
        action=reverse("comment_add", args=[text.pk, clause]),
        clause=clause,
    )


@login_required
@require_POST
def commitment_tag(request: HttpRequest, text_id: int, clause: str) -> HttpResponse:
    text = _text(request, text_id)
    form = CommitmentForm(request.POST, parties=[(p.pk, p.name) for p in text.process.parties.all()])

    def act() -> Any:
        obligor = text.process.parties.get(pk=form.cleaned_data["obligor"])
        return services.commitment_tag(
            actor=signed_in(request),
            text=text,
            clause=clause,
            obligor=obligor,
            action=form.cleaned_data["action"],
            category=form.cleaned_data["category"],
            deadline=form.cleaned_data["deadline"],
            schedule=form.cleaned_data["schedule"],
            verification=form.cleaned_data["verification"],
            monitors=form.monitor_names(),
        )

    return _act(
        request,
        text,
        form,
        act,
        done=_("The commitment is tagged on the clause."),
        title=_("Tag a commitment"),
        action=reverse("commitment_tag", args=[text.pk, clause]),
        clause=clause,
    )


@login_required
@require_POST
def commitment_untag(request: HttpRequest, text_id: int, commitment_id: int) -> HttpResponse:
    text = _text(request, text_id)
    commitment = visible_or_404(lambda: selectors.commitment_get(text=text, commitment_id=commitment_id))
    if attempt(request, lambda: services.commitment_untag(actor=signed_in(request), commitment=commitment)).done:
        messages.success(request, _("The commitment is removed from the clause."))
    return _back(text, commitment.clause)
