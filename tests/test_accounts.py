"""Accounts: sign-in with the second factor on every way in, the throttle, tokens, preferences,
password resets. Personas from tests/world.py; codes come from the persona's own authenticator."""

import re
import time

import pyotp
import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client, override_settings

from goodoffices.accounts.models import ApiToken, User
from goodoffices.accounts.services import api_token_create, totp_begin, totp_confirm
from goodoffices.accounts.throttle import client_address
from goodoffices.events.models import Event, EventKind
from goodoffices.lib import audience
from goodoffices.meetings.services import calendar_feed_replace
from goodoffices.processes.services import mandate_amend

from .world import PASSWORD, make_staff, make_user, sign_in

STEP = 30


def _token(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post(
        "/api/v1/auth/token", {"username": username, "password": password, **extra}, content_type="application/json"
    )


def _client(address: str = "127.0.0.1") -> Client:
    return Client(HTTP_HOST="localhost", REMOTE_ADDR=address)


def _sign_in(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post("/login/", {"username": username, "password": password, **extra})


def enrol(user: User) -> pyotp.TOTP:
    """Turn two-factor on with the code of the previous time step, so that the current and the
    next step's codes are still unused (each code is accepted once)."""
    secret = totp_begin(user=user)
    totp = pyotp.TOTP(secret)
    totp_confirm(user=user, code=totp.at(time.time() - STEP))
    user.refresh_from_db()
    return totp


def _code(totp: pyotp.TOTP, steps_ahead: int = 0) -> str:
    return totp.at(time.time() + steps_ahead * STEP)


def _signed_in(client: Client) -> bool:
    return client.get("/dashboard/").status_code == 200


# --- tokens ------------------------------------------------------------------------------


def test_token_for_good_credentials_works_and_is_stored_hashed(world):
    response = _token(_client(), world.mediator.username)
    assert response.status_code == 200
    token = response.json()["token"]
    assert not ApiToken.objects.filter(digest=token).exists()
    assert ApiToken.objects.filter(user=world.mediator).count() == 1
    me = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/me")
    assert me.json()["username"] == world.mediator.username


def test_bad_credentials_answer_401_problem(world):
    response = _token(_client(), world.mediator.username, "wrong")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "wrong username, password or one-time code (otp)"
    assert not ApiToken.objects.exists()


def test_revoked_token_is_refused(world, client_for):
    token_row, token = api_token_create(user=world.observer, name="script")
    api = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/me").status_code == 200
    response = client_for("observer").post(f"/account/tokens/{token_row.pk}/revoke/")
    assert response.status_code == 302
    assert api.get("/api/v1/me").status_code == 401


def test_token_page_shows_token_once(world, client_for):
    client = client_for("observer")
    response = client.post("/account/tokens/", {"name": "my script"})
    token = response.context["token"]
    assert token in response.content.decode()
    assert token not in client.get("/account/").content.decode()


# --- the second factor, on every way in (issue 8, items 2 and 14) ------------------------


def test_sign_in_with_two_factor_needs_the_current_code(world):
    totp = enrol(world.mediator)
    client = _client()
    assert _sign_in(client, world.mediator.username).status_code == 422
    assert not _signed_in(client)
    assert _sign_in(client, world.mediator.username, otp=_code(totp)).status_code == 302
    assert _signed_in(client)
    assert _token(_client(), world.mediator.username).status_code == 401
    assert _token(_client(), world.mediator.username, otp=_code(totp, 1)).status_code == 200


def test_a_code_is_accepted_once(world):
    totp = enrol(world.mediator)
    code = _code(totp)
    first = _client()
    assert _sign_in(first, world.mediator.username, otp=code).status_code == 302
    # The same code, replayed at the sign-in and at the token endpoint, is refused.
    replay = _client()
    assert _sign_in(replay, world.mediator.username, otp=code).status_code == 422
    assert not _signed_in(replay)
    assert _token(_client(), world.mediator.username, otp=code).status_code == 401
    assert not ApiToken.objects.filter(user=world.mediator).exists()
    # So is an older one, still inside the window for clock drift.
    assert _token(_client(), world.mediator.username, otp=_code(totp, -1)).status_code == 401
    # The next code works.
    assert _token(_client(), world.mediator.username, otp=_code(totp, 1)).status_code == 200


def test_the_code_that_turned_two_factor_on_does_not_sign_in(world):
    secret = totp_begin(user=world.head_a)
    code = pyotp.TOTP(secret).now()
    totp_confirm(user=world.head_a, code=code)
    assert _sign_in(_client(), world.head_a.username, otp=code).status_code == 422
    assert _token(_client(), world.head_a.username, otp=code).status_code == 401


def _login_error(response) -> list[str]:
    return list(response.context["form"].non_field_errors())


def test_a_wrong_password_and_a_wrong_or_missing_code_get_the_same_answer(world):
    totp = enrol(world.mediator)
    name = world.mediator.username
    attempts = [
        (name, "wrong", {"otp": _code(totp)}),
        (name, PASSWORD, {"otp": "000000"}),
        (name, PASSWORD, {}),
        ("nobody-is-called-this", PASSWORD, {}),
    ]
    # Each from its own address, so that the throttle stays out of the comparison.
    web = [_sign_in(_client(f"192.0.2.{i}"), u, p, **extra) for i, (u, p, extra) in enumerate(attempts)]
    assert {r.status_code for r in web} == {422}
    assert len({tuple(_login_error(r)) for r in web}) == 1
    assert _login_error(web[0])  # and the one answer says something
    api = [_token(_client(f"192.0.2.{10 + i}"), u, p, **extra) for i, (u, p, extra) in enumerate(attempts)]
    assert {r.status_code for r in api} == {401}
    assert len({r.content for r in api}) == 1


def test_a_session_that_skipped_the_second_factor_is_not_signed_in(world):
    """However a session was opened for an enrolled account, without its code it opens nothing:
    no page, no API call, no token."""
    enrol(world.mediator)
    client = _client()
    client.force_login(world.mediator)
    assert client.get("/dashboard/")["Location"].startswith("/login/")
    assert client.get("/api/v1/me").status_code == 401
    assert client.post("/account/tokens/", {"name": "skeleton key"}).status_code == 302
    assert not ApiToken.objects.filter(user=world.mediator).exists()


def test_turning_two_factor_on_signs_out_the_sessions_opened_without_it(world):
    older, current = _client(), _client()
    for client in (older, current):
        assert _sign_in(client, world.head_a.username).status_code == 302
    current.get("/account/two-factor/")
    secret = User.objects.get(pk=world.head_a.pk).totp_secret
    assert current.post("/account/two-factor/", {"otp": pyotp.TOTP(secret).now()}).status_code == 302
    assert _signed_in(current)
    assert not _signed_in(older)


def test_the_admin_has_no_password_only_sign_in(world):
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    totp = enrol(root)
    client = _client()
    answer = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})
    assert answer.status_code == 302
    assert answer["Location"].startswith("/login/?next=/admin/")
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    assert client.get("/api/v1/me").status_code == 401
    # The site's one sign-in, code included, opens the admin.
    signed = _sign_in(client, "root", otp=_code(totp)) and client.post(
        "/login/?next=/admin/", {"username": "root", "password": PASSWORD, "otp": _code(totp, 1)}
    )
    assert signed["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_signed_in_user_who_is_not_staff_is_refused_by_the_admin_without_a_loop(world, client_for):
    client = client_for("head_a")
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_staff_must_turn_two_factor_on(world):
    staff = make_user("newstaff", is_staff=True)
    client = sign_in(_client(), staff)
    assert client.get("/dashboard/")["Location"].startswith("/account/two-factor/")
    assert client.get("/admin/")["Location"].startswith("/account/two-factor/")
    assert _token(_client(), "newstaff").status_code == 403
    _, token = api_token_create(user=staff, name="old")
    assert Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/me").status_code == 403
    enrolled = make_staff("enrolledstaff")
    assert sign_in(_client(), enrolled).get("/dashboard/").status_code == 200
    with override_settings(DEMO=True):
        assert client.get("/dashboard/").status_code == 200


def test_mandate_requiring_two_factor_sends_mediators_to_set_up(world, client_for):
    mandate_amend(actor=world.operator, mandate=world.mandate, note="require 2FA", two_factor_required=True)
    response = client_for("mediator").get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/")
    # Observers are not concerned by the rule.
    assert client_for("observer").get("/dashboard/").status_code == 200
    with override_settings(DEMO=True):
        demo = client_for("mediator").get("/dashboard/")
        assert demo.status_code == 200
        assert "two-factor sign-in is not required" in demo.content.decode()


def test_calendar_links_stop_while_their_holder_must_enrol(world):
    """Issue 8, item 12: the calendar link is a way in too."""
    mediator_link = "/calendar/" + str(calendar_feed_replace(user=world.mediator, create=True)) + ".ics"
    observer_link = "/calendar/" + str(calendar_feed_replace(user=world.observer, create=True)) + ".ics"
    anonymous = _client()
    assert anonymous.get(mediator_link).status_code == 200
    mandate_amend(actor=world.operator, mandate=world.mandate, note="require 2FA", two_factor_required=True)
    assert anonymous.get(mediator_link).status_code == 404
    assert anonymous.get(observer_link).status_code == 200
    enrol(world.mediator)
    assert anonymous.get(mediator_link).status_code == 200


def test_wrong_confirmation_code_leaves_two_factor_off(world, client_for):
    client = client_for("head_a")
    client.get("/account/two-factor/")
    response = client.post("/account/two-factor/", {"otp": "000000"})
    assert response.status_code == 200
    world.head_a.refresh_from_db()
    assert not world.head_a.totp_enabled


# --- throttling (issue 8, item 8) --------------------------------------------------------


def test_failures_from_one_address_throttle_that_address_and_lock_no_one_out(world):
    attacker, owner = "198.51.100.7", "203.0.113.20"
    statuses = [_sign_in(_client(attacker), world.head_a.username, "wrong").status_code for _ in range(5)]
    assert statuses == [422, 422, 422, 422, 429]
    # The throttle is kept in the database: a new client from that address is still refused,
    # with the right password too, and told when to retry.
    throttled = _sign_in(_client(attacker), world.head_a.username)
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) == 15 * 60
    assert AccessAttempt.objects.filter(username=world.head_a.username, ip_address=attacker).exists()
    # The account's owner, from elsewhere, is not locked out: neither on the web nor on the API.
    assert _sign_in(_client(owner), world.head_a.username).status_code == 302
    assert _token(_client(owner), world.head_a.username).status_code == 200
    # Other accounts from the attacker's address are not affected either.
    assert _sign_in(_client(attacker), world.head_b.username).status_code == 302


def test_the_apis_throttle_answers_429_problem_json(world):
    attacker = "198.51.100.8"
    statuses = [_token(_client(attacker), world.head_a.username, "wrong").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    response = _token(_client(attacker), world.head_a.username)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == str(15 * 60)
    assert response.json()["status"] == 429
    assert response.json()["title"] == "Too many requests"
    assert _token(_client("203.0.113.21"), world.head_a.username).status_code == 200


def test_wrong_codes_count_like_wrong_passwords(world):
    totp = enrol(world.mediator)
    attacker = "198.51.100.9"
    statuses = [_token(_client(attacker), world.mediator.username, otp="000000").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    assert _token(_client(attacker), world.mediator.username, otp=_code(totp)).status_code == 429
    assert _token(_client("203.0.113.22"), world.mediator.username, otp=_code(totp)).status_code == 200


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(world):
    def via_proxy(forwarded_for: str) -> Client:
        return Client(HTTP_HOST="localhost", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)

    # A client cannot choose its address by writing one into X-Forwarded-For itself.
    for claimed in ("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"):
        _sign_in(via_proxy(f"{claimed}, 198.51.100.10"), world.head_a.username, "wrong")
    assert _sign_in(via_proxy("192.0.2.6, 198.51.100.10"), world.head_a.username).status_code == 429
    assert _sign_in(via_proxy("198.51.100.11"), world.head_a.username).status_code == 302


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "192.0.2.1", "198.51.100.1"),
        (1, "10.0.0.1", "192.0.2.1", "192.0.2.1"),
        (1, "10.0.0.1", "6.6.6.6, 192.0.2.1", "192.0.2.1"),
        (2, "10.0.0.1", "6.6.6.6, 192.0.2.1, 10.0.0.2", "192.0.2.1"),
        (2, "10.0.0.1", "192.0.2.1", "10.0.0.1"),
        (1, "10.0.0.1", "not-an-address", "10.0.0.1"),
        (1, "10.0.0.1", "", "10.0.0.1"),
    ],
)
def test_client_address(rf, settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


# --- user names of any length (issue 8, item 15) -----------------------------------------

LENGTHS = [151, 256, 5000]


@pytest.mark.parametrize("length", LENGTHS)
def test_a_user_name_of_any_length_is_refused_with_a_4xx(world, api_for, client_for, length):
    name = "x" * length
    process, party = world.process.pk, world.party_a.pk
    before = Event.objects.count()
    answers = {
        "sign-in": _sign_in(_client(), name, "wrong"),
        "token": _token(_client(), name, "wrong"),
        "member add": api_for("head_a").post(
            f"/api/v1/processes/{process}/parties/{party}/members",
            {"username": name, "role": "delegate"},
            content_type="application/json",
        ),
        "member add (web)": client_for("head_a").post(
            f"/processes/{process}/parties/{party}/", {"username": name, "role": "delegate"}
        ),
        "appointment": api_for("operator").post(
            f"/api/v1/processes/{process}/appointments",
            {"username": name, "role": "observer"},
            content_type="application/json",
        ),
        "appointment (web)": client_for("operator").post(
            f"/processes/{process}/appointments/", {"username": name, "role": "observer"}
        ),
        "operator": api_for("operator").post(
            f"/api/v1/frameworks/{world.framework.pk}/operators", {"username": name}, content_type="application/json"
        ),
    }
    statuses = {what: response.status_code for what, response in answers.items()}
    assert all(400 <= status < 500 for status in statuses.values()), str(statuses)
    # The reset form takes an address: a long one is refused, a shorter one answered as usual.
    reset = _client().post("/password-reset/", {"email": name + "@example.org"})
    assert reset.status_code == (302 if length + len("@example.org") <= 254 else 422)
    assert mail.outbox == []
    # The tokens minted above for api_for are the only events.
    assert Event.objects.exclude(kind=EventKind.ACCOUNT_TOKEN_CREATED).count() == before


# --- password resets (issue 8, item 5) ---------------------------------------------------


def test_a_password_reset_goes_to_the_owner_and_is_recorded(world):
    owner = make_user("alice", email="alice@example.org")
    elsewhere = _client("203.0.113.30")
    assert _sign_in(elsewhere, "alice").status_code == 302
    client = _client()
    assert client.get("/login/").content.decode().count('href="/password-reset/"') == 1
    asked = client.post("/password-reset/", {"email": "alice@example.org"})
    assert asked["Location"] == "/password-reset/sent/"
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    link = re.search(r"http://localhost(/password-reset/\S+/)", str(mail.outbox[0].body))
    assert link is not None
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"})
    assert done["Location"] == "/password-reset/done/"
    event = Event.objects.get(kind=EventKind.ACCOUNT_PASSWORD_RESET)
    assert (event.actor, event.audience, event.subject_id) == (owner, audience.SEALED, str(owner.pk))
    assert not _signed_in(elsewhere)
    assert _sign_in(_client(), "alice", PASSWORD).status_code == 422
    assert _sign_in(_client(), "alice", "a new long passphrase").status_code == 302
    # The link works once.
    assert "does not work" in client.get(link.group(1), follow=True).content.decode()


def test_a_password_reset_for_an_unknown_address_answers_the_same_and_sends_nothing(world):
    asked = _client().post("/password-reset/", {"email": "nobody@example.org"})
    assert asked["Location"] == "/password-reset/sent/"
    assert mail.outbox == []
    assert not Event.objects.filter(kind=EventKind.ACCOUNT_PASSWORD_RESET).exists()


def test_a_reset_password_is_checked_and_a_weak_one_changes_nothing(world):
    owner = make_user("bob", email="bob@example.org")
    client = _client()
    client.post("/password-reset/", {"email": "bob@example.org"})
    link = re.search(r"http://localhost(/password-reset/\S+/)", str(mail.outbox[0].body))
    assert link is not None
    set_url = client.get(link.group(1), follow=True).redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 422
    assert weak.context["form"].errors
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    assert not Event.objects.filter(kind=EventKind.ACCOUNT_PASSWORD_RESET).exists()


# --- preferences -------------------------------------------------------------------------


@pytest.mark.parametrize("tz", ["Mars/Olympus", "", "UTC; DROP TABLE"])
def test_invalid_time_zone_is_refused_and_nothing_changes(world, client_for, tz):
    response = client_for("observer").post("/account/", {"timezone": tz, "language": "ru"})
    assert response.status_code == 200
    assert response.context["form"].errors["timezone"]
    world.observer.refresh_from_db()
    assert world.observer.timezone == "UTC"
    assert world.observer.language == ""


def test_times_show_in_the_readers_zone(world, client_for):
    client = client_for("observer")
    client.post("/account/", {"timezone": "Asia/Yerevan", "language": "en"})
    page = client.get(f"/processes/{world.process.pk}/activity/").content.decode()
    assert "+04:00" in page
    assert "Times are shown in Asia/Yerevan" in page


def test_logout_ends_the_session(world, client_for):
    client = client_for("observer")
    assert client.post("/logout/").status_code == 302
    assert client.get("/dashboard/").status_code == 302
