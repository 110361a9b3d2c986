"""The meetings pages: one view per page and one per action, each a thin call of one service
or selector; what a reader may do comes from the read models (``selectors.*_view``)."""

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from goodoffices.accounts.models import User, signed_in
from goodoffices.mail.services import mail_preference_get, mail_preference_set
from goodoffices.policies import Permission, attendance_candidates, can, two_factor_missing
from goodoffices.processes import selectors as process_selectors
from goodoffices.web.shortcuts import attempt, page_of, record_id, visible_or_404

from . import selectors, services
from .atom import PlainTextAtomFeed, xml_text
from .calendar import calendar_for
from .forms import SLOT_ROWS, HeldForm, LanguageVersionForm, MailPreferenceForm, ProposalForm, ReasonForm, TextForm
from .joint import audience_words, language_name, names_joined, parties_of
from .models import CalendarFeed, Communique, Meeting
from .terms import ProposalTerms, venue_zones


@login_required
def meetings(request: HttpRequest, process_id: int) -> HttpResponse:
    process = visible_or_404(lambda: process_selectors.process_get(user=request.user, process_id=process_id))
    meeting_page = page_of(
        request,
        selectors.meeting_list(user=request.user, process=process),
        order=("-starts_at", "-id"),
        scope=f"meetings:{process.pk}",
        param="meetings",
    )
    proposals = page_of(
        request,
        selectors.proposal_list(user=request.user, process=process, with_terms=False),
        order=("-created_at", "-id"),
        scope=f"proposals:{process.pk}",
        param="proposals",
    )
    selectors.in_process(meeting_page.items, process)
    selectors.in_process(proposals.items, process)
    return render(
        request,
        "meetings/list.html",
        {
            "process": process,
            "tab": "meetings",
            "proposals": proposals.items,
            "proposal_page": proposals,
            "meeting_list": meeting_page.items,
            "meeting_page": meeting_page,
            "may_propose": can(request.user, Permission.PROPOSAL_CREATE, process),
            "may_see_proposals": can(request.user, Permission.PROPOSALS_VIEW, process),
        },
    )


@login_required
def proposal_create(request: HttpRequest, process_id: int) -> HttpResponse:
    """Propose a meeting; with ``?counter=<id>`` answer a proposal, with ``?reschedule=<id>``
    propose new times for a postponed meeting."""
    process = visible_or_404(lambda: process_selectors.process_get(user=request.user, process_id=process_id))
    if not can(request.user, Permission.PROPOSAL_CREATE, process):
        raise PermissionDenied
    parent = None
    reschedules = None
    if "counter" in request.GET:
        parent_id = record_id(request.GET["counter"])
        parent = visible_or_404(lambda: selectors.proposal_get(user=request.user, proposal_id=parent_id))
    if "reschedule" in request.GET:
        meeting_id = record_id(request.GET["reschedule"])
        reschedules = visible_or_404(lambda: selectors.meeting_get(user=request.user, meeting_id=meeting_id))
    base = parent or (reschedules.proposal if reschedules else None)
    base_terms = ProposalTerms.from_proposal(base) if base else None
    form = ProposalForm(
        request.POST or None,
        process=process,
        initial=ProposalForm.initial_from(base_terms),
        slot_rows=len(base_terms.slots) + 1 if base_terms else SLOT_ROWS,
        # A party's head is asked whether its party is ready for the slots it proposes.
        for_party=can(request.user, Permission.PROPOSAL_RESPOND, process),
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            actor, terms, ready = signed_in(request), form.terms(), bool(form.cleaned_data.get("ready"))
            outcome = attempt(
                request,
                (
                    (lambda: services.proposal_counter(actor=actor, proposal=parent, terms=terms, ready=ready))
                    if parent is not None
                    else (
                        lambda: services.proposal_create(
                            actor=actor, process=process, terms=terms, reschedules=reschedules, ready=ready
                        )
                    )
                ),
                form=form,
            )
            if outcome.value is not None:
                messages.success(
                    request,
                    _(
                        "The proposal is sent to the parties and the mediators. Your party is ready for its slots "
                        "(sealed: no other party learns of it)."
                    )
                    if ready
                    else _("The proposal is sent to the parties and the mediators."),
                )
                return redirect("proposal", outcome.value.pk)
            status = outcome.status
    return render(
        request,
        "meetings/proposal_form.html",
        {
            "zones": venue_zones(),
            "known_venues": selectors.known_venue_zones(process=process),
            "process": process,
            "form": form,
            "parent": parent,
            "reschedules": reschedules,
        },
        status=status,
    )


@login_required
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = visible_or_404(lambda: selectors.proposal_get(user=request.user, proposal_id=proposal_id))
    view = selectors.proposal_view(user=request.user, proposal=proposal)
    return render(
        request,
        "meetings/proposal.html",
        {
            "process": proposal.process,
            "proposal": proposal,
            "view": view,
            "gaps": selectors.readiness_gaps(view),
            "counters": proposal.counters.all(),
            "decline_form": ReasonForm(),
        },
    )


def _proposal_action(
    request: HttpRequest, proposal_id: int, act: Callable[[Any, User], Any], done: Callable[[Any], str]
) -> HttpResponse:
    """Run one act on a proposal and come back to it with a message saying what happened."""
    proposal = visible_or_404(lambda: selectors.proposal_get(user=request.user, proposal_id=proposal_id))
    outcome = attempt(request, lambda: act(proposal, signed_in(request)))
    if outcome.done:
        messages.success(request, done(outcome.value))
        meeting = getattr(outcome.value, "meeting", None)
        if isinstance(meeting, Meeting):
            return redirect("meeting", meeting.pk)
    return redirect("proposal", proposal.pk)


def _slot_index(raw: str) -> int:
    # Anything but a small number names no slot, and the service says so.
    return int(raw) if raw.isdigit() and len(raw) < 3 else -1


@login_required
@require_POST
def proposal_readiness(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Mark every slot the party could attend (``slots``, as in a time poll), or one (``slot``),
    or withdraw (``ready=0``)."""
    ready = request.POST.get("ready") == "1"
    chosen = [_slot_index(raw) for raw in request.POST.getlist("slots")]
    if not chosen and "slot" in request.POST:
        chosen = [_slot_index(request.POST["slot"])]

    def said(result: services.Readiness) -> str:
        if result.meeting is not None:
            return _("Every party is ready: the meeting is confirmed.")
        if ready:
            return _(
                "Your party's readiness for slot(s) %(slots)s is recorded, sealed: no other party learns of it. "
                "You will be told when the meeting is confirmed."
            ) % {"slots": ", ".join(str(i + 1) for i in sorted(set(chosen)))}
        return _("Your party's readiness is withdrawn.")

    return _proposal_action(
        request,
        proposal_id,
        lambda proposal, actor: services.readiness_set(actor=actor, proposal=proposal, ready=ready, slots=chosen),
        said,
    )


@login_required
@require_POST
def proposal_decline(request: HttpRequest, proposal_id: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        visible_or_404(lambda: selectors.proposal_get(user=request.user, proposal_id=proposal_id))
        messages.error(request, _("Say why you decline the proposal."))
        return redirect("proposal", proposal_id)
    return _proposal_action(
        request,
        proposal_id,
        lambda proposal, actor: services.proposal_decline(
            actor=actor, proposal=proposal, reason=form.cleaned_data["reason"]
        ),
        lambda _result: _("The proposal is declined."),
    )


@login_required
@require_POST
def proposal_withdraw(request: HttpRequest, proposal_id: int) -> HttpResponse:
    return _proposal_action(
        request,
        proposal_id,
        lambda proposal, actor: services.proposal_withdraw(actor=actor, proposal=proposal),
        lambda _result: _("The proposal is withdrawn."),
    )


def _version(request: HttpRequest) -> int | None:
    """The version of a text the form showed (posted back with the consent to it)."""
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _people(meeting: Meeting) -> list[tuple[str, str]]:
    return [(u.username, str(u)) for u in attendance_candidates(meeting.process)]


@login_required
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = visible_or_404(lambda: selectors.meeting_get(user=request.user, meeting_id=meeting_id))
    view = selectors.meeting_view(user=request.user, meeting=meeting)
    communique = view.communique.communique if view.communique else None
    language_forms, add_language_form = _language_forms(meeting, communique, view.may_draft_communique)
    return render(
        request,
        "meetings/meeting.html",
        {
            "process": meeting.process,
            "meeting": meeting,
            "view": view,
            "communique": communique,
            "held_form": HeldForm(people=_people(meeting)) if view.may_record_held else None,
            "postpone_form": ReasonForm(prefix="postpone"),
            "cancel_form": ReasonForm(prefix="cancel"),
            "minutes_form": TextForm(prefix="minutes", initial={"text": view.minutes}),
            "communique_form": TextForm(prefix="communique", initial={"text": communique.text if communique else ""}),
            "language_forms": language_forms,
            "add_language_form": add_language_form,
            "attendance": meeting.attendance.all(),
        },
    )


def _language_forms(
    meeting: Meeting, communique: Communique | None, may_draft: bool
) -> tuple[list[tuple[str, LanguageVersionForm]], LanguageVersionForm | None]:
    """For who may amend a draft communiqué: a form to change each of its language versions, and
    one to add a version in a language of the mandate that has none (None when every one has)."""
    if communique is None or communique.status != Communique.Status.DRAFT or not may_draft:
        return [], None
    texts = [t for t in communique.texts() if not t.original]
    forms = [
        (
            t.language,
            LanguageVersionForm(
                languages=[],
                fixed=t.language,
                initial={
                    "text": t.text,
                    "marking": LanguageVersionForm.AUTHENTIC if t.authentic else LanguageVersionForm.INFORMATION,
                },
                auto_id=f"id_language_{t.language}_%s",
            ),
        )
        for t in texts
    ]
    taken = {communique.language, *(t.language for t in texts)}
    free = [(code, language_name(code)) for code in meeting.process.mandate_version.languages if code not in taken]
    return forms, LanguageVersionForm(languages=free, auto_id="id_language_new_%s") if free else None


def _meeting_action(
    request: HttpRequest,
    meeting_id: int,
    act: Callable[[Meeting, User], Any],
    done: Callable[[Any], str],
    form: forms.Form | None = None,
    invalid: str | None = None,
) -> HttpResponse:
    """Run one act on a meeting (after its form, if any, is valid) and come back to the meeting
    with a message that says what happened (``done`` of the service's answer)."""
    meeting = visible_or_404(lambda: selectors.meeting_get(user=request.user, meeting_id=meeting_id))
    if form is not None and not form.is_valid():
        messages.error(request, invalid or _("Check the form."))
        return redirect("meeting", meeting.pk)
    outcome = attempt(request, lambda: act(meeting, signed_in(request)))
    if outcome.done:
        messages.success(request, done(outcome.value))
    return redirect("meeting", meeting.pk)


def _who(record_audience: str, meeting: Meeting) -> str:
    return audience_words(record_audience, meeting.process)


@login_required
@require_POST
def meeting_hold(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Record a meeting as held, deliberately: the first submit shows the record and who will see
    it; only its confirmation (``confirm=1``) records it."""
    meeting = visible_or_404(lambda: selectors.meeting_get(user=request.user, meeting_id=meeting_id))
    if not can(request.user, Permission.MEETING_RECORD, meeting):
        raise PermissionDenied
    form = HeldForm(request.POST, people=_people(meeting))
    if request.POST.get("confirm") != "1" or not form.is_valid():
        valid = form.is_valid()
        chosen = set(form.cleaned_data.get("attendance", [])) if valid else set()
        held_audience = meeting.process.mandate_version.held_meetings_audience
        return render(
            request,
            "meetings/hold_review.html",
            {
                "process": meeting.process,
                "meeting": meeting,
                "form": form,
                "review": valid,
                "attendees": [name for username, name in _people(meeting) if username in chosen],
                "who": _who(held_audience, meeting),
                "public": held_audience == "public",
            },
            status=200 if valid else 422,
        )

    def hold(meeting: Meeting, actor: User) -> Meeting:
        people = list(User.objects.filter(username__in=form.cleaned_data["attendance"]))
        return services.meeting_hold(
            actor=actor, meeting=meeting, attendance=people, outcomes=form.cleaned_data["outcomes"]
        )

    return _meeting_action(
        request,
        meeting_id,
        hold,
        lambda held: (
            _("The meeting is recorded as held. From now on it is visible to %(who)s.")
            % {"who": _who(held.audience, held)}
        ),
    )


@login_required
@require_POST
def meeting_postpone(request: HttpRequest, meeting_id: int) -> HttpResponse:
    form = ReasonForm(request.POST, prefix="postpone")
    return _meeting_action(
        request,
        meeting_id,
        lambda meeting, actor: services.meeting_postpone(
            actor=actor, meeting=meeting, reason=form.cleaned_data["reason"]
        ),
        lambda _meeting: _("The meeting is postponed, and everyone invited is told. Propose new times when you can."),
        form,
        _("Say why the meeting is postponed."),
    )


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, meeting_id: int) -> HttpResponse:
    form = ReasonForm(request.POST, prefix="cancel")
    return _meeting_action(
        request,
        meeting_id,
        lambda meeting, actor: services.meeting_cancel(
            actor=actor, meeting=meeting, reason=form.cleaned_data["reason"]
        ),
        lambda _meeting: _("The meeting is cancelled, and everyone invited is told."),
        form,
        _("Say why the meeting is cancelled."),
    )


@login_required
@require_POST
def minutes_draft(request: HttpRequest, meeting_id: int) -> HttpResponse:
    form = TextForm(request.POST, prefix="minutes")
    return _meeting_action(
        request,
        meeting_id,
        lambda meeting, actor: services.minutes_draft(actor=actor, meeting=meeting, text=form.cleaned_data["text"]),
        lambda drafted: (
            _("Version %(version)s of the minutes is saved, and every party is asked to approve it.")
            % {"version": drafted.minutes_version}
        ),
        form,
        _("Write the minutes before saving them."),
    )


@login_required
@require_POST
def minutes_approve(request: HttpRequest, meeting_id: int) -> HttpResponse:
    approve = request.POST.get("approve") == "1"
    version = _version(request)

    def said(outcome: str) -> str:
        if outcome == "approved":
            return _("The minutes are approved by every party.")
        if approve:
            return _(
                "Your party's approval of version %(version)s is recorded. The minutes are approved once every "
                "party has approved this version."
            ) % {"version": version}
        return _("Your party's approval is withdrawn.")

    return _meeting_action(
        request,
        meeting_id,
        lambda meeting, actor: services.minutes_approve(actor=actor, meeting=meeting, approve=approve, version=version),
        said,
    )


@login_required
@require_POST
def communique_draft(request: HttpRequest, meeting_id: int) -> HttpResponse:
    form = TextForm(request.POST, prefix="communique")
    return _meeting_action(
        request,
        meeting_id,
        lambda meeting, actor: services.communique_draft(actor=actor, meeting=meeting, text=form.cleaned_data["text"]),
        lambda _communique: _(
            "The draft communiqué is saved, and every party is asked to consent to publish it on the register."
        ),
        form,
        _("Write the communiqué before saving it."),
    )


@login_required
@require_POST
def communique_amend(request: HttpRequest, meeting_id: int) -> HttpResponse:
    form = TextForm(request.POST, prefix="communique")

    def amend(meeting: Meeting, actor: User) -> Any:
        communique = selectors.communique_get(user=actor, meeting=meeting)
        return services.communique_amend(actor=actor, communique=communique, text=form.cleaned_data["text"])

    return _meeting_action(
        request,
        meeting_id,
        amend,
        lambda amended: (
            _(
                "Version %(version)s of the communiqué is saved. Consents to earlier versions no longer count: every "
                "party is asked again."
            )
            % {"version": amended.version}
        ),
        form,
        _("Write the communiqué before saving it."),
    )


@login_required
@require_POST
def communique_consent(request: HttpRequest, meeting_id: int) -> HttpResponse:
    consent = request.POST.get("consent") == "1"
    version = _version(request)

    def give(meeting: Meeting, actor: User) -> Any:
        communique = selectors.communique_get(user=actor, meeting=meeting)
        return services.communique_consent(actor=actor, communique=communique, consent=consent, version=version)

    def said(outcome: str) -> str:
        if outcome == "published":
            return _("The communiqué is published on the public register.")
        if consent:
            return _(
                "Your party's consent to version %(version)s is recorded. The communiqué is published on the "
                "register once every party consents to this version."
            ) % {"version": version}
        return _("Your party's consent is withdrawn.")

    return _meeting_action(request, meeting_id, give, said)


def _language_saved(communique: Communique, language: str, authentic: bool) -> str:
    marking = _("equally authentic") if authentic else _("not authentic — for information")
    return _(
        "The %(language)s version is saved, marked “%(marking)s”: version %(version)s of the communiqué. Consents "
        "to earlier versions no longer count: every party is asked again."
    ) % {"language": language_name(language), "marking": marking, "version": communique.version}


@login_required
@require_POST
def communique_language_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Add a version of the communiqué in another language of the mandate (never replacing one
    that someone added meanwhile)."""
    form = LanguageVersionForm(request.POST, languages=[])

    def add(meeting: Meeting, actor: User) -> Any:
        communique = selectors.communique_get(user=actor, meeting=meeting)
        return services.communique_language_set(
            actor=actor,
            communique=communique,
            language=form.cleaned_data["language"],
            text=form.cleaned_data["text"],
            authentic=form.authentic,
            replace=False,
        )

    return _meeting_action(
        request,
        meeting_id,
        add,
        lambda amended: _language_saved(amended, form.cleaned_data["language"], form.authentic),
        form,
        _("Choose the language, write the text and say whether it is equally authentic."),
    )


@login_required
@require_POST
def communique_language_change(request: HttpRequest, meeting_id: int, language: str) -> HttpResponse:
    """Change the text or the marking of the communiqué's version in ``language``."""
    form = LanguageVersionForm(request.POST, languages=[], fixed=language)

    def change(meeting: Meeting, actor: User) -> Any:
        communique = selectors.communique_get(user=actor, meeting=meeting)
        return services.communique_language_set(
            actor=actor,
            communique=communique,
            language=language,
            text=form.cleaned_data["text"],
            authentic=form.authentic,
        )

    return _meeting_action(
        request,
        meeting_id,
        change,
        lambda amended: _language_saved(amended, language, form.authentic),
        form,
        _("Write the text of the language version and say whether it is equally authentic."),
    )


@login_required
@require_POST
def communique_language_remove(request: HttpRequest, meeting_id: int, language: str) -> HttpResponse:
    def remove(meeting: Meeting, actor: User) -> Any:
        communique = selectors.communique_get(user=actor, meeting=meeting)
        return services.communique_language_remove(actor=actor, communique=communique, language=language)

    return _meeting_action(
        request,
        meeting_id,
        remove,
        lambda amended: (
            _(
                "The %(language)s version is removed: version %(version)s of the communiqué. Consents to earlier "
                "versions no longer count: every party is asked again."
            )
            % {"language": language_name(language), "version": amended.version}
        ),
    )


@login_required
@require_POST
def declassification_request(request: HttpRequest, meeting_id: int) -> HttpResponse:
    target = request.POST.get("to", "")
    meeting = visible_or_404(lambda: selectors.meeting_get(user=request.user, meeting_id=meeting_id))
    return _meeting_action(
        request,
        meeting_id,
        lambda meeting, actor: services.declassification_request(actor=actor, meeting=meeting, to=target),
        lambda _none: (
            _("Every party is asked to consent to make this meeting visible to %(who)s.")
            % {"who": _who(target, meeting)}
        ),
    )


@login_required
@require_POST
def declassification_consent(request: HttpRequest, meeting_id: int) -> HttpResponse:
    consent = request.POST.get("consent") == "1"
    target = request.POST.get("to", "")[:16]
    meeting = visible_or_404(lambda: selectors.meeting_get(user=request.user, meeting_id=meeting_id))

    def said(outcome: str) -> str:
        who = _who(target, meeting)
        if outcome == "declassified":
            return _("The meeting is now visible to %(who)s.") % {"who": who}
        if consent:
            return _(
                "Your party's consent is recorded. The meeting becomes visible to %(who)s once every party consents."
            ) % {"who": who}
        return _("Your party's consent is withdrawn.")

    return _meeting_action(
        request,
        meeting_id,
        lambda meeting, actor: services.declassification_consent(
            actor=actor, meeting=meeting, consent=consent, to=target
        ),
        said,
    )


def _register_filter(request: HttpRequest) -> selectors.RegisterFilter:
    """The register's filters from the address; what is not a number filters nothing."""
    process, year = request.GET.get("process", ""), request.GET.get("year", "")
    return selectors.RegisterFilter(
        process=int(process) if process.isdigit() and len(process) < 10 else None,
        year=int(year) if year.isdigit() and len(year) == 4 else None,
        words=" ".join(request.GET.get("q", "").split())[:200],
    )


def register(request: HttpRequest) -> HttpResponse:
    """The public register: filters by process and year, search, and a print view of the same."""
    filters = _register_filter(request)
    page = page_of(request, selectors.register_search(filters), order=("-starts_at", "-id"), scope=filters.scope)
    processes, years = selectors.register_choices()
    query = urlencode(
        {k: v for k, v in (("process", filters.process), ("year", filters.year), ("q", filters.words)) if v}
    )
    return render(
        request,
        "meetings/register.html",
        {
            "meetings": page.items,
            "page": page,
            "filters": filters,
            "processes": processes,
            "years": years,
            "query": query,
            "print_url": reverse("register_print") + (f"?{query}" if query else ""),
        },
    )


PRINT_LIMIT = 200


def register_print(request: HttpRequest) -> HttpResponse:
    """The register as filtered, on paper: every entry (up to PRINT_LIMIT) with its communiqué."""
    filters = _register_filter(request)
    meetings = list(selectors.register_search(filters)[:PRINT_LIMIT])
    return render(
        request,
        "meetings/register_print.html",
        {"meetings": meetings, "filters": filters, "more": len(meetings) == PRINT_LIMIT},
    )


def register_meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """A register entry; ``?language=ru`` shows the communiqué's Russian text first (the feed
    links each language version so), else the reader's language comes first where there is one."""
    meeting = visible_or_404(lambda: selectors.register_meeting_get(meeting_id=meeting_id))
    return render(
        request,
        "meetings/register_meeting.html",
        {"meeting": meeting, "language": request.GET.get("language", "")[:8]},
    )


def _published(meeting: Meeting) -> Communique | None:
    communique = getattr(meeting, "communique", None)
    return communique if communique is not None and communique.status == Communique.Status.PUBLISHED else None


class RegisterFeed(Feed):  # type: ignore[type-arg]
    feed_type = PlainTextAtomFeed
    title = gettext_lazy("Good Offices: public register")
    subtitle = gettext_lazy("Held meetings and their joint communiqués")

    @property
    def language(self) -> str:  # type: ignore[override]
        """The feed says the language of its own words: the reader's, where they are translated
        into it, else English (a communiqué is in the words the parties published)."""
        active = translation.get_language() or settings.LANGUAGE_CODE
        translated = active.startswith("en") or str(self.title) != "Good Offices: public register"
        return active if translated else "en"

    def link(self) -> str:
        return reverse("register")

    def items(self) -> list[Meeting]:
        return list(selectors.register_meetings()[:50])

    def item_title(self, item: Meeting) -> str:
        return xml_text(item.title)

    def item_description(self, item: Meeting) -> str:
        communique = _published(item)
        return xml_text(communique.text if communique is not None else item.venue)

    def item_extra_kwargs(self, item: Meeting) -> dict[str, Any]:
        """The summary is the communiqué in its original language, and says so (``xml:lang``);
        each of its texts is linked as an alternate in its language (``hreflang``)."""
        communique = _published(item)
        if communique is None:
            return {}
        return {
            "summary_language": communique.language,
            "alternates": [(t.language, f"?{urlencode({'language': t.language})}") for t in communique.texts()],
        }

    def item_author_name(self, item: Meeting) -> str:
        """The communiqué is every party's: its author is the parties, by joint consent."""
        return xml_text(_("%(parties)s, by joint consent") % {"parties": names_joined(parties_of(item.process))})

    def item_link(self, item: Meeting) -> str:
        return reverse("register_meeting", args=[item.pk])

    def item_pubdate(self, item: Meeting) -> datetime | None:
        communique = getattr(item, "communique", None)
        return communique.published_at if communique is not None and communique.published_at else item.held_at

    def item_updateddate(self, item: Meeting) -> datetime | None:
        return self.item_pubdate(item)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The reader's notices, newest first. Reading never writes: marking them read is a POST."""
    page = page_of(request, selectors.notification_list(user=request.user), order=("-id",), scope="notifications")
    return render(request, "meetings/notifications.html", {"items": page.items, "page": page})


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Each notice's e-mail at once, a daily digest, or none."""
    user = signed_in(request)
    form = MailPreferenceForm(request.POST or None, initial={"choice": mail_preference_get(user_id=user.pk)})
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["choice"]
        mail_preference_set(user_id=user.pk, choice=choice)
        messages.success(
            request,
            {
                "now": _("You will get an e-mail each time something needs you."),
                "digest": _("You will get one e-mail a day with what needed you, if anything did."),
                "none": _("You will get no e-mail about notices: read them here."),
            }[choice],
        )
        return redirect("notifications")
    return render(request, "meetings/notification_settings.html", {"form": form}, status=422 if form.errors else 200)


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_read(user=signed_in(request))
    messages.success(request, _("Every notice is marked as read."))
    return redirect("notifications")


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
    """The secret is the credential, so its holder's two-factor rule applies here too: a link
    stops serving while its holder must turn two-factor on and has not."""
    feed = (
        CalendarFeed.objects.filter(digest=hashlib.sha256(secret.encode()).hexdigest(), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if feed is None or not feed.user.is_active or two_factor_missing(feed.user):
        raise Http404
    # Cancelled meetings stay, as CANCELLED: a calendar that holds one then removes it.
    meetings = selectors.meeting_list(user=feed.user)
    response = HttpResponse(
        calendar_for(meetings, request.build_absolute_uri("/"), _link_for(feed.user)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _link_for(user: User) -> Callable[[Meeting], str]:
    """The link to join a meeting, for a reader who may see it (the plenary)."""
    return lambda meeting: meeting.online_link if can(user, Permission.PROPOSAL_REFERENCE_VIEW, meeting) else ""


@login_required
def meeting_calendar(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """One meeting's own .ics, for whoever may see the meeting."""
    meeting = visible_or_404(lambda: selectors.meeting_get(user=request.user, meeting_id=meeting_id))
    response = HttpResponse(
        calendar_for([meeting], request.build_absolute_uri("/"), _link_for(signed_in(request))),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
