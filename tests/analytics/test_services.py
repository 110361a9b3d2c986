"""The analytics services where they meet the text: a package goes into the words it was computed on."""

import pytest

from goodoffices.analytics import services
from goodoffices.lib.errors import Conflict
from goodoffices.texts import services as text_services

from .conftest import CORRIDOR, trace


def test_a_package_is_not_put_into_words_it_was_not_computed_on(world, analysis):
    """The corridor's bracket still has three alternatives, but one of them says something else
    now: the mediators' package would resolve to words no party weighed, so it is refused."""
    text = analysis.text
    reworded = CORRIDOR.replace("B: regular", "B: occasional")
    text_services.text_revise(
        actor=world.mediator, text=text, operations=[{"op": "replace", "clause": "corridor", "text": reworded}], note=""
    )
    text.refresh_from_db()
    before = trace()
    with pytest.raises(Conflict, match="Corridor"):
        services.analysis_package_to_text(actor=world.mediator, analysis=analysis, package=[1, 0, 0], label="Nash")
    assert trace() == before
