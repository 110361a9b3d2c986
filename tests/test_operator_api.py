"""Operators build the framework: staff create frameworks; a framework's operators issue
mandates, open processes and make appointments. Everyone else is refused and nothing is written."""

from datetime import date

import pytest
from django.utils import timezone

from goodoffices.events.models import Event
from goodoffices.processes.models import Appointment, Framework, Mandate, Process

from .world import PERSONAS, make_user

ALL = (*PERSONAS, "anonymous", "staff")
ADMITTED = {"mediator", "head_a", "delegate_a", "head_b", "delegate_b", "observer", "monitor", "operator", "staff"}


@pytest.fixture
def staff_world(world):
    """The world, with the staff account that created its framework as a persona too."""
    from goodoffices.accounts.models import User

    world.users["staff"] = User.objects.get(username="staff")
    return world


_TODAY = timezone.localdate()
MANDATE = {
    "title": "Second mandate",
    "scope": ["Water"],
    "term_start": _TODAY.isoformat(),
    "term_end": date(_TODAY.year + 3, 12, 31).isoformat(),
}

CASES = {
    "api:framework_create": (
        "post",
        lambda w: "/api/v1/frameworks",
        lambda w: {"name": "Contact group"},
        {"staff"},
        201,
    ),
    "api:framework_operator_add": (
        "post",
        lambda w: f"/api/v1/frameworks/{w.framework.pk}/operators",
        lambda w: {"username": "newcomer"},
        {"staff", "operator"},
        201,
    ),
    "api:mandate_create": (
        "post",
        lambda w: f"/api/v1/frameworks/{w.framework.pk}/mandates",
        lambda w: MANDATE,
        {"staff", "operator"},
        201,
    ),
    "api:process_create": (
        "post",
        lambda w: f"/api/v1/mandates/{w.mandate.pk}/processes",
        lambda w: {"title": "Track two", "parties": ["North", "South"]},
        {"staff", "operator"},
        201,
    ),
    "api:appointment_make": (
        "post",
        lambda w: f"/api/v1/processes/{w.process.pk}/appointments",
        lambda w: {"username": "newcomer", "role": "observer", "organisation": "UN"},
        {"staff", "operator"},
        201,
    ),
    "api:appointment_end": (
        "delete",
        lambda w: (
            f"/api/v1/processes/{w.process.pk}/appointments/"
            f"{Appointment.objects.get(process=w.process, role='monitor').pk}"
        ),
        None,
        {"staff", "operator"},
        204,
    ),
}


def _expect(name: str, persona: str, ok: set[str], code: int) -> int:
    if persona == "anonymous":
        return 401
    if persona in ok:
        return code
    if name == "api:framework_create":
        return 403  # creating a framework concerns no object anyone could fail to see
    if name.startswith("api:appointment"):
        return 403 if persona in ADMITTED else 404
    return 404  # a framework or mandate one does not operate does not exist for one


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("name", list(CASES))
def test_operator_endpoint(staff_world, api_for, persona, name):
    world = staff_world
    make_user("newcomer")
    method, url, body, ok, code = CASES[name]
    client = api_for(persona)
    before = (Event.objects.count(), Framework.objects.count(), Mandate.objects.count(), Process.objects.count())
    target = url(world)
    if body is None:
        response = getattr(client, method)(target)
    else:
        response = getattr(client, method)(target, body(world), content_type="application/json")
    want = _expect(name, persona, ok, code)
    assert response.status_code == want, (persona, response.content[:300])
    after = (Event.objects.count(), Framework.objects.count(), Mandate.objects.count(), Process.objects.count())
    if want == code:
        assert after[0] > before[0]
    else:
        assert after == before


def test_framework_list_shows_only_what_one_operates(staff_world, api_for):
    world = staff_world
    assert [f["name"] for f in api_for("operator").get("/api/v1/frameworks").json()["items"]] == [world.framework.name]
    assert api_for("head_a").get("/api/v1/frameworks").json()["items"] == []
    assert api_for("anonymous").get("/api/v1/frameworks").status_code == 401


def test_a_new_process_is_seen_by_its_operator_only_until_appointments(staff_world, api_for):
    world = staff_world
    operator = api_for("operator")
    created = operator.post(
        f"/api/v1/mandates/{world.mandate.pk}/processes",
        {"title": "Track two", "parties": ["North", "South"]},
        content_type="application/json",
    ).json()
    assert operator.get(f"/api/v1/processes/{created['id']}").status_code == 200
    assert api_for("mediator").get(f"/api/v1/processes/{created['id']}").status_code == 404
    operator.post(
        f"/api/v1/processes/{created['id']}/appointments",
        {"username": world.mediator.username, "role": "mediator"},
        content_type="application/json",
    )
    assert api_for("mediator").get(f"/api/v1/processes/{created['id']}").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**MANDATE, "scope": []}, "scope"),
        ({**MANDATE, "term_end": "2020-01-01"}, "term_end"),
        ({**MANDATE, "held_meetings_audience": "everyone"}, "held_meetings_audience"),
        ({**MANDATE, "languages": ["tlh"]}, "languages[0]"),
        ({**MANDATE, "surprise": True}, "surprise"),
    ],
)
def test_bad_mandates_are_refused_with_the_field_named(staff_world, api_for, body, field):
    client = api_for("operator")
    before = Mandate.objects.count()
    response = client.post(
        f"/api/v1/frameworks/{staff_world.framework.pk}/mandates", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert Mandate.objects.count() == before


MATRIX_COVERS = {*CASES, "api:framework_list"}


def test_operator_amends_the_mandate_on_the_web(world, client_for):
    client = client_for("operator")
    form = client.get(f"/processes/{world.process.pk}/mandate/amend/")
    assert "Gas supply\nElectricity line" in form.content.decode()
    refused = client.post(
        f"/processes/{world.process.pk}/mandate/amend/",
        {"scope": "", "languages": ["en"], "held_meetings_audience": "process", "note": "empty"},
    )
    assert refused.status_code == 422
    assert world.mandate.versions.count() == 1
    bad_term = client.post(
        f"/processes/{world.process.pk}/mandate/amend/",
        {
            "scope": "Gas supply",
            "term_end": "2020-01-01",
            "languages": ["en"],
            "held_meetings_audience": "public",
            "note": "shorter",
        },
    )
    assert bad_term.status_code == 422
    assert "the term cannot end before it starts" in bad_term.content.decode()
    done = client.post(
        f"/processes/{world.process.pk}/mandate/amend/",
        {
            "scope": "Gas supply\nHumanitarian access",
            "languages": ["en", "ru"],
            "held_meetings_audience": "public",
            "note": "adds humanitarian access",
        },
        follow=True,
    )
    page = done.content.decode()
    assert "Humanitarian access" in page
    assert "adds humanitarian access" in page
    assert world.mandate.versions.count() == 2


def test_operator_names_a_head_and_appoints_on_the_web(world, client_for):
    newcomer = make_user("newcomer")
    client = client_for("operator")
    client.post(f"/processes/{world.process.pk}/appointments/", {"username": "newcomer", "role": "observer"})
    assert world.process.appointments.filter(user=newcomer, role="observer").exists()
    # Heads of delegation are named by operators only.
    assert 'value="head"' in client.get(f"/processes/{world.process.pk}/parties/{world.party_a.pk}/").content.decode()
    assert (
        'value="head"'
        not in client_for("head_a").get(f"/processes/{world.process.pk}/parties/{world.party_a.pk}/").content.decode()
    )
