"""Response bodies: built from keywords they are validated by pydantic directly; a model object
given as is still reads through django-ninja's getter (related managers, as ``Schema`` did)."""

from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from goodoffices.api.schemas import EventList, EventOut, Out, PartyOut


def event(**changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "id": "e1",
        "leaf_index": None,
        "kind": "caucus.message_posted",
        "occurred_at": "2026-11-30T12:00:00Z",
        "actor": None,
        "audience": "mediators",
        "subject_type": "caucus_message",
        "subject_id": "1",
        "payload": {},
    }
    return fields | changes


def test_a_nested_response_already_built_is_kept_not_read_again():
    item = EventOut.model_validate(event())
    page = EventList(items=[item], next="abc")
    assert page.items[0] is item
    assert page.model_dump()["items"][0]["id"] == "e1"


def test_a_response_from_keywords_is_still_checked():
    with pytest.raises(ValidationError, match="items"):
        EventList(items="not a list")  # type: ignore[arg-type]


def test_a_model_object_is_read_through_the_getter():
    class Members(Out):
        name: str
        members: list[int]

    party = SimpleNamespace(id=7, name="Stepanakert", short_name="S")
    assert PartyOut.model_validate(party).id == 7
    # The getter calls what is callable (a related manager's reader, a method): a plain
    # pydantic model would refuse a function where a list is due.
    assert Members.model_validate(SimpleNamespace(name="x", members=lambda: [1, 2])).members == [1, 2]
