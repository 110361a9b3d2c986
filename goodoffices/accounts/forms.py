from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm, UsernameField
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _

from goodoffices.lib import zones

from .models import User
from .services import totp_verify, user_password_reset

USERNAME_MAX_LENGTH = User._meta.get_field("username").max_length or 150


class LoginForm(AuthenticationForm):
    """The one sign-in: user name, password and, for an account with two-factor on, a code.

    A wrong password and a wrong or missing code get the same answer, so that the answer never
    tells whether the password was right. A user name longer than any account's is refused
    before anything is looked up or counted."""

    # Django's AuthenticationForm sets its max_length after the field is built, so it is never
    # checked; a name longer than the throttle's column then failed on PostgreSQL.
    username = UsernameField(
        max_length=USERNAME_MAX_LENGTH, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The user name, the password or the one-time code is not right. "
            "Enter all of them again (the code only if you have turned on two-factor sign-in)."
        ),
    }
    otp = forms.CharField(
        label=_("One-time code"),
        required=False,
        max_length=12,
        help_text=_("Only if you have turned on two-factor sign-in."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and not totp_verify(user=user, code=cleaned.get("otp") or ""):
            # Counted like a wrong password, and answered exactly like one.
            user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=self.request)
            self.user_cache = None
            raise self.get_invalid_login_error()
        return cleaned


class PasswordResetSetForm(SetPasswordForm):  # type: ignore[type-arg]
    """The new password chosen through a reset link, set by the service that records it."""

    def save(self, commit: bool = True) -> User:  # noqa: ARG002 - the service always saves
        user = self.user
        assert isinstance(user, User)
        # clean() ran the same password validators the service runs.
        user_password_reset(user=user, password=self.cleaned_data["new_password1"])
        return user


def _timezone_choices() -> list[tuple[str, str]]:
    return [(tz, tz) for tz in zones.choices()]


class PreferencesForm(forms.Form):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=_timezone_choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class OtpForm(forms.Form):
    otp = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=80)
