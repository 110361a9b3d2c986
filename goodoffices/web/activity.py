"""The activity of a process as people read it: what happened, by whom (or by the joint
consent of every party, never as the act of whoever consented last), and a link to what it is
about. Built for one page of events in a fixed number of queries."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from goodoffices.consent.models import JointConsent
from goodoffices.events.models import Event, EventKind
from goodoffices.meetings.joint import by_joint_consent, parties_of
from goodoffices.meetings.models import Communique
from goodoffices.policies import AnyUser, roles_in
from goodoffices.processes.models import Process

# Acts of every party together: the event names no actor.
JOINT = {
    EventKind.CONSENT_REACHED,
    EventKind.MEETING_CONFIRMED,
    EventKind.MINUTES_APPROVED,
    EventKind.COMMUNIQUE_PUBLISHED,
    EventKind.MEETING_DECLASSIFIED,
}

WHAT: dict[str, Promise] = {
    EventKind.PROPOSAL_CREATED: _("Meeting proposed"),
    EventKind.PROPOSAL_COUNTERED: _("Counter-proposal made"),
    EventKind.PROPOSAL_DECLINED: _("Proposal declined"),
    EventKind.PROPOSAL_WITHDRAWN: _("Proposal withdrawn"),
    EventKind.CONSENT_GIVEN: _("Consent given"),
    EventKind.CONSENT_WITHDRAWN: _("Consent withdrawn"),
    EventKind.CONSENT_REACHED: _("Agreed"),
    EventKind.MEETING_CONFIRMED: _("Meeting confirmed"),
    EventKind.MEETING_HELD: _("Meeting recorded as held"),
    EventKind.MEETING_POSTPONED: _("Meeting postponed"),
    EventKind.MEETING_CANCELLED: _("Meeting cancelled"),
    EventKind.MEETING_DECLASSIFICATION_REQUESTED: _("Declassification requested"),
    EventKind.MEETING_DECLASSIFIED: _("Meeting declassified"),
    EventKind.MINUTES_DRAFTED: _("Minutes drafted"),
    EventKind.MINUTES_APPROVED: _("Minutes approved"),
    EventKind.COMMUNIQUE_DRAFTED: _("Communiqué drafted"),
    EventKind.COMMUNIQUE_AMENDED: _("Communiqué amended"),
    EventKind.COMMUNIQUE_PUBLISHED: _("Communiqué published on the register"),
}


@dataclass(frozen=True)
class ActivityItem:
    event: Event
    what: str
    # "by <actor>" or "by joint consent of <parties>"; empty when the record names no one.
    by: str
    # Where the subject can be read; empty when it has no page.
    url: str
    # What the subject is called, where the event says.
    title: str


def _url(subject_type: str, subject_id: str, communiques: dict[str, int], process: Process) -> str:
    if not subject_id.isdigit():
        return ""
    pk = int(subject_id)
    if subject_type == "meetings.proposal":
        return reverse("proposal", args=[pk])
    if subject_type == "meetings.meeting":
        return reverse("meeting", args=[pk])
    if subject_type == "meetings.communique" and subject_id in communiques:
        return reverse("meeting", args=[communiques[subject_id]])
    if subject_type == "processes.mandateversion" or subject_type == "processes.mandate":
        return reverse("mandate", args=[process.pk])
    if subject_type == "processes.process":
        return reverse("process", args=[process.pk])
    return ""


def with_subjects(events: QuerySet[Event]) -> QuerySet[Event]:
    """``events`` with what each is about where that takes a look-up (a joint consent's subject,
    a communiqué's meeting), read in the same query."""
    text_key = Cast("id", CharField())
    joint = JointConsent.objects.annotate(key=text_key).filter(key=OuterRef("subject_id"))
    communique = Communique.objects.annotate(key=text_key)
    return events.annotate(
        joint_subject_type=Subquery(joint.values("subject_type")[:1]),
        joint_subject_id=Subquery(joint.values("subject_id")[:1]),
        communique_meeting=Subquery(communique.filter(key=OuterRef("subject_id")).values("meeting_id")[:1]),
        # A joint consent on a communiqué: the meeting of the communiqué it is about.
        joint_communique_meeting=Subquery(
            JointConsent.objects.annotate(key=text_key)
            .filter(key=OuterRef("subject_id"), subject_type="meetings.communique")
            .annotate(
                meeting=Subquery(
                    Communique.objects.annotate(key=text_key)
                    .filter(key=OuterRef("subject_id"))
                    .values("meeting_id")[:1]
                )
            )
            .values("meeting")[:1]
        ),
    )


def _annotated(events: Sequence[Event]) -> tuple[dict[str, tuple[str, str]], dict[str, int]] | None:
    """The look-ups ``with_subjects`` made, if it made them."""
    if not all(hasattr(e, "joint_subject_type") for e in events):
        return None
    joints: dict[str, tuple[str, str]] = {}
    communiques: dict[str, int] = {}
    for e in events:
        if e.subject_type == "consent.jointconsent" and e.joint_subject_type:  # type: ignore[attr-defined]
            joints[e.subject_id] = (e.joint_subject_type, e.joint_subject_id)  # type: ignore[attr-defined]
            if e.joint_communique_meeting:  # type: ignore[attr-defined]
                communiques[e.joint_subject_id] = e.joint_communique_meeting  # type: ignore[attr-defined]
        if e.subject_type == "meetings.communique" and e.communique_meeting:  # type: ignore[attr-defined]
            communiques[e.subject_id] = e.communique_meeting  # type: ignore[attr-defined]
    return joints, communiques


def activity_items(events: Sequence[Event], process: Process) -> list[ActivityItem]:
    """Read models of one page of ``process``'s events (already restricted to the reader): no
    query when they were read ``with_subjects``, else at most two (the subjects of joint
    consents, and the meetings of communiqués)."""
    looked_up = _annotated(events)
    if looked_up is not None:
        return _items(events, process, *looked_up)
    joints = (
        {
            str(joint.pk): (joint.subject_type, joint.subject_id)
            for joint in JointConsent.objects.filter(
                pk__in=[
                    int(e.subject_id)
                    for e in events
                    if e.subject_type == "consent.jointconsent" and e.subject_id.isdigit()
                ]
            ).only("subject_type", "subject_id")
        }
        if any(e.subject_type == "consent.jointconsent" for e in events)
        else {}
    )

    def subject(event: Event) -> tuple[str, str]:
        if event.subject_type == "consent.jointconsent":
            return joints.get(event.subject_id, ("", ""))
        return event.subject_type, event.subject_id

    subjects = [subject(e) for e in events]
    communique_ids = [int(i) for t, i in subjects if t == "meetings.communique" and i.isdigit()]
    communiques = (
        {
            str(pk): meeting
            for pk, meeting in Communique.objects.filter(pk__in=communique_ids).values_list("pk", "meeting_id")
        }
        if communique_ids
        else {}
    )
    return _items(events, process, joints, communiques)


def _items(
    events: Sequence[Event], process: Process, joints: dict[str, tuple[str, str]], communiques: dict[str, int]
) -> list[ActivityItem]:
    def subject(event: Event) -> tuple[str, str]:
        if event.subject_type == "consent.jointconsent":
            return joints.get(event.subject_id, ("", ""))
        return event.subject_type, event.subject_id

    subjects = [subject(e) for e in events]
    joint_by = by_joint_consent(parties_of(process))
    items = []
    for event, (subject_type, subject_id) in zip(events, subjects, strict=True):
        if event.kind in JOINT:
            by = joint_by
        elif event.actor is not None:
            by = str(_("by %(actor)s") % {"actor": event.actor})
        else:
            by = ""
        payload = event.payload if isinstance(event.payload, dict) else {}
        # A published communiqué's event names its meeting by title.
        title = payload.get("title") or payload.get("meeting")
        items.append(
            ActivityItem(
                event=event,
                what=str(WHAT.get(event.kind, event.kind_name)),
                by=by,
                url=_url(subject_type, subject_id, communiques, process),
                title=title if isinstance(title, str) else "",
            )
        )
    return items


def recent_activity(
    user: AnyUser, processes: Sequence[Process], limit: int = 8
) -> list[tuple[Process, list[ActivityItem]]]:
    """The reader's latest events across ``processes`` (as it may see them), grouped by process,
    newest first."""
    by_id = {p.pk: p for p in processes}
    visible = Q(pk__in=[])
    for process_id, roles in roles_in(user, processes).items():
        visible |= Q(process_id=process_id, audience__in=sorted(roles.audiences()))
    events = list(with_subjects(Event.objects.filter(visible)).select_related("actor").order_by("-seq")[:limit])
    return [
        (by_id[pid], activity_items([e for e in events if e.process_id == pid], by_id[pid]))
        for pid in dict.fromkeys(e.process_id for e in events)
        if pid in by_id
    ]
