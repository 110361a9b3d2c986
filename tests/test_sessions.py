"""The session engines read each session with a compiled statement: what a reader notices is
what Django's own engines give (signed in while the session lasts, out once it expires or is
unknown), on every request."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone


def test_a_session_signs_in_until_it_expires_and_an_unknown_one_never(world, client_for):
    client = client_for("head_a")
    assert settings.SESSION_ENGINE == "goodoffices.accounts.sessions.db"
    assert client.get("/account/").status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(seconds=30))
    assert client.get("/account/").status_code == 200
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")

    client.cookies[settings.SESSION_COOKIE_NAME] = "an-unknown-session-key-of-some-length"
    assert client.get("/account/").status_code == 302
    client.cookies[settings.SESSION_COOKIE_NAME] = "short"
    assert client.get("/account/").status_code == 302


def test_signing_out_ends_the_session_for_every_later_request(world, client_for):
    client = client_for("mediator")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post("/logout/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    assert client.get("/account/").status_code == 302
