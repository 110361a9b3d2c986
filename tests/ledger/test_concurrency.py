"""Parallel writers on PostgreSQL, the very first events of a log among them: every event gets a
sequence number and, once its epoch is integrated, exactly one leaf; no gaps, no duplicates.

Transactional tests only: the writers must really commit in separate connections. On
SQLite the database is flushed with DELETE afterwards, which the append-only triggers
refuse, and SQLite serialises writers on its own anyway; PostgreSQL flushes with TRUNCATE.
"""

import threading

import pytest
from django.db import connection, connections

from goodoffices.accounts.models import User
from goodoffices.accounts.services import api_token_create
from goodoffices.events.models import Event
from goodoffices.ledger.audit import audit_log
from goodoffices.ledger.log import tree_size
from goodoffices.ledger.models import StoredHash
from goodoffices.lib.ledger import stored_hash_count, verify_log

from .conftest import integrate

WRITERS = 8
EACH = 12


@pytest.fixture
def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite flushes transactional tests with DELETE, which the triggers refuse")


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_leave_no_gap_and_no_duplicate(postgres_only, fetch, log_key):
    users = [User.objects.create_user(username=f"writer{i}", password="x" * 12) for i in range(WRITERS)]
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(user: User) -> None:
        try:
            start.wait()
            for n in range(EACH):
                api_token_create(user=user, name=f"t{n}")
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert tree_size() == 0  # the events wait for their epoch
    integrate()
    size = tree_size()
    assert size == WRITERS * EACH  # a whole number of steps of 16: no cover entry
    assert list(Event.objects.order_by("seq").values_list("seq", flat=True)) == list(range(size))
    assert StoredHash.objects.count() == stored_hash_count(size)
    assert audit_log() == (size, [])
    result = verify_log(fetch, log_key.vkey, [], 0)
    assert result.ok, result.verdict
