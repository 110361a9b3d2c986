"""The JSON contract of ``solve`` (what ``POST /api/v1/analytics/solve`` will answer) and its refusals.

Every refusal is an ``Invalid`` naming the field as the request spells it; expected texts are written
out by hand, not derived from the code under test.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from fractions import Fraction

import pytest

from goodoffices.lib.analytics import Budget, BudgetExceeded, Division, Item, Status, max_nash_welfare, solve
from goodoffices.lib.analytics.model import MAX_ISSUES, MAX_ITEMS, MAX_OPTIONS
from goodoffices.lib.errors import Invalid

PARTIES = ["Stepanakert", "Baku"]
ISSUES: list[dict[str, object]] = [
    {"name": "venue", "options": [{"name": "Geneva", "utilities": [3, 1]}, {"name": "Vienna", "utilities": [1, 3]}]},
    {
        "name": "agenda",
        "options": [{"name": "humanitarian", "utilities": [4, 2]}, {"name": "security", "utilities": [0, 5]}],
    },
    {"name": "date", "options": [{"name": "May", "utilities": [2, 2]}, {"name": "June", "utilities": ["5/2", "1/2"]}]},
]


def request(method: str, **extra):
    return {"method": method, "parties": PARTIES, "issues": ISSUES, **extra}


def errors_of(req) -> dict[str, str]:
    with pytest.raises(Invalid) as caught:
        solve(req)
    return {e.field: e.message for e in caught.value.errors}


def test_pareto_answer_shape_and_exact_strings():
    # By hand: the eight packages are (9,5) GHM, (19/2,7/2) GHJ, (5,8) GSM, (11/2,13/2) GSJ, (7,7) VHM,
    # (15/2,11/2) VHJ, (3,10) VSM, (7/2,17/2) VSJ; only GSJ is dominated (by VHM).
    answer = solve(request("pareto"))
    assert answer["status"] == "exact"
    assert answer["pareto"] == [[3, 10], [3.5, 8.5], [5, 8], [7, 7], [7.5, 5.5], [9, 5], [9.5, 3.5]]
    assert answer["exact"]["pareto"][1] == ["7/2", "17/2"]
    assert answer["pareto_packages"][0] == {"venue": "Vienna", "agenda": "security", "date": "May"}
    assert len(answer["pareto_packages"]) == len(answer["pareto"])
    # The frontier's Nash point: 7 x 7 = 49 is the largest product.
    assert answer["utilities"] == [7, 7]
    assert answer["package"] == {"venue": "Vienna", "agenda": "humanitarian", "date": "May"}
    json.dumps(answer)  # plain JSON


def test_every_exact_string_reads_back_as_the_number_it_stands_for():
    for method in ("pareto", "nash", "kalai_smorodinsky", "max_joint"):
        for divisible in (False, True):
            answer = solve(request(method, divisible=divisible))
            for key in ("utilities", "gains", "ideal", "ks_point"):
                if key in answer["exact"]:
                    assert [float(Fraction(s)) for s in answer["exact"][key]] == pytest.approx(answer[key])


def test_nash_package_and_lottery():
    pure = solve(request("nash"))
    assert pure["package"] == {"venue": "Vienna", "agenda": "humanitarian", "date": "May"}
    assert pure["exact"]["objective"] == "49"
    lottery = solve(request("nash", divisible=True))
    assert "package" not in lottery
    assert lottery["status"] == "exact"
    assert sum(Fraction(p["probability"]) for p in lottery["exact"]["lottery"]) == 1
    # By hand: along (5,8)-(7,7) the product (5+2s)(8-s) rises up to s=1, along (7,7)-(9,5) it falls:
    # the vertex (7,7) is the Nash point over lotteries too, with no mixing.
    assert lottery["exact"]["utilities"] == ["7", "7"]
    assert lottery["exact"]["objective"] == "49"
    assert lottery["exact"]["lottery"] == [{"probability": "1"}]


def test_max_joint_over_a_baseline_package():
    baseline = {"venue": "Geneva", "agenda": "security", "date": "June"}  # (11/2, 13/2), dominated by VHM (7, 7)
    answer = solve(request("max_joint", baseline=baseline))
    assert answer["package"] == {"venue": "Vienna", "agenda": "humanitarian", "date": "May"}
    assert answer["exact"]["gains"] == ["3/2", "1/2"]
    assert answer["exact"]["objective"] == "2"
    assert answer["maximin"]["package"] == answer["package"]
    assert answer["exact"]["maximin"]["objective"] == "1/2"


def test_max_joint_over_disagreement_and_its_maximin_lottery():
    answer = solve(request("max_joint", divisible=True))
    assert answer["objective"] == 14  # (7,7) and (9,5) both sum to 14
    assert answer["utilities"] in ([7, 7], [9, 5])
    # Maximin over lotteries: the diagonal leaves the hull at its vertex (7,7) (edges of slope -1/2 and -1).
    assert answer["exact"]["maximin"]["objective"] == "7"


def test_adjusted_winner_refuses_negative_points():
    errors = errors_of(
        {
            "method": "adjusted_winner",
            "parties": PARTIES,
            "items": [{"name": "a", "points": [110, 50]}, {"name": "b", "points": [-10, 50]}],
        }
    )
    assert errors == {"items[1].points": "points must not be negative"}


def test_adjusted_winner_needs_a_hundred_points_each():
    errors = errors_of(
        {
            "method": "adjusted_winner",
            "parties": PARTIES,
            "items": [{"name": "a", "points": [60, 50]}, {"name": "b", "points": [38, 50]}],
        }
    )
    assert errors == {"items": "Stepanakert's points sum to 98, expected 100"}


def test_utilities_of_the_wrong_length_name_their_field():
    issues = [
        ISSUES[0],
        ISSUES[1],
        {"name": "date", "options": [{"name": "May", "utilities": [2, 2]}, {"name": "June", "utilities": [1]}]},
    ]
    errors = errors_of({"method": "nash", "parties": PARTIES, "issues": issues})
    assert errors == {"issues[2].options[1].utilities": "expected 2 numbers (one per party), got 1"}


def test_three_parties_three_numbers():
    issues = [{"name": "x", "options": [{"name": "a", "utilities": [1, 2, 3]}, {"name": "b", "utilities": [1, 2]}]}]
    errors = errors_of({"method": "pareto", "parties": ["A", "B", "C"], "issues": issues})
    assert errors == {"issues[0].options[1].utilities": "expected 3 numbers (one per party), got 2"}


def test_more_than_five_parties_is_refused():
    parties = [f"P{i}" for i in range(6)]
    issues = [{"name": "x", "options": [{"name": "a", "utilities": [1] * 6}]}]
    assert errors_of({"method": "nash", "parties": parties, "issues": issues}) == {
        "parties": "expected 2 to 5 parties, got 6"
    }
    items = [{"name": "x", "points": [1] * 6}]
    assert errors_of({"method": "max_nash_welfare", "parties": parties, "items": items}) == {
        "parties": "expected 2 to 5 parties, got 6"
    }


def test_one_party_is_refused():
    assert errors_of(
        {"method": "nash", "parties": ["A"], "issues": [{"name": "x", "options": [{"name": "a", "utilities": [1]}]}]}
    ) == {"parties": "expected 2 to 5 parties, got 1"}


def test_instances_past_the_stated_sizes_are_refused():
    option = {"name": "a", "utilities": [1, 1]}
    too_many_issues = [{"name": f"i{j}", "options": [option]} for j in range(MAX_ISSUES + 1)]
    assert errors_of({"method": "pareto", "parties": PARTIES, "issues": too_many_issues}) == {
        "issues": f"expected 1 to {MAX_ISSUES} issues, got {MAX_ISSUES + 1}"
    }
    too_many_options = [
        {"name": "i", "options": [{"name": f"o{k}", "utilities": [k, 0]} for k in range(MAX_OPTIONS + 1)]}
    ]
    assert errors_of({"method": "pareto", "parties": PARTIES, "issues": too_many_options}) == {
        "issues[0].options": f"expected 1 to {MAX_OPTIONS} options, got {MAX_OPTIONS + 1}"
    }
    items = [{"name": f"g{j}", "points": [1, 1]} for j in range(MAX_ITEMS + 1)]
    assert errors_of({"method": "max_nash_welfare", "parties": PARTIES, "items": items}) == {
        "items": f"expected 1 to {MAX_ITEMS} items, got {MAX_ITEMS + 1}"
    }
    huge = [{"name": "i", "options": [{"name": "a", "utilities": [10**7, 0]}]}]
    assert errors_of({"method": "pareto", "parties": PARTIES, "issues": huge}) == {
        "issues[0].options[0].utilities": "numbers must lie within ±1000000"
    }


def test_numbers_must_be_numbers():
    issues = [
        {
            "name": "i",
            "options": [{"name": "a", "utilities": [True, "x"]}, {"name": "b", "utilities": [float("nan"), 1]}],
        }
    ]
    errors = errors_of({"method": "pareto", "parties": PARTIES, "issues": issues})
    assert errors == {
        "issues[0].options[0].utilities": "expected a number or a 'p/q' string, got 'x'",
        "issues[0].options[1].utilities": "expected a finite number",
    }


def test_decimals_are_read_as_typed_and_unrelated_denominators_are_bounded():
    issues = [{"name": "i", "options": [{"name": "a", "utilities": [0.1, 0.2]}, {"name": "b", "utilities": [0.3, 0]}]}]
    answer = solve({"method": "pareto", "parties": PARTIES, "issues": issues})
    assert answer["exact"]["pareto"] == [["1/10", "1/5"], ["3/10", "0"]]
    primes = ["1/999983", "1/999979"]
    errors = errors_of(
        {
            "method": "pareto",
            "parties": PARTIES,
            "issues": [{"name": "i", "options": [{"name": "a", "utilities": primes}]}],
        }
    )
    assert errors == {"issues": "the numbers need a common denominator above 1000000: use fewer decimals"}


def test_duplicate_names_are_refused():
    issues = [ISSUES[0], ISSUES[0]]
    assert errors_of({"method": "pareto", "parties": PARTIES, "issues": issues}) == {
        "issues[1].name": "duplicate name 'venue'"
    }
    assert errors_of({"method": "pareto", "parties": ["A", "A"], "issues": ISSUES}) == {
        "parties[1]": "duplicate name 'A'"
    }


def test_method_shape_and_options_are_checked():
    assert errors_of({"method": "vote", "parties": PARTIES, "issues": ISSUES}) == {
        "method": "expected one of adjusted_winner, nash, kalai_smorodinsky, max_nash_welfare, pareto, max_joint"
    }
    assert errors_of({"method": "pareto", "parties": PARTIES, "items": [{"name": "a", "points": [1, 1]}]}) == {
        "items": "only adjusted_winner and max_nash_welfare divide items; pareto needs issues"
    }
    assert errors_of(request("adjusted_winner")) == {
        "items": "adjusted_winner divides items: give items with each party's points"
    }
    assert errors_of(request("nash", divisible="yes")) == {"divisible": "expected true or false"}
    assert errors_of(request("nash", budget_seconds=0)) == {
        "budget_seconds": "expected a number of seconds above 0 and at most 60"
    }
    assert errors_of(request("nash", disagreement=[0])) == {"disagreement": "expected 2 numbers (one per party), got 1"}
    assert errors_of(request("max_joint", baseline={"venue": "Paris"})) == {
        "baseline.venue": "expected one of the issue's options, got 'Paris'",
        "baseline.agenda": "expected one of the issue's options, got None",
        "baseline.date": "expected one of the issue's options, got None",
    }


def test_adjusted_winner_is_for_two_parties():
    items = [{"name": "a", "points": [50, 50, 50]}, {"name": "b", "points": [50, 50, 50]}]
    assert errors_of({"method": "adjusted_winner", "parties": ["A", "B", "C"], "items": items}) == {
        "parties": "adjusted_winner divides between exactly 2 parties, got 3"
    }


def test_max_nash_welfare_over_issues_is_the_largest_product_of_utilities():
    # Over packages with a zero disagreement point: by hand, VHM's 7 x 7 = 49 (see the pareto test).
    answer = solve(request("max_nash_welfare"))
    assert answer["package"] == {"venue": "Vienna", "agenda": "humanitarian", "date": "May"}
    assert answer["exact"]["objective"] == "49"


def test_a_disagreement_point_nobody_can_reach_is_a_clear_refusal():
    errors = errors_of(request("nash", disagreement=[20, 20]))
    assert errors == {"disagreement": "no package gives every party at least its disagreement utility"}


def test_max_nash_welfare_on_items_gives_whole_items_or_fractions():
    items = [{"name": "car", "points": [60, 20]}, {"name": "boat", "points": [40, 80]}]
    whole = solve({"method": "max_nash_welfare", "parties": PARTIES, "items": items})
    assert whole["allocation"] == [{"item": "car", "shares": [1, 0]}, {"item": "boat", "shares": [0, 1]}]
    assert whole["exact"]["objective"] == "4800"
    split = solve(
        {
            "method": "max_nash_welfare",
            "parties": PARTIES,
            "items": [{"name": "cake", "points": [10, 10]}],
            "divisible": True,
        }
    )
    assert split["exact"]["allocation"] == [{"shares": ["1/2", "1/2"]}]


def test_long_solves_stop_at_the_budget_with_a_bound():
    """12 agents and 60 items: far past what HiGHS proves in half a second; the answer says so."""
    division = Division(
        tuple(f"a{i}" for i in range(12)),
        tuple(Item(f"g{j}", tuple(Fraction((7 * i + 13 * j) % 97 + 1) for i in range(12))) for j in range(60)),
    )
    start = time.monotonic()
    try:
        result = max_nash_welfare(division, Budget(0.5))
    except BudgetExceeded:
        result = None
    assert time.monotonic() - start < 5
    if result is not None:
        assert result.status in (Status.BUDGET, Status.TOLERANCE)
        assert result.bound >= float(result.objective) * (1 - 1e-9)


def test_the_core_imports_without_django():
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'django' or name.startswith('django.'):\n"
        "            raise ImportError('django is blocked')\n"
        "sys.meta_path.insert(0, Block())\n"
        "from goodoffices.lib.analytics import solve\n"
        "req = {'method': 'nash', 'parties': ['a', 'b'],\n"
        "       'issues': [{'name': 'i', 'options': [{'name': 'x', 'utilities': [1, 2]}]}]}\n"
        "print(solve(req)['exact']['objective'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "2"
