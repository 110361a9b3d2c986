"""Fixtures for the served log: a signing key in a temporary file, fetches over the test client."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test import Client

from goodoffices.events.models import Event, EventKind
from goodoffices.events.services import event_record
from goodoffices.ledger.integrate import Epoch, integrate_epoch
from goodoffices.ledger.models import Leaf
from goodoffices.lib import audience
from goodoffices.lib.ledger import Ed25519Signer, generate_key
from goodoffices.lib.ledger.errors import ResourceMissingError

from ..world import World, make_world

Fetch = Callable[[str], bytes]


@dataclass
class LogKey:
    signer: Ed25519Signer
    vkey: str


@pytest.fixture(autouse=True)
def log_key(settings, tmp_path) -> LogKey:
    settings.LEDGER_KEY_FILE = tmp_path / "ledger.key"
    skey, vkey = generate_key(settings.LEDGER_ORIGIN)
    settings.LEDGER_KEY_FILE.write_text(skey + "\n")
    return LogKey(Ed25519Signer.from_skey(skey), vkey)


@pytest.fixture
def anonymous() -> Client:
    return Client(HTTP_HOST="localhost")


def client_fetch(client: Client) -> Fetch:
    """``fetch(path)`` for the lib's verifier, over the Django test client."""

    def fetch(path: str) -> bytes:
        response = client.get("/ledger/" + path)
        if response.status_code != 200:
            raise ResourceMissingError(f"{path} (HTTP {response.status_code})")
        return bytes(response.content)

    return fetch


@pytest.fixture
def fetch(anonymous: Client) -> Fetch:
    return client_fetch(anonymous)


@pytest.fixture
def world(db: None) -> World:
    """The test world, its events already in the ledger (integrated as one epoch)."""
    built = make_world()
    integrate()
    return built


def integrate() -> Epoch:
    """Integrate the waiting events now, as the next epoch would."""
    epoch = integrate_epoch(force=True)
    assert epoch is not None
    return epoch


def leaf_of(event: Event) -> int:
    """The leaf index of an integrated event."""
    return Leaf.objects.get(event=event).index


def record(
    world,
    *,
    audience_name: str = audience.PUBLIC,
    payload: dict[str, object] | None = None,
    count: int = 1,
    integrated: bool = True,
) -> list[Event]:
    """Record ``count`` events through the one event service, as a service would, and (unless
    ``integrated`` is false) integrate them as the next epoch."""
    events = []
    with transaction.atomic():
        for i in range(count):
            events.append(
                event_record(
                    kind=EventKind.PROCESS_CREATED,
                    actor=world.mediator,
                    subject=world.process,
                    audience=audience_name,
                    process=world.process,
                    payload=payload if payload is not None else {"n": i},
                )
            )
    if integrated:
        integrate()
    return events


def lift_append_only_guards() -> None:
    """Let a test edit events and stored hashes directly; rolled back with the test's transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for trigger in (
                "events_event_no_update",
                "events_event_no_delete",
                "ledger_storedhash_no_update",
                "ledger_storedhash_no_delete",
                "ledger_leaf_no_update",
                "ledger_leaf_no_delete",
            ):
                cursor.execute(f"DROP TRIGGER {trigger}")
        else:
            # ALTER TABLE refuses while deferred foreign-key checks are pending: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE events_event DISABLE TRIGGER events_event_append_only")
            cursor.execute("ALTER TABLE ledger_storedhash DISABLE TRIGGER ledger_storedhash_append_only")
            cursor.execute("ALTER TABLE ledger_leaf DISABLE TRIGGER ledger_leaf_append_only")
