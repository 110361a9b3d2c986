"""Monitoring of commitments (issue 12): who reports, who answers, who reads.

- A commitment, its status and its history are read by whoever may read its agreement (public or
  the plenary) and by the monitors and guarantors appointed to the process: checking its execution
  is their work, whatever the agreement's audience.
- A monitoring report is read by its audience (public, process or plenary, never wider than its
  agreement's) and by every monitor and guarantor of the process; an answer is read with its report.
- Monitors and guarantors file reports; the obligor party answers through its head or a delegate.
"""

from typing import Any

from goodoffices.accounts.models import User
from goodoffices.processes.models import DelegationRole, Party, Process

from ..permissions import Permission
from ..registry import rule
from ..roles import AnyUser, Roles, roles_for

# The audiences a report may have, narrowest first.
REPORT_AUDIENCES = ("plenary", "process", "public")


def monitors(roles: Roles) -> bool:
    """Appointed to check the execution of the process's commitments."""
    return roles.monitor or roles.guarantor


def may_read_commitments(user: AnyUser, agreement: Any) -> bool:
    """May ``user`` read ``agreement``'s commitments and their execution? (anonymous readers too:
    a public agreement's are public)."""
    roles = roles_for(user, agreement.process)
    return agreement.audience in roles.audiences() or monitors(roles)


def report_audiences(user: AnyUser, process: Process) -> frozenset[str] | None:
    """The report audiences ``user`` reads in ``process``; None for all of them (its monitors and
    guarantors)."""
    roles = roles_for(user, process)
    if monitors(roles):
        return None
    return frozenset(a for a in REPORT_AUDIENCES if a in roles.audiences())


def _process_of(obj: Any) -> Process | None:
    process = obj if isinstance(obj, Process) else getattr(obj, "process", None)
    return process if isinstance(process, Process) else None


@rule(Permission.REPORT_FILE)
def file_report(user: User, obj: Any) -> bool:
    """Monitors and guarantors appointed to the process report on its commitments (``obj`` is a
    commitment, or the process)."""
    process = _process_of(obj)
    return process is not None and monitors(roles_for(user, process))


@rule(Permission.REPORT_ANSWER)
def answer_report(user: User, obj: Any) -> bool:
    """A party answers the reports on its commitments through its head or a delegate (``obj`` is
    the obligor party)."""
    if not isinstance(obj, Party):
        return False
    held = roles_for(user, obj.process).parties.get(obj.pk, frozenset())
    return bool(held & {DelegationRole.HEAD, DelegationRole.DELEGATE})
