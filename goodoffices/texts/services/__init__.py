"""Negotiating texts, one module per sub-domain. Each service checks policy, validates, writes and
records its event in one transaction; the text row is always the first lock taken."""

from .amendments import amendment_decide, amendment_propose
from .comments import comment_add
from .commitments import commitment_tag, commitment_untag
from .positions import position_set
from .texts import ClauseIn, SectionIn, text_create, text_revise

__all__ = [
    "ClauseIn",
    "SectionIn",
    "amendment_decide",
    "amendment_propose",
    "comment_add",
    "commitment_tag",
    "commitment_untag",
    "position_set",
    "text_create",
    "text_revise",
]
