import math
from typing import Any

import pyotp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic.edit import FormView

from goodoffices.lib.errors import Invalid, NotFound

from . import selectors, services
from .forms import LoginForm, OtpForm, PasswordResetSetForm, PreferencesForm, TokenForm
from .middleware import authenticated_now, second_factor_passed
from .models import User


class InvalidIs422(FormView):  # type: ignore[type-arg]
    """A form that is not accepted answers 422, like every other form of the site."""

    def form_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=422)


class SignInView(InvalidIs422, auth_views.LoginView):
    """The one sign-in of the site, the admin's included (see web.admin)."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        authenticated_now(self.request)
        user = form.get_user()
        if isinstance(user, User) and user.totp_enabled:
            # LoginForm checked the code: this session passed the second factor.
            second_factor_passed(self.request, user)
        return response


def cooloff_seconds() -> int:
    return math.ceil(float(settings.AXES_COOLOFF_TIME) * 3600)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer once one source has failed too often to sign in to one account.
    The API's own 429 (problem+json) is kept; the web gets a page. Both say when to retry."""
    if original_response is not None and original_response.status_code == 429:
        response = original_response
    else:
        response = render(
            request, "accounts/locked_out.html", {"minutes": math.ceil(cooloff_seconds() / 60)}, status=429
        )
    response["Retry-After"] = str(cooloff_seconds())
    return response


class PasswordResetView(InvalidIs422, auth_views.PasswordResetView):
    """Anyone may ask; the link goes to the account's own e-mail address, and the answer is the
    same whether or not an account has that address."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(InvalidIs422, auth_views.PasswordResetConfirmView):
    """The owner of the link chooses a new password (through the service that records it); they
    then sign in as always, second factor included."""

    form_class = PasswordResetSetForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


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
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            form.cleaned_data["language"],
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
        )
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
            # This session just proved the code; every other session of the account must sign in again.
            second_factor_passed(request, user)
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
