"""The analytics pages: one view per page and one per action, each a thin call of a selector or service.

A party's page shows its own numbers and how a package scores for itself; the mediators' part of the
same page (the combined analysis) is rendered only for whoever the policy lets see it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from goodoffices.accounts.models import signed_in
from goodoffices.policies import Permission, can, roles_for
from goodoffices.processes import selectors as process_selectors
from goodoffices.processes.models import Process
from goodoffices.texts import selectors as text_selectors
from goodoffices.web.shortcuts import attempt, page_of, process_context, visible_or_404

from . import chart, selectors, services
from .forms import AnalysisForm, FromTextForm, PackageForm, PreferencesForm
from .models import Analysis

# The texts offered to draw an analysis from.
TEXTS_OFFERED = 100


def _process(request: HttpRequest, process_id: int) -> Process:
    return visible_or_404(lambda: process_selectors.process_get(user=request.user, process_id=process_id))


def _analysis(request: HttpRequest, analysis_id: int) -> Analysis:
    return visible_or_404(lambda: selectors.analysis_get(user=request.user, analysis_id=analysis_id))


def _text_choices(request: HttpRequest, process: Process) -> list[tuple[int, str]]:
    return [(t.pk, t.title) for t in text_selectors.text_list(user=request.user, process=process)[:TEXTS_OFFERED]]


def _list_page(
    request: HttpRequest,
    process: Process,
    *,
    form: AnalysisForm | None = None,
    text_form: FromTextForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_create = can(request.user, Permission.ANALYSIS_CREATE, process)
    texts = _text_choices(request, process) if may_create else []
    page = page_of(
        request,
        selectors.analysis_list(user=request.user, process=process),
        order=("-id",),
        scope=f"analyses:{process.pk}",
    )
    return render(
        request,
        "analytics/list.html",
        {
            **process_context(request, process),
            "tab": "analyses",
            "analyses": page.items,
            "page": page,
            "may_create": may_create,
            "form": form or (AnalysisForm() if may_create else None),
            "text_form": text_form or (FromTextForm(texts=texts) if may_create and texts else None),
        },
        status=status,
    )


@login_required
@require_GET
def analyses(request: HttpRequest, process_id: int) -> HttpResponse:
    return _list_page(request, _process(request, process_id))


@login_required
@require_POST
def analysis_create(request: HttpRequest, process_id: int) -> HttpResponse:
    process = _process(request, process_id)
    if not can(request.user, Permission.ANALYSIS_CREATE, process):
        raise PermissionDenied
    form = AnalysisForm(request.POST)
    status = 422
    if form.is_valid():
        outcome = attempt(
            request,
            lambda: services.analysis_create(
                actor=signed_in(request), process=process, title=form.cleaned_data["title"], issues=form.issue_list()
            ),
            form=form,
        )
        if outcome.value is not None:
            messages.success(request, _("The analysis is open: each party may now enter its preferences."))
            return redirect("analysis", outcome.value.pk)
        status = outcome.status
    return _list_page(request, process, form=form, status=status)


@login_required
@require_POST
def analysis_from_text(request: HttpRequest, process_id: int) -> HttpResponse:
    process = _process(request, process_id)
    if not can(request.user, Permission.ANALYSIS_CREATE, process):
        raise PermissionDenied
    form = FromTextForm(request.POST, texts=_text_choices(request, process))
    status = 422
    if form.is_valid():
        text_record = visible_or_404(
            lambda: text_selectors.text_get(user=request.user, text_id=int(form.cleaned_data["text"]))
        )
        outcome = attempt(
            request,
            lambda: services.analysis_create_from_text(actor=signed_in(request), text_record=text_record),
            form=form,
        )
        if outcome.value is not None:
            messages.success(request, _("The analysis is open: each party may now enter its preferences."))
            return redirect("analysis", outcome.value.pk)
        status = outcome.status
    return _list_page(request, process, text_form=form, status=status)


def _detail(
    request: HttpRequest, analysis: Analysis, *, forms: dict[int, PreferencesForm] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    roles = roles_for(user, analysis.process)
    # Only a delegation member has numbers of its own: the mediators' page reads no party here.
    parties = list(analysis.process.parties.order_by("id")) if roles.parties else []
    own = []
    pick = PackageForm(request.GET or None, analysis=analysis)
    package = pick.package() if pick.is_bound and pick.is_valid() else list(analysis.baseline)
    for party in parties:
        if party.pk not in roles.parties or not can(user, Permission.PREFERENCES_VIEW, party):
            continue
        preference = selectors.preference_get(user=user, analysis=analysis, party=party)
        form = (forms or {}).get(party.pk) or PreferencesForm(
            analysis=analysis, preference=preference, auto_id=f"pref-{party.pk}-%s"
        )
        own.append(
            {
                "party": party,
                "preference": preference,
                "form": form if can(user, Permission.PREFERENCES_SET, party) else None,
                "score": selectors.package_score(user=user, analysis=analysis, party=party, package=package),
            }
        )
    combined = None
    figure = None
    if can(user, Permission.ANALYSIS_COMBINED_VIEW, analysis):
        combined = selectors.analysis_combined(user=user, analysis=analysis)
        if combined.ready and len(combined.parties) >= 2:
            marks = [(combined.baseline_utilities, _("the text's package"), "baseline")]
            marks += [(s.utilities, s.label, s.key) for s in combined.suggestions if s.package is not None]
            figure = chart.build(
                [u for u, _p in combined.frontier], marks, combined.parties[0].name, combined.parties[1].name
            )
    rows = []
    if combined is not None and combined.ready:
        for s in combined.suggestions:
            picked = (
                [(str(analysis.issues[j]["name"]), combined.names[j][k], j, k) for j, k in enumerate(s.package)]
                if s.package is not None
                else []
            )
            rows.append(
                {"s": s, "picked": picked, "cells": list(zip(combined.parties, s.utilities, s.gains, strict=False))}
            )
    may_propose = (
        combined is not None and analysis.text is not None and can(user, Permission.TEXT_REVISE, analysis.text)
    )
    return render(
        request,
        "analytics/analysis.html",
        {
            **process_context(request, analysis.process),
            "tab": "analyses",
            "analysis": analysis,
            "issues": [
                (issue["name"], issue["options"], issue["options"][k])
                for issue, k in zip(analysis.issues, analysis.baseline, strict=True)
            ],
            "own": own,
            "pick": pick,
            "combined": combined,
            "chart": figure,
            "rows": rows,
            "frontier_rows": (
                [(list(u), [combined.names[j][k] for j, k in enumerate(p)]) for u, p in combined.frontier]
                if combined is not None and combined.ready
                else []
            ),
            "may_propose": may_propose,
        },
        status=status,
    )


@login_required
@require_GET
def analysis(request: HttpRequest, analysis_id: int) -> HttpResponse:
    return _detail(request, _analysis(request, analysis_id))


@login_required
@require_POST
def preferences_set(request: HttpRequest, analysis_id: int, party_id: int) -> HttpResponse:
    record = _analysis(request, analysis_id)
    party = visible_or_404(
        lambda: process_selectors.party_get(user=request.user, process=record.process, party_id=party_id)
    )
    if not can(request.user, Permission.PREFERENCES_VIEW, party):
        raise _not_found()
    if not can(request.user, Permission.PREFERENCES_SET, party):
        raise PermissionDenied
    preference = selectors.preference_get(user=request.user, analysis=record, party=party)
    form = PreferencesForm(request.POST, analysis=record, preference=preference, auto_id=f"pref-{party.pk}-%s")
    status = 422
    if form.is_valid():
        outcome = attempt(
            request,
            lambda: services.preferences_set(
                actor=signed_in(request), analysis=record, party=party, weights=form.weights(), values=form.values()
            ),
            form=form,
        )
        if outcome.done:
            messages.success(request, _("Your preferences are saved. Only your delegation and the mediators see them."))
            return redirect("analysis", record.pk)
        status = outcome.status
    return _detail(request, record, forms={party.pk: form}, status=status)


def _not_found() -> Http404:
    """What the reader may not see is not there."""
    return Http404(_("Not found."))


@login_required
@require_POST
def analysis_to_text(request: HttpRequest, analysis_id: int) -> HttpResponse:
    record = _analysis(request, analysis_id)
    if not can(request.user, Permission.ANALYSIS_COMBINED_VIEW, record):
        raise _not_found()
    if record.text is None or not can(request.user, Permission.TEXT_REVISE, record.text):
        raise PermissionDenied
    form = PackageForm(request.POST, analysis=record)
    labels = {
        "nash": _("Nash"),
        "kalai_smorodinsky": _("Kalai-Smorodinsky"),
        "max_joint": _("max joint gain"),
        "maximin": _("maximin"),
    }
    label = labels.get(request.POST.get("method", ""), _("chosen"))
    if not form.is_valid():
        messages.error(request, _("Name one option of every issue."))
        return _detail(request, record, status=422)
    outcome = attempt(
        request,
        lambda: services.analysis_package_to_text(
            actor=signed_in(request), analysis=record, package=form.package(), label=label
        ),
    )
    if outcome.value is not None:
        messages.success(
            request,
            _("The package is in the text as the mediators' proposal (version %(n)d).") % {"n": outcome.value.number},
        )
        return redirect("text", record.text.pk)
    return _detail(request, record, status=outcome.status)
