"""``POST /api/v1/analytics/solve``: the contract over HTTP, its refusals as problems, and who may call it."""

from fractions import Fraction

import pytest

from goodoffices.events.models import Event

URL = "/api/v1/analytics/solve"

# Raiffa's two-issue toy (the exact frontier is small enough to check by hand): Alpha cares most about
# the corridor, Beta about the cargo.
NASH = {
    "method": "nash",
    "parties": ["Alpha", "Beta"],
    "issues": [
        {
            "name": "corridor",
            "options": [{"name": "open", "utilities": [6, 1]}, {"name": "closed", "utilities": [0, 3]}],
        },
        {"name": "cargo", "options": [{"name": "checked", "utilities": [2, 0]}, {"name": "free", "utilities": [0, 5]}]},
    ],
}


def post(api, body):
    return api.post(URL, body, content_type="application/json")


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    return response.json()


def test_a_mediator_gets_the_exact_nash_package(world, api_for):
    answer = post(api_for("mediator"), NASH).json()
    # Packages: (open, checked) 8,1; (open, free) 6,6; (closed, checked) 2,3; (closed, free) 0,8.
    assert answer["package"] == {"corridor": "open", "cargo": "free"}
    assert answer["utilities"] == [6, 6]
    assert answer["objective"] == 36
    assert answer["status"] == "exact"
    assert answer["exact"]["objective"] == "36"


def test_adjusted_winner_reports_the_split_share_exactly(world, api_for):
    body = {
        "method": "adjusted_winner",
        "parties": ["A", "B"],
        "items": [{"name": "x", "points": [60, 30]}, {"name": "y", "points": [40, 70]}],
    }
    answer = post(api_for("mediator"), body).json()
    shares = {row["item"]: row["shares"] for row in answer["allocation"]}
    # A wins x (60), B wins y (70): B is ahead and gives A part of y: 60 + 40s = 70(1-s), s = 1/11.
    assert answer["exact"]["utilities"] == ["700/11", "700/11"]
    assert Fraction(answer["exact"]["allocation"][1]["shares"][0]) == Fraction(1, 11)
    assert shares["x"] == [1, 0]


def test_the_pareto_frontier_comes_with_its_packages(world, api_for):
    answer = post(api_for("mediator"), {**NASH, "method": "pareto"}).json()
    assert answer["pareto"] == [[0, 8], [6, 6], [8, 1]]
    assert len(answer["pareto_packages"]) == 3


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"disagreement": [0, 0, 0]}, "disagreement", "per party"),
        ({"parties": ["A", "B", "C", "D", "E", "F"]}, "parties", ""),
        ({"method": "haggle"}, "method", ""),
        (
            {"issues": [{"name": "x", "options": [{"name": "o", "utilities": [1]}]}]},
            "issues[0].options[0].utilities",
            "",
        ),
        ({"issues": [{"name": "x", "options": [{"name": "o", "utilities": [1, "a/b"]}]}]}, "utilities", "p/q"),
        ({"budget_seconds": 600}, "budget_seconds", ""),
        ({"divisible": "yes"}, "divisible", ""),
        ({"colour": "red"}, "colour", ""),
    ],
)
def test_bad_input_is_a_problem_naming_its_field_and_writes_nothing(world, api_for, change, field, words):
    api = api_for("mediator")
    before = Event.objects.count()
    body = problem(post(api, {**NASH, **change}), 422)
    fields = [e["field"] for e in body["errors"]]
    assert any(field in f for f in fields), fields
    assert words in " ".join(e["message"] for e in body["errors"])
    assert Event.objects.count() == before


def test_negative_points_for_adjusted_winner_are_refused(world, api_for):
    body = {
        "method": "adjusted_winner",
        "parties": ["A", "B"],
        "items": [{"name": "x", "points": [110, 30]}, {"name": "y", "points": [-10, 70]}],
    }
    errors = problem(post(api_for("mediator"), body), 422)["errors"]
    assert {"field": "items[1].points", "message": "points must not be negative"} in errors


def test_an_instance_past_the_stated_size_is_refused(world, api_for):
    issues = [{"name": f"i{j}", "options": [{"name": "a", "utilities": [1, 2]}]} for j in range(201)]
    errors = problem(post(api_for("mediator"), {**NASH, "issues": issues}), 422)["errors"]
    assert errors[0]["field"] == "issues"


def test_a_solve_cut_by_its_budget_answers_with_the_best_bound_not_a_timeout(world, api_for):
    # Three parties, 40 issues of 6 options: the exact frontier does not fit a 0.2 s budget.
    issues = [
        {
            "name": f"i{j}",
            "options": [
                {"name": f"o{k}", "utilities": [(j * 7 + k * 13) % 17, (j * 5 + k * 3) % 19, (j + k * 11) % 23]}
                for k in range(6)
            ],
        }
        for j in range(40)
    ]
    response = post(
        api_for("mediator"), {"method": "pareto", "parties": ["A", "B", "C"], "issues": issues, "budget_seconds": 0.2}
    )
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["status"] == "budget"
    assert answer["pareto"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("mediator", 200),
        ("head_a", 403),
        ("delegate_b", 403),
        ("observer", 403),
        ("monitor", 403),
        ("operator", 403),
        ("outsider", 403),
    ],
)
def test_only_mediators_may_solve(world, api_for, persona, status):
    response = post(api_for(persona), NASH)
    assert response.status_code == status
    if status == 403:
        assert "mediators" in problem(response, 403)["detail"]


def test_an_anonymous_caller_must_sign_in(db, client):
    assert post(client, NASH).status_code == 401
