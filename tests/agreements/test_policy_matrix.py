"""Every persona against every agreements endpoint, API and web.

Written by hand from DESIGN.md and issue 11: a public agreement (its page, files, canonical bytes,
commitments and the list naming it) is anyone's to read, signed in or not; a plenary one is the
parties' delegations' and the mediators', and 404 to everyone else. The mediators put a text to
adoption; each party's head consents. Keys are held by whoever may sign: each party's signatory (here
the heads), the mediators and the guarantors (monitors), who sign as witnesses; everyone admitted sees
the keys, and only its holder retires one. Delegates, observers and operators sign nothing.

Each case seeds its state once, then tries every persona inside a savepoint that is rolled back, so
that one persona's write never changes what the next one meets.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client

from goodoffices.accounts.services import api_token_create
from goodoffices.agreements import services
from goodoffices.agreements.models import Adoption, Agreement
from goodoffices.events.models import Event
from goodoffices.lib.signatures import generate_private_key, public_key_of, sign, to_base64
from goodoffices.texts.models import Text

from ..world import PASSWORD, PERSONAS, World, sign_in
from .conftest import Held, adopt, clean_text, fresh, make_signatories, register_key

ALL = (*PERSONAS, "anonymous")
SIGNED_IN = set(PERSONAS)
PLENARY = {"mediator", "head_a", "delegate_a", "head_b", "delegate_b"}
ADMITTED = PLENARY | {"observer", "monitor", "operator"}
HEADS = {"head_a", "head_b"}
KEY_HOLDERS = {"head_a", "head_b", "mediator", "monitor"}
SIGN_PUBLIC = {"head_a", "head_b", "mediator", "monitor"}
SIGN_PLENARY = {"head_a", "head_b", "mediator"}
SECRET_TITLE = "Plenary arrangements"


@dataclass
class Seeded:
    public: Agreement
    plenary: Agreement
    clean: Text
    adoption: Adoption
    keys: dict[str, Held]
    spare: Held


def seed(world: World) -> Seeded:
    make_signatories(world)
    public = adopt(world, clean_text(world, "Public arrangements"))
    plenary = adopt(world, clean_text(world, SECRET_TITLE), audience="plenary")
    clean = clean_text(world, "Clean text")
    open_text = clean_text(world, "Text put to adoption")
    adoption = services.adoption_put(actor=world.mediator, text=open_text, agreement_audience="public")
    keys = {name: register_key(world, world.users[name]) for name in sorted(KEY_HOLDERS)}
    spare = register_key(world, world.head_a)
    return Seeded(public, plenary, clean, adoption, keys, spare)


Body = Callable[[World, Seeded, str], dict[str, object]]


@dataclass
class Case:
    name: str
    method: str
    url: Callable[[World, Seeded], str]
    ok: set[str]
    ok_code: int
    sees: set[str]
    anonymous: int
    api: bool = True
    body: Body | None = None
    events: int = 1
    secret: bool = False

    def expect(self, persona: str) -> int:
        if persona == "anonymous":
            return self.anonymous
        if persona in self.ok:
            return self.ok_code
        return 403 if persona in self.sees else 404


def _sign_body(agreement: Callable[[Seeded], Agreement], *, web: bool = False) -> Body:
    def body(w: World, s: Seeded, persona: str) -> dict[str, object]:
        held = s.keys.get(persona, s.keys["head_a"])
        found = agreement(s)
        values: dict[str, object] = {
            "key": held.key.pk if not web else str(held.key.pk),
            "signature": to_base64(sign(held.private, bytes(found.canonical))),
            "sha256": found.sha256,
        }
        if not web:
            values["password"] = PASSWORD
        return values

    return body


def _new_key(*, web: bool = False) -> Body:
    def body(w: World, s: Seeded, persona: str) -> dict[str, object]:
        return {"public_key": to_base64(public_key_of(generate_private_key())), "origin": "openssl"}

    return body


def P(path: str) -> Callable[[World, Seeded], str]:
    return lambda w, s: path.format(
        process=w.process.pk,
        public=s.public.pk,
        plenary=s.plenary.pk,
        clean=s.clean.pk,
        adoption=s.adoption.pk,
        open_text=s.adoption.text_id,
        spare=s.spare.key.pk,
    )


def reads(name: str, path: str, *, api: bool) -> list[Case]:
    """A read of the public agreement (anyone) and of the plenary one (the plenary only)."""
    everyone = SIGNED_IN
    return [
        Case(name, "get", P(path.format(id="{public}")), everyone, 200, everyone, 200, api=api),
        Case(name, "get", P(path.format(id="{plenary}")), PLENARY, 200, PLENARY, 404, api=api, secret=True),
    ]


CASES = [
    # --- API ---
    Case("api:agreement_list", "get", P("/api/v1/processes/{process}/agreements"), SIGNED_IN, 200, SIGNED_IN, 200),
    *reads("api:agreement_detail", "/api/v1/agreements/{id}", api=True),
    *reads("api:agreement_canonical", "/api/v1/agreements/{id}/canonical", api=True),
    *reads("api:agreement_commitments", "/api/v1/agreements/{id}/commitments", api=True),
    Case(
        "api:adoption_put",
        "post",
        P("/api/v1/texts/{clean}/adoption"),
        {"mediator"},
        201,
        PLENARY,
        401,
        body=lambda w, s, p: {"audience": "public"},
    ),
    Case("api:adoption_of_text", "get", P("/api/v1/texts/{open_text}/adoption"), PLENARY, 200, PLENARY, 401),
    Case("api:adoption_detail", "get", P("/api/v1/adoptions/{adoption}"), PLENARY, 200, PLENARY, 401),
    Case(
        "api:adoption_consent",
        "put",
        P("/api/v1/adoptions/{adoption}/consent"),
        HEADS,
        200,
        PLENARY,
        401,
        body=lambda w, s, p: {"consent": True, "version": s.adoption.version, "audience": "public"},
    ),
    Case("api:signing_key_list", "get", P("/api/v1/processes/{process}/signing-keys"), ADMITTED, 200, ADMITTED, 401),
    Case(
        "api:signing_key_register",
        "post",
        P("/api/v1/processes/{process}/signing-keys"),
        KEY_HOLDERS,
        201,
        ADMITTED,
        401,
        body=_new_key(),
    ),
    Case("api:signing_key_retire", "post", P("/api/v1/signing-keys/{spare}/retire"), {"head_a"}, 200, ADMITTED, 401),
    Case(
        "api:agreement_sign",
        "post",
        P("/api/v1/agreements/{public}/signatures"),
        SIGN_PUBLIC,
        201,
        SIGNED_IN,
        401,
        body=_sign_body(lambda s: s.public),
        # The signature, and the opening of the key's sealed registration.
        events=2,
    ),
    Case(
        "api:agreement_sign",
        "post",
        P("/api/v1/agreements/{plenary}/signatures"),
        SIGN_PLENARY,
        201,
        PLENARY,
        401,
        body=_sign_body(lambda s: s.plenary),
        secret=True,
    ),
    # --- web ---
    Case("web:agreements", "get", P("/processes/{process}/agreements/"), SIGNED_IN, 200, SIGNED_IN, 200, api=False),
    *reads("web:agreement", "/agreements/{id}/", api=False),
    *reads("web:agreement_canonical", "/agreements/{id}/canonical.json", api=False),
    *reads("web:agreement_html", "/agreements/{id}/agreement.html", api=False),
    *reads("web:agreement_pdf", "/agreements/{id}/agreement.pdf", api=False),
    *reads("web:agreement_export", "/agreements/{id}/export.zip", api=False),
    Case(
        "web:agreement_sign",
        "post",
        P("/agreements/{public}/sign/"),
        SIGN_PUBLIC,
        302,
        SIGNED_IN,
        302,
        api=False,
        body=_sign_body(lambda s: s.public, web=True),
        events=2,
    ),
    Case(
        "web:agreement_sign",
        "post",
        P("/agreements/{plenary}/sign/"),
        SIGN_PLENARY,
        302,
        PLENARY,
        302,
        api=False,
        body=_sign_body(lambda s: s.plenary, web=True),
        secret=True,
    ),
    Case(
        "web:agreement_confirm_sign_in",
        "get",
        P("/agreements/{public}/confirm-sign-in/"),
        SIGN_PUBLIC,
        200,
        SIGNED_IN,
        302,
        api=False,
    ),
    Case(
        "web:agreement_confirm_sign_in",
        "post",
        P("/agreements/{plenary}/confirm-sign-in/"),
        SIGN_PLENARY,
        302,
        PLENARY,
        302,
        api=False,
        body=lambda w, s, p: {"password": PASSWORD},
        # Proving who one is again changes the session, not the record.
        events=0,
        secret=True,
    ),
    Case(
        "web:adoption_put",
        "post",
        P("/texts/{clean}/adoption/"),
        {"mediator"},
        302,
        PLENARY,
        302,
        api=False,
        body=lambda w, s, p: {"audience": "plenary"},
    ),
    Case("web:adoption", "get", P("/adoptions/{adoption}/"), PLENARY, 200, PLENARY, 302, api=False),
    Case(
        "web:adoption_consent",
        "post",
        P("/adoptions/{adoption}/consent/"),
        HEADS,
        302,
        PLENARY,
        302,
        api=False,
        body=lambda w, s, p: {"consent": "1", "version": str(s.adoption.version), "audience": "public"},
    ),
    Case("web:signing_keys", "get", P("/processes/{process}/signing-keys/"), ADMITTED, 200, ADMITTED, 302, api=False),
    Case(
        "web:signing_key_register",
        "post",
        P("/processes/{process}/signing-keys/new/"),
        KEY_HOLDERS,
        302,
        ADMITTED,
        302,
        api=False,
        body=_new_key(web=True),
    ),
    Case(
        "web:signing_key_retire",
        "post",
        P("/signing-keys/{spare}/retire/"),
        {"head_a"},
        302,
        ADMITTED,
        302,
        api=False,
    ),
]


@dataclass
class Clients:
    world: World
    made: dict[tuple[str, bool], Client] = field(default_factory=dict)

    def get(self, persona: str, api: bool) -> Client:
        if (persona, api) not in self.made:
            if persona == "anonymous":
                client = Client(HTTP_HOST="localhost")
            elif api:
                _, token = api_token_create(user=self.world.users[persona], name="tests")
                client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
            else:
                # Signed in just now: signing needs a fresh sign-in.
                client = fresh(sign_in(Client(HTTP_HOST="localhost"), self.world.users[persona]))
            self.made[persona, api] = client
        return self.made[persona, api]


def _call(client: Client, case: Case, url: str, body: dict[str, object] | None):
    if body is None:
        return getattr(client, case.method)(url)
    if case.api:
        return getattr(client, case.method)(url, body, content_type="application/json")
    return getattr(client, case.method)(url, body)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.name}-{c.method}-{'secret' if c.secret else 'public'}")
def test_agreements_endpoint(world, case):
    seeded = seed(world)
    clients = Clients(world)
    for persona in ALL:
        client = clients.get(persona, case.api)
        with transaction.atomic():
            url = case.url(world, seeded)
            body = case.body(world, seeded, persona) if case.body else None
            before = Event.objects.count()
            response = _call(client, case, url, body)
            want = case.expect(persona)
            assert response.status_code == want, (persona, response.content[:400])
            written = Event.objects.count() - before
            if case.method == "get":
                assert written == 0, ("a read writes nothing", persona)
            elif persona in case.ok:
                assert written == case.events, ("an allowed write records exactly its events", persona)
            else:
                assert written == 0, ("a refused request writes nothing", persona)
            if persona == "anonymous" and want == 302:
                assert response["Location"].startswith("/login/")
            if persona not in PLENARY:
                assert SECRET_TITLE.encode() not in response.content, persona
            transaction.set_rollback(True)


def test_the_list_names_only_what_the_reader_may_see(world, api_for):
    seeded = seed(world)
    for persona in ALL:
        items = api_for(persona).get(f"/api/v1/processes/{world.process.pk}/agreements").json()["items"]
        want = {seeded.public.pk, seeded.plenary.pk} if persona in PLENARY else {seeded.public.pk}
        assert {i["id"] for i in items} == want, persona


MATRIX_COVERS = {c.name for c in CASES}
