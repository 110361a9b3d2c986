"""The texts API: a whole negotiation over HTTP, and its refusals as problem details naming the field."""

import hashlib

import rfc8785

from goodoffices.events.models import Event
from goodoffices.texts.models import Amendment

from .conftest import trace


def body(response):
    assert response["Content-Type"].startswith(("application/json", "application/problem+json")), response.content
    return response.json()


def post(client, url, data, method="post"):
    return getattr(client, method)(url, data, content_type="application/json")


def error_fields(response) -> list[str]:
    return [e["field"] for e in body(response)["errors"]]


TEXT = {
    "title": "Humanitarian access",
    "sections": [
        {
            "id": "movement",
            "title": "Movement",
            "clauses": [
                {"id": "corridor", "heading": "Corridor", "text": "Movement shall be [A: unimpeded | B: regular]."},
                {"id": "cargo", "text": "Cargo shall pass [without delay]."},
            ],
        }
    ],
}


def test_a_negotiation_over_the_api(world, api_for):
    mediator, a, b = api_for("mediator"), api_for("head_a"), api_for("head_b")
    response = post(mediator, f"/api/v1/processes/{world.process.pk}/texts", TEXT)
    assert response.status_code == 201, response.content
    text = body(response)
    assert (text["version"], text["audience"], text["counters"]["open_brackets"]) == (1, "plenary", 2)
    corridor = text["sections"][0]["clauses"][0]
    assert corridor["pieces"][1] == {
        "text": "",
        "bracket": 1,
        "options": [{"label": "A", "text": "unimpeded"}, {"label": "B", "text": "regular"}],
    }
    tid = text["id"]
    listed = body(a.get(f"/api/v1/processes/{world.process.pk}/texts"))
    assert [t["id"] for t in listed["items"]] == [tid]
    assert listed["next"] is None

    response = post(
        a,
        f"/api/v1/texts/{tid}/amendments",
        {"op": "resolve", "clause": "corridor", "bracket": 1, "option": "A", "note": "As in 2020"},
    )
    assert response.status_code == 201, response.content
    amendment = body(response)
    assert (amendment["party"], amendment["status"], amendment["base_version"]) == (world.party_a.pk, "open", 1)
    assert body(b.get(f"/api/v1/texts/{tid}"))["open_amendments"][0]["id"] == amendment["id"]

    response = post(mediator, f"/api/v1/amendments/{amendment['id']}/decision", {"take_in": True})
    assert response.status_code == 200, response.content
    assert body(response)["status"] == "taken_in"
    response = post(
        mediator,
        f"/api/v1/texts/{tid}/revisions",
        {"operations": [{"op": "resolve", "clause": "cargo", "bracket": 1, "option": "A"}]},
    )
    assert response.status_code == 201, response.content
    assert body(response)["number"] == 3

    for client in (a, b):
        for clause in ("corridor", "cargo"):
            response = post(client, f"/api/v1/texts/{tid}/clauses/{clause}/position", {"stance": "agree"}, "put")
            assert response.status_code == 200, response.content
            assert body(response)["current"] is True
    text = body(a.get(f"/api/v1/texts/{tid}"))
    assert text["counters"] == {
        "clauses": 2,
        "open_brackets": 0,
        "agreed_by_all": 2,
        "ad_referendum": 0,
        "with_reservation": 0,
        "rejected": 0,
        "clean": True,
    }
    assert text["readiness"] == {"ready": True, "clause": None, "number": None, "reason": None}

    versions = body(a.get(f"/api/v1/texts/{tid}/versions"))["items"]
    assert [(v["number"], v["amendment"]) for v in versions] == [(1, None), (2, amendment["id"]), (3, None)]
    assert text["sha256"] == versions[-1]["sha256"]
    version = body(a.get(f"/api/v1/texts/{tid}/versions/3"))
    # Anyone can check the digest from the content alone.
    assert hashlib.sha256(rfc8785.dumps(version["content"])).hexdigest() == version["sha256"]
    redline = body(a.get(f"/api/v1/texts/{tid}/redline?from=1&to=3"))
    assert [c["status"] for c in redline["clauses"]] == ["changed", "changed"]
    assert redline["clauses"][0]["html"] == ("Movement shall be <del>[A: </del>unimpeded<del> | B: regular]</del>.")


def test_commitments_are_returned_in_the_contract_shape(world, api_for):
    mediator = api_for("mediator")
    tid = body(post(mediator, f"/api/v1/processes/{world.process.pk}/texts", TEXT))["id"]
    response = post(
        mediator,
        f"/api/v1/texts/{tid}/clauses/cargo/commitments",
        {
            "obligor": world.party_b.pk,
            "action": "Let cargo pass",
            "category": "humanitarian_access",
            "deadline": "2026-12-31",
            "monitors": ["ICRC"],
        },
    )
    assert response.status_code == 201, response.content
    items = body(api_for("head_a").get(f"/api/v1/texts/{tid}/commitments"))["items"]
    assert len(items) == 1
    item = items[0]
    assert {k: item[k] for k in ("id", "clause", "obligor", "action", "category", "deadline")} == {
        "id": body(response)["id"],
        "clause": "2",
        "obligor": world.party_b.pk,
        "action": "Let cargo pass",
        "category": "humanitarian_access",
        "deadline": "2026-12-31",
    }
    response = mediator.delete(f"/api/v1/texts/{tid}/commitments/{item['id']}")
    assert response.status_code == 204
    assert body(api_for("head_a").get(f"/api/v1/texts/{tid}/commitments"))["items"] == []


def test_lists_are_paginated_with_a_cursor(world, api_for):
    mediator = api_for("mediator")
    ids = [
        body(post(mediator, f"/api/v1/processes/{world.process.pk}/texts", {**TEXT, "title": f"T{i}"}))["id"]
        for i in range(5)
    ]
    seen, cursor = [], ""
    while True:
        page = body(mediator.get(f"/api/v1/processes/{world.process.pk}/texts?limit=2&cursor={cursor}"))
        assert len(page["items"]) <= 2
        seen += [t["id"] for t in page["items"]]
        if page["next"] is None:
            break
        cursor = page["next"]
    assert seen == sorted(ids, reverse=True)
    response = mediator.get(f"/api/v1/processes/{world.process.pk}/texts?cursor=abc")
    assert response.status_code == 422
    assert error_fields(response) == ["cursor"]
    assert mediator.get(f"/api/v1/processes/{world.process.pk}/texts?limit=1000").status_code == 422


def test_refusals_name_the_field_and_write_nothing(world, api_for):
    mediator, a = api_for("mediator"), api_for("head_a")
    tid = body(post(mediator, f"/api/v1/processes/{world.process.pk}/texts", TEXT))["id"]
    cases = [
        (
            mediator,
            "post",
            f"/api/v1/processes/{world.process.pk}/texts",
            {**TEXT, "sections": [{"title": "S", "clauses": [{"text": "Shall [A: x | B: y"}]}]},
            422,
            ["sections[0].clauses[0].text"],
        ),
        (
            a,
            "post",
            f"/api/v1/texts/{tid}/amendments",
            {"op": "replace", "clause": "nowhere", "text": "x"},
            422,
            ["clause"],
        ),
        (
            a,
            "post",
            f"/api/v1/texts/{tid}/amendments",
            {"op": "replace", "clause": "cargo", "text": "[A: x | C: y]"},
            422,
            ["text"],
        ),
        (
            a,
            "post",
            f"/api/v1/texts/{tid}/amendments",
            {"op": "delete", "clause": "cargo", "audience": f"caucus:{world.party_b.pk}"},
            422,
            ["audience"],
        ),
        (
            a,
            "post",
            f"/api/v1/texts/{tid}/amendments",
            {"op": "delete", "clause": "cargo", "colour": "red"},
            422,
            ["colour"],
        ),
        (
            a,
            "put",
            f"/api/v1/texts/{tid}/clauses/cargo/position",
            {"stance": "agree", "party": world.party_b.pk},
            403,
            None,
        ),
        (a, "put", f"/api/v1/texts/{tid}/clauses/nowhere/position", {"stance": "agree"}, 404, None),
        (a, "put", f"/api/v1/texts/{tid}/clauses/cargo/position", {"stance": "perhaps"}, 422, ["stance"]),
        (
            a,
            "put",
            f"/api/v1/texts/{tid}/clauses/cargo/position",
            {"stance": "amend", "amendment": 999999},
            422,
            ["amendment"],
        ),
        (api_for("observer"), "put", f"/api/v1/texts/{tid}/clauses/cargo/position", {"stance": "agree"}, 404, None),
        (
            mediator,
            "post",
            f"/api/v1/texts/{tid}/revisions",
            {"operations": [{"op": "delete", "clause": "gone"}]},
            422,
            ["operations[0].clause"],
        ),
        (
            mediator,
            "post",
            f"/api/v1/texts/{tid}/clauses/cargo/commitments",
            {"obligor": 999999, "action": "x", "category": "ceasefire"},
            422,
            ["obligor"],
        ),
        (
            mediator,
            "post",
            f"/api/v1/texts/{tid}/clauses/cargo/commitments",
            {"obligor": world.party_a.pk, "action": "x", "category": "peace"},
            422,
            ["category"],
        ),
    ]
    for client, method, url, data, status, fields in cases:
        before = trace()
        response = post(client, url, data, method)
        assert response.status_code == status, (url, data, response.content)
        assert response["Content-Type"] == "application/problem+json"
        if fields is not None:
            assert error_fields(response) == fields, (data, body(response))
        if status == 403:
            assert "Beta" in body(response)["detail"]
        assert trace() == before, data
    response = a.get(f"/api/v1/texts/{tid}/redline?from=1&to=7")
    assert response.status_code == 422
    assert error_fields(response) == ["to"]


def test_a_decided_amendment_answers_409(world, api_for):
    mediator = api_for("mediator")
    tid = body(post(mediator, f"/api/v1/processes/{world.process.pk}/texts", TEXT))["id"]
    aid = body(post(api_for("delegate_b"), f"/api/v1/texts/{tid}/amendments", {"op": "delete", "clause": "cargo"}))[
        "id"
    ]
    response = post(mediator, f"/api/v1/amendments/{aid}/decision", {"take_in": False})
    assert response.status_code == 422
    assert error_fields(response) == ["reason"]
    assert (
        post(mediator, f"/api/v1/amendments/{aid}/decision", {"take_in": False, "reason": "Keep it"}).status_code == 200
    )
    before = Event.objects.count()
    response = post(mediator, f"/api/v1/amendments/{aid}/decision", {"take_in": True})
    assert response.status_code == 409
    assert Event.objects.count() == before
    assert Amendment.objects.get(pk=aid).status == "not_taken_in"
