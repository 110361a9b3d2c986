import pytest

from goodoffices.events.models import Event
from goodoffices.texts import services
from goodoffices.texts.models import Amendment, Comment, Position, TaggedCommitment, Text, TextVersion
from goodoffices.texts.services import ClauseIn, SectionIn

CORRIDOR = "Movement along the corridor shall be [A: unimpeded | B: regular] in both directions."
CARGO = "Humanitarian cargo shall pass [without delay]."
REVIEW = "The parties shall review these arrangements every month."


def make_text(world, title: str = "Humanitarian access") -> Text:
    return services.text_create(
        actor=world.mediator,
        process=world.process,
        title=title,
        sections=[
            SectionIn(
                id="movement",
                title="Movement",
                clauses=[ClauseIn(id="corridor", text=CORRIDOR, heading="Corridor"), ClauseIn(id="cargo", text=CARGO)],
            ),
            SectionIn(id="final", title="Final provisions", clauses=[ClauseIn(id="review", text=REVIEW)]),
        ],
    )


def trace() -> tuple[object, ...]:
    """Events and every row of a text: what a refused request must leave unchanged."""
    return (
        Event.objects.count(),
        Text.objects.count(),
        TextVersion.objects.count(),
        Amendment.objects.count(),
        Position.objects.count(),
        Comment.objects.count(),
        TaggedCommitment.objects.count(),
        *Amendment.objects.order_by("pk").values_list("pk", "status"),
        *Position.objects.order_by("pk").values_list("pk", "stance", "note", "version"),
    )


@pytest.fixture
def text(world) -> Text:
    return make_text(world)
