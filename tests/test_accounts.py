import pyotp
import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings

from goodoffices.accounts.models import ApiToken
from goodoffices.accounts.services import api_token_create, totp_begin, totp_confirm
from goodoffices.processes.services import mandate_amend

from .world import PASSWORD


def _token(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post(
        "/api/v1/auth/token", {"username": username, "password": password, **extra}, content_type="application/json"
    )


def test_token_for_good_credentials_works_and_is_stored_hashed(world):
    client = Client(HTTP_HOST="localhost")
    response = _token(client, world.mediator.username)
    assert response.status_code == 200
    token = response.json()["token"]
    assert not ApiToken.objects.filter(digest=token).exists()
    assert ApiToken.objects.filter(user=world.mediator).count() == 1
    me = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/me")
    assert me.json()["username"] == world.mediator.username


def test_bad_credentials_answer_401_problem(world):
    response = _token(Client(HTTP_HOST="localhost"), world.mediator.username, "wrong")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "wrong username or password"
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


def test_login_locks_after_repeated_failures_and_the_lock_is_kept_in_the_database(world):
    statuses = [
        Client(HTTP_HOST="localhost")
        .post("/login/", {"username": world.head_a.username, "password": "wrong"})
        .status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    # A new client (as after a restart) with the right password is still refused.
    locked = Client(HTTP_HOST="localhost").post("/login/", {"username": world.head_a.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert AccessAttempt.objects.filter(username=world.head_a.username).exists()
    assert _token(Client(HTTP_HOST="localhost"), world.head_a.username).status_code == 429
    # Other accounts are unaffected.
    ok = Client(HTTP_HOST="localhost").post("/login/", {"username": world.head_b.username, "password": PASSWORD})
    assert ok.status_code == 302


def test_login_with_two_factor_needs_the_current_code(world):
    secret = totp_begin(user=world.mediator)
    totp_confirm(user=world.mediator, code=pyotp.TOTP(secret).now())
    client = Client(HTTP_HOST="localhost")
    no_code = client.post("/login/", {"username": world.mediator.username, "password": PASSWORD})
    assert no_code.status_code == 200
    assert "six-digit code" in no_code.content.decode()
    with_code = client.post(
        "/login/", {"username": world.mediator.username, "password": PASSWORD, "otp": pyotp.TOTP(secret).now()}
    )
    assert with_code.status_code == 302
    assert _token(Client(HTTP_HOST="localhost"), world.mediator.username).status_code == 401
    assert (
        _token(Client(HTTP_HOST="localhost"), world.mediator.username, otp=pyotp.TOTP(secret).now()).status_code == 200
    )


def test_wrong_confirmation_code_leaves_two_factor_off(world, client_for):
    client = client_for("head_a")
    client.get("/account/two-factor/")
    response = client.post("/account/two-factor/", {"otp": "000000"})
    assert response.status_code == 200
    world.head_a.refresh_from_db()
    assert not world.head_a.totp_enabled


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
