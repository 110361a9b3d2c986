import pytest
from django.test import Client

from goodoffices.events.models import Event
from goodoffices.processes.models import DelegationMembership, MandateVersion


def test_process_detail_has_parties_and_mandate_scope(world, api_for):
    body = api_for("head_a").get(f"/api/v1/processes/{world.process.pk}").json()
    assert body["parties"] == [{"id": world.party_a.pk, "name": "Alpha"}, {"id": world.party_b.pk, "name": "Beta"}]
    assert body["mandate"]["scope"] == ["Gas supply", "Electricity line"]
    assert body["my_roles"] == ["head"]


def test_openapi_describes_the_contract_and_docs_load_nothing_from_outside(world):
    client = Client(HTTP_HOST="localhost")
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/auth/token" in spec["paths"]
    assert "/api/v1/processes/{process_id}" in spec["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in docs
    assert "https://" not in docs.split("<body", 1)[1]


MEMBERS = "/api/v1/processes/{p}/parties/{a}/members"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "newcomer", "role": "delegate", "extra": 1}, "extra"),
        ({"username": 5, "role": "delegate"}, "username"),
        ({"username": "x" * 151, "role": "delegate"}, "username"),
        ({"role": "delegate"}, "username"),
        ({"username": "nobody-here", "role": "delegate"}, "username"),
        ({"username": "newcomer", "role": "chair"}, "role"),
        ({"username": "newcomer", "role": "head"}, "role"),
    ],
)
def test_bad_member_input_names_the_field_and_writes_nothing(world, api_for, body, field):
    from .world import make_user

    make_user("newcomer")
    api = api_for("head_a")
    before = (Event.objects.count(), DelegationMembership.objects.count())
    response = api.post(MEMBERS.format(p=world.process.pk, a=world.party_a.pk), body, content_type="application/json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert field in [e["field"] for e in problem["errors"]]
    assert (Event.objects.count(), DelegationMembership.objects.count()) == before


def test_malformed_json_is_a_400_problem(world, api_for):
    response = api_for("head_a").post(
        MEMBERS.format(p=world.process.pk, a=world.party_a.pk), "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_impartiality_a_mediator_cannot_join_a_delegation(world, api_for):
    response = api_for("operator").post(
        MEMBERS.format(p=world.process.pk, a=world.party_a.pk),
        {"username": world.mediator.username, "role": "delegate"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "mediator" in response.json()["detail"]


def test_unknown_ids_answer_404_like_invisible_ones(world, api_for):
    api = api_for("head_a")
    assert api.get("/api/v1/processes/999999").status_code == 404
    assert api.get(f"/api/v1/processes/{world.process.pk}/events/999999").status_code == 404
    missing_party = api.post(
        MEMBERS.format(p=world.process.pk, a=999999),
        {"username": "x", "role": "delegate"},
        content_type="application/json",
    )
    assert missing_party.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"note": "bad term", "term_end": "2020-01-01"}, "term_end"),
        ({"note": "bad lang", "languages": ["xx"]}, "languages[0]"),
        ({"note": "", "scope": ["Gas supply"]}, "note"),
        ({"note": "empty", "scope": []}, "scope"),
        ({"note": "dup", "scope": ["Gas supply", "gas supply"]}, "scope[1]"),
        ({"note": "type", "term_end": "not a date"}, "term_end"),
        ({"note": "unknown", "colour": "red"}, "colour"),
    ],
)
def test_bad_amendment_is_refused_and_the_mandate_is_unchanged(world, api_for, body, field):
    api = api_for("operator")
    before = (MandateVersion.objects.count(), Event.objects.count())
    response = api.post(
        f"/api/v1/processes/{world.process.pk}/mandate/amendments", body, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert field in [e["field"] for e in response.json()["errors"]]
    assert (MandateVersion.objects.count(), Event.objects.count()) == before


def test_amendment_creates_a_version_and_keeps_history(world, api_for, client_for):
    response = api_for("operator").post(
        f"/api/v1/processes/{world.process.pk}/mandate/amendments",
        {"note": "adds mine inspection", "scope": ["Gas supply", "Electricity line", "Mine inspection"]},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["version"] == 2
    seen = api_for("observer").get(f"/api/v1/processes/{world.process.pk}").json()["mandate"]
    assert seen["scope"][-1] == "Mine inspection"
    page = client_for("head_b").get(f"/processes/{world.process.pk}/mandate/").content.decode()
    assert "Version 1 of" in page
    assert "adds mine inspection" in page


def test_errors_never_500_on_wrong_methods(world, api_for):
    response = api_for("head_a").put(f"/api/v1/processes/{world.process.pk}")
    assert response.status_code == 405
