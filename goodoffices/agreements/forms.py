"""The forms of the agreement pages: they read what a person sent; the services decide what is valid."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from goodoffices.lib import audience

from .models import SigningKey

AUDIENCE_CHOICES = [
    (audience.PUBLIC, _("public: anyone may read it, and its signatures enter the public record in full")),
    (audience.PLENARY, _("plenary: the parties and the mediators only")),
]
# A detached Ed25519 signature is 64 bytes: anything much larger is not one.
MAX_SIGNATURE_FILE = 1024


class AdoptionPutForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Adopt it as"), choices=AUDIENCE_CHOICES, initial=audience.PLENARY, widget=forms.RadioSelect
    )


class AdoptionConsentForm(forms.Form):
    """A consent names what its party read: the version and the audience asked."""

    consent = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1", widget=forms.HiddenInput
    )
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    audience = forms.CharField(max_length=40, required=False, widget=forms.HiddenInput)


class SigningKeyForm(forms.Form):
    public_key = forms.CharField(
        label=_("Public key"),
        help_text=_(
            "The PEM file openssl writes (BEGIN PUBLIC KEY), or the raw 32 bytes in base64. Never a private key."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
    )
    label = forms.CharField(label=_("A name for the key (optional)"), max_length=80, required=False)
    origin = forms.ChoiceField(
        choices=[(SigningKey.Origin.OPENSSL, SigningKey.Origin.OPENSSL), (SigningKey.Origin.WEBCRYPTO, "webcrypto")],
        initial=SigningKey.Origin.OPENSSL,
        widget=forms.HiddenInput,
    )
    next = forms.CharField(max_length=200, required=False, widget=forms.HiddenInput)


class SignForm(forms.Form):
    key = forms.TypedChoiceField(label=_("Your key"), coerce=int)
    signature = forms.CharField(
        label=_("Signature (base64)"),
        help_text=_("The output of: base64 sig.bin — or upload sig.bin below."),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false", "autocomplete": "off"}),
    )
    signature_file = forms.FileField(label=_("Signature file (sig.bin)"), required=False)
    sha256 = forms.CharField(max_length=64, widget=forms.HiddenInput)
    otp = forms.CharField(
        label=_("One-time code"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, keys: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = keys  # type: ignore[attr-defined]

    def signature_value(self) -> str | bytes:
        """The signature as sent: the uploaded file's bytes, else the typed base64."""
        upload = self.cleaned_data.get("signature_file")
        if upload is not None:
            data: bytes = upload.read(MAX_SIGNATURE_FILE + 1)
            return data
        return str(self.cleaned_data.get("signature") or "")


class ConfirmSignInForm(forms.Form):
    password = forms.CharField(
        label=_("Password"), max_length=1024, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    otp = forms.CharField(
        label=_("One-time code"),
        max_length=12,
        required=False,
        help_text=_("Only if you have turned on two-factor sign-in."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
