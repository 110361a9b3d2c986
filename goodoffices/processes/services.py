"""Writes for frameworks, mandates, processes, appointments and delegations.

Each service checks policy, validates, writes and records its event in one transaction.
"""

from collections.abc import Callable
from datetime import date
from typing import Any
from zoneinfo import available_timezones

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goodoffices.accounts.models import User
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience, text
from goodoffices.lib.errors import FieldError, Invalid
from goodoffices.policies import (
    Permission,
    appointment_conflict,
    can,
    delegation_conflict,
    forget_roles,
    require,
)

from .models import (
    Appointment,
    AppointmentRole,
    DelegationMembership,
    DelegationRole,
    Framework,
    FrameworkOperator,
    Mandate,
    MandateVersion,
    MemberOrganisation,
    Party,
    Process,
)

MAX_NAME = 200
MAX_TOPIC = 200
MAX_TOPICS = 100
MAX_TASK = 1000
MAX_PARTY_NAME = 120
MAX_NOTE = 4000
HELD_MEETING_AUDIENCES = (audience.PLENARY, audience.PROCESS, audience.PUBLIC)
LANGUAGE_CODES = {"en", "hy", "az", "ru", "fr", "de", "es", "ar", "zh", "tr", "ka", "uk"}
# How long an obligor party may take to answer a monitoring report, in days.
MIN_RESPONSE_PERIOD = 1
MAX_RESPONSE_PERIOD = 365


def _checked(check: Callable[[], str], errors: list[FieldError]) -> str:
    """Run one of ``goodoffices.lib.text``'s checks, collecting its error instead of raising."""
    try:
        return check()
    except Invalid as exc:
        errors.extend(exc.errors)
        return ""


def _name(value: str, field: str, errors: list[FieldError], limit: int = MAX_NAME) -> str:
    return _checked(lambda: text.single_line(value, field, limit), errors)


def _names(values: list[str], field: str, errors: list[FieldError], limit: int = MAX_TOPIC) -> list[str]:
    cleaned: list[str] = []
    if len(values) > MAX_TOPICS:
        errors.append(FieldError(field, _("at most %(limit)d items") % {"limit": MAX_TOPICS}))
        return cleaned
    for i, raw in enumerate(values):
        item = _name(raw, f"{field}[{i}]", errors, limit)
        if item and item.casefold() in {c.casefold() for c in cleaned}:
            errors.append(FieldError(f"{field}[{i}]", _("%(item)r is listed twice") % {"item": item}))
        elif item:
            cleaned.append(item)
    return cleaned


@transaction.atomic
def framework_create(*, actor: User, name: str, description: str = "", members: list[str] | None = None) -> Framework:
    require(actor, Permission.FRAMEWORK_CREATE, None, visible=True)
    errors: list[FieldError] = []
    name = _name(name, "name", errors)
    member_names = _names(members or [], "members", errors)
    description = _checked(lambda: text.multi_line(description, "description", MAX_NOTE, required=False), errors)
    if name and Framework.objects.filter(name__iexact=name).exists():
        errors.append(FieldError("name", _("a framework named %(name)r exists already") % {"name": name}))
    if errors:
        raise Invalid(errors)
    framework = Framework.objects.create(name=name, description=description)
    MemberOrganisation.objects.bulk_create(MemberOrganisation(framework=framework, name=m) for m in member_names)
    event_record(
        kind=EventKind.FRAMEWORK_CREATED,
        actor=actor,
        subject=framework,
        audience=audience.PUBLIC,
        payload={"name": name, "description": framework.description, "members": member_names},
    )
    return framework


@transaction.atomic
def framework_operator_add(*, actor: User, framework: Framework, user: User) -> FrameworkOperator:
    require(actor, Permission.FRAMEWORK_MANAGE, framework, visible=True)
    operator, created = FrameworkOperator.objects.get_or_create(framework=framework, user=user)
    if not created:
        raise Invalid.one(
            "user",
            _("%(user)s is already an operator of %(framework)s")
            % {"user": user.username, "framework": framework.name},
        )
    event_record(
        kind=EventKind.FRAMEWORK_OPERATOR_ADDED,
        actor=actor,
        subject=operator,
        audience=audience.operators(framework.pk),
        payload={"framework": framework.pk, "user": user.pk},
    )
    forget_roles(user)
    return operator


def _monitoring_terms(response_period_days: Any, deadline_timezone: Any, errors: list[FieldError]) -> None:
    """The mandate's rules for monitoring commitments (issue 12)."""
    if (
        not isinstance(response_period_days, int)
        or isinstance(response_period_days, bool)
        or not MIN_RESPONSE_PERIOD <= response_period_days <= MAX_RESPONSE_PERIOD
    ):
        errors.append(
            FieldError(
                "response_period_days",
                f"must be a whole number of days from {MIN_RESPONSE_PERIOD} to {MAX_RESPONSE_PERIOD}",
            )
        )
    if not isinstance(deadline_timezone, str) or deadline_timezone not in available_timezones():
        errors.append(FieldError("deadline_timezone", "must be an IANA time zone name, such as Asia/Baku or UTC"))


def _mandate_terms(
    *,
    tasks: list[str],
    scope: list[str],
    term_start: date,
    term_end: date | None,
    languages: list[str],
    refused_venues: dict[str, list[str]] | None,
    errors: list[FieldError],
) -> dict[str, Any]:
    cleaned_scope = _names(scope, "scope", errors)
    if not cleaned_scope and not any(e.field.startswith("scope") for e in errors):
        errors.append(FieldError("scope", _("a mandate needs at least one agenda topic")))
    if term_end is not None and term_end < term_start:
        errors.append(FieldError("term_end", _("the term cannot end before it starts")))
    cleaned_languages = []
    for i, code in enumerate(languages):
        if code not in LANGUAGE_CODES:
            errors.append(
                FieldError(f"languages[{i}]", _("%(code)r is not a supported language code") % {"code": code})
            )
        elif code not in cleaned_languages:
            cleaned_languages.append(code)
    venues: dict[str, list[str]] = {}
    for party_name, names in (refused_venues or {}).items():
        party = _name(party_name, "refused_venues", errors, limit=MAX_PARTY_NAME)
        venues[party] = _names(names, f"refused_venues[{party}]", errors)
    return {
        "tasks": _names(tasks, "tasks", errors, limit=MAX_TASK),
        "scope": cleaned_scope,
        "term_start": term_start,
        "term_end": term_end,
        "languages": cleaned_languages,
        "refused_venues": venues,
    }


@transaction.atomic
def mandate_create(
    *,
    actor: User,
    framework: Framework,
    title: str,
    scope: list[str],
    term_start: date,
    term_end: date | None = None,
    tasks: list[str] | None = None,
    languages: list[str] | None = None,
    mediators_see_readiness: bool = True,
    two_factor_required: bool = True,
    held_meetings_audience: str = audience.PROCESS,
    refused_venues: dict[str, list[str]] | None = None,
    note: str = "",
    response_period_days: int = 30,
    deadline_timezone: str = "UTC",
) -> Mandate:
    require(actor, Permission.MANDATE_CREATE, framework, visible=True)
    errors: list[FieldError] = []
    title = _name(title, "title", errors)
    terms = _mandate_terms(
        tasks=tasks or [],
        scope=scope,
        term_start=term_start,
        term_end=term_end,
        languages=languages or ["en"],
        refused_venues=refused_venues,
        errors=errors,
    )
    if held_meetings_audience not in HELD_MEETING_AUDIENCES:
        errors.append(FieldError("held_meetings_audience", _("must be plenary, process or public")))
    _monitoring_terms(response_period_days, deadline_timezone, errors)
    note = _checked(lambda: text.multi_line(note, "note", MAX_NOTE, required=False), errors)
    if errors:
        raise Invalid(errors)
    mandate = Mandate.objects.create(framework=framework, title=title)
    version = MandateVersion.objects.create(
        mandate=mandate,
        number=1,
        mediators_see_readiness=mediators_see_readiness,
        two_factor_required=two_factor_required,
        held_meetings_audience=held_meetings_audience,
        response_period_days=response_period_days,
        deadline_timezone=deadline_timezone,
        note=note,
        **terms,
    )
    # A mandate belongs to no process yet: its event is the framework operators' alone.
    event_record(
        kind=EventKind.MANDATE_CREATED,
        actor=actor,
        subject=mandate,
        audience=audience.operators(framework.pk),
        payload={"title": title, "framework": framework.pk, "version": version.as_dict()},
    )
    return mandate


@transaction.atomic
def mandate_amend(*, actor: User, mandate: Mandate, note: str, **changes: Any) -> MandateVersion:
    """Add a new version with ``changes`` applied; every process under the mandate moves to it."""
    require(actor, Permission.MANDATE_AMEND, mandate, visible=True)
    allowed = {
        "tasks",
        "scope",
        "term_start",
        "term_end",
        "languages",
        "mediators_see_readiness",
        "two_factor_required",
        "held_meetings_audience",
        "refused_venues",
        "response_period_days",
        "deadline_timezone",
    }
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise Invalid([FieldError(name, _("is not a term of a mandate")) for name in unknown])
    # FOR NO KEY UPDATE: the rows change, their keys never do, so writers that merely reference
    # them (every event names its process) are not blocked behind this transaction.
    current = MandateVersion.objects.select_for_update(no_key=True).filter(mandate=mandate).order_by("-number").first()
    assert current is not None
    merged = {**current.as_dict(), **changes}
    errors: list[FieldError] = []
    if not (note or "").strip():
        errors.append(FieldError("note", _("say what the amendment changes and why")))
    else:
        note = _checked(lambda: text.multi_line(note, "note", MAX_NOTE), errors)
    if merged["held_meetings_audience"] not in HELD_MEETING_AUDIENCES:
        errors.append(FieldError("held_meetings_audience", _("must be plenary, process or public")))
    _monitoring_terms(merged["response_period_days"], merged["deadline_timezone"], errors)
    terms = _mandate_terms(
        tasks=merged["tasks"],
        scope=merged["scope"],
        term_start=changes.get("term_start", current.term_start),
        term_end=changes.get("term_end", current.term_end),
        languages=merged["languages"],
        refused_venues=merged["refused_venues"],
        errors=errors,
    )
    if errors:
        raise Invalid(errors)
    version = MandateVersion.objects.create(
        mandate=mandate,
        number=current.number + 1,
        mediators_see_readiness=bool(merged["mediators_see_readiness"]),
        two_factor_required=bool(merged["two_factor_required"]),
        held_meetings_audience=merged["held_meetings_audience"],
        response_period_days=merged["response_period_days"],
        deadline_timezone=merged["deadline_timezone"],
        note=note,
        **terms,
    )
    changed = sorted(k for k in changes if changes[k] != getattr(current, k))
    processes = list(Process.objects.select_for_update(no_key=True).filter(mandate=mandate))
    Process.objects.filter(mandate=mandate).update(mandate_version=version)
    payload = {"version": version.number, "changed": changed, "terms": version.as_dict()}
    for process in processes:
        event_record(
            kind=EventKind.MANDATE_AMENDED,
            actor=actor,
            subject=version,
            audience=audience.PROCESS,
            process=process,
            payload=payload,
        )
    if not processes:
        event_record(
            kind=EventKind.MANDATE_AMENDED,
            actor=actor,
            subject=version,
            audience=audience.operators(mandate.framework_id),
            payload=payload,
        )
    return version


@transaction.atomic
def process_create(*, actor: User, mandate: Mandate, title: str, parties: list[str]) -> Process:
    require(actor, Permission.PROCESS_CREATE, mandate, visible=True)
    errors: list[FieldError] = []
    title = _name(title, "title", errors)
    party_names = _names(parties, "parties", errors, limit=MAX_PARTY_NAME)
    if len(party_names) < 2 and not any(e.field.startswith("parties") for e in errors):
        errors.append(FieldError("parties", _("a dispute has at least two parties")))
    if errors:
        raise Invalid(errors)
    process = Process.objects.create(mandate=mandate, mandate_version=mandate.current, title=title)
    Party.objects.bulk_create(Party(process=process, name=n) for n in party_names)
    event_record(
        kind=EventKind.PROCESS_CREATED,
        actor=actor,
        subject=process,
        audience=audience.PROCESS,
        process=process,
        payload={
            "title": title,
            "mandate": mandate.pk,
            "mandate_version": process.mandate_version.number,
            "parties": [{"id": p.pk, "name": p.name} for p in process.parties.all()],
        },
    )
    return process


@transaction.atomic
def appointment_make(*, actor: User, process: Process, user: User, role: str, organisation: str = "") -> Appointment:
    require(actor, Permission.APPOINTMENT_MANAGE, process)
    errors: list[FieldError] = []
    if role not in AppointmentRole.values:
        errors.append(
            FieldError(
                "role",
                _("%(value)r is not one of %(allowed)s")
                % {"value": role, "allowed": ", ".join(AppointmentRole.values)},
            )
        )
    organisation = _checked(lambda: text.single_line(organisation, "organisation", MAX_NAME, required=False), errors)
    if conflict := appointment_conflict(user, process):
        errors.append(FieldError("user", conflict))
    if Appointment.objects.filter(process=process, user=user, role=role).exists():
        errors.append(FieldError("user", _("%(user)s already holds that appointment") % {"user": user.username}))
    if errors:
        raise Invalid(errors)
    appointment = Appointment.objects.create(
        process=process,
        user=user,
        role=role,
        organisation=organisation,
        mandate_version=process.mandate_version,
    )
    event_record(
        kind=EventKind.APPOINTMENT_MADE,
        actor=actor,
        subject=appointment,
        audience=audience.PROCESS,
        process=process,
        payload={"user": user.pk, "role": role, "organisation": organisation},
    )
    forget_roles(user)
    return appointment


@transaction.atomic
def appointment_end(*, actor: User, appointment: Appointment) -> None:
    process = appointment.process
    require(actor, Permission.APPOINTMENT_MANAGE, process)
    payload = {"user": appointment.user_id, "role": appointment.role}
    event_record(
        kind=EventKind.APPOINTMENT_ENDED,
        actor=actor,
        subject=appointment,
        audience=audience.PROCESS,
        process=process,
        payload=payload,
    )
    appointment.delete()
    forget_roles(appointment.user)


# What a head of delegation hears both when no account has the name and when the account may
# not join: adding someone never tells a head whether a user name exists.
NOT_ELIGIBLE = gettext_lazy("no account of that name can join this delegation")


@transaction.atomic
def delegation_member_add(*, actor: User, party: Party, user: User, role: str) -> DelegationMembership:
    return _delegation_member_add(actor=actor, party=party, user=user, username=user.username, role=role)


@transaction.atomic
def delegation_member_add_by_username(*, actor: User, party: Party, username: str, role: str) -> DelegationMembership:
    """Add the account called ``username``, as the web and the API do. An operator learns why an
    account cannot join, or that none has the name; a head of delegation gets one answer for both."""
    require(actor, Permission.DELEGATION_MANAGE, party)
    username = username.strip()
    user = User.objects.filter(username=username, is_active=True).first()
    return _delegation_member_add(actor=actor, party=party, user=user, username=username, role=role)


def _delegation_member_add(
    *, actor: User, party: Party, user: User | None, username: str, role: str
) -> DelegationMembership:
    process = party.process
    require(actor, Permission.DELEGATION_MANAGE, party)
    may_look_up = can(actor, Permission.ACCOUNT_LOOKUP, process)
    errors: list[FieldError] = []
    if role not in DelegationRole.values:
        errors.append(
            FieldError(
                "role",
                _("%(value)r is not one of %(allowed)s") % {"value": role, "allowed": ", ".join(DelegationRole.values)},
            )
        )
    elif role == DelegationRole.HEAD and not can(actor, Permission.DELEGATION_HEAD_MANAGE, party):
        errors.append(FieldError("role", _("only the framework's operators name a head of delegation")))
    if user is None:
        unknown = _("no active account is called %(name)r") % {"name": username}
        errors.append(FieldError("username", unknown if may_look_up else str(NOT_ELIGIBLE)))
    elif conflict := delegation_conflict(user, party):
        errors.append(FieldError("username", conflict if may_look_up else str(NOT_ELIGIBLE)))
    elif DelegationMembership.objects.filter(party=party, user=user, role=role).exists():
        # The actor manages this delegation and sees its members: nothing is disclosed here.
        errors.append(FieldError("username", _("%(user)s already holds that role") % {"user": user.username}))
    if role == DelegationRole.HEAD and DelegationMembership.objects.filter(party=party, role=role).exists():
        errors.append(FieldError("role", _("%(party)s already has a head of delegation") % {"party": party.name}))
    if errors:
        raise Invalid(errors)
    assert user is not None
    try:
        with transaction.atomic():
            membership = DelegationMembership.objects.create(party=party, user=user, role=role)
    except IntegrityError:
        raise Invalid.one("username", _("that membership changed meanwhile; reload and try again")) from None
    # Plenary: the other parties and the mediators see who joined a delegation.
    event_record(
        kind=EventKind.DELEGATION_MEMBER_ADDED,
        actor=actor,
        subject=membership,
        audience=audience.PLENARY,
        process=process,
        payload={"party": party.pk, "user": user.pk, "role": role},
    )
    forget_roles(user)
    return membership


@transaction.atomic
def delegation_member_remove(*, actor: User, membership: DelegationMembership) -> None:
    party = membership.party
    process = party.process
    require(actor, Permission.DELEGATION_MANAGE, party)
    if membership.role == DelegationRole.HEAD:
        require(actor, Permission.DELEGATION_HEAD_MANAGE, party)
    event_record(
        kind=EventKind.DELEGATION_MEMBER_REMOVED,
        actor=actor,
        subject=membership,
        audience=audience.PLENARY,
        process=process,
        payload={"party": party.pk, "user": membership.user_id, "role": membership.role},
    )
    membership.delete()
    forget_roles(membership.user)
