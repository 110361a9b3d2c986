import pytest
from django.test import Client
from hypothesis import settings

from goodoffices.accounts.services import api_token_create

from .world import World, make_world

# No per-example deadline: a loaded CI machine makes timings meaningless, and speed is measured
# by the benchmarks, never by tests.
settings.register_profile("goodoffices", deadline=None)
settings.load_profile("goodoffices")


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def client_for(world: World):
    """A logged-in web client for a persona name, or an anonymous one for ``anonymous``."""

    def make(persona: str) -> Client:
        client = Client(HTTP_HOST="localhost")
        if persona != "anonymous":
            client.force_login(world.users[persona])
        return client

    return make


@pytest.fixture
def api_for(world: World):
    """An API client that sends a bearer token for a persona (none for ``anonymous``)."""

    def make(persona: str) -> Client:
        if persona == "anonymous":
            return Client(HTTP_HOST="localhost")
        _, token = api_token_create(user=world.users[persona], name="tests")
        return Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")

    return make
