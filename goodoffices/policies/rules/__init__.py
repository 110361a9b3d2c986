"""One module of rules per component; importing this package registers them all."""

from . import accounts, agreements, analytics, caucus, frameworks, meetings, monitoring, processes, texts

__all__ = [
    "accounts",
    "agreements",
    "analytics",
    "caucus",
    "frameworks",
    "meetings",
    "monitoring",
    "processes",
    "texts",
]
