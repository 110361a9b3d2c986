"""A confirmed meeting is recorded as held, or postponed, or cancelled, by a mediator."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from goodoffices.accounts.models import User
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience, clock
from goodoffices.lib.errors import Invalid
from goodoffices.policies import Permission, attendance_candidates, require

from ..models import Meeting
from ..notices import Who, notify
from .common import MAX_REASON, MAX_TEXT, clean_text, meeting_for_update
from .declassification import open_meeting_record


@transaction.atomic
def meeting_hold(*, actor: User, meeting: Meeting, attendance: list[User], outcomes: str) -> Meeting:
    """Record that the meeting took place; from now on the mandate's rule decides who sees it."""
    require(actor, Permission.MEETING_RECORD, meeting)
    outcomes = clean_text(outcomes, "outcomes", MAX_TEXT, required=False)
    eligible = set(
        attendance_candidates(meeting.process).filter(pk__in=[u.pk for u in attendance]).values_list("pk", flat=True)
    )
    strangers = [u.username for u in attendance if u.pk not in eligible]
    if strangers:
        raise Invalid.one(
            "attendance", _("not a mediator or delegation member: %(names)s") % {"names": ", ".join(strangers)}
        )
    locked = meeting_for_update(meeting, Meeting.Status.CONFIRMED)
    if clock.now() < locked.starts_at:
        raise Invalid.one(
            "starts_at",
            _("the meeting has not begun: it starts at %(when)s; record it as held once it has begun")
            % {"when": locked.starts_at.isoformat()},
        )
    if not attendance:
        raise Invalid.one("attendance", _("say who attended: at least one person"))
    if not outcomes:
        raise Invalid.one("outcomes", _("say what came of the meeting: its outcomes are part of its record"))
    locked.status = Meeting.Status.HELD
    locked.outcomes = outcomes
    locked.held_at = clock.now()
    locked.audience = locked.process.mandate_version.held_meetings_audience
    locked.sequence += 1
    locked.save(update_fields=["status", "outcomes", "held_at", "audience", "sequence"])
    locked.attendance.set(attendance)
    event_record(
        kind=EventKind.MEETING_HELD,
        actor=actor,
        subject=locked,
        audience=locked.audience,
        process=locked.process,
        payload={"title": locked.title, "attendance": sorted(u.pk for u in attendance), "outcomes": outcomes},
    )
    notify(
        process=locked.process,
        record_audience=audience.PLENARY,
        subject=locked,
        actor=actor,
        message=gettext_noop("Meeting recorded as held: %(title)s. Its minutes and communiqué can now be drafted."),
        params={"title": locked.title},
        who=Who.HEADS_AND_MEDIATORS,
    )
    if locked.audience == audience.PUBLIC:
        open_meeting_record(locked, actor)
    return locked


def _meeting_stop(*, actor: User, meeting: Meeting, reason: str, status: Meeting.Status, kind: EventKind) -> Meeting:
    require(actor, Permission.MEETING_RECORD, meeting)
    reason = clean_text(reason, "reason", MAX_REASON)
    locked = meeting_for_update(meeting, Meeting.Status.CONFIRMED)
    locked.status = status
    locked.status_reason = reason
    # Calendars that hold the meeting show the change (a cancelled meeting stays, as CANCELLED).
    locked.sequence += 1
    locked.save(update_fields=["status", "status_reason", "sequence"])
    event_record(
        kind=kind,
        actor=actor,
        subject=locked,
        audience=locked.audience,
        process=locked.process,
        payload={"reason": reason},
    )
    notify(
        process=locked.process,
        record_audience=locked.audience,
        subject=locked,
        actor=actor,
        message=(
            gettext_noop("Meeting postponed: %(title)s")
            if status == Meeting.Status.POSTPONED
            else gettext_noop("Meeting cancelled: %(title)s")
        ),
        params={"title": locked.title},
        email=True,
    )
    return locked


@transaction.atomic
def meeting_postpone(*, actor: User, meeting: Meeting, reason: str) -> Meeting:
    return _meeting_stop(
        actor=actor, meeting=meeting, reason=reason, status=Meeting.Status.POSTPONED, kind=EventKind.MEETING_POSTPONED
    )


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting, reason: str) -> Meeting:
    return _meeting_stop(
        actor=actor, meeting=meeting, reason=reason, status=Meeting.Status.CANCELLED, kind=EventKind.MEETING_CANCELLED
    )
