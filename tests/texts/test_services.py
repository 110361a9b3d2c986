"""The text services: what each does, and that every refusal names its field and writes nothing."""

import datetime
import hashlib

import pytest
from django.db.models import F

from goodoffices.events.models import Event, EventKind
from goodoffices.lib.errors import Conflict, Forbidden, Invalid, NotFound
from goodoffices.lib.negotiating_text import NegotiatingText
from goodoffices.texts import selectors, services
from goodoffices.texts.models import Amendment, Position, Text, TextVersion
from goodoffices.texts.services import ClauseIn, SectionIn

from .conftest import CORRIDOR, trace


def fields(exc: pytest.ExceptionInfo[Invalid]) -> list[str]:
    return [e.field for e in exc.value.errors]


def refused(action, error=Invalid):
    """Run ``action``, expect ``error``, and check nothing was written."""
    before = trace()
    with pytest.raises(error) as exc:
        action()
    assert trace() == before, "a refusal writes nothing"
    return exc


def current(text: Text) -> TextVersion:
    text.refresh_from_db()
    return TextVersion.objects.get(text=text, number=text.version)


def take_in(world, amendment: Amendment) -> Amendment:
    return services.amendment_decide(actor=world.mediator, amendment=amendment, take_in=True, reason="")


def reason(text: Text) -> str:
    blocking = selectors.text_ready_for_adoption(text=text).blocking
    assert blocking is not None
    return blocking.reason


def agree_everywhere(world, text: Text) -> None:
    document = current(text).document()
    for _section, clause in document.clauses():
        for head in (world.head_a, world.head_b):
            services.position_set(actor=head, text=text, clause=clause.id, stance="agree")


# --- creating and revising ---------------------------------------------------------------------


def test_a_text_starts_at_version_one_whose_digest_is_its_canonical_bytes(world, text):
    version = current(text)
    assert (text.version, version.number, text.title) == (1, 1, "Humanitarian access")
    assert version.sha256 == hashlib.sha256(version.canonical_bytes()).hexdigest()
    assert version.sha256 == NegotiatingText.from_json(version.content).sha256()
    assert version.clause_versions == {"corridor": 1, "cargo": 1, "review": 1}
    event = Event.objects.get(kind=EventKind.TEXT_CREATED)
    assert event.audience == "plenary"
    assert event.payload["sha256"] == version.sha256


def test_the_digest_survives_the_database(world, text):
    """The stored JSON comes back (PostgreSQL reorders keys) with the same canonical bytes."""
    version = TextVersion.objects.get(pk=current(text).pk)
    assert version.document().sha256() == version.sha256


def test_ids_are_made_when_left_out(world):
    text = services.text_create(
        actor=world.mediator,
        process=world.process,
        title="Gas",
        sections=[SectionIn(title="Supply", clauses=[ClauseIn(text="One."), ClauseIn(text="Two [soon].")])],
    )
    document = current(text).document()
    assert [s.id for s in document.sections] == ["s1"]
    assert [c.id for _s, c in document.clauses()] == ["c1", "c2"]


@pytest.mark.parametrize(
    ("title", "sections", "field"),
    [
        ("", [SectionIn(title="S", clauses=[ClauseIn(text="One.")])], "title"),
        ("T", [SectionIn(title="S", clauses=[ClauseIn(text="The [unclosed bracket.")])], "sections[0].clauses[0].text"),
        ("T", [SectionIn(title="S", clauses=[ClauseIn(text="[A: x | C: y]")])], "sections[0].clauses[0].text"),
        ("T", [SectionIn(title="S", clauses=[ClauseIn(id="bad id", text="One.")])], "sections[0].clauses[0].id"),
        ("T", [SectionIn(title="S", clauses=[])], "sections[0].clauses"),
        ("T", [SectionIn(title="", clauses=[ClauseIn(text="One.")])], "sections[0].title"),
        ("T", [], "sections"),
        (
            "T",
            [SectionIn(title="S", clauses=[ClauseIn(id="x", text="One."), ClauseIn(id="x", text="Two.")])],
            "sections",
        ),
    ],
)
def test_a_malformed_text_is_refused_on_its_field(world, title, sections, field):
    exc = refused(
        lambda: services.text_create(actor=world.mediator, process=world.process, title=title, sections=sections)
    )
    assert field in fields(exc)


@pytest.mark.parametrize("persona", ["head_a", "delegate_b", "observer", "operator"])
def test_only_mediators_create_texts(world, persona):
    refused(
        lambda: services.text_create(
            actor=world.users[persona],
            process=world.process,
            title="T",
            sections=[SectionIn(title="S", clauses=[ClauseIn(text="One.")])],
        ),
        Forbidden,
    )


def test_a_revision_is_a_new_version_and_only_changed_clauses_get_new_words(world, text):
    version = services.text_revise(
        actor=world.mediator,
        text=text,
        operations=[
            {"op": "resolve", "clause": "cargo", "bracket": 1, "option": "A"},
            {"op": "insert", "after": "review", "text": "This text is without prejudice."},
        ],
        note="Cargo agreed in the corridor talks",
    )
    assert version.number == 2
    assert version.clause_versions == {"corridor": 1, "cargo": 2, "review": 1, "c4": 2}
    assert version.document().clause("cargo").source == "Humanitarian cargo shall pass without delay."
    event = Event.objects.get(kind=EventKind.TEXT_REVISED)
    assert event.payload["changes"] == [{"op": "resolve", "clause": "cargo"}, {"op": "insert", "clause": "c4"}]
    assert event.payload["sha256"] == version.sha256
    # The first version is still there, word for word.
    assert TextVersion.objects.get(text=text, number=1).document().clause("cargo").open_brackets == 1


@pytest.mark.parametrize(
    ("operations", "field"),
    [
        ([], "operations"),
        ([{"op": "rewrite", "clause": "cargo"}], "operations[0].op"),
        ([{"op": "replace", "clause": "nowhere", "text": "x"}], "operations[0].clause"),
        ([{"op": "replace", "clause": "cargo", "text": "bad [bracket"}], "operations[0].text"),
        (
            [{"op": "replace", "clause": "cargo", "text": "Humanitarian cargo shall pass [without delay]."}],
            "operations",
        ),
        ([{"op": "delete", "clause": "cargo"}, {"op": "delete", "clause": "cargo"}], "operations[1].clause"),
    ],
)
def test_a_revision_that_does_not_fit_is_refused_on_its_field(world, text, operations, field):
    exc = refused(lambda: services.text_revise(actor=world.mediator, text=text, operations=operations))
    assert field in fields(exc)


def test_parties_do_not_revise_and_outsiders_do_not_see(world, text):
    op = [{"op": "delete", "clause": "cargo"}]
    refused(lambda: services.text_revise(actor=world.head_a, text=text, operations=op), Forbidden)
    refused(lambda: services.text_revise(actor=world.observer, text=text, operations=op), NotFound)
    refused(lambda: services.text_revise(actor=world.outsider, text=text, operations=op), NotFound)


def test_an_adopted_text_no_longer_changes(world, text):
    Text.objects.filter(pk=text.pk).update(status=Text.Status.ADOPTED)
    text.refresh_from_db()
    refused(
        lambda: services.text_revise(actor=world.mediator, text=text, operations=[{"op": "delete", "clause": "cargo"}]),
        Conflict,
    )
    refused(
        lambda: services.amendment_propose(
            actor=world.head_a, text=text, operation={"op": "delete", "clause": "cargo"}
        ),
        Conflict,
    )
    refused(lambda: services.position_set(actor=world.head_a, text=text, clause="cargo", stance="agree"), Conflict)


# --- amendments ----------------------------------------------------------------------------------


def test_a_delegate_proposes_for_its_party_and_the_mediator_takes_it_in(world, text):
    amendment = services.amendment_propose(
        actor=world.delegate_a,
        text=text,
        operation={"op": "resolve", "clause": "corridor", "bracket": 1, "option": "A"},
        note="Option A is the wording of the 2020 statement",
    )
    assert (amendment.party, amendment.base_version, amendment.status) == (world.party_a, 1, "open")
    assert Event.objects.filter(kind=EventKind.AMENDMENT_PROPOSED, audience="plenary").count() == 1
    take_in(world, amendment)
    amendment.refresh_from_db()
    version = current(text)
    assert (amendment.status, version.number, version.amendment) == ("taken_in", 2, amendment)
    assert version.document().clause("corridor").source == (
        "Movement along the corridor shall be unimpeded in both directions."
    )
    event = Event.objects.get(kind=EventKind.AMENDMENT_TAKEN_IN)
    assert (event.payload["amendment"], event.payload["version"], event.payload["sha256"]) == (
        amendment.pk,
        2,
        version.sha256,
    )


@pytest.mark.parametrize(
    ("operation", "field"),
    [
        ({"op": "replace", "clause": "nowhere", "text": "Words."}, "clause"),
        ({"op": "delete", "clause": "nowhere"}, "clause"),
        ({"op": "add_option", "clause": "corridor", "bracket": 3, "text": "x"}, "bracket"),
        ({"op": "resolve", "clause": "corridor", "bracket": 1, "option": "Z"}, "option"),
        ({"op": "replace", "clause": "cargo", "text": "Cargo shall pass [A: now | B: later"}, "text"),
        ({"op": "replace", "clause": "cargo", "text": "[A: x | C: y]"}, "text"),
        ({"op": "replace", "clause": "cargo", "text": "Humanitarian cargo shall pass [without delay]."}, "text"),
        ({"op": "insert", "clause": "cargo", "after": "review", "text": "Again."}, "clause_id"),
        ({"op": "burn", "clause": "cargo"}, "op"),
        ({"op": "replace", "clause": "cargo"}, "text"),
    ],
)
def test_an_amendment_that_does_not_fit_is_refused_on_its_field(world, text, operation, field):
    exc = refused(lambda: services.amendment_propose(actor=world.head_a, text=text, operation=operation))
    assert field in fields(exc)


@pytest.mark.parametrize(
    ("persona", "error"), [("mediator", Forbidden), ("observer", NotFound), ("outsider", NotFound)]
)
def test_only_a_party_proposes_amendments(world, text, persona, error):
    refused(
        lambda: services.amendment_propose(
            actor=world.users[persona], text=text, operation={"op": "delete", "clause": "cargo"}
        ),
        error,
    )


def test_a_party_proposes_in_its_own_caucus_only(world, text):
    op = {"op": "delete", "clause": "cargo"}
    exc = refused(
        lambda: services.amendment_propose(
            actor=world.head_a, text=text, operation=op, audience_name=f"caucus:{world.party_b.pk}"
        )
    )
    assert fields(exc) == ["audience"]
    exc = refused(
        lambda: services.amendment_propose(actor=world.head_a, text=text, operation=op, party=world.party_b),
        Forbidden,
    )
    assert "Beta" in str(exc.value)
    amendment = services.amendment_propose(actor=world.head_a, text=text, operation=op, audience_name="caucus")
    assert amendment.audience == f"caucus:{world.party_a.pk}"
    # Head B and its delegation do not see it; the mediators do.
    assert not selectors.amendment_list(user=world.head_b, text=text).exists()
    assert selectors.amendment_list(user=world.mediator, text=text).get() == amendment
    with pytest.raises(NotFound):
        selectors.amendment_get(user=world.delegate_b, amendment_id=amendment.pk)


def test_a_caucus_amendment_taken_in_is_not_named_to_the_plenary(world, text):
    amendment = services.amendment_propose(
        actor=world.head_a, text=text, operation={"op": "delete", "clause": "cargo"}, audience_name="caucus"
    )
    take_in(world, amendment)
    event = Event.objects.get(kind=EventKind.AMENDMENT_TAKEN_IN)
    assert event.audience == "plenary"
    assert event.payload["amendment"] is None
    assert event.payload["party"] is None
    assert event.subject_type == "texts.text"


def test_a_decided_amendment_cannot_be_decided_again(world, text):
    amendment = services.amendment_propose(actor=world.head_b, text=text, operation={"op": "delete", "clause": "cargo"})
    services.amendment_decide(actor=world.mediator, amendment=amendment, take_in=False, reason="Cargo stays")
    amendment.refresh_from_db()
    assert (amendment.status, amendment.reason) == ("not_taken_in", "Cargo stays")
    refused(lambda: take_in(world, amendment), Conflict)
    refused(
        lambda: services.amendment_decide(actor=world.mediator, amendment=amendment, take_in=False, reason="Again"),
        Conflict,
    )


def test_not_taking_in_needs_a_reason_and_only_mediators_decide(world, text):
    amendment = services.amendment_propose(actor=world.head_b, text=text, operation={"op": "delete", "clause": "cargo"})
    exc = refused(lambda: services.amendment_decide(actor=world.mediator, amendment=amendment, take_in=False))
    assert fields(exc) == ["reason"]
    refused(lambda: services.amendment_decide(actor=world.head_a, amendment=amendment, take_in=True), Forbidden)
    refused(lambda: services.amendment_decide(actor=world.observer, amendment=amendment, take_in=True), NotFound)


def test_an_amendment_on_words_that_changed_since_is_not_taken_in(world, text):
    first = services.amendment_propose(
        actor=world.head_a, text=text, operation={"op": "resolve", "clause": "corridor", "bracket": 1, "option": "A"}
    )
    second = services.amendment_propose(
        actor=world.head_b, text=text, operation={"op": "resolve", "clause": "corridor", "bracket": 1, "option": "B"}
    )
    take_in(world, first)
    view = selectors.text_view(user=world.mediator, text=current(text).text)
    assert [a.outdated for a in view.open_amendments] == [True]
    exc = refused(lambda: take_in(world, second), Conflict)
    assert "changed in version 2" in str(exc.value)


# --- positions -----------------------------------------------------------------------------------


def test_a_head_sets_its_party_position_and_may_change_it(world, text):
    services.position_set(actor=world.head_a, text=text, clause="cargo", stance="reserve", note="Pending inspection")
    position = services.position_set(actor=world.head_a, text=text, clause="cargo", stance="agree")
    assert Position.objects.get() == position
    assert (position.party, position.stance, position.version, position.note) == (world.party_a, "agree", 1, "")
    assert Event.objects.filter(kind=EventKind.POSITION_SET).count() == 2


def test_a_head_does_not_set_another_party_position(world, text):
    exc = refused(
        lambda: services.position_set(
            actor=world.head_a, text=text, clause="cargo", stance="agree", party=world.party_b
        ),
        Forbidden,
    )
    assert "party" in str(exc.value)
    assert "Beta" in str(exc.value)


@pytest.mark.parametrize(("persona", "error"), [("delegate_a", Forbidden), ("mediator", Forbidden)])
def test_a_party_position_is_its_head_act(world, text, persona, error):
    refused(lambda: services.position_set(actor=world.users[persona], text=text, clause="cargo", stance="agree"), error)


@pytest.mark.parametrize("persona", ["observer", "monitor", "operator", "outsider"])
def test_positions_on_clauses_one_may_not_see_are_not_found(world, text, persona):
    refused(
        lambda: services.position_set(actor=world.users[persona], text=text, clause="cargo", stance="agree"),
        NotFound,
    )


def test_a_position_on_a_clause_that_does_not_exist_is_not_found(world, text):
    exc = refused(
        lambda: services.position_set(actor=world.head_a, text=text, clause="nowhere", stance="agree"), NotFound
    )
    assert "clause" in str(exc.value)


@pytest.mark.parametrize(
    ("stance", "amendment", "field"),
    [("maybe", False, "stance"), ("amend", False, "amendment"), ("agree", True, "amendment")],
)
def test_a_malformed_position_is_refused_on_its_field(world, text, stance, amendment, field):
    proposed = services.amendment_propose(actor=world.head_a, text=text, operation={"op": "delete", "clause": "cargo"})
    exc = refused(
        lambda: services.position_set(
            actor=world.head_a,
            text=text,
            clause="cargo",
            stance=stance,
            amendment=proposed if amendment else None,
        )
    )
    assert fields(exc) == [field]


def test_an_amend_position_names_the_party_own_amendment_to_that_clause(world, text):
    own = services.amendment_propose(actor=world.head_a, text=text, operation={"op": "delete", "clause": "cargo"})
    other = services.amendment_propose(actor=world.head_b, text=text, operation={"op": "delete", "clause": "cargo"})
    elsewhere = services.amendment_propose(
        actor=world.head_a, text=text, operation={"op": "delete", "clause": "review"}
    )
    for wrong in (other, elsewhere):
        exc = refused(
            lambda wrong=wrong: services.position_set(
                actor=world.head_a, text=text, clause="cargo", stance="amend", amendment=wrong
            )
        )
        assert fields(exc) == ["amendment"]
    position = services.position_set(actor=world.head_a, text=text, clause="cargo", stance="amend", amendment=own)
    assert position.amendment == own


def resolve_all(world, text: Text) -> None:
    services.text_revise(
        actor=world.mediator,
        text=text,
        operations=[
            {"op": "resolve", "clause": "corridor", "bracket": 1, "option": "A"},
            {"op": "resolve", "clause": "cargo", "bracket": 1, "option": "A"},
        ],
    )
    text.refresh_from_db()


def test_a_clause_with_a_bracket_is_not_agreed_whatever_the_positions(world, text):
    agree_everywhere(world, text)
    view = selectors.text_view(user=world.head_a, text=text)
    assert view.counters.agreed_by_all == 1
    assert [c.agreed_by_all for s in view.sections for c in s.clauses] == [False, False, True]


def test_a_position_given_on_words_that_changed_no_longer_counts(world, text):
    resolve_all(world, text)
    agree_everywhere(world, text)
    view = selectors.text_view(user=world.head_a, text=text)
    assert view.counters.agreed_by_all == 3
    services.text_revise(
        actor=world.mediator,
        text=text,
        operations=[{"op": "replace", "clause": "review", "text": "The parties shall review these every week."}],
    )
    text.refresh_from_db()
    view = selectors.text_view(user=world.head_a, text=text)
    assert view.counters.agreed_by_all == 2
    review = next(c for s in view.sections for c in s.clauses if c.clause.id == "review")
    assert review.words_from == 3
    assert [(p.party, p.stance, p.version, p.current) for p in review.positions] == [
        ("Alpha", "agree", 2, False),
        ("Beta", "agree", 2, False),
    ]
    assert not review.agreed_by_all
    corridor = next(c for s in view.sections for c in s.clauses if c.clause.id == "corridor")
    assert all(p.current for p in corridor.positions)
    # Stated again on the new words, it counts again.
    for head in (world.head_a, world.head_b):
        services.position_set(actor=head, text=text, clause="review", stance="agree")
    assert selectors.text_view(user=world.head_a, text=text).counters.agreed_by_all == 3


def test_a_position_given_in_caucus_stays_in_the_caucus(world, text):
    services.position_set(actor=world.head_a, text=text, clause="cargo", stance="reserve", note="in public")
    services.position_set(
        actor=world.head_a, text=text, clause="cargo", stance="agree", note="could live with it", audience_name="caucus"
    )

    def cargo(persona):
        view = selectors.text_view(user=world.users[persona], text=text)
        return [
            (p.stance, p.in_caucus, p.note)
            for s in view.sections
            for c in s.clauses
            if c.clause.id == "cargo"
            for p in c.positions
        ]

    assert cargo("head_b") == cargo("delegate_b") == [("reserve", False, "in public")]
    assert (
        cargo("mediator")
        == cargo("delegate_a")
        == [("reserve", False, "in public"), ("agree", True, "could live with it")]
    )
    # Counters are the plenary's, the same for every reader.
    counters = {selectors.text_view(user=world.users[p], text=text).counters for p in ("head_b", "mediator")}
    assert len(counters) == 1
    assert counters.pop().with_reservation == 1


# --- readiness for adoption -------------------------------------------------------------------------


def test_readiness_names_the_first_clause_that_blocks_adoption(world, text):
    ready, blocking = selectors.text_ready_for_adoption(text)
    assert not ready
    assert blocking is not None
    assert (blocking.clause, blocking.number) == ("corridor", "1")
    assert "open bracket" in blocking.reason
    services.text_revise(
        actor=world.mediator,
        text=text,
        operations=[
            {"op": "resolve", "clause": "corridor", "bracket": 1, "option": "A"},
            {"op": "resolve", "clause": "cargo", "bracket": 1, "option": "A"},
        ],
    )
    text.refresh_from_db()
    assert reason(text) == "Alpha has given no position"
    agree_everywhere(world, text)
    services.position_set(actor=world.head_b, text=text, clause="review", stance="agree_ad_referendum")
    blocking = selectors.text_ready_for_adoption(text=text).blocking
    assert blocking is not None
    assert (blocking.clause, blocking.reason) == ("review", "Beta agrees ad referendum only and has yet to confirm")
    services.position_set(actor=world.head_b, text=text, clause="review", stance="agree")
    assert selectors.text_ready_for_adoption(text) == (True, None)
    version = selectors.text_current_version(text)
    assert (version.number, version.sha256) == (2, current(text).sha256)
    assert selectors.text_view(user=world.head_a, text=text).counters.clean


def test_a_caucus_agreement_does_not_make_a_text_ready(world, text):
    services.text_revise(
        actor=world.mediator,
        text=text,
        operations=[
            {"op": "resolve", "clause": "corridor", "bracket": 1, "option": "B"},
            {"op": "resolve", "clause": "cargo", "bracket": 1, "option": "A"},
        ],
    )
    text.refresh_from_db()
    for _section, clause in current(text).document().clauses():
        services.position_set(actor=world.head_a, text=text, clause=clause.id, stance="agree")
        services.position_set(actor=world.head_b, text=text, clause=clause.id, stance="agree", audience_name="caucus")
    assert not selectors.text_ready_for_adoption(text=text).ready
    assert reason(text) == "Beta has given no position"


# --- comments and commitments -----------------------------------------------------------------------


def test_comments_go_to_the_plenary_or_a_caucus_one_may_write_to(world, text):
    services.comment_add(actor=world.delegate_a, text=text, clause="cargo", body="Which inspection?")
    services.comment_add(
        actor=world.head_a, text=text, clause="cargo", body="Our line", audience_name=f"caucus:{world.party_a.pk}"
    )
    services.comment_add(
        actor=world.mediator, text=text, clause="cargo", body="For Beta", audience_name=f"caucus:{world.party_b.pk}"
    )
    exc = refused(
        lambda: services.comment_add(
            actor=world.head_a, text=text, clause="cargo", body="x", audience_name=f"caucus:{world.party_b.pk}"
        )
    )
    assert fields(exc) == ["audience"]
    exc = refused(lambda: services.comment_add(actor=world.head_a, text=text, clause="cargo", body="  "))
    assert fields(exc) == ["body"]
    refused(lambda: services.comment_add(actor=world.head_a, text=text, clause="nowhere", body="x"), NotFound)
    refused(lambda: services.comment_add(actor=world.observer, text=text, clause="cargo", body="x"), NotFound)
    seen = {p: [c.body for c in selectors.comment_list(user=world.users[p], text=text)] for p in ("head_b", "mediator")}
    assert seen["head_b"] == ["Which inspection?", "For Beta"]
    assert seen["mediator"] == ["Which inspection?", "Our line", "For Beta"]


def test_mediators_tag_and_untag_commitments(world, text):
    commitment = services.commitment_tag(
        actor=world.mediator,
        text=text,
        clause="corridor",
        obligor=world.party_b,
        action="Keep the corridor open",
        category="economic_and_transport_links",
        verification="Reports of the peacekeepers",
        monitors=["Peacekeeping contingent"],
    )
    assert commitment.as_json() == {
        "clause": "corridor",
        "obligor": world.party_b.pk,
        "action": "Keep the corridor open",
        "category": "economic_and_transport_links",
        "deadline": None,
        "schedule": None,
        "verification": "Reports of the peacekeepers",
        "monitors": ["Peacekeeping contingent"],
    }
    view = selectors.text_view(user=world.head_a, text=text)
    assert [(c.clause_number, c.due) for s in view.sections for cl in s.clauses for c in cl.commitments] == [
        ("1", "continuous")
    ]
    refused(lambda: services.commitment_untag(actor=world.head_b, commitment=commitment), Forbidden)
    services.commitment_untag(actor=world.mediator, commitment=commitment)
    assert not selectors.commitment_list(text=text).exists()
    assert Event.objects.filter(kind=EventKind.COMMITMENT_UNTAGGED).count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": "goodwill"}, "category"),
        ({"action": " "}, "action"),
        ({"deadline": datetime.date(2024, 1, 1), "schedule": "weekly"}, "schedule"),
        ({"monitors": ["ICRC", "ICRC"]}, "monitors"),
        ({"action": "Open\u202ethe road"}, "action"),
    ],
)
def test_a_malformed_commitment_is_refused_on_its_field(world, text, changes, field):
    values = {"action": "Open the road", "category": "humanitarian_access", **changes}
    exc = refused(
        lambda: services.commitment_tag(
            actor=world.mediator, text=text, clause="corridor", obligor=world.party_a, **values
        )
    )
    assert field in fields(exc)


def test_a_commitment_names_a_clause_and_a_party_of_the_text(world, text):
    from tests.world import make_world

    other = make_world("other-")
    refused(
        lambda: services.commitment_tag(
            actor=world.mediator, text=text, clause="nowhere", obligor=world.party_a, action="x", category="ceasefire"
        ),
        NotFound,
    )
    exc = refused(
        lambda: services.commitment_tag(
            actor=world.mediator, text=text, clause="cargo", obligor=other.party_a, action="x", category="ceasefire"
        )
    )
    assert fields(exc) == ["obligor"]
    refused(
        lambda: services.commitment_tag(
            actor=world.head_a, text=text, clause="cargo", obligor=world.party_a, action="x", category="ceasefire"
        ),
        Forbidden,
    )


def test_redline_between_versions_is_word_by_word(world, text):
    services.text_revise(
        actor=world.mediator,
        text=text,
        operations=[{"op": "replace", "clause": "corridor", "text": CORRIDOR.replace("both", "all")}],
    )
    text.refresh_from_db()
    changes = selectors.text_redline(
        old=selectors.version_get(text=text, number=1), new=selectors.version_get(text=text, number=2)
    )
    assert [(c.clause, c.status) for c in changes] == [
        ("corridor", "changed"),
        ("cargo", "unchanged"),
        ("review", "unchanged"),
    ]
    assert "<del>both</del><ins>all</ins>" in changes[0].html
    assert changes[0].text.endswith("in [-both-]{+all+} directions.")


def test_versions_only_grow(world, text):
    services.text_revise(actor=world.mediator, text=text, operations=[{"op": "delete", "clause": "cargo"}])
    assert list(TextVersion.objects.filter(text=text).values_list("number", flat=True)) == [1, 2]
    assert Text.objects.filter(pk=text.pk, version=F("version")).get().version == 2
