"""Accounts: the mandate's two-factor rule for the roles it names."""

from typing import Any

from django.conf import settings
from django.db.models import Exists

from goodoffices.accounts.models import User
from goodoffices.processes.models import Appointment, AppointmentRole, DelegationMembership, DelegationRole

from ..permissions import Permission
from ..registry import rule
from ..roles import cached_fact


@rule(Permission.ACT_WITHOUT_TWO_FACTOR)
def act_without_two_factor(user: User, _obj: Any) -> bool:
    """False for staff (they read every process and create frameworks), and when a mandate the
    user acts under requires two-factor for their role (mediators and signatories). The demo
    never requires it (a banner says so), so its accounts work at once."""
    if settings.DEMO:
        return True
    if user.is_staff:
        return False
    return not cached_fact(user, "two_factor_required", lambda: _two_factor_required(user))


def two_factor_required_expression(user: Any) -> Any:
    """True where a mandate requires two-factor of ``user`` (a user or an ``OuterRef`` to one)
    for one of its roles: to be read in the same query as the user (an API token's, say)."""
    as_mediator = Appointment.objects.filter(
        user=user, role=AppointmentRole.MEDIATOR, process__mandate_version__two_factor_required=True
    )
    as_signatory = DelegationMembership.objects.filter(
        user=user, role=DelegationRole.SIGNATORY, party__process__mandate_version__two_factor_required=True
    )
    return Exists(as_mediator) | Exists(as_signatory)


def _two_factor_required(user: User) -> bool:
    """One query, unless the user was read with the fact (``user.token_facts``)."""
    known = getattr(user, "token_facts", {}).get("two_factor_required")
    if known is not None:
        return bool(known)
    return bool(
        User.objects.filter(pk=user.pk)
        .annotate(required=two_factor_required_expression(user))
        .values_list("required", flat=True)
        .first()
    )
