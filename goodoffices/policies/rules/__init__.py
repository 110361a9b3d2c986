"""One module of rules per component; importing this package registers them all."""

from . import accounts, agreements, caucus, frameworks, meetings, processes, texts

__all__ = ["accounts", "agreements", "caucus", "frameworks", "meetings", "processes", "texts"]
