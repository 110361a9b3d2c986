from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from goodoffices.accounts.models import signed_in
from goodoffices.lib.errors import Forbidden, Invalid, NotFound
from goodoffices.policies import Permission, can, roles_for
from goodoffices.processes import selectors, services
from goodoffices.processes.models import Appointment, DelegationMembership, Process

from .forms import AmendmentForm, AppointmentForm, MemberForm


def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def _process(request: HttpRequest, process_id: int) -> Process:
    try:
        return selectors.process_get(user=request.user, process_id=process_id)
    except NotFound:
        raise Http404(_("No such process.")) from None


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return redirect("login")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    processes = list(selectors.process_list(user=request.user))
    from goodoffices.policies import roles_in

    roles = roles_in(request.user, processes)
    rows = [{"process": p, "roles": roles[p.pk]} for p in processes]
    return render(request, "web/dashboard.html", {"rows": rows})


def _process_context(request: HttpRequest, process: Process) -> dict[str, object]:
    roles = roles_for(request.user, process)
    return {"process": process, "roles": roles}


@login_required
def process_detail(request: HttpRequest, process_id: int) -> HttpResponse:
    process = _process(request, process_id)
    events = selectors.event_list(user=request.user, process=process)[:10]
    return render(request, "web/process.html", {**_process_context(request, process), "events": events})


@login_required
def mandate_detail(request: HttpRequest, process_id: int) -> HttpResponse:
    process = _process(request, process_id)
    versions = process.mandate.versions.order_by("-number")
    return render(
        request,
        "web/mandate.html",
        {**_process_context(request, process), "version": process.mandate_version, "versions": versions},
    )


@login_required
def activity(request: HttpRequest, process_id: int) -> HttpResponse:
    process = _process(request, process_id)
    events = selectors.event_list(user=request.user, process=process)[:200]
    return render(request, "web/activity.html", {**_process_context(request, process), "events": events})


@login_required
def delegation(request: HttpRequest, process_id: int, party_id: int) -> HttpResponse:
    process = _process(request, process_id)
    try:
        party = selectors.party_get(user=request.user, process=process, party_id=party_id)
    except NotFound:
        raise Http404(_("No such party.")) from None
    may_manage = can(request.user, Permission.DELEGATION_MANAGE, party)
    form = MemberForm(request.POST or None, may_name_head=roles_for(request.user, process).operator)
    if request.method == "POST":
        if not may_manage:
            return render(request, "web/forbidden.html", status=403)
        if form.is_valid():
            try:
                user = services.user_by_username(form.cleaned_data["username"])
                services.delegation_member_add(
                    actor=signed_in(request), party=party, user=user, role=form.cleaned_data["role"]
                )
            except Invalid as exc:
                for error in exc.errors:
                    form.add_error("username" if error.field in ("user", "username") else None, error.message)
            else:
                messages.success(request, _("%(user)s joined the delegation.") % {"user": user})
                return redirect("delegation", process_id=process.pk, party_id=party.pk)
    members = party.memberships.select_related("user").order_by("role", "user__username")
    return render(
        request,
        "web/delegation.html",
        {
            **_process_context(request, process),
            "party": party,
            "members": members,
            "form": form,
            "may_manage": may_manage,
        },
        status=422 if form.errors else 200,
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
    try:
        services.delegation_member_remove(actor=signed_in(request), membership=membership)
    except Forbidden:
        return render(request, "web/forbidden.html", status=403)
    messages.success(request, _("%(user)s left the delegation.") % {"user": membership.user})
    return redirect("delegation", process_id=process.pk, party_id=party_id)


def _apply_errors(form: forms.Form, exc: Invalid) -> None:
    """Put a service's refusals on the form: on the field they name, else above the form."""
    for error in exc.errors:
        name = error.field.split("[", 1)[0]
        name = "username" if name == "user" else name
        form.add_error(name if name in form.fields else None, error.message)


@login_required
def appointments(request: HttpRequest, process_id: int) -> HttpResponse:
    """Operators appoint mediators, admit observers and name monitors."""
    process = _process(request, process_id)
    if not can(request.user, Permission.APPOINTMENT_MANAGE, process):
        return render(request, "web/forbidden.html", status=403)
    form = AppointmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_by_username(form.cleaned_data["username"])
            services.appointment_make(
                actor=signed_in(request),
                process=process,
                user=user,
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
            )
        except Invalid as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The appointment is made."))
            return redirect("appointments", process_id=process.pk)
    return render(
        request,
        "web/appointments.html",
        {**_process_context(request, process), "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def appointment_end(request: HttpRequest, process_id: int, appointment_id: int) -> HttpResponse:
    process = _process(request, process_id)
    appointment = Appointment.objects.filter(process=process, pk=appointment_id).select_related("user").first()
    if appointment is None:
        raise Http404(_("No such appointment."))
    try:
        services.appointment_end(actor=signed_in(request), appointment=appointment)
    except Forbidden:
        return render(request, "web/forbidden.html", status=403)
    messages.success(request, _("The appointment has ended."))
    return redirect("appointments", process_id=process.pk)


@login_required
def mandate_amend(request: HttpRequest, process_id: int) -> HttpResponse:
    process = _process(request, process_id)
    mandate = process.mandate
    if not can(request.user, Permission.MANDATE_AMEND, mandate):
        return render(request, "web/forbidden.html", status=403)
    form = AmendmentForm(request.POST or None, initial=AmendmentForm.initial_from(process.mandate_version))
    if request.method == "POST" and form.is_valid():
        try:
            services.mandate_amend(
                actor=signed_in(request), mandate=mandate, note=form.cleaned_data["note"], **form.changes()
            )
        except Invalid as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The mandate is amended: a new version is in force."))
            return redirect("mandate", process_id=process.pk)
    return render(
        request,
        "web/mandate_amend.html",
        {**_process_context(request, process), "form": form},
        status=422 if form.errors else 200,
    )
