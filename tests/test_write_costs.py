"""What the hot paths of issue 9 cost, as query counts (timings live in benchmarks/), and the
hand-compiled pieces that save them: the roles query, the token lookup compiled once, the
notice's recipients in one query. Each checked against what a reader would notice."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from goodoffices.accounts.models import ApiToken, User
from goodoffices.accounts.services import api_token_authenticate, api_token_create, api_token_revoke
from goodoffices.compiled import CompiledModelQuery, CompiledQuery
from goodoffices.lib.errors import NotFound
from goodoffices.meetings import selectors as meeting_selectors
from goodoffices.meetings import services as meeting_services
from goodoffices.meetings.models import Notification, Proposal
from goodoffices.meetings.notices import Who, notify
from goodoffices.meetings.terms import ProposalTerms
from goodoffices.policies import audience_members, roles_cache, roles_in
from goodoffices.processes import services as process_services
from goodoffices.processes.models import Party, Process
from goodoffices.processes.selectors import process_get

from .meetings.conftest import confirm, propose

# Statements per write through the API, BEGIN and COMMIT included, with the request's token
# lookup, the subject's read and the reader's roles. Lowering them is welcome; raising one
# needs a reason in the commit that does it.
WRITE_BUDGETS = {"caucus message": 9, "readiness": 15, "proposal": 18}


def test_each_write_through_the_api_keeps_its_query_budget(world, api_for):
    head, mediator = api_for("head_a"), api_for("mediator")
    proposal = propose(world, actor="mediator")
    slot = proposal.slots.get(index=0)
    body = {
        "title": "Second round",
        "format": "direct",
        "venue": "Geneva",
        "timezone": "Europe/Zurich",
        "slots": [{"starts_at": slot.starts_at.isoformat(), "ends_at": slot.ends_at.isoformat()}],
        "agenda": ["Gas supply"],
    }
    writes = {
        "caucus message": lambda: head.post(
            f"/api/v1/processes/{world.process.pk}/caucus/{world.party_a.pk}/messages",
            json.dumps({"body": "Our line on the gas supply"}),
            content_type="application/json",
        ),
        "readiness": lambda: head.put(
            f"/api/v1/proposals/{proposal.pk}/readiness",
            json.dumps({"ready": True, "slots": [0]}),
            content_type="application/json",
        ),
        "proposal": lambda: mediator.post(
            f"/api/v1/processes/{world.process.pk}/proposals", json.dumps(body), content_type="application/json"
        ),
    }
    for name, write in writes.items():
        write()  # the first request of a client warms what it caches (the compiled token lookup)
        with CaptureQueriesContext(connection) as captured:
            response = write()
        assert response.status_code in (200, 201), (name, response.content)
        statements = [query["sql"][:60] for query in captured.captured_queries]
        assert len(statements) <= WRITE_BUDGETS[name], (name, statements)


def test_roles_read_in_one_query_match_what_each_persona_is(world, two_worlds, django_assert_num_queries):
    processes = [world.process, world.other.process]
    with roles_cache():
        with django_assert_num_queries(1):
            mediator = roles_in(world.mediator, processes)
        head = roles_in(world.head_a, processes)
        operator = roles_in(world.operator, processes)
        outsider = roles_in(world.users["outsider"], processes)
    assert mediator[world.process.pk].mediator
    # The second process has its own mediator; the first one's is nothing there.
    assert not mediator[world.other.process.pk].admitted
    with roles_cache():
        assert roles_in(world.other.mediator, processes)[world.other.process.pk].mediator
    assert not mediator[world.process.pk].parties
    assert not mediator[world.process.pk].operator
    assert head[world.process.pk].parties == {world.party_a.pk: frozenset({"head"})}
    # In the second process the first one's head of delegation is admitted as an observer only.
    assert head[world.other.process.pk].observer
    assert not head[world.other.process.pk].parties
    assert operator[world.process.pk].operator
    assert operator[world.other.process.pk].operator
    assert not operator[world.process.pk].mediator
    assert not any(roles.admitted for roles in outsider.values())
    expected = tuple(sorted(world.process.parties.values_list("pk", flat=True)))
    assert mediator[world.process.pk].all_party_ids == expected == head[world.process.pk].all_party_ids


def test_a_revoked_token_stops_at_once_though_its_lookup_is_compiled_once(world):
    row, token = api_token_create(user=world.head_a, name="script")
    assert api_token_authenticate(token=token) == world.head_a
    api_token_revoke(user=world.head_a, token_id=row.pk)
    assert api_token_authenticate(token=token) is None
    assert api_token_authenticate(token=token + "x") is None


def test_the_compiled_token_lookup_gives_the_user_as_the_orm_would(world):
    _, token = api_token_create(user=world.head_a, name="script")
    user = api_token_authenticate(token=token)
    fresh = User.objects.get(pk=world.head_a.pk)
    assert user is not None
    assert user.pk == fresh.pk
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(fresh, field.attname), field.name
    assert user.date_joined.tzinfo is not None
    # Last use is written at most once a minute: the second lookup within it writes nothing.
    used = ApiToken.objects.get(user=world.head_a, name="script").last_used_at
    assert used is not None
    assert timezone.now() - used < timedelta(minutes=1)
    with CaptureQueriesContext(connection) as queries:
        api_token_authenticate(token=token)
    assert [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")] == []


def test_a_compiled_query_refuses_a_wrong_number_of_values_and_a_value_it_cannot_place(world):
    names = CompiledQuery(lambda name: User.objects.filter(username=name).values_list("pk"), values=(str,))
    assert names.rows(world.head_a.username) == [(world.head_a.pk,)]
    assert names.rows("nobody") == []
    by_key = CompiledQuery(lambda pk: User.objects.filter(pk=pk).values_list("username"), values=(int,))
    assert by_key.rows(world.head_a.pk) == [(world.head_a.username,)]
    with pytest.raises(TypeError, match="str and int"):
        CompiledQuery(lambda at: User.objects.filter(last_login=at).values_list("pk"), values=(float,)).rows(1.0)
    with pytest.raises(TypeError):
        names.rows()
    twice = CompiledQuery(
        lambda name: User.objects.filter(username=name).exclude(email=name).values_list("pk"), values=(str,)
    )
    with pytest.raises(ValueError, match="exactly once"):
        twice.rows("x")


def test_a_compiled_model_query_gives_instances_and_their_related_as_the_orm_would(world, django_assert_num_queries):
    build = lambda pk: Process.objects.select_related("mandate__framework", "mandate_version").filter(pk=pk)  # noqa: E731
    compiled = CompiledModelQuery(Process, build, values=(int,))
    fresh = build(world.process.pk).get()
    with django_assert_num_queries(1):
        (process,) = compiled.objects(world.process.pk)
        assert process.mandate.framework.name == fresh.mandate.framework.name
        assert process.mandate_version.pk == fresh.mandate_version.pk
    for field in Process._meta.concrete_fields:
        assert getattr(process, field.attname) == getattr(fresh, field.attname), field.name
    assert compiled.objects(-1) == []
    with pytest.raises(TypeError, match="does not read Party instances"):
        CompiledModelQuery(Party, build, values=(int,)).objects(world.process.pk)  # type: ignore[arg-type]


def test_the_process_comes_with_its_parties_each_sharing_it(world, django_assert_num_queries):
    expected = list(Party.objects.filter(process=world.process).order_by("id").values_list("pk", flat=True))
    with django_assert_num_queries(3):  # the process, its parties, the reader's roles
        process = process_get(user=world.head_a, process_id=world.process.pk)
    with django_assert_num_queries(0):
        parties = list(process.parties.all())
        assert all(p.process is process for p in parties)
        assert process.mandate.framework.name
    assert [p.pk for p in parties] == expected
    with pytest.raises(NotFound):
        process_get(user=world.head_a, process_id=world.process.pk + 1000)


def test_the_process_with_its_people_as_the_orm_would_read_them(world, django_assert_num_queries):
    fresh = Process.objects.prefetch_related("parties__memberships__user", "appointments__user").get(
        pk=world.process.pk
    )
    with django_assert_num_queries(5):  # the process, parties, memberships, appointments, roles
        process = process_get(user=world.mediator, process_id=world.process.pk, with_people=True)
    with django_assert_num_queries(0):
        delegations = {
            party.pk: [(m.user.username, m.role) for m in party.memberships.all() if m.party is party]
            for party in process.parties.all()
        }
        appointments = [(a.user.username, a.role) for a in process.appointments.all() if a.process is process]
    assert delegations == {
        party.pk: [(m.user.username, m.role) for m in party.memberships.all()] for party in fresh.parties.all()
    }
    assert any(delegations.values())
    assert appointments == [(a.user.username, a.role) for a in fresh.appointments.all()]
    assert appointments


def test_a_proposal_is_read_with_all_it_shows_as_the_orm_would(world, django_assert_num_queries):
    original = propose(world)
    counter = meeting_services.proposal_counter(
        actor=world.head_b, proposal=original, terms=ProposalTerms.from_proposal(original)
    )
    meeting = confirm(world, counter)
    for proposal_id in (original.pk, counter.pk):
        fresh = Proposal.objects.prefetch_related("slots", "counters", "process__parties").get(pk=proposal_id)
        with django_assert_num_queries(5):  # proposal (joined), slots, counters, parties, roles
            proposal = meeting_selectors.proposal_get(user=world.head_a, proposal_id=proposal_id)
        with django_assert_num_queries(0):
            seen = (
                [(s.index, s.starts_at, s.ends_at) for s in proposal.slots.all()],
                [c.pk for c in proposal.counters.all()],
                [p.name for p in proposal.process.parties.all()],
                proposal.proposed_by.username,
                proposal.parent.pk if proposal.parent else None,
                proposal.process.mandate_version.pk,
            )
        assert seen == (
            [(s.index, s.starts_at, s.ends_at) for s in fresh.slots.all()],
            [c.pk for c in fresh.counters.all()],
            [p.name for p in fresh.process.parties.all()],
            fresh.proposed_by.username,
            fresh.parent_id,
            fresh.process.mandate_version_id,
        )
    assert meeting_selectors.proposal_get(user=world.head_a, proposal_id=counter.pk).meeting.pk == meeting.pk
    assert [
        c.pk for c in meeting_selectors.proposal_get(user=world.head_a, proposal_id=original.pk).counters.all()
    ] == [counter.pk]
    with pytest.raises(NotFound):
        meeting_selectors.proposal_get(user=world.outsider, proposal_id=original.pk)


def test_a_notice_reaches_only_active_readers_who_act_and_never_the_actor(world):
    proposal: Proposal = propose(world, actor="mediator")
    Notification.objects.all().delete()
    world.head_b.is_active = False
    world.head_b.save(update_fields=["is_active"])
    told = notify(
        process=world.process,
        record_audience=proposal.audience,
        subject=proposal,
        actor=world.mediator,
        message="A meeting proposal awaits your party's answer: %(title)s",
        params={"title": proposal.title},
        who=Who.HEADS,
    )
    assert told == 1
    assert set(Notification.objects.values_list("user__username", flat=True)) == {world.head_a.username}
    # Leaving out a party's heads: nobody else is told instead.
    assert (
        notify(
            process=world.process,
            record_audience=proposal.audience,
            subject=proposal,
            actor=None,
            message="A meeting proposal awaits your party's answer: %(title)s",
            params={"title": proposal.title},
            who=Who.HEADS,
            except_parties=[world.party_a.pk],
        )
        == 0
    )
    with pytest.raises(ValueError, match="name who acts"):
        notify(
            process=world.process,
            record_audience=proposal.audience,
            subject=proposal,
            actor=None,
            message="x",
            params={},
            except_parties=[world.party_a.pk],
        )


def test_the_readers_of_each_audience_are_who_may_see_it(world):
    process_services.appointment_make(
        actor=world.operator, process=world.process, user=world.users["outsider"], role="guarantor"
    )
    names = {
        kind: {u.username.removeprefix(world.prefix) for u in audience_members(world.process, kind)}
        for kind in (
            "public",
            "process",
            "plenary",
            "mediators",
            f"caucus:{world.party_a.pk}",
            f"party:{world.party_a.pk}",
        )
    }
    assert names["plenary"] == {"mediator", "head_a", "delegate_a", "head_b", "delegate_b"}
    assert names["mediators"] == {"mediator"}
    assert names[f"caucus:{world.party_a.pk}"] == {"mediator", "head_a", "delegate_a"}
    assert names[f"party:{world.party_a.pk}"] == {"head_a", "delegate_a"}
    assert names["process"] >= names["plenary"] | {"observer", "monitor", "operator", "outsider"}
    assert names["public"] == names["process"]
    assert audience_members(world.process, "sealed") == []
