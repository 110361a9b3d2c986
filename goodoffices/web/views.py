import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from goodoffices.accounts.models import signed_in
from goodoffices.accounts.selectors import user_by_username
from goodoffices.ledger.keys import LogKeyUnavailable, log_signer
from goodoffices.meetings import selectors as meeting_selectors
from goodoffices.policies import Permission, can, roles_in
from goodoffices.processes import selectors, services
from goodoffices.processes.models import Appointment, DelegationMembership, DelegationRole, Process

from .activity import activity_items, recent_activity, with_subjects
from .forms import AmendmentForm, AppointmentForm, MemberForm
from .problems import PROBLEMS
from .shortcuts import attempt, page_of, process_context, visible_or_404

logger = logging.getLogger(__name__)


def healthz(request: HttpRequest) -> HttpResponse:
    """A status per component. 503 only when the database fails (nothing works without it); a
    ledger that cannot sign checkpoints is ``degraded``: everything else still works, and the
    checkpoints resume once the operator restores the key."""
    components = {"database": "ok", "ledger": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not healthy"
        logger.exception("healthz: the database does not answer")
        components["database"] = "unavailable"
    try:
        log_signer().sign(b"healthz")
    except LogKeyUnavailable as exc:
        logger.error("healthz: %s", exc)
        components["ledger"] = "degraded"
    if components["database"] != "ok":
        status, code = "unavailable", 503
    else:
        status, code = ("ok" if components["ledger"] == "ok" else "degraded"), 200
    response = JsonResponse({"status": status, "components": components}, status=code)
    response["Cache-Control"] = "no-store"
    return response


def _process(request: HttpRequest, process_id: int, *, with_people: bool = False) -> Process:
    return visible_or_404(
        lambda: selectors.process_get(user=request.user, process_id=process_id, with_people=with_people)
    )


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return redirect("login")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """What awaits the reader in each process first, then its upcoming meetings (its time and the
    venue's), then its processes and their recent activity."""
    processes = list(selectors.process_list(user=request.user))
    roles = roles_in(request.user, processes)
    awaiting = meeting_selectors.awaiting_me(user=request.user, processes=processes)
    rows = [{"process": p, "roles": roles[p.pk], "awaiting": awaiting.get(p.pk, [])} for p in processes]
    return render(
        request,
        "web/dashboard.html",
        {
            "rows": rows,
            "needs_me": any(row["awaiting"] for row in rows),
            "upcoming": meeting_selectors.upcoming_meetings(user=request.user, processes=processes),
            "recent": recent_activity(request.user, processes),
        },
    )


@login_required
def process_detail(request: HttpRequest, process_id: int) -> HttpResponse:
    process = _process(request, process_id, with_people=True)
    events = list(with_subjects(selectors.event_list(user=request.user, process=process))[:10])
    return render(
        request,
        "web/process.html",
        {**process_context(request, process), "events": events, "items": activity_items(events, process)},
    )


@login_required
def mandate_detail(request: HttpRequest, process_id: int) -> HttpResponse:
    process = _process(request, process_id, with_people=True)
    versions = process.mandate.versions.order_by("-number")
    return render(
        request,
        "web/mandate.html",
        {
            **process_context(request, process),
            "version": process.mandate_version,
            "versions": versions,
            "may_amend_mandate": can(request.user, Permission.MANDATE_AMEND, process.mandate),
        },
    )


@login_required
def activity(request: HttpRequest, process_id: int) -> HttpResponse:
    process = _process(request, process_id)
    page = page_of(
        request,
        with_subjects(selectors.event_list(user=request.user, process=process)),
        order=("-seq",),
        scope=f"events:{process.pk}",
    )
    return render(
        request,
        "web/activity.html",
        {
            **process_context(request, process),
            "events": page.items,
            "items": activity_items(page.items, process),
            "page": page,
        },
    )


@login_required
def delegation(request: HttpRequest, process_id: int, party_id: int) -> HttpResponse:
    process = _process(request, process_id)
    party = visible_or_404(lambda: selectors.party_get(user=request.user, process=process, party_id=party_id))
    may_manage = can(request.user, Permission.DELEGATION_MANAGE, party)
    form = MemberForm(request.POST or None, may_name_head=can(request.user, Permission.DELEGATION_HEAD_MANAGE, party))
    status = 200
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        status = 422
        if form.is_valid():
            actor, username, role = signed_in(request), form.cleaned_data["username"], form.cleaned_data["role"]
            outcome = attempt(
                request,
                lambda: services.delegation_member_add_by_username(
                    actor=actor, party=party, username=username, role=role
                ),
                form=form,
            )
            if outcome.value is not None:
                messages.success(request, _("%(user)s joined the delegation.") % {"user": outcome.value.user})
                return redirect("delegation", process_id=process.pk, party_id=party.pk)
            status = outcome.status
    members = list(party.memberships.select_related("user").order_by("role", "user__username"))
    may_manage_head = can(request.user, Permission.DELEGATION_HEAD_MANAGE, party)
    removable = {m.pk for m in members if may_manage and (m.role != DelegationRole.HEAD or may_manage_head)}
    return render(
        request,
        "web/delegation.html",
        {
            **process_context(request, process),
            "party": party,
            "members": members,
            "form": form,
            "may_manage": may_manage,
            "removable": removable,
        },
        status=status,
    )


@login_required
@require_POST
def delegation_remove(request: HttpRequest, process_id: int, party_id: int, membership_id: int) -> HttpResponse:
    process = _process(request, process_id)
    membership = (
        DelegationMembership.objects.filter(pk=membership_id, party_id=party_id, party__process=process)
        .select_related("party__process", "user")
        .first()
    )
    if membership is None:
        raise Http404(_("No such member."))
    if attempt(
        request, lambda: services.delegation_member_remove(actor=signed_in(request), membership=membership)
    ).done:
        messages.success(request, _("%(user)s left the delegation.") % {"user": membership.user})
    return redirect("delegation", process_id=process.pk, party_id=party_id)


@login_required
def appointments(request: HttpRequest, process_id: int) -> HttpResponse:
    """Operators appoint mediators, admit observers and name monitors."""
    process = _process(request, process_id, with_people=True)
    if not can(request.user, Permission.APPOINTMENT_MANAGE, process):
        raise PermissionDenied
    form = AppointmentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            outcome = attempt(
                request,
                lambda: services.appointment_make(
                    actor=signed_in(request),
                    process=process,
                    user=user_by_username(data["username"]),
                    role=data["role"],
                    organisation=data["organisation"],
                ),
                form=form,
            )
            if outcome.done:
                messages.success(request, _("The appointment is made."))
                return redirect("appointments", process_id=process.pk)
            status = outcome.status
    return render(request, "web/appointments.html", {**process_context(request, process), "form": form}, status=status)


@login_required
@require_POST
def appointment_end(request: HttpRequest, process_id: int, appointment_id: int) -> HttpResponse:
    process = _process(request, process_id)
    appointment = Appointment.objects.filter(process=process, pk=appointment_id).select_related("user").first()
    if appointment is None:
        raise Http404(_("No such appointment."))
    if attempt(request, lambda: services.appointment_end(actor=signed_in(request), appointment=appointment)).done:
        messages.success(request, _("The appointment has ended."))
    return redirect("appointments", process_id=process.pk)


@login_required
def mandate_amend(request: HttpRequest, process_id: int) -> HttpResponse:
    process = _process(request, process_id)
    mandate = process.mandate
    if not can(request.user, Permission.MANDATE_AMEND, mandate):
        raise PermissionDenied
    form = AmendmentForm(request.POST or None, initial=AmendmentForm.initial_from(process.mandate_version))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            outcome = attempt(
                request,
                lambda: services.mandate_amend(
                    actor=signed_in(request), mandate=mandate, note=form.cleaned_data["note"], **form.changes()
                ),
                form=form,
            )
            if outcome.done:
                messages.success(request, _("The mandate is amended: a new version is in force."))
                return redirect("mandate", process_id=process.pk)
            status = outcome.status
    return render(request, "web/mandate_amend.html", {**process_context(request, process), "form": form}, status=status)


def problems(request: HttpRequest) -> HttpResponse:
    """Every problem the API answers, explained: what each problem's ``type`` points to."""
    return render(request, "web/problems.html", {"problems": PROBLEMS})


def problem(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in PROBLEMS:
        raise Http404(_("Not found."))
    return render(request, "web/problem.html", {"slug": slug, "problem": PROBLEMS[slug]})
