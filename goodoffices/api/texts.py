"""Negotiating texts: versions, redlines, amendments, positions, comments and tagged commitments.

A text is the plenary's: anyone else gets 404, exactly as for a text that does not exist. Lists
are paginated with ``limit`` and ``cursor``; ``next`` is the cursor of the following page, or null.
"""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router
from ninja.params.functions import Query
from ninja.responses import Status

from goodoffices.accounts.models import signed_in
from goodoffices.lib import audience
from goodoffices.lib.errors import Invalid, NotFound
from goodoffices.processes import selectors as process_selectors
from goodoffices.processes.models import Party
from goodoffices.texts import selectors, services
from goodoffices.texts.categories import category_label
from goodoffices.texts.models import Amendment, Comment, TaggedCommitment, Text, TextVersion

from .schemas import Input, Out, optional

router = Router(tags=["texts"])

M = TypeVar("M", bound=Model)
DEFAULT_LIMIT = 50
MAX_LIMIT = 100


# --- input ---------------------------------------------------------------------------------------


class ClauseBody(Input):
    id: str = Field(default="", max_length=64)
    heading: str = optional(max_length=200)
    text: str = Field(max_length=4000, description="the clause in the authoring syntax: [words], [A: one | B: other]")


class SectionBody(Input):
    id: str = Field(default="", max_length=64)
    title: str = Field(max_length=200)
    clauses: list[ClauseBody] = Field(max_length=200)


class NewTextIn(Input):
    title: str = Field(max_length=200)
    sections: list[SectionBody] = Field(max_length=50)
    note: str = Field(default="", max_length=4000)


class OperationBody(Input):
    """One change, as a lib amendment record: ``replace`` (clause, text), ``insert`` (text, after or
    section, optional clause id and heading), ``delete`` (clause), ``add_option`` (clause, bracket,
    text) or ``resolve`` (clause, bracket, option)."""

    op: str = Field(max_length=16)
    clause: str = optional(max_length=64)
    text: str = optional(max_length=4000)
    after: str = optional(max_length=64)
    section: str = optional(max_length=64)
    heading: str = optional(max_length=200)
    bracket: int = optional(ge=1, le=1000)
    option: str = optional(max_length=1)

    def record(self) -> dict[str, Any]:
        """The fields given, as the lib reads them (an insertion's ``after``/``section`` may be null)."""
        return self.model_dump(exclude_none=True)


class RevisionIn(Input):
    operations: list[OperationBody] = Field(max_length=50)
    note: str = Field(default="", max_length=4000)


class TextAmendmentIn(OperationBody):
    note: str = Field(default="", max_length=4000)
    audience: str = Field(default="plenary", max_length=40, description="plenary, or caucus (your party's)")
    party: int = optional(description="the party you propose for, when you act for several")

    def record(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True, exclude={"note", "audience", "party"})


class DecisionIn(Input):
    take_in: bool
    reason: str = Field(default="", max_length=4000)


class PositionIn(Input):
    stance: str = Field(max_length=24, description="agree, agree_ad_referendum, reserve, reject or amend")
    note: str = Field(default="", max_length=4000)
    audience: str = Field(default="plenary", max_length=40, description="plenary, or caucus (your party's)")
    amendment: int = optional(description="with 'amend': your party's open amendment to the clause")
    party: int = optional(description="the party you act for, when you head several")


class CommentIn(Input):
    body: str = Field(max_length=4000)
    audience: str = Field(default="plenary", max_length=40, description="plenary or caucus:<party id>")


class CommitmentIn(Input):
    obligor: int
    action: str = Field(max_length=4000)
    category: str = Field(max_length=64)
    deadline: date = optional(strict=False)
    schedule: str = Field(default="", max_length=200)
    verification: str = Field(default="", max_length=4000)
    monitors: list[Annotated[str, Field(max_length=150)]] = Field(default_factory=list, max_length=20)


# --- output --------------------------------------------------------------------------------------


class OptionOut(Out):
    label: str
    text: str


class PieceOut(Out):
    text: str
    bracket: int
    options: list[OptionOut]


class PositionOut(Out):
    party: int
    party_name: str
    stance: str
    note: str
    audience: str
    version: int
    current: bool
    amendment: int | None
    set_by: str
    set_at: datetime


class ClauseOut(Out):
    id: str
    number: str
    heading: str | None
    text: str
    pieces: list[PieceOut]
    open_brackets: int
    words_from: int | None = None
    agreed_by_all: bool | None = None
    positions: list[PositionOut] = []


class SectionOut(Out):
    id: str
    title: str
    clauses: list[ClauseOut]


class CountersOut(Out):
    clauses: int
    open_brackets: int
    agreed_by_all: int
    ad_referendum: int
    with_reservation: int
    rejected: int
    clean: bool


class AdoptionReadinessOut(Out):
    ready: bool
    clause: str | None
    number: str | None
    reason: str | None


class AmendmentOut(Out):
    id: int
    text: int
    party: int
    proposed_by: str
    base_version: int
    operation: dict[str, Any]
    clause: str
    summary: str
    note: str
    audience: str
    status: str
    reason: str
    decided_by: str | None
    decided_at: datetime | None
    created_at: datetime


class AmendmentList(Out):
    items: list[AmendmentOut]
    next: str | None


class TextSummary(Out):
    id: int
    process: int
    title: str
    status: str
    version: int
    created_at: datetime


class TextList(Out):
    items: list[TextSummary]
    next: str | None


class TextOut(TextSummary):
    audience: str
    sha256: str
    counters: CountersOut
    readiness: AdoptionReadinessOut
    sections: list[SectionOut]
    open_amendments: list[AmendmentOut]


class VersionSummary(Out):
    number: int
    sha256: str
    note: str
    amendment: int | None
    created_by: str
    created_at: datetime


class VersionList(Out):
    items: list[VersionSummary]
    next: str | None


class VersionOut(VersionSummary):
    title: str
    open_brackets: int
    sections: list[SectionOut]
    content: dict[str, Any] = Field(description="the version as stored; sha256 is the digest of its RFC 8785 form")


class OpOut(Out):
    kind: str
    text: str


class ClauseChangeOut(Out):
    clause: str
    status: str
    old_number: str | None
    new_number: str | None
    old_heading: str | None
    new_heading: str | None
    ops: list[OpOut]
    html: str
    text: str


class RedlineOut(Out):
    text: int
    from_version: int
    to_version: int
    clauses: list[ClauseChangeOut]


class CommentOut(Out):
    id: int
    clause: str
    author: str
    body: str
    audience: str
    version: int
    created_at: datetime


class CommentList(Out):
    items: list[CommentOut]
    next: str | None


class CommitmentOut(Out):
    id: int
    clause: str = Field(description="the clause's number in the current version")
    clause_id: str
    obligor: int
    action: str
    category: str
    category_label: str
    deadline: date | None
    schedule: str | None
    continuous: bool
    verification: str
    monitors: list[str]


class CommitmentList(Out):
    items: list[CommitmentOut]
    next: str | None


# --- helpers -------------------------------------------------------------------------------------


def _cursor(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise Invalid.one("cursor", _("is not a cursor this list gave"))
    return int(raw)


def _page(
    queryset: QuerySet[M], *, limit: int, cursor: str | None, key: str = "id", newest_first: bool = True
) -> tuple[list[M], str | None]:
    """One page of ``queryset`` ordered by ``key``, and the cursor of the next page."""
    after = _cursor(cursor)
    ordered = queryset.order_by(f"-{key}" if newest_first else key)
    if after is not None:
        ordered = ordered.filter(**{f"{key}__lt" if newest_first else f"{key}__gt": after})
    rows = list(ordered[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (str(getattr(rows[-1], key)) if more and rows else None)


def _text(request: HttpRequest, text_id: int) -> Text:
    return selectors.text_get(user=request.user, text_id=text_id)


def _party(text: Text, party_id: int | None, field: str = "party") -> Party | None:
    if party_id is None:
        return None
    party = Party.objects.filter(process_id=text.process_id, pk=party_id).first()
    if party is None:
        raise Invalid.one(field, _("names no party of this process"))
    return party


def _summary(text: Text) -> dict[str, Any]:
    return {
        "id": text.pk,
        "process": text.process_id,
        "title": text.title,
        "status": text.status,
        "version": text.version,
        "created_at": text.created_at,
    }


def _clause(clause: selectors.ClauseText, **extra: Any) -> ClauseOut:
    return ClauseOut(
        id=clause.id,
        number=clause.number,
        heading=clause.heading,
        text=clause.source,
        pieces=[
            PieceOut(text=p.text, bracket=p.bracket, options=[OptionOut(label=o.label, text=o.text) for o in p.options])
            for p in clause.pieces
        ],
        open_brackets=clause.open_brackets,
        **extra,
    )


def _position(position: selectors.PositionView, text: Text) -> PositionOut:
    return PositionOut(
        party=position.party_id,
        party_name=position.party,
        stance=position.stance,
        note=position.note,
        audience=audience.caucus(position.party_id) if position.in_caucus else text.audience,
        version=position.version,
        current=position.current,
        amendment=position.amendment_id,
        set_by=position.set_by,
        set_at=position.set_at,
    )


def _amendment(amendment: Amendment, numbers: dict[str, str] | None = None) -> AmendmentOut:
    return AmendmentOut(
        id=amendment.pk,
        text=amendment.text_id,
        party=amendment.party_id,
        proposed_by=amendment.proposed_by.username,
        base_version=amendment.base_version,
        operation=amendment.operation,
        clause=amendment.clause,
        summary=selectors.amendment_summary(amendment.operation, numbers or {}),
        note=amendment.note,
        audience=amendment.audience,
        status=amendment.status,
        reason=amendment.reason,
        decided_by=amendment.decided_by.username if amendment.decided_by else None,
        decided_at=amendment.decided_at,
        created_at=amendment.created_at,
    )


def _comment(comment: Comment) -> CommentOut:
    return CommentOut(
        id=comment.pk,
        clause=comment.clause,
        author=comment.author.username,
        body=comment.body,
        audience=comment.audience,
        version=comment.version,
        created_at=comment.created_at,
    )


def _commitment(view: selectors.CommitmentView) -> CommitmentOut:
    c = view.commitment
    return CommitmentOut(
        id=c.pk,
        clause=view.clause_number,
        clause_id=c.clause,
        obligor=c.obligor_id,
        action=c.action,
        category=c.category,
        category_label=category_label(c.category),
        deadline=c.deadline,
        schedule=c.schedule or None,
        continuous=c.deadline is None and not c.schedule,
        verification=c.verification,
        monitors=list(c.monitors),
    )


def _text_out(request: HttpRequest, text: Text) -> TextOut:
    view = selectors.text_view(user=request.user, text=text)
    blocking = view.readiness.blocking
    numbers = {c.clause.id: c.clause.number for s in view.sections for c in s.clauses}
    return TextOut(
        **_summary(text),
        audience=text.audience,
        sha256=view.version.sha256,
        counters=CountersOut(**vars(view.counters), clean=view.counters.clean),
        readiness=AdoptionReadinessOut(
            ready=view.readiness.ready,
            clause=blocking.clause if blocking else None,
            number=blocking.number if blocking else None,
            reason=blocking.reason if blocking else None,
        ),
        sections=[
            SectionOut(
                id=s.id,
                title=s.title,
                clauses=[
                    _clause(
                        c.clause,
                        words_from=c.words_from,
                        agreed_by_all=c.agreed_by_all,
                        positions=[_position(p, text) for p in c.positions],
                    )
                    for c in s.clauses
                ],
            )
            for s in view.sections
        ],
        open_amendments=[_amendment(a.amendment, numbers) for a in view.open_amendments],
    )


def _version_summary(request: HttpRequest, version: TextVersion, visible_amendments: set[int]) -> VersionSummary:
    return VersionSummary(
        number=version.number,
        sha256=version.sha256,
        note=version.note,
        # The amendment behind a version is named only to who may see the amendment.
        amendment=version.amendment_id if version.amendment_id in visible_amendments else None,
        created_by=version.created_by.username,
        created_at=version.created_at,
    )


def _visible_amendments(request: HttpRequest, text: Text, versions: Sequence[TextVersion]) -> set[int]:
    ids = [v.amendment_id for v in versions if v.amendment_id is not None]
    if not ids:
        return set()
    return set(selectors.amendment_list(user=request.user, text=text).filter(pk__in=ids).values_list("pk", flat=True))


# --- endpoints -----------------------------------------------------------------------------------


@router.get("/processes/{process_id}/texts", response=TextList, summary="Negotiating texts of a process you may see")
def text_list(
    request: HttpRequest,
    process_id: int,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    cursor: str | None = Query(None, max_length=20),
) -> TextList:
    process = process_selectors.process_get(user=request.user, process_id=process_id)
    rows, after = _page(selectors.text_list(user=request.user, process=process), limit=limit, cursor=cursor)
    return TextList(items=[TextSummary(**_summary(t)) for t in rows], next=after)


@router.post(
    "/processes/{process_id}/texts",
    response={201: TextOut},
    summary="Open a negotiating text (mediators)",
    description="Clauses are written in the authoring syntax: [words] brackets words not yet agreed, "
    "[A: one | B: other] offers alternatives. Ids of sections and clauses are made when left out.",
)
def text_create(request: HttpRequest, process_id: int, payload: NewTextIn) -> Status[TextOut]:
    process = process_selectors.process_get(user=request.user, process_id=process_id)
    text = services.text_create(
        actor=signed_in(request),
        process=process,
        title=payload.title,
        sections=[
            services.SectionIn(
                id=s.id,
                title=s.title,
                clauses=[services.ClauseIn(id=c.id, heading=c.heading, text=c.text) for c in s.clauses],
            )
            for s in payload.sections
        ],
        note=payload.note,
    )
    return Status(201, _text_out(request, _text(request, text.pk)))


@router.get("/texts/{text_id}", response=TextOut, summary="A text's current version, with counters and positions")
def text_detail(request: HttpRequest, text_id: int) -> TextOut:
    return _text_out(request, _text(request, text_id))


@router.get("/texts/{text_id}/versions", response=VersionList, summary="Every version of a text, first first")
def text_versions(
    request: HttpRequest,
    text_id: int,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    cursor: str | None = Query(None, max_length=20),
) -> VersionList:
    text = _text(request, text_id)
    rows, after = _page(selectors.version_list(text=text), limit=limit, cursor=cursor, key="number", newest_first=False)
    visible = _visible_amendments(request, text, rows)
    return VersionList(items=[_version_summary(request, v, visible) for v in rows], next=after)


@router.get("/texts/{text_id}/versions/{number}", response=VersionOut, summary="One version of a text")
def text_version(request: HttpRequest, text_id: int, number: int) -> VersionOut:
    text = _text(request, text_id)
    version = selectors.version_get(text=text, number=number)
    view = selectors.version_view(version=version)
    return VersionOut(
        **_version_summary(request, version, _visible_amendments(request, text, [version])).dict(),
        title=view.title,
        open_brackets=view.open_brackets,
        sections=[SectionOut(id=s.id, title=s.title, clauses=[_clause(c) for c in s.clauses]) for s in view.sections],
        content=version.content,
    )


@router.get("/texts/{text_id}/redline", response=RedlineOut, summary="Two versions compared word by word")
def text_redline(
    request: HttpRequest,
    text_id: int,
    from_version: int = Query(..., alias="from", ge=1),
    to_version: int = Query(..., alias="to", ge=1),
) -> RedlineOut:
    text = _text(request, text_id)
    versions = {}
    for field, number in (("from", from_version), ("to", to_version)):
        try:
            versions[field] = selectors.version_get(text=text, number=number)
        except NotFound:
            raise Invalid.one(field, _("names no version of this text")) from None
    old, new = versions["from"], versions["to"]
    changes = selectors.text_redline(old=old, new=new)
    return RedlineOut(
        text=text.pk,
        from_version=old.number,
        to_version=new.number,
        clauses=[
            ClauseChangeOut(
                clause=c.clause,
                status=c.status,
                old_number=c.old_number,
                new_number=c.new_number,
                old_heading=c.old_heading,
                new_heading=c.new_heading,
                ops=[OpOut(kind=k, text=t) for k, t in c.ops],
                html=str(c.html),
                text=c.text,
            )
            for c in changes
        ],
    )


@router.post("/texts/{text_id}/revisions", response={201: VersionSummary}, summary="Revise a text directly (mediators)")
def text_revise(request: HttpRequest, text_id: int, payload: RevisionIn) -> Status[VersionSummary]:
    text = _text(request, text_id)
    version = services.text_revise(
        actor=signed_in(request), text=text, operations=[op.record() for op in payload.operations], note=payload.note
    )
    return Status(201, _version_summary(request, version, set()))


@router.get("/texts/{text_id}/amendments", response=AmendmentList, summary="Amendments to a text you may see")
def text_amendments(
    request: HttpRequest,
    text_id: int,
    status: str | None = Query(None, max_length=16),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    cursor: str | None = Query(None, max_length=20),
) -> AmendmentList:
    text = _text(request, text_id)
    amendments = selectors.amendment_list(user=request.user, text=text)
    if status is not None:
        if status not in Amendment.Status.values:
            raise Invalid.one(
                "status", _("must be one of %(allowed)s") % {"allowed": ", ".join(Amendment.Status.values)}
            )
        amendments = amendments.filter(status=status)
    rows, after = _page(amendments, limit=limit, cursor=cursor)
    return AmendmentList(items=[_amendment(a) for a in rows], next=after)


@router.post(
    "/texts/{text_id}/amendments",
    response={201: AmendmentOut},
    summary="Propose an amendment (a party's head or delegate)",
)
def amendment_propose(request: HttpRequest, text_id: int, payload: TextAmendmentIn) -> Status[AmendmentOut]:
    text = _text(request, text_id)
    amendment = services.amendment_propose(
        actor=signed_in(request),
        text=text,
        operation=payload.record(),
        note=payload.note,
        party=_party(text, payload.party),
        audience_name=payload.audience,
    )
    return Status(201, _amendment(selectors.amendment_get(user=request.user, amendment_id=amendment.pk)))


@router.get("/amendments/{amendment_id}", response=AmendmentOut, summary="One amendment")
def amendment_detail(request: HttpRequest, amendment_id: int) -> AmendmentOut:
    return _amendment(selectors.amendment_get(user=request.user, amendment_id=amendment_id))


@router.post(
    "/amendments/{amendment_id}/decision",
    response=AmendmentOut,
    summary="Take an amendment into the text, or not, with a reason (mediators)",
)
def amendment_decide(request: HttpRequest, amendment_id: int, payload: DecisionIn) -> AmendmentOut:
    amendment = selectors.amendment_get(user=request.user, amendment_id=amendment_id)
    services.amendment_decide(
        actor=signed_in(request), amendment=amendment, take_in=payload.take_in, reason=payload.reason
    )
    return _amendment(selectors.amendment_get(user=request.user, amendment_id=amendment_id))


@router.put(
    "/texts/{text_id}/clauses/{clause}/position",
    response=PositionOut,
    summary="Your party's position on a clause (heads of delegation)",
)
def position_set(request: HttpRequest, text_id: int, clause: str, payload: PositionIn) -> PositionOut:
    text = _text(request, text_id)
    amendment = None
    if payload.amendment is not None:
        try:
            amendment = selectors.amendment_get(user=request.user, amendment_id=payload.amendment)
        except NotFound:
            raise Invalid.one("amendment", _("names no amendment you may see")) from None
    position = services.position_set(
        actor=signed_in(request),
        text=text,
        clause=clause,
        stance=payload.stance,
        note=payload.note,
        party=_party(text, payload.party),
        audience_name=payload.audience,
        amendment=amendment,
    )
    return _position(selectors.position_view(position=position), text)


@router.get("/texts/{text_id}/comments", response=CommentList, summary="Comments on a text you may see, newest first")
def text_comments(
    request: HttpRequest,
    text_id: int,
    clause: str | None = Query(None, max_length=64),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    cursor: str | None = Query(None, max_length=20),
) -> CommentList:
    text = _text(request, text_id)
    comments = selectors.comment_list(user=request.user, text=text)
    if clause is not None:
        comments = comments.filter(clause=clause)
    rows, after = _page(comments, limit=limit, cursor=cursor)
    return CommentList(items=[_comment(c) for c in rows], next=after)


@router.post("/texts/{text_id}/clauses/{clause}/comments", response={201: CommentOut}, summary="Comment on a clause")
def comment_add(request: HttpRequest, text_id: int, clause: str, payload: CommentIn) -> Status[CommentOut]:
    text = _text(request, text_id)
    comment = services.comment_add(
        actor=signed_in(request), text=text, clause=clause, body=payload.body, audience_name=payload.audience
    )
    return Status(201, _comment(comment))


@router.get("/texts/{text_id}/commitments", response=CommitmentList, summary="Commitments tagged on a text's clauses")
def text_commitments(
    request: HttpRequest,
    text_id: int,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    cursor: str | None = Query(None, max_length=20),
) -> CommitmentList:
    text = _text(request, text_id)
    numbers = TextVersion.objects.get(text=text, number=text.version).document().numbers()
    rows, after = _page(
        selectors.commitment_list(text=text).filter(clause__in=list(numbers)),
        limit=limit,
        cursor=cursor,
        newest_first=False,
    )
    return CommitmentList(items=[_commitment(v) for v in selectors.commitment_views(rows, numbers)], next=after)


@router.post(
    "/texts/{text_id}/clauses/{clause}/commitments",
    response={201: CommitmentOut},
    summary="Tag a clause with a commitment it creates (mediators)",
)
def commitment_tag(request: HttpRequest, text_id: int, clause: str, payload: CommitmentIn) -> Status[CommitmentOut]:
    text = _text(request, text_id)
    obligor = _party(text, payload.obligor, "obligor")
    assert obligor is not None
    commitment = services.commitment_tag(
        actor=signed_in(request),
        text=text,
        clause=clause,
        obligor=obligor,
        action=payload.action,
        category=payload.category,
        deadline=payload.deadline,
        schedule=payload.schedule,
        verification=payload.verification,
        monitors=payload.monitors,
    )
    numbers = TextVersion.objects.get(text=text, number=text.version).document().numbers()
    return Status(201, _commitment(selectors.commitment_views([commitment], numbers)[0]))


@router.delete(
    "/texts/{text_id}/commitments/{commitment_id}",
    response={204: None},
    summary="Remove a tagged commitment (mediators)",
)
def commitment_untag(request: HttpRequest, text_id: int, commitment_id: int) -> Status[None]:
    text = _text(request, text_id)
    commitment: TaggedCommitment = selectors.commitment_get(text=text, commitment_id=commitment_id)
    services.commitment_untag(actor=signed_in(request), commitment=commitment)
    return Status(204, None)
