"""Writes of the analytics: an analysis defined, a party's preferences set, a package put into the text.

Each service checks policy, validates, writes and records exactly one event in one transaction. A
party's numbers are never in an event: ``analysis.preferences_set`` (audience ``caucus:<party>``, so
sealed in the ledger like every caucus event) carries a salted commitment to them, which reveals
nothing even when the entry is opened, and lets the party later prove what it entered.
"""

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from goodoffices.accounts.models import User
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience, clock, text
from goodoffices.lib.canonical import canonical_json
from goodoffices.lib.errors import Conflict, FieldError, Invalid, NotFound
from goodoffices.lib.negotiating_text import Bracket, NegotiatingText
from goodoffices.policies import Permission, may_see, require
from goodoffices.processes.models import Party, Process
from goodoffices.texts.models import Text, TextVersion
from goodoffices.texts.services import text_revise
from goodoffices.texts.services.common import current_version, text_for_update, visible_text

from .models import Analysis, Preference

MAX_TITLE = 200
MAX_NAME = 200
MAX_ISSUES = 20
MAX_OPTIONS = 10
MAX_NUMBER = 100


@dataclass(frozen=True)
class IssueIn:
    name: str
    options: Sequence[str]


def _check_issues(  # noqa: C901 - every part of every issue names its own field
    issues: Sequence[IssueIn], baseline: Sequence[int] | None
) -> tuple[list[dict[str, object]], list[int]]:
    errors: list[FieldError] = []
    if not 1 <= len(issues) <= MAX_ISSUES:
        raise Invalid.one("issues", _("an analysis has 1 to %(limit)d issues") % {"limit": MAX_ISSUES})
    cleaned: list[dict[str, object]] = []
    names: set[str] = set()
    for j, issue in enumerate(issues):
        try:
            name = text.single_line(issue.name, f"issues[{j}].name", MAX_NAME)
        except Invalid as exc:
            errors += exc.errors
            continue
        if name in names:
            errors.append(FieldError(f"issues[{j}].name", _("two issues are named %(name)s") % {"name": name}))
        names.add(name)
        if not 2 <= len(issue.options) <= MAX_OPTIONS:
            errors.append(
                FieldError(f"issues[{j}].options", _("an issue has 2 to %(limit)d options") % {"limit": MAX_OPTIONS})
            )
            continue
        options = []
        for k, option in enumerate(issue.options):
            try:
                options.append(text.single_line(option, f"issues[{j}].options[{k}]", MAX_NAME))
            except Invalid as exc:
                errors += exc.errors
        if len(set(options)) != len(options):
            errors.append(
                FieldError(f"issues[{j}].options", _("two options of %(issue)s are the same") % {"issue": name})
            )
        cleaned.append({"name": name, "options": options, "clause": None, "bracket": None})
    if errors:
        raise Invalid(errors)
    chosen = list(baseline) if baseline is not None else [0] * len(cleaned)
    counts = [len(issue.options) for issue in issues]
    if len(chosen) != len(cleaned) or any(not 0 <= k < n for k, n in zip(chosen, counts, strict=False)):
        raise Invalid.one("baseline", _("name one option of every issue"))
    return cleaned, chosen


def _record_created(actor: User, analysis: Analysis) -> None:
    event_record(
        kind=EventKind.ANALYSIS_CREATED,
        actor=actor,
        subject=analysis,
        audience=analysis.audience,
        process=analysis.process,
        payload={
            "analysis": analysis.pk,
            "title": analysis.title,
            "issues": [{"name": i["name"], "options": i["options"]} for i in analysis.issues],
            "baseline": analysis.baseline,
            "text": analysis.text_id,
            "version": analysis.text_version,
        },
    )


@transaction.atomic
def analysis_create(
    *, actor: User, process: Process, title: str, issues: Sequence[IssueIn], baseline: Sequence[int] | None = None
) -> Analysis:
    """The mediators define issues and their options; ``baseline`` (default: each issue's first option)
    is the package on the table."""
    require(actor, Permission.ANALYSIS_CREATE, process)
    title = text.single_line(title, "title", MAX_TITLE)
    cleaned, chosen = _check_issues(issues, baseline)
    analysis = Analysis.objects.create(process=process, title=title, issues=cleaned, baseline=chosen, created_by=actor)
    _record_created(actor, analysis)
    return analysis


def text_issues(document: NegotiatingText) -> list[dict[str, object]]:
    """Every bracket with alternatives (two options or more) of a version, as an issue."""
    numbers = document.numbers()
    found: list[dict[str, object]] = []
    for _section, clause in document.clauses():
        brackets = [s for s in clause.body if isinstance(s, Bracket)]
        for index, bracket in enumerate(brackets, start=1):
            if not bracket.is_alternatives or len(bracket.options) > MAX_OPTIONS:
                continue
            label = clause.heading or _("Clause %(number)s") % {"number": numbers[clause.id]}
            if len(brackets) > 1:
                label = f"{label} [{index}]"
            found.append(
                {
                    "name": label,
                    "options": [f"{letter}: {words or _('(leave out)')}" for letter, words in bracket.labelled()],
                    "clause": clause.id,
                    "bracket": index,
                }
            )
    return found


@transaction.atomic
def analysis_create_from_text(*, actor: User, text_record: Text, title: str = "") -> Analysis:
    """The mediators draw the issues from the current version of a text: each bracket with
    alternatives is an issue, each alternative an option; the text's package is each issue's first
    alternative (A)."""
    visible_text(actor, text_record)
    require(actor, Permission.ANALYSIS_CREATE, text_record.process)
    version = current_version(text_record)
    issues = text_issues(version.document())[:MAX_ISSUES]
    if not issues:
        raise Invalid.one("text", _("this text has no bracketed alternatives to weigh"))
    title = text.single_line(title or text_record.title, "title", MAX_TITLE)
    analysis = Analysis.objects.create(
        process=text_record.process,
        title=title,
        issues=issues,
        baseline=[0] * len(issues),
        text=text_record,
        text_version=version.number,
        created_by=actor,
    )
    _record_created(actor, analysis)
    return analysis


def commitment_of(salt: str, weights: Sequence[int], values: Sequence[Sequence[int]]) -> str:
    """``SHA-256(salt + canonical JSON)``, hex: hiding (the salt is random) and binding."""
    body = canonical_json({"weights": list(weights), "values": [list(r) for r in values]})
    return hashlib.sha256(bytes.fromhex(salt) + body).hexdigest()


def _check_numbers(
    analysis: Analysis, weights: Sequence[object], values: Sequence[Sequence[object]]
) -> tuple[list[int], list[list[int]]]:
    errors: list[FieldError] = []
    issues = analysis.issues

    def number(value: object, field: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_NUMBER:
            errors.append(FieldError(field, _("a whole number from 0 to %(max)d") % {"max": MAX_NUMBER}))
            return 0
        return value

    if len(weights) != len(issues):
        raise Invalid.one("weights", _("one weight per issue: %(count)d") % {"count": len(issues)})
    if len(values) != len(issues):
        raise Invalid.one("values", _("one row of values per issue: %(count)d") % {"count": len(issues)})
    clean_weights = [number(w, f"weights[{j}]") for j, w in enumerate(weights)]
    clean_values = []
    for j, (row, issue) in enumerate(zip(values, issues, strict=True)):
        if len(row) != len(issue["options"]):
            errors.append(
                FieldError(f"values[{j}]", _("one value per option: %(count)d") % {"count": len(issue["options"])})
            )
            continue
        clean_values.append([number(v, f"values[{j}][{k}]") for k, v in enumerate(row)])
    if not errors and not any(clean_weights):
        errors.append(FieldError("weights", _("give at least one issue a weight above 0")))
    if errors:
        raise Invalid(errors)
    return clean_weights, clean_values


@transaction.atomic
def preferences_set(
    *, actor: User, analysis: Analysis, party: Party, weights: Sequence[object], values: Sequence[Sequence[object]]
) -> Preference:
    """A party's head or delegate enters (or changes) its weights and option values, in its caucus."""
    if not may_see(actor, analysis) or party.process_id != analysis.process_id:
        raise NotFound("analysis")
    require(actor, Permission.PREFERENCES_SET, party, seen_with=Permission.PREFERENCES_VIEW, what="preferences")
    clean_weights, clean_values = _check_numbers(analysis, weights, values)
    salt = secrets.token_hex(32)
    commitment = commitment_of(salt, clean_weights, clean_values)
    fields = {
        "weights": clean_weights,
        "values": clean_values,
        "salt": salt,
        "commitment": commitment,
        "set_by": actor,
        "set_at": clock.now(),
    }
    # Head and delegate saving for the first time at once: the second create would meet the first's
    # row on its unique key; update_or_create then updates that row instead of failing.
    preference, _created = Preference.objects.update_or_create(analysis=analysis, party=party, defaults=fields)
    event_record(
        kind=EventKind.PREFERENCES_SET,
        actor=actor,
        subject=preference,
        audience=audience.caucus(party.pk),
        process=analysis.process,
        payload={"analysis": analysis.pk, "party": party.pk, "commitment": commitment},
    )
    return preference


def _leave_out_words() -> set[str]:
    """How an empty alternative was named when the analysis drew it, in each language."""
    words = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            words.add(_("(leave out)"))
    return words


def _same_options(bracket: Bracket, options: Sequence[str]) -> bool:
    """Whether ``bracket`` still offers exactly the alternatives (letters and words) an analysis
    drew from it as ``options``."""
    current = list(bracket.labelled())
    if len(current) != len(options):
        return False
    for (letter, words), option in zip(current, options, strict=True):
        drawn_letter, _sep, drawn_words = option.partition(": ")
        if letter != drawn_letter or (words != drawn_words if words else drawn_words not in _leave_out_words()):
            return False
    return True


def _resolutions(analysis: Analysis, document: NegotiatingText, package: Sequence[int]) -> list[dict[str, object]]:
    """The ``resolve`` operations that put ``package`` into ``document``, later brackets of a clause
    first so that the earlier ones keep their numbers. Every bracket must still offer exactly the
    alternatives, letters and words, the analysis drew from it: a package is put into the words it
    was computed on, or not at all."""
    chosen: list[tuple[str, int, str]] = []
    for issue, k in zip(analysis.issues, package, strict=True):
        clause_id, bracket = str(issue["clause"]), int(issue["bracket"])
        try:
            clause = document.clause(clause_id)
        except Invalid:
            clause = None
        brackets = [s for s in clause.body if isinstance(s, Bracket)] if clause is not None else []
        if len(brackets) < bracket or not _same_options(brackets[bracket - 1], issue["options"]):
            raise Conflict(
                _("the text has changed since this analysis: %(issue)s is no longer open as it was")
                % {"issue": issue["name"]}
            )
        chosen.append((clause_id, bracket, str(issue["options"][k]).split(": ", 1)[0]))
    chosen.sort(key=lambda c: (c[0], -c[1]))
    return [{"op": "resolve", "clause": c, "bracket": b, "option": o} for c, b, o in chosen]


@transaction.atomic
def analysis_package_to_text(*, actor: User, analysis: Analysis, package: Sequence[int], label: str) -> TextVersion:
    """A mediator puts a package into the text the analysis was drawn from, as the mediators' proposal:
    one revision resolving each issue's bracket to the package's alternative (the text service records
    ``text.revised``; the parties then state their positions on the new words). ``label`` names where
    the package comes from (a method), never a party's numbers."""
    require(actor, Permission.ANALYSIS_COMBINED_VIEW, analysis, what="analysis")
    drawn_from = analysis.text
    if drawn_from is None:
        raise Invalid.one("analysis", _("this analysis was not drawn from a text"))
    if len(package) != len(analysis.issues) or any(
        not isinstance(k, int) or not 0 <= k < len(issue["options"])
        for k, issue in zip(package, analysis.issues, strict=False)
    ):
        raise Invalid.one("package", _("name one option of every issue"))
    # The text's lock first (the order of every text service), refused if it can no longer
    # change, then its present words.
    text_record = text_for_update(drawn_from)
    operations = _resolutions(analysis, current_version(text_record).document(), package)
    note = _("Mediators' proposal: the %(label)s package of the analysis “%(title)s”.") % {
        "label": label,
        "title": analysis.title,
    }
    return text_revise(actor=actor, text=text_record, operations=operations, note=note)
