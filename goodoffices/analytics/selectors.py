"""Reads of the analytics, already restricted to their reader.

``analysis_combined`` is the mediators' read model: it builds the negotiation from every party's
numbers and runs the solvers of ``goodoffices.lib.analytics`` on it, each under a short budget. A
party reads only its own numbers (``preference_get``) and how a package scores for itself
(``package_score``). Observers, monitors and outsiders see no analysis at all.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from goodoffices.lib.analytics import (
    Budget,
    Issue,
    Negotiation,
    Option,
    PackageResult,
    Status,
    kalai_smorodinsky_package,
    max_joint_gain,
    maximin_gain,
    nash_package,
    pareto_frontier,
)
from goodoffices.lib.errors import DomainError, NotFound
from goodoffices.policies import AnyUser, Permission, can, may_see, require
from goodoffices.processes.models import Party, Process

from .models import Analysis, Preference

# Each suggestion's solver runs under this budget (seconds): a page never waits long.
SOLVE_SECONDS = 2.0
MAX_CHART_POINTS = 400


def analysis_list(*, user: AnyUser, process: Process) -> QuerySet[Analysis]:
    """The analyses of a process its reader may see (none for whoever is not in the plenary)."""
    if not can(user, Permission.ANALYSIS_VIEW, process):
        return Analysis.objects.none()
    return Analysis.objects.filter(process=process).order_by("-id")


def analysis_get(*, user: AnyUser, analysis_id: int) -> Analysis:
    analysis = Analysis.objects.select_related("process", "text").filter(pk=analysis_id).first()
    if analysis is None or not may_see(user, analysis) or not can(user, Permission.ANALYSIS_VIEW, analysis):
        raise NotFound("analysis")
    return analysis


def preference_get(*, user: AnyUser, analysis: Analysis, party: Party) -> Preference | None:
    """A party's own numbers, for its delegation and the mediators; ``NotFound`` for anyone else."""
    require(user, Permission.PREFERENCES_VIEW, party, visible=False, what="preferences")
    return Preference.objects.filter(analysis=analysis, party=party).first()


@dataclass(frozen=True)
class Score:
    """How a package scores for one party: its utility, and the text's package's."""

    package: tuple[int, ...]
    utility: int
    baseline_utility: int

    @property
    def gain(self) -> int:
        return self.utility - self.baseline_utility


def package_score(*, user: AnyUser, analysis: Analysis, party: Party, package: Sequence[int]) -> Score | None:
    """What ``package`` is worth to ``party`` by its own numbers (None before it entered them)."""
    preference = preference_get(user=user, analysis=analysis, party=party)
    if preference is None:
        return None
    table = preference.utilities()
    return Score(
        tuple(package),
        sum(table[j][k] for j, k in enumerate(package)),
        sum(table[j][k] for j, k in enumerate(analysis.baseline)),
    )


@dataclass(frozen=True)
class Suggestion:
    key: str
    label: str
    description: str
    package: tuple[int, ...] | None
    utilities: tuple[Fraction, ...] = ()
    gains: tuple[Fraction, ...] = ()
    status: str = ""
    note: str = ""


@dataclass(frozen=True)
class Combined:
    """The mediators' view: the parties in order, the frontier, the text's package and the suggestions."""

    parties: tuple[Party, ...]
    missing: tuple[Party, ...]
    baseline: tuple[int, ...]
    baseline_utilities: tuple[Fraction, ...] = ()
    frontier: tuple[tuple[tuple[Fraction, ...], tuple[int, ...]], ...] = ()
    frontier_status: str = ""
    suggestions: tuple[Suggestion, ...] = ()
    names: tuple[tuple[str, ...], ...] = field(default_factory=tuple)

    @property
    def ready(self) -> bool:
        return not self.missing


def _negotiation(analysis: Analysis, parties: Sequence[Party], tables: Sequence[list[list[int]]]) -> Negotiation:
    issues = tuple(
        Issue(
            str(issue["name"]),
            tuple(
                Option(str(option), tuple(Fraction(table[j][k]) for table in tables))
                for k, option in enumerate(issue["options"])
            ),
        )
        for j, issue in enumerate(analysis.issues)
    )
    baseline = tuple(Fraction(sum(table[j][k] for j, k in enumerate(analysis.baseline))) for table in tables)
    return Negotiation(tuple(p.name for p in parties), issues, baseline)


# A method's package, or why it has none (too large, say).
Outcome = PackageResult | DomainError


def _suggest(key: str, label: str, description: str, outcome: Outcome, baseline: Sequence[Fraction]) -> Suggestion:
    if isinstance(outcome, DomainError):
        return Suggestion(key, label, description, None, note=str(outcome))
    gains = tuple(u - b for u, b in zip(outcome.utilities, baseline, strict=True))
    return Suggestion(key, label, description, outcome.package, outcome.utilities, gains, str(outcome.status))


@dataclass(frozen=True)
class Solved:
    """What the solvers found for one set of numbers: the frontier and each method's outcome."""

    points: tuple[tuple[tuple[Fraction, ...], tuple[int, ...]], ...]
    status: str
    outcomes: dict[str, Outcome]


# The last results solved in this server process, by the analysis and every party's commitment to
# its numbers: reading the page again, or a form refused on it, does not solve again (up to
# SOLVE_SECONDS for each of five problems). Kept in memory, not in the database: a read never writes.
_SOLVED: OrderedDict[tuple[object, ...], Solved] = OrderedDict()
_SOLVED_KEPT = 32
_solved_lock = threading.Lock()


def _solve(negotiation: Negotiation, baseline: tuple[int, ...]) -> Solved:
    frontier = pareto_frontier(negotiation, Budget(SOLVE_SECONDS))
    points = frontier.points
    if len(points) > MAX_CHART_POINTS:
        step = len(points) / MAX_CHART_POINTS
        points = tuple(points[int(i * step)] for i in range(MAX_CHART_POINTS))
    methods: dict[str, Callable[[], PackageResult]] = {
        "nash": lambda: nash_package(negotiation, Budget(SOLVE_SECONDS)),
        "kalai_smorodinsky": lambda: kalai_smorodinsky_package(negotiation, Budget(SOLVE_SECONDS)),
        "max_joint": lambda: max_joint_gain(negotiation, baseline, Budget(SOLVE_SECONDS)),
        "maximin": lambda: maximin_gain(negotiation, baseline, Budget(SOLVE_SECONDS)),
    }
    outcomes: dict[str, Outcome] = {}
    for key, run in methods.items():
        try:
            outcomes[key] = run()
        except DomainError as exc:
            outcomes[key] = exc
    status = str(frontier.status if frontier.status is not Status.EXACT else "exact")
    return Solved(points, status, outcomes)


def _solved(analysis: Analysis, preferences: Sequence[Preference], negotiation: Negotiation) -> Solved:
    baseline = tuple(int(k) for k in analysis.baseline)
    key = (
        analysis.pk,
        repr(analysis.issues),
        baseline,
        tuple((p.party_id, p.commitment) for p in preferences),
        SOLVE_SECONDS,
    )
    with _solved_lock:
        found = _SOLVED.get(key)
        if found is not None:
            _SOLVED.move_to_end(key)
            return found
    solved = _solve(negotiation, baseline)
    with _solved_lock:
        _SOLVED[key] = solved
        while len(_SOLVED) > _SOLVED_KEPT:
            _SOLVED.popitem(last=False)
    return solved


def analysis_combined(*, user: AnyUser, analysis: Analysis) -> Combined:
    """Every party's numbers together, solved: for the mediators alone (``NotFound`` for anyone else)."""
    require(user, Permission.ANALYSIS_COMBINED_VIEW, analysis, visible=False, what="analysis")
    parties = tuple(Party.objects.filter(process_id=analysis.process_id).order_by("id"))
    preferences = {p.party_id: p for p in Preference.objects.filter(analysis=analysis)}
    missing = tuple(p for p in parties if p.pk not in preferences)
    baseline = tuple(int(k) for k in analysis.baseline)
    names = tuple(tuple(str(o) for o in issue["options"]) for issue in analysis.issues)
    if missing:
        return Combined(parties, missing, baseline, names=names)
    ordered = [preferences[p.pk] for p in parties]
    negotiation = _negotiation(analysis, parties, [preference.utilities() for preference in ordered])
    floor = negotiation.disagreement
    solved = _solved(analysis, ordered, negotiation)
    labels = (
        ("nash", _("Nash"), _("largest product of the gains over the text's package")),
        (
            "kalai_smorodinsky",
            _("Kalai-Smorodinsky"),
            _("largest equal share of each party's best possible gain (a package approximating the lottery solution)"),
        ),
        ("max_joint", _("max joint gain"), _("largest total gain, nobody below the text's package")),
        ("maximin", _("maximin"), _("largest smallest gain over the text's package")),
    )
    suggestions = tuple(
        _suggest(key, label, description, solved.outcomes[key], floor) for key, label, description in labels
    )
    return Combined(parties, (), baseline, floor, solved.points, solved.status, suggestions, names)
