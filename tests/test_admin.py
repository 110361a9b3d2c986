"""The admin (issue 8, item 5): staff read there, and change no one. Passwords, staff flags and
second factors change only through services that record events; no caucus material is shown."""

import pyotp
import pytest
from django.test import Client

from goodoffices.accounts.models import User
from goodoffices.events.models import Event

from .world import PASSWORD, sign_in


@pytest.fixture
def root(world) -> Client:
    """A superuser, signed in with the second factor, as the demo's operator is."""
    user = User.objects.create_superuser(
        "root", "root@example.org", PASSWORD, totp_secret=pyotp.random_base32(), totp_enabled=True
    )
    return sign_in(Client(HTTP_HOST="localhost"), user)


def _state(user: User) -> tuple[str, bool, bool, bool, bool]:
    user.refresh_from_db()
    return (user.password, user.is_staff, user.is_superuser, user.is_active, user.totp_enabled)


def test_staff_cannot_set_anyones_password(world, root):
    head = world.head_a
    before, events = _state(head), Event.objects.count()
    # Django's UserAdmin had this form; the read-only admin has no such page.
    root.post(f"/admin/accounts/user/{head.pk}/password/", {"password1": "taken over 1", "password2": "taken over 1"})
    assert _state(head) == before
    assert Event.objects.count() == events
    page = root.get(f"/admin/accounts/user/{head.pk}/change/")
    assert page.status_code == 200
    assert "/password/" not in page.content.decode()
    assert (
        Client(HTTP_HOST="localhost")
        .post("/login/", {"username": head.username, "password": "taken over 1"})
        .status_code
        == 422
    )


def test_staff_cannot_change_who_someone_is(world, root):
    head = world.head_a
    before = _state(head)
    changed = root.post(
        f"/admin/accounts/user/{head.pk}/change/",
        {
            "username": head.username,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "totp_enabled": "",
            "email": "attacker@example.org",
        },
    )
    assert changed.status_code == 403
    assert _state(head) == before
    assert (
        root.post("/admin/accounts/user/add/", {"username": "ghost", "password1": "x", "password2": "x"}).status_code
        == 403
    )
    assert not User.objects.filter(username="ghost").exists()
    assert root.post(f"/admin/accounts/user/{head.pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=head.pk).exists()


def test_the_admin_shows_no_caucus_material(world, root):
    index = root.get("/admin/").content.decode()
    assert "caucus" not in index.lower()
    for model in ("caucusmessage", "caucusdocument"):
        assert root.get(f"/admin/caucus/{model}/").status_code == 404
