"""Reads of negotiating texts, already restricted to what the reader may see, and the read models:
the text as this reader may see it (clauses with their brackets, each party's positions where the
reader may see them, counters, amendments, comments, tagged commitments), a version, and a redline
between two versions. The web pages and the API both render these; neither decides anything.

Counters and readiness for adoption are computed from the positions given in the plenary only:
what a party says in caucus is for the mediators, and nothing is agreed that the other parties
cannot see agreed.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from goodoffices.lib import audience
from goodoffices.lib.errors import Invalid, NotFound
from goodoffices.lib.negotiating_text import Bracket, Clause, NegotiatingText, amendment_from_json
from goodoffices.lib.redline import compare_versions, redline, redline_html, redline_text
from goodoffices.policies import AnyUser, Permission, can, may_see, roles_for
from goodoffices.processes.models import Party, Process

from .categories import category_label
from .models import Amendment, Comment, Position, Stance, TaggedCommitment, Text, TextVersion

AGREEMENT = (Stance.AGREE, Stance.AGREE_AD_REFERENDUM)
# What one text page shows of what grows without bound; the API lists all of it, page by page.
COMMENTS_ON_PAGE = 200
DECISIONS_ON_PAGE = 20


# --- restricted reads ---------------------------------------------------------------------------


def text_list(*, user: AnyUser, process: Process) -> QuerySet[Text]:
    """The texts of ``process`` (already visible to ``user``) whose audience the reader may read."""
    return Text.objects.filter(process=process, audience__in=sorted(roles_for(user, process).audiences())).order_by(
        "-id"
    )


def text_get(*, user: AnyUser, text_id: int) -> Text:
    text = Text.objects.select_related("process__mandate_version").filter(pk=text_id).first()
    if text is None or not may_see(user, text):
        raise NotFound("text")
    return text


def version_list(*, text: Text) -> QuerySet[TextVersion]:
    return TextVersion.objects.filter(text=text).select_related("created_by").defer("content").order_by("number")


def version_get(*, text: Text, number: int) -> TextVersion:
    version = TextVersion.objects.filter(text=text, number=number).select_related("created_by").first()
    if version is None:
        raise NotFound("version")
    return version


def _readable(user: AnyUser, text: Text) -> list[str]:
    return sorted(roles_for(user, text.process).audiences())


def amendment_list(*, user: AnyUser, text: Text) -> QuerySet[Amendment]:
    return (
        Amendment.objects.filter(text=text, audience__in=_readable(user, text))
        .select_related("party", "proposed_by", "decided_by")
        .order_by("-id")
    )


def amendment_get(*, user: AnyUser, amendment_id: int) -> Amendment:
    amendment = (
        Amendment.objects.select_related("text__process__mandate_version", "party", "proposed_by", "decided_by")
        .filter(pk=amendment_id)
        .first()
    )
    # The same answer for an amendment that does not exist and for one in another party's caucus.
    if amendment is None or not may_see(user, amendment.text) or not may_see(user, amendment):
        raise NotFound("amendment")
    return amendment


def comment_list(*, user: AnyUser, text: Text) -> QuerySet[Comment]:
    return Comment.objects.filter(text=text, audience__in=_readable(user, text)).select_related("author")


def commitment_list(*, text: Text) -> QuerySet[TaggedCommitment]:
    """Commitments tagged on ``text`` (a reader of the text reads them all)."""
    return TaggedCommitment.objects.filter(text=text).select_related("obligor").order_by("id")


def commitment_get(*, text: Text, commitment_id: int) -> TaggedCommitment:
    commitment = commitment_list(text=text).filter(pk=commitment_id).first()
    if commitment is None:
        raise NotFound("commitment")
    return commitment


# --- the clause as words and brackets --------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    label: str
    text: str


@dataclass(frozen=True)
class Piece:
    """A run of a clause: plain words (``bracket`` 0), or bracket number ``bracket`` with its options."""

    text: str = ""
    bracket: int = 0
    options: tuple[Option, ...] = ()

    @property
    def is_alternatives(self) -> bool:
        return len(self.options) > 1


def pieces(clause: Clause) -> tuple[Piece, ...]:
    out: list[Piece] = []
    number = 0
    for segment in clause.body:
        if isinstance(segment, Bracket):
            number += 1
            out.append(Piece(bracket=number, options=tuple(Option(label, t) for label, t in segment.labelled())))
        else:
            out.append(Piece(text=segment.text))
    return tuple(out)


@dataclass(frozen=True)
class ClauseText:
    """A clause as written in one version."""

    id: str
    number: str
    heading: str | None
    source: str
    pieces: tuple[Piece, ...]
    open_brackets: int


@dataclass(frozen=True)
class SectionText:
    id: str
    title: str
    clauses: tuple[ClauseText, ...]


def sections_of(document: NegotiatingText) -> tuple[SectionText, ...]:
    numbers = document.numbers()
    return tuple(
        SectionText(
            id=section.id,
            title=section.title,
            clauses=tuple(
                ClauseText(
                    id=c.id,
                    number=numbers[c.id],
                    heading=c.heading,
                    source=c.source,
                    pieces=pieces(c),
                    open_brackets=c.open_brackets,
                )
                for c in section.clauses
            ),
        )
        for section in document.sections
    )


# --- positions, counters and readiness for adoption -----------------------------------------------


def position_is_current(position: Position, clause_versions: dict[str, int]) -> bool:
    """A position counts for the clause's present words only if given on or after the version that
    gave the clause those words."""
    return position.version >= int(clause_versions.get(position.clause, 0))


@dataclass(frozen=True)
class Counters:
    """A text at a glance. A clause is agreed by all when no bracket remains in it and every party's
    plenary position on its present words is agree or agree ad referendum."""

    clauses: int
    open_brackets: int
    agreed_by_all: int
    ad_referendum: int
    with_reservation: int
    rejected: int

    @property
    def clean(self) -> bool:
        """No bracket remains and every party agrees to every clause."""
        return self.open_brackets == 0 and self.agreed_by_all == self.clauses


@dataclass(frozen=True)
class Blocking:
    """The first clause that keeps a text from adoption, and why."""

    clause: str
    number: str
    reason: str


class AdoptionReadiness(NamedTuple):
    """``(ready, first blocking clause)``: the blocking clause is ``None`` exactly when ready."""

    ready: bool
    blocking: Blocking | None


def _blocking_reason(
    clause: Clause, parties: Sequence[Party], plenary: dict[tuple[str, int], Position], clause_versions: dict[str, int]
) -> str | None:
    if clause.open_brackets:
        return ngettext("%(count)d open bracket remains", "%(count)d open brackets remain", clause.open_brackets) % {
            "count": clause.open_brackets
        }
    for party in parties:
        position = plenary.get((clause.id, party.pk))
        if position is None:
            return _("%(party)s has given no position") % {"party": party.name}
        if not position_is_current(position, clause_versions):
            return _("%(party)s gave its position on version %(given)d; the words changed in version %(changed)d") % {
                "party": party.name,
                "given": position.version,
                "changed": int(clause_versions[clause.id]),
            }
        if position.stance == Stance.AGREE_AD_REFERENDUM:
            return _("%(party)s agrees ad referendum only and has yet to confirm") % {"party": party.name}
        if position.stance != Stance.AGREE:
            return _("%(party)s's position is: %(stance)s") % {
                "party": party.name,
                "stance": Stance(position.stance).label,
            }
    return None


def _assess(
    version: TextVersion, document: NegotiatingText, parties: Sequence[Party], positions: Iterable[Position]
) -> tuple[Counters, AdoptionReadiness]:
    plenary = {(p.clause, p.party_id): p for p in positions if p.audience == audience.PLENARY}
    numbers = document.numbers()
    clause_versions = {k: int(v) for k, v in version.clause_versions.items()}
    agreed = ad_referendum = reservation = rejected = 0
    blocking: Blocking | None = None
    for _section, clause in document.clauses():
        current = [
            p
            for party in parties
            if (p := plenary.get((clause.id, party.pk))) is not None and position_is_current(p, clause_versions)
        ]
        stances = [p.stance for p in current]
        if clause.is_clean() and len(current) == len(parties) and all(s in AGREEMENT for s in stances):
            agreed += 1
            ad_referendum += Stance.AGREE_AD_REFERENDUM in stances
        reservation += Stance.RESERVE in stances
        rejected += Stance.REJECT in stances
        if blocking is None and (reason := _blocking_reason(clause, parties, plenary, clause_versions)):
            blocking = Blocking(clause=clause.id, number=numbers[clause.id], reason=reason)
    counters = Counters(
        clauses=len(numbers),
        open_brackets=document.open_brackets,
        agreed_by_all=agreed,
        ad_referendum=ad_referendum,
        with_reservation=reservation,
        rejected=rejected,
    )
    return counters, AdoptionReadiness(blocking is None, blocking)


def text_current_version(text: Text) -> TextVersion:
    """The current version of ``text`` (read it after locking the text to bind a consent to its
    ``sha256``: the digest of ``canonical_bytes()``)."""
    return TextVersion.objects.get(text_id=text.pk, number=text.version)


def text_ready_for_adoption(text: Text) -> AdoptionReadiness:
    """Whether the current version of ``text`` may be put to adoption: no bracket remains and every
    party agrees (``agree``, not only ad referendum) in the plenary, on these very words, to every
    clause. Names the first clause, in reading order, that blocks it.

    Adoption calls it in its own transaction after locking the text row
    (``Text.objects.select_for_update()``: every text service takes that lock first), then binds
    the consent to ``text_current_version(text).sha256``: nothing can change in between."""
    version = text_current_version(text)
    parties = list(Party.objects.filter(process_id=text.process_id).order_by("id"))
    positions = Position.objects.filter(text_id=text.pk, audience=audience.PLENARY)
    return _assess(version, version.document(), parties, positions)[1]


# --- the read model of a text ----------------------------------------------------------------------


@dataclass(frozen=True)
class PositionView:
    party_id: int
    party: str
    stance: str
    stance_label: str
    note: str
    in_caucus: bool
    version: int
    current: bool
    amendment_id: int | None
    set_by: str
    set_at: datetime


@dataclass(frozen=True)
class AmendmentView:
    amendment: Amendment
    party: str
    summary: str
    clause_number: str | None
    in_caucus: bool
    # The clause changed after the version it was proposed on: it can no longer be taken in.
    outdated: bool
    # The amendment's effect on the present words, as a redline (escaped by the lib).
    preview: SafeString


@dataclass(frozen=True)
class CommitmentView:
    commitment: TaggedCommitment
    clause_number: str
    category_label: str
    due: str


@dataclass(frozen=True)
class ClauseView:
    clause: ClauseText
    words_from: int
    positions: tuple[PositionView, ...]
    agreed_by_all: bool
    comments: tuple[Comment, ...]
    commitments: tuple[CommitmentView, ...]
    amendments: tuple[AmendmentView, ...]


@dataclass(frozen=True)
class SectionView:
    id: str
    title: str
    clauses: tuple[ClauseView, ...]


@dataclass(frozen=True)
class TextView:
    """A text's current version as one reader may see it, with what the reader may do to it."""

    text: Text
    version: TextVersion
    parties: tuple[Party, ...]
    sections: tuple[SectionView, ...]
    counters: Counters
    readiness: AdoptionReadiness
    open_amendments: tuple[AmendmentView, ...]
    decided_amendments: tuple[Amendment, ...]
    drafting: bool
    may_revise: bool
    may_decide: bool
    may_tag: bool
    may_comment: bool
    propose_for: tuple[Party, ...]
    positions_for: tuple[Party, ...]
    comment_audiences: tuple[tuple[str, str], ...]


def amendment_summary(record: dict[str, Any], numbers: dict[str, str]) -> str:
    """What an amendment does, in words, with clause numbers of the present version."""
    clause = record.get("clause", "")
    number = numbers.get(clause, clause)
    match record.get("op"):
        case "replace":
            return _("Replace the words of clause %(number)s") % {"number": number}
        case "insert":
            after = record.get("after")
            if after:
                return _("Insert a new clause after clause %(number)s") % {"number": numbers.get(after, after)}
            return _("Insert a new clause at the start of section %(section)s") % {"section": record.get("section")}
        case "delete":
            return _("Delete clause %(number)s") % {"number": number}
        case "add_option":
            return _("Add an option to bracket %(bracket)s of clause %(number)s") % {
                "bracket": record.get("bracket"),
                "number": number,
            }
        case "resolve":
            return _("Keep option %(option)s of bracket %(bracket)s of clause %(number)s") % {
                "option": record.get("option"),
                "bracket": record.get("bracket"),
                "number": number,
            }
    return str(record.get("op"))


def _preview(record: dict[str, Any], document: NegotiatingText) -> SafeString:
    clause = record.get("clause", "")
    try:
        changed = amendment_from_json(record).apply_to(document)
    except Invalid:
        return SafeString("")
    old = {c.id: c.source for _s, c in document.clauses()}
    new = {c.id: c.source for _s, c in changed.clauses()}
    # redline_html escapes every character of both texts: the result is safe HTML.
    return mark_safe(redline_html(redline(old.get(clause, ""), new.get(clause, ""))))  # noqa: S308


def amendment_views(
    amendments: Sequence[Amendment], version: TextVersion, document: NegotiatingText
) -> tuple[AmendmentView, ...]:
    numbers = document.numbers()
    views = []
    for amendment in amendments:
        words_from = version.clause_versions.get(amendment.clause)
        outdated = (
            amendment.status == Amendment.Status.OPEN
            and amendment.operation.get("op") != "insert"
            and (words_from is None or int(words_from) > amendment.base_version)
        )
        views.append(
            AmendmentView(
                amendment=amendment,
                party=amendment.party.name,
                summary=amendment_summary(amendment.operation, numbers),
                clause_number=numbers.get(amendment.clause),
                in_caucus=amendment.audience != audience.PLENARY,
                outdated=outdated,
                preview=(
                    _preview(amendment.operation, document)
                    if amendment.status == Amendment.Status.OPEN and not outdated
                    else SafeString("")
                ),
            )
        )
    return tuple(views)


def _due(commitment: TaggedCommitment) -> str:
    if commitment.deadline is not None:
        return commitment.deadline.isoformat()
    return commitment.schedule or _("continuous")


def commitment_views(commitments: Iterable[TaggedCommitment], numbers: dict[str, str]) -> list[CommitmentView]:
    """Commitments on clauses of the present version, each with its clause number."""
    return [
        CommitmentView(c, numbers[c.clause], category_label(c.category), _due(c))
        for c in commitments
        if c.clause in numbers
    ]


def _position_view(position: Position, parties: dict[int, str], clause_versions: dict[str, int]) -> PositionView:
    return PositionView(
        party_id=position.party_id,
        party=parties.get(position.party_id, "?"),
        stance=position.stance,
        stance_label=str(Stance(position.stance).label),
        note=position.note,
        in_caucus=position.audience != audience.PLENARY,
        version=position.version,
        current=position_is_current(position, clause_versions),
        amendment_id=position.amendment_id,
        set_by=str(position.set_by),
        set_at=position.set_at,
    )


def position_view(*, position: Position) -> PositionView:
    """One position as its reader sees it (the reader gave it, or may see it)."""
    versions = TextVersion.objects.filter(text_id=position.text_id, number=position.text.version).values_list(
        "clause_versions", flat=True
    )
    clause_versions = {k: int(v) for k, v in versions.get().items()}
    return _position_view(position, {position.party_id: position.party.name}, clause_versions)


def text_view(*, user: AnyUser, text: Text) -> TextView:
    """The read model of ``text`` (already visible to ``user``) in a fixed number of queries."""
    roles = roles_for(user, text.process)
    readable = sorted(roles.audiences())
    version = TextVersion.objects.select_related("created_by").get(text=text, number=text.version)
    document = version.document()
    numbers = document.numbers()
    clause_versions = {k: int(v) for k, v in version.clause_versions.items()}
    parties = tuple(Party.objects.filter(process_id=text.process_id).order_by("id"))
    for party in parties:
        party.process = text.process  # the policy reads each party's process: the one already read
    names = {p.pk: p.name for p in parties}
    positions = list(
        Position.objects.filter(text=text)
        .filter(Q(audience=audience.PLENARY) | Q(audience__in=readable))
        .select_related("set_by")
    )
    counters, readiness = _assess(version, document, parties, positions)
    visible_positions: dict[str, list[PositionView]] = {}
    for position in sorted(positions, key=lambda p: (p.party_id, p.audience != audience.PLENARY)):
        if position.audience in readable:
            visible_positions.setdefault(position.clause, []).append(_position_view(position, names, clause_versions))
    comments: dict[str, list[Comment]] = {}
    for comment in reversed(comment_list(user=user, text=text).order_by("-id")[:COMMENTS_ON_PAGE]):
        comments.setdefault(comment.clause, []).append(comment)
    commitments: dict[str, list[CommitmentView]] = {}
    for tagged in commitment_views(commitment_list(text=text), numbers):
        commitments.setdefault(tagged.commitment.clause, []).append(tagged)
    open_amendments = amendment_views(
        list(amendment_list(user=user, text=text).filter(status=Amendment.Status.OPEN).order_by("id")),
        version,
        document,
    )
    by_clause: dict[str, list[AmendmentView]] = {}
    for view in open_amendments:
        by_clause.setdefault(view.amendment.clause, []).append(view)
    agreed_clauses = {
        clause.id
        for _s, clause in document.clauses()
        if clause.is_clean() and _agreed(clause.id, parties, positions, clause_versions)
    }
    sections = tuple(
        SectionView(
            id=section.id,
            title=section.title,
            clauses=tuple(
                ClauseView(
                    clause=clause,
                    words_from=clause_versions.get(clause.id, version.number),
                    positions=tuple(visible_positions.get(clause.id, ())),
                    agreed_by_all=clause.id in agreed_clauses,
                    comments=tuple(comments.get(clause.id, ())),
                    commitments=tuple(commitments.get(clause.id, ())),
                    amendments=tuple(by_clause.get(clause.id, ())),
                )
                for clause in section.clauses
            ),
        )
        for section in sections_of(document)
    )
    drafting = text.status == Text.Status.DRAFTING
    return TextView(
        text=text,
        version=version,
        parties=parties,
        sections=sections,
        counters=counters,
        readiness=readiness,
        open_amendments=open_amendments,
        decided_amendments=tuple(
            amendment_list(user=user, text=text).exclude(status=Amendment.Status.OPEN)[:DECISIONS_ON_PAGE]
        ),
        drafting=drafting,
        may_revise=drafting and can(user, Permission.TEXT_REVISE, text),
        may_decide=drafting and can(user, Permission.AMENDMENT_DECIDE, text),
        may_tag=drafting and can(user, Permission.COMMITMENT_TAG, text),
        may_comment=drafting and can(user, Permission.TEXT_COMMENT, text),
        propose_for=tuple(p for p in parties if drafting and can(user, Permission.AMENDMENT_PROPOSE, p)),
        positions_for=tuple(p for p in parties if drafting and can(user, Permission.POSITION_SET, p)),
        comment_audiences=(
            (audience.PLENARY, _("the parties and the mediators")),
            *(
                (audience.caucus(p.pk), _("%(party)s and the mediators") % {"party": p.name})
                for p in parties
                if audience.caucus(p.pk) in readable
            ),
        ),
    )


def _agreed(clause: str, parties: Sequence[Party], positions: Sequence[Position], versions: dict[str, int]) -> bool:
    stances = {
        p.party_id: p.stance
        for p in positions
        if p.clause == clause and p.audience == audience.PLENARY and position_is_current(p, versions)
    }
    return all(stances.get(party.pk) in AGREEMENT for party in parties)


# --- versions and redlines -------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionView:
    version: TextVersion
    title: str
    sections: tuple[SectionText, ...]
    open_brackets: int


def version_view(*, version: TextVersion) -> VersionView:
    document = version.document()
    return VersionView(version, document.title, sections_of(document), document.open_brackets)


@dataclass(frozen=True)
class ClauseChangeView:
    clause: str
    status: str
    old_number: str | None
    new_number: str | None
    old_heading: str | None
    new_heading: str | None
    ops: tuple[tuple[str, str], ...]
    html: SafeString
    text: str


def text_redline(*, old: TextVersion, new: TextVersion) -> list[ClauseChangeView]:
    """Every clause of either version compared word by word (the lib's ``compare_versions``)."""
    before, after = old.document(), new.document()
    old_numbers, new_numbers = before.numbers(), after.numbers()
    return [
        ClauseChangeView(
            clause=change.clause_id,
            status=change.status,
            old_number=old_numbers.get(change.clause_id),
            new_number=new_numbers.get(change.clause_id),
            old_heading=change.old_heading,
            new_heading=change.new_heading,
            ops=tuple((op.kind, op.text) for op in change.ops),
            # redline_html escapes every character of both versions: the result is safe HTML.
            html=mark_safe(redline_html(change.ops)),  # noqa: S308
            text=redline_text(change.ops),
        )
        for change in compare_versions(before, after)
    ]
