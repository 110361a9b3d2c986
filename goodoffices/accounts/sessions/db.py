"""``SESSION_ENGINE`` without Redis: sessions in the database (Django's ``db`` engine)."""

from django.contrib.sessions.backends import db

from . import CompiledRead


class SessionStore(CompiledRead, db.SessionStore):
    pass
