"""Keyset pagination with opaque cursors, for every list of the API and the web.

A page is read by its order keys (never OFFSET), so its cost does not grow with the list. A
cursor is the last key of a page, encrypted and authenticated with a key derived from the site's
secret (Fernet), and bound to the list it came from and to its reader: a cursor that is
malformed, from another list or from another reader is refused (``Invalid`` on ``cursor``), and
it says nothing at all to its reader (not even the internal position of an event).
"""

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db.models import F, Model, Q, QuerySet
from django.utils.translation import gettext as _

from goodoffices.lib.errors import Invalid

T = TypeVar("T", bound=Model)

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_SALT = "goodoffices.pagination"


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next: str | None
    prev: str | None


def bounded_limit(limit: int | None, *, default: int = DEFAULT_LIMIT, maximum: int = MAX_LIMIT) -> int:
    if limit is None:
        return default
    if not 1 <= limit <= maximum:
        raise Invalid.one("limit", _("must be between 1 and %(maximum)d") % {"maximum": maximum})
    return limit


def _reader(user: Any) -> str:
    return str(getattr(user, "pk", None) or "anonymous")


@lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    key = hashlib.sha256(f"{_SALT}\0{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _encode(scope: str, reader: str, direction: str, key: Sequence[Any]) -> str:
    plain = json.dumps([scope, reader, direction, list(key)], separators=(",", ":")).encode()
    return _fernet(settings.SECRET_KEY).encrypt(plain).decode()


def _decode(token: str, scope: str, reader: str, arity: int) -> tuple[str, list[Any]]:
    if len(token) > 500:
        raise Invalid.one("cursor", _("is not a cursor of this list"))
    try:
        value = json.loads(_fernet(settings.SECRET_KEY).decrypt(token.encode()))
    except (InvalidToken, ValueError):
        raise Invalid.one("cursor", _("is not a cursor of this list")) from None
    if (
        not isinstance(value, list)
        or len(value) != 4
        or value[0] != scope
        or value[2] not in ("next", "prev")
        or not isinstance(value[3], list)
        or len(value[3]) != arity
    ):
        raise Invalid.one("cursor", _("is not a cursor of this list"))
    if value[1] != reader:
        raise Invalid.one("cursor", _("was given to another reader"))
    return value[2], value[3]


def _after(fields: Sequence[str], key: Sequence[Any]) -> Q:
    """Rows strictly after ``key`` in the order of ``fields`` (each ``name`` or ``-name``)."""
    condition = Q()
    for i, field in enumerate(fields):
        name = field.lstrip("-")
        step = Q(**{f"{name}__lt" if field.startswith("-") else f"{name}__gt": key[i]})
        for earlier, value in zip(fields[:i], key[:i], strict=True):
            step &= Q(**{earlier.lstrip("-"): value})
        condition |= step
    return condition


def _key(item: Model, fields: Sequence[str]) -> list[Any]:
    values = []
    for field in fields:
        value = getattr(item, field.lstrip("-").replace("__", "_"))
        values.append(value.isoformat() if hasattr(value, "isoformat") else value)
    return values


def _reverse(fields: Sequence[str]) -> list[str]:
    return [f[1:] if f.startswith("-") else f"-{f}" for f in fields]


def paginate(
    queryset: QuerySet[T],
    *,
    order: Sequence[str],
    scope: str,
    user: Any,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[T]:
    """One page of ``queryset`` in ``order`` (unique together: end with the primary key),
    after (or, for a ``prev`` cursor, before) ``cursor``. ``scope`` names the list, e.g.
    ``"events:12"``, so that a cursor of one list is refused by another."""
    size = bounded_limit(limit)
    reader = _reader(user)
    fields = list(order)
    direction, key = ("next", None) if not cursor else _decode(cursor, scope, reader, len(fields))
    if direction == "prev" and key is not None:
        rows = list(queryset.filter(_after(_reverse(fields), key)).order_by(*_order(_reverse(fields)))[: size + 1])
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        items, has_prev, has_next = rows, more_before, True
    else:
        page = queryset.filter(_after(fields, key)) if key is not None else queryset
        rows = list(page.order_by(*_order(fields))[: size + 1])
        items, has_prev, has_next = rows[:size], key is not None, len(rows) > size
    return Page(
        items=items,
        next=_encode(scope, reader, "next", _key(items[-1], fields)) if has_next and items else None,
        prev=_encode(scope, reader, "prev", _key(items[0], fields)) if has_prev and items else None,
    )


def _order(fields: Sequence[str]) -> list[Any]:
    return [F(f[1:]).desc() if f.startswith("-") else F(f).asc() for f in fields]
