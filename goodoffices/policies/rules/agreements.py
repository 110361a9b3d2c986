"""Agreements: the mediators put a clean text to adoption and every party's head consents; each
party's signatory signs for it, and the mediators and guarantors (monitors) may sign as witnesses.

A signing key is held by whoever may sign with it; everyone admitted to the process sees the keys.
"""

from typing import Any

from goodoffices.accounts.models import User
from goodoffices.processes.models import DelegationRole, Process

from ..permissions import Permission
from ..registry import rule
from ..roles import Roles, roles_for


def _roles(user: User, obj: Any) -> Roles | None:
    """Roles in the process ``obj`` is (or belongs to); None when it has none."""
    process = obj if isinstance(obj, Process) else getattr(obj, "process", None)
    return roles_for(user, process) if isinstance(process, Process) else None


def signs_for(roles: Roles) -> tuple[int, ...]:
    """The parties one signs for: those whose delegation one holds the signatory role in."""
    return tuple(pid for pid, held in roles.parties.items() if DelegationRole.SIGNATORY in held)


def may_witness(roles: Roles) -> bool:
    """Mediators and guarantors (the monitors named under the mandate) sign as witnesses."""
    return roles.mediator or roles.monitor


@rule(Permission.ADOPTION_PUT)
def put_to_adoption(user: User, obj: Any) -> bool:
    """The mediators keep the text: they put it to adoption."""
    roles = _roles(user, obj)
    return roles is not None and roles.mediator


@rule(Permission.ADOPTION_CONSENT)
def consent_to_adoption(user: User, obj: Any) -> bool:
    """A party's consent to adopt is its head of delegation's act."""
    roles = _roles(user, obj)
    return roles is not None and bool(roles.headed_parties)


@rule(Permission.SIGNING_KEYS_VIEW)
def view_signing_keys(user: User, obj: Any) -> bool:
    """Key transparency: everyone admitted to the process sees which keys were held when."""
    roles = _roles(user, obj)
    return roles is not None and roles.admitted


@rule(Permission.SIGNING_KEY_REGISTER, Permission.AGREEMENT_SIGN)
def may_sign(user: User, obj: Any) -> bool:
    """Whoever may sign in the process holds keys: a party's signatory, a mediator, a guarantor."""
    roles = _roles(user, obj)
    return roles is not None and (bool(signs_for(roles)) or may_witness(roles))


@rule(Permission.SIGNING_KEY_RETIRE)
def retire_own_key(user: User, obj: Any) -> bool:
    """A key is retired by the one who holds it."""
    return getattr(obj, "user_id", None) == user.pk and isinstance(getattr(obj, "process", None), Process)
