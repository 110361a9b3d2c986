"""Reads of proposals, meetings and communiqués, already restricted by audience."""

from django.db.models import Q, QuerySet

from goodoffices.lib import audience
from goodoffices.lib.errors import NotFound
from goodoffices.policies import AnyUser, restrict_by_audience, roles_for

from .models import Communique, Meeting, Notification, Proposal


def proposal_list(*, user: AnyUser, process_id: int | None = None) -> QuerySet[Proposal]:
    qs = Proposal.objects.all() if process_id is None else Proposal.objects.filter(process_id=process_id)
    return (
        restrict_by_audience(user, qs)
        .select_related("process__mandate_version", "proposing_party", "proposed_by", "meeting")
        .prefetch_related("slots", "counters")
    )


def proposal_get(*, user: AnyUser, proposal_id: int) -> Proposal:
    proposal = proposal_list(user=user).select_related("process__mandate_version").filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound("proposal")
    return proposal


def meeting_list(*, user: AnyUser, process_id: int | None = None) -> QuerySet[Meeting]:
    qs = Meeting.objects.all() if process_id is None else Meeting.objects.filter(process_id=process_id)
    return restrict_by_audience(user, qs).select_related("process__mandate_version", "proposal", "communique")


def meeting_get(*, user: AnyUser, meeting_id: int) -> Meeting:
    meeting = meeting_list(user=user).select_related("process__mandate_version").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound("meeting")
    return meeting


def communique_for(*, user: AnyUser, meeting: Meeting) -> Communique | None:
    """The meeting's communiqué if the user may read it: a draft is for the plenary only."""
    try:
        communique = meeting.communique  # already joined by meeting_list
    except Communique.DoesNotExist:
        return None
    if communique is None or communique.audience not in roles_for(user, meeting.process).audiences():
        return None
    return communique


def register_meetings() -> QuerySet[Meeting]:
    """The public register: held meetings whose communiqué is published or that are public."""
    return (
        Meeting.objects.filter(status=Meeting.Status.HELD)
        .filter(Q(communique__status=Communique.Status.PUBLISHED) | Q(audience=audience.PUBLIC))
        .select_related("process", "communique")
        .order_by("-starts_at")
    )


def register_meeting_get(*, meeting_id: int) -> Meeting:
    meeting = register_meetings().filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound("meeting")
    return meeting


def notification_list(*, user: AnyUser) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk)
