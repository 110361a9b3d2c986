"""The demo's meetings, replayed through the services as they happened (the clock stepped
through the history), so that every event is in the ledger like any real process's:

- the meeting of 1 March 2023 at the Russian peacekeeping contingent's headquarters, whose
  reported topics are the mandate's scope: held, minutes approved, communiqué published in English
  and Russian, equally authentic;
- a later meeting, held two weeks ago, whose draft communiqué (with a Russian version for
  information) awaits both parties' consent;
- a meeting that began an hour ago, for a newcomer to record as held.

The 2023 meeting is modelled on public reports of that day; its minutes and communiqué are
written for the demo, neutrally, and say so.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from goodoffices.accounts.models import User
from goodoffices.lib import clock
from goodoffices.processes.models import Process

from . import services
from .models import Meeting
from .terms import ProposalTerms, SlotIn

BAKU_TIME = ZoneInfo("Asia/Baku")
VENUE = "Headquarters of the Russian peacekeeping contingent"
DEMO_NOTE = "Demo data: modelled on public reports, written for the demo."
DEMO_NOTE_RU = "Демонстрационные данные: по материалам открытых источников, написано для демонстрации."


def _meeting(
    *,
    process: Process,
    mediator: User,
    heads: list[User],
    title: str,
    agenda: list[str],
    proposed_at: datetime,
    starts_at: datetime,
    hours: int = 3,
) -> Meeting:
    """Propose (as the mediator) at ``proposed_at``; every head is ready at once."""
    terms = ProposalTerms.of(
        title=title,
        format="direct",
        venue=VENUE,
        timezone="Asia/Baku",
        slots=[SlotIn(starts_at, starts_at + timedelta(hours=hours))],
        agenda=agenda,
        languages=["ru"],
        interpretation=True,
    )
    with clock.replaying(proposed_at):
        proposal = services.proposal_create(actor=mediator, process=process, terms=terms)
    meeting = None
    for i, head in enumerate(heads):
        with clock.replaying(proposed_at + timedelta(hours=6 * (i + 1))):
            meeting = services.readiness_set(actor=head, proposal=proposal, ready=True, slot=0).meeting
    assert meeting is not None
    return meeting


def _hold(meeting: Meeting, mediator: User, attendance: list[User], outcomes: str) -> Meeting:
    with clock.replaying(meeting.ends_at):
        return services.meeting_hold(actor=mediator, meeting=meeting, attendance=attendance, outcomes=outcomes)


def load_demo_meetings(*, process: Process, mediator: User, heads: list[User]) -> None:
    """Replay the demo's meetings (see the module docstring). ``heads`` in the parties' order."""
    stepanakert, baku = heads
    march_first = _meeting(
        process=process,
        mediator=mediator,
        heads=heads,
        title="Meeting of 1 March 2023",
        agenda=["Gas supply", "Electricity line", "Mine inspection", "Reopening of the Stepanakert–Goris road"],
        proposed_at=datetime(2023, 2, 24, 9, 0, tzinfo=UTC),
        starts_at=datetime(2023, 3, 1, 11, 0, tzinfo=BAKU_TIME),
    )
    _hold(
        march_first,
        mediator,
        [mediator, stepanakert, baku],
        "The representatives discussed the four topics on the agenda and agreed to continue contacts. " + DEMO_NOTE,
    )
    with clock.replaying(datetime(2023, 3, 2, 10, 0, tzinfo=UTC)):
        held = services.minutes_draft(
            actor=mediator,
            meeting=march_first,
            text=(
                "Representatives of Stepanakert and Baku met on 1 March 2023 at the headquarters of the "
                "Russian peacekeeping contingent, with the mediator present. They discussed the supply of gas, "
                "the electricity line, the inspection of mines and the reopening of the Stepanakert–Goris road, "
                "and agreed to continue contacts. " + DEMO_NOTE
            ),
        )
    for i, head in enumerate(heads):
        with clock.replaying(datetime(2023, 3, 2, 14 + i, 0, tzinfo=UTC)):
            services.minutes_approve(actor=head, meeting=held, approve=True, version=held.minutes_version)
    with clock.replaying(datetime(2023, 3, 3, 9, 0, tzinfo=UTC)):
        communique = services.communique_draft(
            actor=mediator,
            meeting=held,
            text=(
                "On 1 March 2023 representatives of Stepanakert and Baku met, with a mediator, to discuss gas "
                "supply, the electricity line, mine inspection and the reopening of the Stepanakert–Goris road. "
                "They agreed to continue contacts. " + DEMO_NOTE
            ),
        )
    with clock.replaying(datetime(2023, 3, 3, 10, 0, tzinfo=UTC)):
        # Published in the mandate's Russian too, equally authentic with the English original.
        communique = services.communique_language_set(
            actor=mediator,
            communique=communique,
            language="ru",
            text=(
                "1 марта 2023 года представители Степанакерта и Баку встретились при участии посредника, чтобы "
                "обсудить поставки газа, линию электропередачи, проверку на наличие мин и открытие дороги "
                "Степанакерт — Горис. Они договорились продолжить контакты. " + DEMO_NOTE_RU
            ),
            authentic=True,
        )
    for i, head in enumerate(heads):
        with clock.replaying(datetime(2023, 3, 3, 12 + i, 0, tzinfo=UTC)):
            services.communique_consent(actor=head, communique=communique, consent=True, version=communique.version)

    now = clock.now().replace(minute=0, second=0, microsecond=0)
    later = _meeting(
        process=process,
        mediator=mediator,
        heads=heads,
        title="Meeting on humanitarian access",
        agenda=["Humanitarian access"],
        proposed_at=now - timedelta(days=30),
        starts_at=now - timedelta(days=14),
    )
    later = _hold(later, mediator, [mediator, stepanakert, baku], "The representatives discussed humanitarian access.")
    with clock.replaying(later.ends_at + timedelta(hours=2)):
        draft = services.communique_draft(
            actor=mediator,
            meeting=later,
            text=(
                "Representatives of Stepanakert and Baku met, with a mediator, to discuss humanitarian access. "
                + DEMO_NOTE
            ),
        )
        # A Russian version for information only: the parties read both, with their markings.
        services.communique_language_set(
            actor=mediator,
            communique=draft,
            language="ru",
            text=(
                "Представители Степанакерта и Баку встретились при участии посредника, чтобы обсудить "
                "гуманитарный доступ. " + DEMO_NOTE_RU
            ),
            authentic=False,
        )

    _meeting(
        process=process,
        mediator=mediator,
        heads=heads,
        title="Talks on the electricity line",
        agenda=["Electricity line"],
        proposed_at=now - timedelta(days=3),
        starts_at=now - timedelta(hours=1),
    )
