"""Session engines: Django's own (``db``, and ``cached_db`` with Redis), whose read of a session
row is a statement compiled once per connection (``goodoffices.compiled``): every page reads
the session first, and building that query through the ORM cost more than running it."""

from typing import Any

from django.contrib.sessions.models import Session
from django.utils import timezone

from goodoffices.compiled import CompiledQuery

_SESSION = CompiledQuery(
    lambda key: Session.objects.filter(session_key=key).values_list("session_data", "expire_date"), values=(str,)
)


class Row:
    __slots__ = ("expire_date", "session_data")

    def __init__(self, session_data: str, expire_date: Any) -> None:
        self.session_data, self.expire_date = session_data, expire_date


class CompiledRead:
    """``_get_session_from_db`` as Django's: the unexpired row of this key, else None (and the key
    forgotten, so that a new one is made)."""

    session_key: str | None
    _session_key: str | None

    def _get_session_from_db(self) -> Row | None:
        key = self.session_key
        rows = _SESSION.rows(key) if key else []
        if rows and rows[0][1] > timezone.now():
            return Row(*rows[0])
        self._session_key = None
        return None
