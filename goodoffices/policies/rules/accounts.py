"""Accounts: the mandate's two-factor rule for the roles it names."""

from typing import Any

from django.conf import settings

from goodoffices.accounts.models import User
from goodoffices.processes.models import Appointment, AppointmentRole, DelegationMembership, DelegationRole

from ..permissions import Permission
from ..registry import rule


@rule(Permission.ACT_WITHOUT_TWO_FACTOR)
def act_without_two_factor(user: User, _obj: Any) -> bool:
    """False for staff (they read every process and create frameworks), and when a mandate the
    user acts under requires two-factor for their role (mediators and signatories). The demo
    never requires it (a banner says so), so its accounts work at once."""
    if settings.DEMO:
        return True
    if user.is_staff:
        return False
    as_mediator = Appointment.objects.filter(
        user=user, role=AppointmentRole.MEDIATOR, process__mandate_version__two_factor_required=True
    )
    as_signatory = DelegationMembership.objects.filter(
        user=user, role=DelegationRole.SIGNATORY, party__process__mandate_version__two_factor_required=True
    )
    return not (as_mediator.exists() or as_signatory.exists())
