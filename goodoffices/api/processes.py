from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from goodoffices.accounts.models import signed_in
from goodoffices.events.models import Event
from goodoffices.events.selectors import event_public_id
from goodoffices.ledger.log import tree_size
from goodoffices.lib.errors import NotFound
from goodoffices.pagination import paginate
from goodoffices.policies import roles_for
from goodoffices.processes import selectors, services
from goodoffices.processes.models import DelegationMembership, Mandate, Process

from .schemas import (
    AmendmentIn,
    Cursor,
    DelegationOut,
    EventList,
    EventOut,
    Limit,
    MandateOut,
    MemberIn,
    MemberOut,
    ProcessList,
    ProcessOut,
)

router = Router(tags=["processes"])


def _summary(process: Process) -> dict[str, object]:
    return {
        "id": process.pk,
        "title": process.title,
        "status": process.status,
        "framework": process.mandate.framework.name,
        "parties": [{"id": p.pk, "name": p.name} for p in process.parties.all()],
    }


def _mandate(process: Process) -> MandateOut:
    v = process.mandate_version
    return MandateOut(
        id=process.mandate_id,
        title=process.mandate.title,
        framework=process.mandate.framework.name,
        version=v.number,
        tasks=v.tasks,
        scope=v.scope,
        term_start=v.term_start,
        term_end=v.term_end,
        languages=v.languages,
        mediators_see_readiness=v.mediators_see_readiness,
        two_factor_required=v.two_factor_required,
        response_period_days=v.response_period_days,
        deadline_timezone=v.deadline_timezone,
    )


def _event(event: Event, size: int) -> EventOut:
    """``size``: the ledger's size, beyond which a leaf is not yet served."""
    leaf = getattr(event, "leaf", None)
    return EventOut(
        id=event_public_id(event),
        leaf_index=leaf.index if leaf is not None and leaf.index < size else None,
        kind=event.kind,
        occurred_at=event.occurred_at,
        actor=event.actor.username if event.actor else None,
        audience=event.audience,
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        payload=event.payload,
    )


@router.get("/processes", response=ProcessList, summary="Processes you are admitted to")
def process_list(request: HttpRequest, limit: Limit = None, cursor: Cursor = None) -> dict[str, object]:
    page = paginate(
        selectors.process_list(user=request.user),
        order=("id",),
        scope="processes",
        user=request.user,
        cursor=cursor,
        limit=limit,
    )
    return {"items": [_summary(p) for p in page.items], "next": page.next, "prev": page.prev}


@router.get("/processes/{process_id}", response=ProcessOut, summary="One process with its mandate")
def process_detail(request: HttpRequest, process_id: int) -> ProcessOut:
    process = selectors.process_get(user=request.user, process_id=process_id, with_people=True)
    return ProcessOut(
        **_summary(process),  # type: ignore[arg-type]
        mandate=_mandate(process),
        my_roles=roles_for(request.user, process).names(),
        delegations=[
            DelegationOut(
                party={"id": party.pk, "name": party.name},  # type: ignore[arg-type]
                members=[
                    MemberOut(id=m.pk, username=m.user.username, name=str(m.user), role=m.role)
                    for m in party.memberships.all()
                ],
            )
            for party in process.parties.all()
        ],
        appointments=[
            {"username": a.user.username, "name": str(a.user), "role": a.role, "organisation": a.organisation}  # type: ignore[misc]
            for a in process.appointments.all()
        ],
    )


@router.get("/processes/{process_id}/events", response=EventList, summary="The events you may see")
def event_list(request: HttpRequest, process_id: int, limit: Limit = None, cursor: Cursor = None) -> EventList:
    process = selectors.process_get(user=request.user, process_id=process_id)
    page = paginate(
        selectors.event_list(user=request.user, process=process),
        order=("-seq",),
        scope=f"events:{process.pk}",
        user=request.user,
        cursor=cursor,
        limit=limit,
    )
    size = tree_size()
    return EventList(items=[_event(e, size) for e in page.items], next=page.next, prev=page.prev)


@router.get("/processes/{process_id}/events/{event_id}", response=EventOut, summary="One event")
def event_detail(request: HttpRequest, process_id: int, event_id: str) -> EventOut:
    process = selectors.process_get(user=request.user, process_id=process_id)
    return _event(selectors.event_get(user=request.user, process=process, event_id=event_id), tree_size())


@router.post(
    "/processes/{process_id}/parties/{party_id}/members",
    response={201: MemberOut},
    summary="Add a member to your delegation (heads of delegation)",
)
def member_add(request: HttpRequest, process_id: int, party_id: int, payload: MemberIn) -> Status[MemberOut]:
    process = selectors.process_get(user=request.user, process_id=process_id)
    party = selectors.party_get(user=request.user, process=process, party_id=party_id)
    membership = services.delegation_member_add_by_username(
        actor=signed_in(request), party=party, username=payload.username, role=payload.role
    )
    user = membership.user
    return Status(201, MemberOut(id=membership.pk, username=user.username, name=str(user), role=membership.role))


@router.delete(
    "/processes/{process_id}/parties/{party_id}/members/{membership_id}",
    response={204: None},
    summary="Remove a member from your delegation",
)
def member_remove(request: HttpRequest, process_id: int, party_id: int, membership_id: int) -> Status[None]:
    process = selectors.process_get(user=request.user, process_id=process_id)
    party = selectors.party_get(user=request.user, process=process, party_id=party_id)
    membership = DelegationMembership.objects.filter(party=party, pk=membership_id).select_related("user").first()
    if membership is None:
        raise NotFound("membership")
    services.delegation_member_remove(actor=signed_in(request), membership=membership)
    return Status(204, None)


@router.post(
    "/processes/{process_id}/mandate/amendments",
    response={201: MandateOut},
    summary="Amend the mandate (framework operators)",
)
def mandate_amend(request: HttpRequest, process_id: int, payload: AmendmentIn) -> Status[MandateOut]:
    process = selectors.process_get(user=request.user, process_id=process_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"note"})
    mandate = Mandate.objects.get(pk=process.mandate_id)
    services.mandate_amend(actor=signed_in(request), mandate=mandate, note=payload.note, **changes)
    return Status(201, _mandate(selectors.process_get(user=request.user, process_id=process_id)))
