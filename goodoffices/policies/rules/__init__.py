"""One module of rules per component; importing this package registers them all."""

from . import accounts, analytics, caucus, frameworks, meetings, processes, texts

__all__ = ["accounts", "analytics", "caucus", "frameworks", "meetings", "processes", "texts"]
