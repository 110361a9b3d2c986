"""Frameworks, mandates and opening processes: staff and each framework's operators."""

from typing import Any

from goodoffices.accounts.models import User
from goodoffices.processes.models import Framework, Mandate

from ..permissions import Permission
from ..registry import rule
from ..roles import operator_framework_ids


@rule(Permission.FRAMEWORK_CREATE)
def create_framework(user: User, _obj: Any) -> bool:
    return user.is_staff


@rule(Permission.FRAMEWORK_MANAGE, Permission.MANDATE_CREATE)
def manage_framework(user: User, obj: Any) -> bool:
    return isinstance(obj, Framework) and (user.is_staff or obj.pk in operator_framework_ids(user))


@rule(Permission.MANDATE_AMEND, Permission.PROCESS_CREATE)
def manage_mandate(user: User, obj: Any) -> bool:
    return isinstance(obj, Mandate) and (user.is_staff or obj.framework_id in operator_framework_ids(user))
