from typing import Any

import pyotp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from goodoffices.lib.errors import Invalid, NotFound

from . import selectors, services
from .forms import LoginForm, OtpForm, PreferencesForm, TokenForm
from .models import User


class SignInView(LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    return render(request, "accounts/locked_out.html", status=429)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PreferencesForm(
        request.POST or None,
        initial={"timezone": user.timezone, "language": user.language or request.LANGUAGE_CODE},
    )
    if request.method == "POST" and form.is_valid():
        services.user_preferences_set(
            user=user, timezone_name=form.cleaned_data["timezone"], language=form.cleaned_data["language"]
        )
        messages.success(request, _("Your preferences are saved."))
        response = redirect("account")
        response.set_cookie("django_language", form.cleaned_data["language"], samesite="Lax")
        return response
    return render(
        request,
        "accounts/account.html",
        {"form": form, "tokens": selectors.api_token_list(user=user), "token_form": TokenForm()},
    )


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.totp_enabled:
        return render(request, "accounts/two_factor.html", {"enabled": True})
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_confirm(user=user, code=form.cleaned_data["otp"])
        except Invalid as exc:
            form.add_error("otp", exc.errors[0].message)
        else:
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("account")
    if not user.totp_secret:
        services.totp_begin(user=user)
    uri = pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name="Good Offices")
    qr = segno.make(uri, micro=False).svg_data_uri(scale=4)
    return render(
        request,
        "accounts/two_factor.html",
        {"form": form, "secret": user.totp_secret, "qr": qr, "required": "required" in request.GET},
    )


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name of at most 80 characters."))
        return redirect("account")
    _token, clear = services.api_token_create(user=_user(request), name=form.cleaned_data["name"])
    return render(request, "accounts/token_created.html", {"token": clear})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        services.api_token_revoke(user=_user(request), token_id=token_id)
    except NotFound:
        messages.error(request, _("That token does not exist or is already revoked."))
    else:
        messages.success(request, _("The token is revoked."))
    return redirect("account")


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's set_language, and for a signed-in user the choice is also kept on the account."""
    from django.views.i18n import set_language

    response = set_language(request)
    code = request.POST.get("language", "")
    if isinstance(request.user, User) and code in dict(settings.LANGUAGES):
        services.user_preferences_set(user=request.user, timezone_name=request.user.timezone, language=code)
    return response
