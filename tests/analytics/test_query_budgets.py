"""Query budgets of the analytics pages and the solver: a fixed number of queries whatever the number
of analyses and preferences in the process, measured with 1 analysis and again with 50 (each with
both parties' numbers); an N+1 shows as a count that grows, and an endpoint over its budget fails too."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from goodoffices.analytics import services

from .conftest import ALPHA, BETA, enter, make_analysis

# Budgets as measured when they were set; lowering one is welcome, raising one needs a reason.
BUDGETS = {
    "web analyses": ("web", "head_a", "get", "/processes/{process}/analyses/", 12),
    "web analysis": ("web", "head_a", "get", "/analyses/{analysis}/", 12),
    "web analysis (mediator)": ("web", "mediator", "get", "/analyses/{analysis}/", 12),
    "api solve": ("api", "mediator", "post", "/api/v1/analytics/solve", 8),
}
SOLVE = {
    "method": "nash",
    "parties": ["A", "B"],
    "issues": [{"name": "x", "options": [{"name": "p", "utilities": [1, 2]}, {"name": "q", "utilities": [2, 1]}]}],
}


def _grow(world, count: int) -> None:
    for i in range(count):
        analysis = services.analysis_create(
            actor=world.mediator,
            process=world.process,
            title=f"Analysis {i}",
            issues=[services.IssueIn("Price", ["low", "market"]), services.IssueIn("Volume", ["1", "2", "3"])],
        )
        numbers = {"weights": [10, 20], "values": [[0, 100], [10, 50, 90]]}
        enter(world, analysis, "head_a", numbers)
        enter(world, analysis, "head_b", numbers)


def _measure(world, analysis, clients) -> dict[str, int]:
    counts = {}
    for name, (kind, persona, method, path, _budget) in BUDGETS.items():
        url = path.format(process=world.process.pk, analysis=analysis.pk)
        with CaptureQueriesContext(connection) as queries:
            if method == "post":
                response = clients[kind, persona].post(url, SOLVE, content_type="application/json")
            else:
                response = clients[kind, persona].get(url)
        assert response.status_code == 200, (name, response.content[:300])
        counts[name] = len(queries)
    return counts


def test_analytics_pages_do_not_grow_with_the_process(world, client_for, api_for):
    clients = {
        (kind, persona): (api_for(persona) if kind == "api" else client_for(persona))
        for kind, persona, _method, _path, _budget in BUDGETS.values()
    }
    analysis = make_analysis(world)
    enter(world, analysis, "head_a", ALPHA)
    enter(world, analysis, "delegate_b", BETA)
    _measure(world, analysis, clients)  # once first: a token's first use of the minute is recorded
    small = _measure(world, analysis, clients)
    _grow(world, 49)
    large = _measure(world, analysis, clients)
    print("queries at 50 analyses:", large)
    problems = {
        name: f"{small[name]} queries with 1 analysis, {large[name]} with 50"
        if small[name] != large[name]
        else f"{large[name]} queries, over its budget of {BUDGETS[name][4]}"
        for name in BUDGETS
        if small[name] != large[name] or large[name] > BUDGETS[name][4]
    }
    assert not problems, problems
