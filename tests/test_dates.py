"""No time bombs: the demo's mandate and the test world's stay open for the meetings ahead,
whatever day the suite or the demo runs (fixed end dates once made both fail on a known day)."""

from datetime import date, timedelta

from django.utils import timezone

from goodoffices.meetings import services
from goodoffices.meetings.models import Proposal
from goodoffices.processes.demo import demo_load
from goodoffices.processes.models import Process


def _slots_ahead(*days: int) -> list[services.SlotIn]:
    now = timezone.now().replace(microsecond=0)
    return [services.SlotIn(now + timedelta(days=d), now + timedelta(days=d, hours=2)) for d in days]


def test_the_demo_proposes_meetings_a_year_and_three_years_ahead(db):
    demo_load()
    process = Process.objects.get(title="Stepanakert–Baku dialogue")
    proposal = services.proposal_create(
        actor=process.parties.get(name="Stepanakert").memberships.filter(role="head").get().user,
        process=process,
        terms=services.ProposalTerms.of(
            title="Talks on the road",
            format="direct",
            venue="Geneva",
            timezone="Europe/Zurich",
            slots=_slots_ahead(366, 3 * 366),
            agenda=["Humanitarian access"],
        ),
    )
    assert proposal.slots.count() == 2
    # The term still begins on the seed's historical date.
    assert process.mandate.current.term_start == date(2023, 3, 1)


def test_the_test_world_proposes_meetings_up_to_three_years_ahead(world):
    services.proposal_create(
        actor=world.head_a,
        process=world.process,
        terms=services.ProposalTerms.of(
            title="Talks far ahead",
            format="direct",
            venue="Geneva",
            timezone="Europe/Zurich",
            slots=_slots_ahead(1, 366, 3 * 366),
            agenda=["Gas supply"],
        ),
    )
    assert Proposal.objects.get(title="Talks far ahead").slots.count() == 3
