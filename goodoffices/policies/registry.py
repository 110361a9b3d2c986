"""The table of rules: one small typed function per permission, registered by its module.

``can`` denies unless the permission's rule allows; a permission without a rule is refused
to everyone (and a test fails, see tests/test_policy_rules.py).
"""

from collections.abc import Callable
from typing import Any, TypeVar

from goodoffices.accounts.models import User

from .permissions import Permission

Rule = Callable[[User, Any], bool]
R = TypeVar("R", bound=Rule)

RULES: dict[Permission, Rule] = {}


def rule(*permissions: Permission) -> Callable[[R], R]:
    """Register the decorated function as the rule of ``permissions``."""

    def register(function: R) -> R:
        for permission in permissions:
            if permission in RULES:
                raise RuntimeError(f"{permission} has two rules: {RULES[permission].__qualname__} and {function}")
            RULES[permission] = function
        return function

    return register
