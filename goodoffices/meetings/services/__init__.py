"""Meetings on reciprocal readiness, one module per sub-domain. Each service checks policy,
validates, writes and records its event in one transaction; every "all parties agree" step
goes through goodoffices.consent."""

from ..terms import ProposalTerms, SlotIn
from .declassification import declassification_consent, declassification_request
from .feeds import calendar_feed_replace, notifications_mark_read
from .lifecycle import meeting_cancel, meeting_hold, meeting_postpone
from .proposals import proposal_counter, proposal_create, proposal_decline, proposal_withdraw
from .readiness import Readiness, readiness_set
from .records import (
    communique_amend,
    communique_consent,
    communique_draft,
    communique_language_remove,
    communique_language_set,
    minutes_approve,
    minutes_draft,
)

__all__ = [
    "ProposalTerms",
    "Readiness",
    "SlotIn",
    "calendar_feed_replace",
    "communique_amend",
    "communique_consent",
    "communique_draft",
    "communique_language_remove",
    "communique_language_set",
    "declassification_consent",
    "declassification_request",
    "meeting_cancel",
    "meeting_hold",
    "meeting_postpone",
    "minutes_approve",
    "minutes_draft",
    "notifications_mark_read",
    "proposal_counter",
    "proposal_create",
    "proposal_decline",
    "proposal_withdraw",
    "readiness_set",
]
