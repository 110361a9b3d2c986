"""Session engines: Django's own (``db``, and ``cached_db`` with Redis), whose read of a session
row is a statement compiled once per connection (``goodoffices.compiled``): every page reads
the session first, and building that query through the ORM cost more than running it."""

from django.contrib.sessions.models import Session
from django.utils import timezone

from goodoffices.compiled import CompiledModelQuery

_SESSION = CompiledModelQuery(Session, lambda key: Session.objects.filter(session_key=key), values=(str,))


class CompiledRead:
    """``_get_session_from_db`` as Django's: the unexpired row of this key, else None (and the key
    forgotten, so that a new one is made)."""

    session_key: str | None
    _session_key: str | None

    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        found = _SESSION.objects(key) if key else []
        if found and found[0].expire_date > timezone.now():
            return found[0]
        self._session_key = None
        return None
