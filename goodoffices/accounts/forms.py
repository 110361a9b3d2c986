import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _

from .services import totp_verify


class LoginForm(AuthenticationForm):
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
            user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=self.request)
            raise forms.ValidationError(_("Enter the current six-digit code from your authenticator app."), code="otp")
        return cleaned


def _timezone_choices() -> list[tuple[str, str]]:
    return [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]


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
