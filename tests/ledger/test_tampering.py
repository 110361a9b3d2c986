"""Edits made behind the platform's back, straight in the database, are found and named.

The append-only triggers are lifted inside the test's own transaction (and come back
with its rollback), as an operator with database access could do.
"""

import pytest
from django.core.management import CommandError, call_command

from goodoffices.events.models import Event
from goodoffices.ledger.audit import audit_log
from goodoffices.ledger.log import tree_size
from goodoffices.ledger.models import Leaf, StoredHash
from goodoffices.lib import audience
from goodoffices.lib.ledger import stored_hash_index, verify_log

from .conftest import leaf_of, lift_append_only_guards, record


@pytest.fixture
def log(world):
    record(world, count=3)
    record(world, audience_name=audience.MEDIATORS, count=3)
    assert tree_size() >= 16
    lift_append_only_guards()
    return world


def set_hash(index: int, value: bytes) -> None:
    assert StoredHash.objects.filter(index=index).update(hash=value) == 1


def test_untouched_log_passes_audit_and_verify(log, fetch, log_key, capsys):
    assert audit_log() == (tree_size(), [])
    call_command("ledger", "audit")
    assert capsys.readouterr().out.startswith(f"OK: {tree_size()} leaves match their events and cover entries")
    assert verify_log(fetch, log_key.vkey, [], 0).ok


def test_changed_public_event_is_named(log, fetch, log_key):
    event = Event.objects.filter(audience="public").latest("seq")
    Event.objects.filter(pk=event.pk).update(payload={"n": 999})
    _, problems = audit_log()
    assert problems == [f"leaf {leaf_of(event)} does not match its event"]
    result = verify_log(fetch, log_key.vkey, [], 0)
    assert not result.ok
    # The entry no longer hashes to its leaf, so the tree it rebuilds has another root than the signed one.
    assert result.verdict == f"FAILED: entry {leaf_of(event)} does not match its leaf hash (+1 more)"
    assert [f.code for f in result.failures] == ["entry-mismatch", "root-mismatch"]


def test_changed_sealed_event_is_named(log, fetch, log_key):
    event = Event.objects.filter(audience="mediators").latest("seq")
    Event.objects.filter(pk=event.pk).update(kind="demo.loaded")
    assert audit_log()[1] == [f"leaf {leaf_of(event)} does not match its event"]
    assert f"entry {leaf_of(event)} does not match" in verify_log(fetch, log_key.vkey, [], 0).verdict


def test_changed_salt_is_named(log):
    event = Event.objects.filter(audience="mediators").earliest("seq")
    Event.objects.filter(pk=event.pk).update(salt="0" * 64)
    assert audit_log()[1] == [f"leaf {leaf_of(event)} does not match its event"]


def test_changed_leaf_hash_is_named(log, fetch, log_key):
    leaf = Leaf.objects.filter(event__isnull=False).order_by("index")[3]
    set_hash(stored_hash_index(0, leaf.index), b"\x00" * 32)
    problems = audit_log()[1]
    assert problems[0] == f"leaf {leaf.index} does not match its event"
    with pytest.raises(CommandError, match=f"leaf {leaf.index} does not match its event"):
        call_command("ledger", "audit")
    result = verify_log(fetch, log_key.vkey, [], 0)
    assert not result.ok
    assert f"entry {leaf.index} does not match its leaf hash" in result.verdict


def test_a_cover_entry_changed_is_named(log, fetch, log_key):
    cover = Leaf.objects.filter(event__isnull=True).order_by("index").first()
    assert cover is not None
    Leaf.objects.filter(index=cover.index).update(cover_nonce="0" * 64)
    assert audit_log()[1] == [f"leaf {cover.index} does not match its cover entry"]
    assert f"entry {cover.index} does not match its leaf hash" in verify_log(fetch, log_key.vkey, [], 0).verdict


def test_changed_interior_hash_is_named(log, fetch, log_key, anonymous):
    index = stored_hash_index(2, 0)
    set_hash(index, b"\x11" * 32)
    problems = audit_log()[1]
    assert problems[0] == f"stored hash {index} (level 2, node 0) is not the hash of its two children"
    # Its parent, checked against the edited child, is named too.
    assert problems[1].endswith("(level 3, node 0) is not the hash of its two children")
    # The node is on leaf 4's proof path: the page refuses to show a proof that does not hold.
    response = anonymous.get("/ledger/entries/4")
    assert response.status_code == 503
    assert "goodoffices ledger audit" in response.content.decode()


def test_changed_hash_under_the_signed_root_fails_verification(log, fetch, log_key):
    size = tree_size()
    # The largest complete subtree is one of the parts the signed root is assembled from.
    level = size.bit_length() - 1
    index = stored_hash_index(level, 0)
    set_hash(index, b"\x11" * 32)
    assert audit_log()[1] == [f"stored hash {index} (level {level}, node 0) is not the hash of its two children"]
    result = verify_log(fetch, log_key.vkey, [], 0)
    assert not result.ok
    assert result.verdict == f"FAILED: root mismatch at size {size}"


def test_a_rewritten_history_is_a_fork_for_a_returning_verifier(log, fetch, log_key):
    before = verify_log(fetch, log_key.vkey, [], 0).state
    event = Event.objects.filter(audience="public").earliest("seq")
    Event.objects.filter(pk=event.pk).update(payload={"rewritten": True})
    # A thorough rewrite also recomputes every hash, so the tree is self-consistent again.
    from goodoffices.ledger.log import leaf_entry
    from goodoffices.lib.ledger import MemoryHashStore

    store = MemoryHashStore()
    store.extend(leaf_entry(leaf) for leaf in Leaf.objects.select_related("event").order_by("index"))
    for index, h in enumerate(store.read_hashes(range(StoredHash.objects.count()))):
        set_hash(index, h)
    Leaf.objects.filter(event=event).update(hash=store.leaf_hashes()[leaf_of(event)])
    assert audit_log()[1] == []
    result = verify_log(fetch, log_key.vkey, [], 0, before)
    assert not result.ok
    assert result.verdict.startswith("FAILED: fork: two different roots")
