from typing import Any

import pytest

from goodoffices.analytics import services
from goodoffices.analytics.models import Analysis, Preference
from goodoffices.events.models import Event
from goodoffices.texts import services as text_services
from goodoffices.texts.models import Text, TextVersion
from goodoffices.texts.services import ClauseIn, SectionIn

CORRIDOR = "Movement along the corridor shall be [A: unimpeded | B: regular | C: suspended] in both directions."
CARGO = "Humanitarian cargo shall pass [A: without delay | B: after inspection]."
MONITORS = "The [A: parties | B: observers] shall monitor the arrangements."

# Each party's numbers: weights per issue, values per option. Alpha cares most about the corridor,
# Beta about inspection; both weigh who monitors a little.
ALPHA = {"weights": [60, 10, 30], "values": [[100, 60, 0], [100, 0], [0, 100]]}
BETA = {"weights": [20, 70, 10], "values": [[0, 50, 100], [20, 100], [100, 60]]}
# Distinctive digits: a page or an answer that shows them has leaked a party's numbers.
SECRET_A: dict[str, Any] = {"weights": [61, 13, 37], "values": [[97, 59, 3], [89, 7], [11, 83]]}
SECRET_B = {"weights": [23, 71, 17], "values": [[7, 53, 91], [29, 93], [87, 67]]}


def make_text(world) -> Text:
    return text_services.text_create(
        actor=world.mediator,
        process=world.process,
        title="Humanitarian access",
        sections=[
            SectionIn(
                id="movement",
                title="Movement",
                clauses=[
                    ClauseIn(id="corridor", text=CORRIDOR, heading="Corridor"),
                    ClauseIn(id="cargo", text=CARGO, heading="Cargo"),
                    ClauseIn(id="monitors", text=MONITORS, heading="Monitoring"),
                ],
            )
        ],
    )


def make_analysis(world) -> Analysis:
    return services.analysis_create_from_text(actor=world.mediator, text_record=make_text(world))


def enter(world, analysis, persona: str, numbers) -> Preference:
    party = world.party_a if persona.endswith("_a") else world.party_b
    return services.preferences_set(actor=world.users[persona], analysis=analysis, party=party, **numbers)


def trace() -> tuple[object, ...]:
    return (
        Event.objects.count(),
        Analysis.objects.count(),
        TextVersion.objects.count(),
        *Preference.objects.order_by("pk").values_list("pk", "weights", "values", "commitment"),
    )


@pytest.fixture
def analysis(world) -> Analysis:
    return make_analysis(world)
