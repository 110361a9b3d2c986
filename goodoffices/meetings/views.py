import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from goodoffices.accounts.models import User, signed_in
from goodoffices.consent.models import Purpose
from goodoffices.consent.services import consents_seen, joint_consent_for
from goodoffices.lib.errors import Conflict, Forbidden, Invalid, NotFound
from goodoffices.policies import Permission, can, roles_for
from goodoffices.processes import selectors as process_selectors

from . import selectors, services
from .calendar import calendar_for
from .forms import SLOT_ROWS, HeldForm, ProposalForm, ReasonForm, TextForm
from .models import CalendarFeed, Communique, Meeting


def _id(raw: str) -> int:
    """A record id from a query string: anything but a plain positive number is not found."""
    if not raw.isdigit() or len(raw) > 18:
        raise Http404(_("Not found."))
    return int(raw)


def _or_404(get: Callable[[], Any]) -> Any:
    try:
        return get()
    except NotFound:
        raise Http404(_("Not found.")) from None


def _run(request: HttpRequest, form: forms.Form | None, action: Callable[[], Any]) -> Any | None:
    """Run a service; turn its refusals into form errors or messages. None means refused."""
    try:
        return action()
    except Invalid as exc:
        for error in exc.errors:
            field = error.field if form is not None and error.field in form.fields else None
            if form is not None:
                form.add_error(field, error.message)
            else:
                messages.error(request, error.message)
    except Conflict as exc:
        if form is not None:
            form.add_error(None, str(exc))
        else:
            messages.error(request, str(exc))
    except Forbidden:
        raise PermissionDenied from None
    return None


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "web/forbidden.html", status=403)


@login_required
def meetings(request: HttpRequest, process_id: int) -> HttpResponse:
    process = _or_404(lambda: process_selectors.process_get(user=request.user, process_id=process_id))
    roles = roles_for(request.user, process)
    return render(
        request,
        "meetings/list.html",
        {
            "process": process,
            "roles": roles,
            "tab": "meetings",
            "proposals": selectors.proposal_list(user=request.user, process_id=process.pk),
            "meeting_list": selectors.meeting_list(user=request.user, process_id=process.pk),
            "may_propose": can(request.user, Permission.PROPOSAL_CREATE, process),
        },
    )


def _proposal_terms(form: ProposalForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "format": data["format"],
        "modality": data["modality"],
        "venue": data["venue"],
        "timezone_name": data["timezone"],
        "agenda": data["agenda"],
        "delegation_size": data["delegation_size"],
        "interpretation": data["interpretation"],
        "slots": [services.SlotIn(_naive(s), _naive(e)) for s, e in form.slot_pairs() if s and e],
    }


def _naive(value: object) -> datetime:
    # datetime-local is the venue's wall-clock time: drop the reader's zone Django added.
    assert isinstance(value, datetime)
    return timezone.make_naive(value) if timezone.is_aware(value) else value


@login_required
def proposal_create(request: HttpRequest, process_id: int) -> HttpResponse:
    process = _or_404(lambda: process_selectors.process_get(user=request.user, process_id=process_id))
    if not can(request.user, Permission.PROPOSAL_CREATE, process):
        return _forbidden(request)
    parent = None
    reschedules = None
    if "counter" in request.GET:
        parent_id = _id(request.GET["counter"])
        parent = _or_404(lambda: selectors.proposal_get(user=request.user, proposal_id=parent_id))
    if "reschedule" in request.GET:
        meeting_id = _id(request.GET["reschedule"])
        reschedules = _or_404(lambda: selectors.meeting_get(user=request.user, meeting_id=meeting_id))
    base = parent or (reschedules.proposal if reschedules else None)
    initial = (
        {
            "title": base.title,
            "format": base.format,
            "modality": base.modality,
            "venue": base.venue,
            "timezone": base.timezone,
            "agenda": base.agenda,
            "delegation_size": base.delegation_size,
        }
        if base
        else {"timezone": "Europe/Zurich"}
    )
    form = ProposalForm(request.POST or None, process=process, initial=initial)
    if request.method == "POST" and form.is_valid():
        actor = signed_in(request)
        terms = _proposal_terms(form)
        if parent is not None:
            proposal = _run(request, form, lambda: services.proposal_counter(actor=actor, proposal=parent, **terms))
        else:
            proposal = _run(
                request,
                form,
                lambda: services.proposal_create(actor=actor, process=process, reschedules=reschedules, **terms),
            )
        if proposal is not None:
            messages.success(request, _("The proposal is sent to the parties and the mediators."))
            return redirect("proposal", proposal.pk)
    return render(
        request,
        "meetings/proposal_form.html",
        {
            "process": process,
            "form": form,
            "parent": parent,
            "reschedules": reschedules,
            "slot_rows": range(SLOT_ROWS),
            "status": 422 if form.errors else 200,
        },
        status=422 if form.errors else 200,
    )


@login_required
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _or_404(lambda: selectors.proposal_get(user=request.user, proposal_id=proposal_id))
    roles = roles_for(request.user, proposal.process)
    seen = consents_seen(subjects=[proposal], purpose=Purpose.READINESS, roles=roles)[proposal.pk]
    mine = {pid: option for pid, option in seen.items() if pid in roles.parties}
    everyone = seen if roles.mediator else {}
    parties = {p.pk: p.name for p in proposal.process.parties.all()}
    return render(
        request,
        "meetings/proposal.html",
        {
            "process": proposal.process,
            "proposal": proposal,
            "roles": roles,
            "my_slot": next(iter(mine.values()), None),
            "mediator_view": [(parties[pid], int(opt)) for pid, opt in everyone.items()],
            "may_respond": can(request.user, Permission.PROPOSAL_RESPOND, proposal) and proposal.status == "open",
            "may_counter": can(request.user, Permission.PROPOSAL_CREATE, proposal.process)
            and proposal.status == "open",
            "may_withdraw": proposal.status == "open"
            and (proposal.proposed_by_id == request.user.pk or roles.mediator),
            "counters": proposal.counters.all(),
            "meeting": Meeting.objects.filter(proposal=proposal).first(),
            "decline_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def proposal_readiness(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _or_404(lambda: selectors.proposal_get(user=request.user, proposal_id=proposal_id))
    ready = request.POST.get("ready") == "1"
    try:
        slot = int(request.POST.get("slot", "0"))
    except ValueError:
        slot = -1
    result = _run(
        request,
        None,
        lambda: services.readiness_set(actor=signed_in(request), proposal=proposal, ready=ready, slot=slot),
    )
    if result is not None and result.meeting is not None:
        messages.success(request, _("Every party is ready: the meeting is confirmed."))
        return redirect("meeting", result.meeting.pk)
    if result is not None:
        messages.success(
            request,
            _("Your readiness is recorded. You will be told when the meeting is confirmed.")
            if ready
            else _("Your readiness is withdrawn."),
        )
    return redirect("proposal", proposal.pk)


@login_required
@require_POST
def proposal_decline(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _or_404(lambda: selectors.proposal_get(user=request.user, proposal_id=proposal_id))
    form = ReasonForm(request.POST)
    if form.is_valid():
        if _run(
            request,
            None,
            lambda: services.proposal_decline(
                actor=signed_in(request), proposal=proposal, reason=form.cleaned_data["reason"]
            ),
        ):
            messages.success(request, _("The proposal is declined."))
    else:
        messages.error(request, _("Say why you decline the proposal."))
    return redirect("proposal", proposal.pk)


@login_required
@require_POST
def proposal_withdraw(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _or_404(lambda: selectors.proposal_get(user=request.user, proposal_id=proposal_id))
    if _run(request, None, lambda: services.proposal_withdraw(actor=signed_in(request), proposal=proposal)):
        messages.success(request, _("The proposal is withdrawn."))
    return redirect("proposal", proposal.pk)


def _people(meeting: Meeting) -> list[tuple[str, str]]:
    process = meeting.process
    users = User.objects.filter(appointments__process=process, appointments__role="mediator") | User.objects.filter(
        delegations__party__process=process
    )
    return [(u.username, str(u)) for u in users.distinct().order_by("username")]


@login_required
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _or_404(lambda: selectors.meeting_get(user=request.user, meeting_id=meeting_id))
    roles = roles_for(request.user, meeting.process)
    communique = selectors.communique_for(user=request.user, meeting=meeting)
    communique_consent: dict[int, str] = {}
    if communique is not None:
        communique_consent = consents_seen(
            subjects=[communique], purpose=Purpose.COMMUNIQUE, roles=roles, own_only=True
        )[communique.pk]
    minutes_consent = consents_seen(subjects=[meeting], purpose=Purpose.MINUTES, roles=roles, own_only=True)[meeting.pk]
    return render(
        request,
        "meetings/meeting.html",
        {
            "process": meeting.process,
            "meeting": meeting,
            "roles": roles,
            "communique": communique,
            "i_consented": bool(communique_consent),
            "i_approved": bool(minutes_consent),
            "may_record": can(request.user, Permission.MEETING_RECORD, meeting),
            "may_approve": can(request.user, Permission.MEETING_APPROVE, meeting),
            "may_draft": can(request.user, Permission.COMMUNIQUE_DRAFT, meeting),
            "may_consent": can(request.user, Permission.COMMUNIQUE_CONSENT, meeting),
            "held_form": HeldForm(people=_people(meeting)),
            "postpone_form": ReasonForm(prefix="postpone"),
            "cancel_form": ReasonForm(prefix="cancel"),
            "minutes_form": TextForm(prefix="minutes", initial={"text": meeting.minutes}),
            "communique_form": TextForm(prefix="communique", initial={"text": communique.text if communique else ""}),
            "attendance": meeting.attendance.all(),
            "declassification": _pending_declassification(request, meeting, roles),
        },
    )


def _pending_declassification(request: HttpRequest, meeting: Meeting, roles: Any) -> dict[str, Any] | None:
    """The declassification awaiting consent, for the plenary; with the reader's own consent."""
    joint = joint_consent_for(subject=meeting, purpose=Purpose.DECLASSIFICATION)
    if joint is None or not (roles.mediator or roles.parties):
        return None
    mine = consents_seen(subjects=[meeting], purpose=Purpose.DECLASSIFICATION, roles=roles, own_only=True)
    return {"to": joint.question, "mine": bool(mine[meeting.pk])}


@login_required
@require_POST
def meeting_action(request: HttpRequest, meeting_id: int, action: str) -> HttpResponse:
    meeting = _or_404(lambda: selectors.meeting_get(user=request.user, meeting_id=meeting_id))
    actor = signed_in(request)
    done: Any = None
    if action == "held":
        held_form = HeldForm(request.POST, people=_people(meeting))
        if held_form.is_valid():
            people = list(User.objects.filter(username__in=held_form.cleaned_data["attendance"]))
            done = _run(
                request,
                None,
                lambda: services.meeting_hold(
                    actor=actor, meeting=meeting, attendance=people, outcomes=held_form.cleaned_data["outcomes"]
                ),
            )
    elif action in ("postpone", "cancel"):
        reason_form = ReasonForm(request.POST, prefix=action)
        if reason_form.is_valid():
            service = services.meeting_postpone if action == "postpone" else services.meeting_cancel
            done = _run(
                request, None, lambda: service(actor=actor, meeting=meeting, reason=reason_form.cleaned_data["reason"])
            )
        else:
            messages.error(request, _("Give a reason."))
    elif action == "minutes":
        text_form = TextForm(request.POST, prefix="minutes")
        if text_form.is_valid():
            done = _run(
                request,
                None,
                lambda: services.minutes_draft(actor=actor, meeting=meeting, text=text_form.cleaned_data["text"]),
            )
    elif action == "approve-minutes":
        done = _run(
            request,
            None,
            lambda: services.minutes_approve(actor=actor, meeting=meeting, approve=request.POST.get("approve") == "1"),
        )
    elif action == "communique":
        text_form = TextForm(request.POST, prefix="communique")
        if text_form.is_valid():
            existing = selectors.communique_for(user=request.user, meeting=meeting)
            if existing is None:
                done = _run(
                    request,
                    None,
                    lambda: services.communique_draft(
                        actor=actor, meeting=meeting, text=text_form.cleaned_data["text"]
                    ),
                )
            else:
                current: Communique = existing
                done = _run(
                    request,
                    None,
                    lambda: services.communique_amend(
                        actor=actor, communique=current, text=text_form.cleaned_data["text"]
                    ),
                )
        else:
            messages.error(request, _("The text must not be empty."))
    elif action == "declassify":
        target = request.POST.get("to", "")
        done = _run(request, None, lambda: services.declassification_request(actor=actor, meeting=meeting, to=target))
    elif action == "consent-declassify":
        done = _run(
            request,
            None,
            lambda: services.declassification_consent(
                actor=actor, meeting=meeting, consent=request.POST.get("consent") == "1"
            ),
        )
    elif action == "consent-communique":
        communique = selectors.communique_for(user=request.user, meeting=meeting)
        if communique is None:
            raise Http404
        done = _run(
            request,
            None,
            lambda: services.communique_consent(
                actor=actor, communique=communique, consent=request.POST.get("consent") == "1"
            ),
        )
    else:
        raise Http404
    if done is not None:
        messages.success(request, _("Done."))
    return redirect("meeting", meeting.pk)


def register(request: HttpRequest) -> HttpResponse:
    return render(request, "meetings/register.html", {"meetings": selectors.register_meetings()})


def register_meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _or_404(lambda: selectors.register_meeting_get(meeting_id=meeting_id))
    return render(request, "meetings/register_meeting.html", {"meeting": meeting})


class RegisterFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed
    title = gettext_lazy("Good Offices: public register")
    subtitle = gettext_lazy("Held meetings and their joint communiqués")

    def link(self) -> str:
        return reverse("register")

    def items(self) -> list[Meeting]:
        return list(selectors.register_meetings()[:50])

    def item_title(self, item: Meeting) -> str:
        return item.title

    def item_description(self, item: Meeting) -> str:
        communique = getattr(item, "communique", None)
        return communique.text if communique is not None and communique.status == "published" else item.venue

    def item_link(self, item: Meeting) -> str:
        return reverse("register_meeting", args=[item.pk])

    def item_pubdate(self, item: Meeting) -> datetime | None:
        communique = getattr(item, "communique", None)
        return communique.published_at if communique is not None and communique.published_at else item.held_at

    def item_updateddate(self, item: Meeting) -> datetime | None:
        return self.item_pubdate(item)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = list(selectors.notification_list(user=request.user)[:100])
    unread = [n.pk for n in items if n.read_at is None]
    response = render(request, "meetings/notifications.html", {"items": items})
    if unread:
        # Reading the list marks it read; a notice is a convenience, not recorded state.
        from .models import Notification

        Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return response


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    new_url = None
    if request.method == "POST":
        secret = services.calendar_feed_replace(user=user, create=request.POST.get("action") == "create")
        if secret is not None:
            new_url = request.build_absolute_uri(reverse("calendar_feed", args=[secret]))
        else:
            messages.success(request, _("Your calendar link no longer works."))
    active = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).exists()
    return render(request, "meetings/calendar.html", {"new_url": new_url, "active": active})


def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    feed = (
        CalendarFeed.objects.filter(digest=hashlib.sha256(secret.encode()).hexdigest(), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if feed is None or not feed.user.is_active:
        raise Http404
    meetings = selectors.meeting_list(user=feed.user).exclude(status=Meeting.Status.CANCELLED)
    response = HttpResponse(
        calendar_for(meetings, request.build_absolute_uri("/")), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    return response
