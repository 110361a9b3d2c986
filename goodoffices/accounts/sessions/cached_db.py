"""``SESSION_ENGINE`` with Redis: sessions read through the cache, kept in the database (Django's
``cached_db`` engine)."""

from django.contrib.sessions.backends import cached_db

from . import CompiledRead


class SessionStore(CompiledRead, cached_db.SessionStore):
    pass
