from django.conf import settings

from .models import ApiToken, User


def two_factor_required(*, user: User) -> bool:
    """True when a mandate the user acts under requires two-factor for their role.

    The demo never requires it (a banner says so), so that the demo accounts work at once.
    """
    if settings.DEMO:
        return False
    from goodoffices.processes.models import Appointment, DelegationMembership

    as_mediator = Appointment.objects.filter(
        user=user, role="mediator", process__mandate_version__two_factor_required=True
    ).exists()
    return (
        as_mediator
        or DelegationMembership.objects.filter(
            user=user, role="signatory", party__process__mandate_version__two_factor_required=True
        ).exists()
    )


def api_token_list(*, user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))
