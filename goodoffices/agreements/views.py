"""The agreement pages: one view per page and one per action, each a thin call of one selector or
service. A public agreement's pages and files are open to anyone, signed in or not; everything else
needs a sign-in, and what a reader may not see is a 404."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goodoffices.accounts.middleware import authenticated_at, authenticated_now
from goodoffices.accounts.models import signed_in
from goodoffices.accounts.services import totp_verify
from goodoffices.policies import Permission, can, roles_for
from goodoffices.processes import selectors as process_selectors
from goodoffices.processes.models import Process
from goodoffices.texts import selectors as text_selectors
from goodoffices.texts.models import Text
from goodoffices.web.shortcuts import attempt, page_of, process_context, visible_or_404

from . import downloads, selectors, services
from .forms import AdoptionConsentForm, AdoptionPutForm, ConfirmSignInForm, SignForm, SigningKeyForm
from .models import Adoption, Agreement, Signature, SigningKey

KEYS_ON_PAGE = 50


def _agreement(request: HttpRequest, agreement_id: int) -> Agreement:
    return visible_or_404(lambda: selectors.agreement_get(user=request.user, agreement_id=agreement_id))


def _process(request: HttpRequest, process_id: int) -> Process:
    return visible_or_404(lambda: process_selectors.process_get(user=request.user, process_id=process_id))


def _page_context(request: HttpRequest, process: Process) -> dict[str, Any]:
    """The process's navigation for who is admitted to it; a visitor sees the agreement alone."""
    roles = roles_for(request.user, process)
    return {"process": process, "roles": roles, "admitted": roles.admitted}


# --- agreements ----------------------------------------------------------------------------------


@require_GET
def agreements(request: HttpRequest, process_id: int) -> HttpResponse:
    process = visible_or_404(lambda: selectors.agreement_process(user=request.user, process_id=process_id))
    page = page_of(
        request,
        selectors.agreement_list(user=request.user, process=process),
        order=("-adopted_at", "-id"),
        scope=f"agreements:{process.pk}",
    )
    return render(
        request, "agreements/list.html", {**_page_context(request, process), "tab": "agreements", "page": page}
    )


def _agreement_page(
    request: HttpRequest, agreement: Agreement, *, sign_form: SignForm | None = None, status: int = 200
) -> HttpResponse:
    view = selectors.agreement_view(user=request.user, agreement=agreement, authenticated_at=authenticated_at(request))
    keys = [(k.pk, f"{k.label or k.get_origin_display()} · {k.fingerprint[:16]}…") for k in view.my_keys]
    if sign_form is None and view.sign_as and keys:
        sign_form = SignForm(keys=keys, initial={"sha256": agreement.sha256}, auto_id="sign-%s")
    return render(
        request,
        "agreements/agreement.html",
        {
            **_page_context(request, agreement.process),
            "tab": "agreements",
            "agreement": agreement,
            "view": view,
            "sign_form": sign_form,
            "key_form": SigningKeyForm(initial={"next": reverse("agreement", args=[agreement.pk])}, auto_id="key-%s"),
            "fresh_minutes": int(services.FRESH_SIGN_IN.total_seconds() // 60),
        },
        status=status,
    )


@require_GET
def agreement(request: HttpRequest, agreement_id: int) -> HttpResponse:
    return _agreement_page(request, _agreement(request, agreement_id))


@require_GET
def agreement_canonical(request: HttpRequest, agreement_id: int) -> HttpResponse:
    return downloads.canonical_response(_agreement(request, agreement_id))


@require_GET
def agreement_html(request: HttpRequest, agreement_id: int) -> HttpResponse:
    found, data = visible_or_404(
        lambda: selectors.agreement_file(user=request.user, agreement_id=agreement_id, field="html")
    )
    return downloads.html_response(found, data)


@require_GET
def agreement_pdf(request: HttpRequest, agreement_id: int) -> HttpResponse:
    found, data = visible_or_404(
        lambda: selectors.agreement_file(user=request.user, agreement_id=agreement_id, field="pdf")
    )
    return downloads.pdf_response(found, data)


@require_GET
def agreement_export(request: HttpRequest, agreement_id: int) -> HttpResponse:
    return downloads.export_response(_agreement(request, agreement_id))


@login_required
@require_POST
def agreement_sign(request: HttpRequest, agreement_id: int) -> HttpResponse:
    found = _agreement(request, agreement_id)
    actor = signed_in(request)
    keys = [(k.pk, k.fingerprint) for k in SigningKey.objects.filter(process_id=found.process_id, user=actor)]
    form = SignForm(request.POST, request.FILES, keys=keys, auto_id="sign-%s")
    if not form.is_valid():
        if not can(actor, Permission.AGREEMENT_SIGN, found):
            raise PermissionDenied
        return _agreement_page(request, found, sign_form=form, status=422)
    key = SigningKey.objects.get(pk=form.cleaned_data["key"])

    def sign() -> Signature | None:
        try:
            return services.agreement_sign(
                actor=actor,
                agreement=found,
                key=key,
                signature=form.signature_value(),
                sha256=form.cleaned_data["sha256"],
                authenticated_at=authenticated_at(request),
                otp=form.cleaned_data["otp"],
            )
        except services.FreshSignInNeeded:
            return None

    outcome = attempt(request, sign, form=form)
    if outcome.done and outcome.value is None:
        messages.info(request, _("Signing needs a fresh sign-in: confirm your password, then sign again."))
        return redirect("agreement_confirm_sign_in", found.pk)
    if not outcome.done:
        return _agreement_page(request, found, sign_form=form, status=outcome.status)
    found.refresh_from_db()
    if found.status == Agreement.Status.IN_FORCE:
        messages.success(
            request, _("Your signature is checked and recorded. Every party has signed: the agreement is in force.")
        )
    else:
        messages.success(request, _("Your signature is checked against your key and recorded."))
    return redirect(reverse("agreement", args=[found.pk]) + "#signatures")


@login_required
@require_http_methods(["GET", "POST"])
def agreement_confirm_sign_in(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Prove who you are again before signing: the password, and the code where two-factor is on."""
    found = _agreement(request, agreement_id)
    actor = signed_in(request)
    if not can(actor, Permission.AGREEMENT_SIGN, found):
        raise PermissionDenied
    form = ConfirmSignInForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            user = authenticate(request, username=actor.username, password=form.cleaned_data["password"])
            if user is None or user.pk != actor.pk or not totp_verify(user=actor, code=form.cleaned_data["otp"] or ""):
                form.add_error(None, _("The password or the one-time code is not right."))
            else:
                authenticated_now(request)
                messages.success(request, _("Thank you. You may sign now."))
                return redirect(reverse("agreement", args=[found.pk]) + "#sign")
    return render(
        request,
        "agreements/confirm_sign_in.html",
        {**_page_context(request, found.process), "tab": "agreements", "agreement": found, "form": form},
        status=status,
    )


# --- adoption ------------------------------------------------------------------------------------


@login_required
@require_POST
def adoption_put(request: HttpRequest, text_id: int) -> HttpResponse:
    text: Text = visible_or_404(lambda: text_selectors.text_get(user=request.user, text_id=text_id))
    form = AdoptionPutForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the agreement will be public or for the plenary only."))
        return redirect(reverse("text", args=[text.pk]) + "#adoption")
    outcome = attempt(
        request,
        lambda: services.adoption_put(
            actor=signed_in(request), text=text, agreement_audience=form.cleaned_data["audience"]
        ),
    )
    if outcome.value is None:
        return redirect(reverse("text", args=[text.pk]) + "#adoption")
    messages.success(request, _("The text is put to adoption: every party's head is asked to consent."))
    return redirect("adoption", outcome.value.pk)


@login_required
@require_GET
def adoption(request: HttpRequest, adoption_id: int) -> HttpResponse:
    found: Adoption = visible_or_404(lambda: selectors.adoption_get(user=request.user, adoption_id=adoption_id))
    state = selectors.adoption_state(user=request.user, adoption=found)
    preview = selectors.adoption_preview(adoption=found) if state.open and not state.stale else None
    return render(
        request,
        "agreements/adoption.html",
        {
            **process_context(request, found.text.process),
            "tab": "texts",
            "adoption": found,
            "state": state,
            "preview": preview,
            "preview_commitments": selectors.document_commitment_rows(preview) if preview else [],
            "parties": list(found.text.process.parties.all()),
        },
    )


@login_required
@require_POST
def adoption_consent(request: HttpRequest, adoption_id: int) -> HttpResponse:
    found: Adoption = visible_or_404(lambda: selectors.adoption_get(user=request.user, adoption_id=adoption_id))
    form = AdoptionConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The consent form was not complete: read the text and consent again."))
        return redirect("adoption", found.pk)
    outcome = attempt(
        request,
        lambda: services.adoption_consent(
            actor=signed_in(request),
            adoption=found,
            consent=form.cleaned_data["consent"],
            version=form.cleaned_data["version"],
            agreement_audience=form.cleaned_data["audience"] or None,
        ),
    )
    if outcome.value is None:
        return redirect("adoption", found.pk)
    if outcome.value.agreement is not None:
        messages.success(request, _("Every party consented: the text is adopted as an agreement."))
        return redirect("agreement", outcome.value.agreement.pk)
    if form.cleaned_data["consent"]:
        messages.success(request, _("Your party's consent is recorded; the others do not see it until all consent."))
    else:
        messages.success(request, _("Your party's consent is withdrawn."))
    return redirect("adoption", found.pk)


# --- signing keys --------------------------------------------------------------------------------


@login_required
@require_GET
def signing_keys(request: HttpRequest, process_id: int) -> HttpResponse:
    process = _process(request, process_id)
    if not can(request.user, Permission.SIGNING_KEYS_VIEW, process):
        raise PermissionDenied
    page = page_of(
        request,
        selectors.signing_key_list(user=request.user, process=process),
        order=("-registered_at", "-id"),
        scope=f"signing-keys:{process.pk}",
    )
    return render(
        request,
        "agreements/keys.html",
        {
            **process_context(request, process),
            "tab": "agreements",
            "page": page,
            "may_register": can(request.user, Permission.SIGNING_KEY_REGISTER, process),
            "key_form": SigningKeyForm(auto_id="key-%s"),
        },
    )


def _safe_next(request: HttpRequest, value: str, fallback: str) -> str:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}):
        return value
    return fallback


@login_required
@require_POST
def signing_key_register(request: HttpRequest, process_id: int) -> HttpResponse:
    process = _process(request, process_id)
    form = SigningKeyForm(request.POST, auto_id="key-%s")
    back = reverse("signing_keys", args=[process.pk])
    if form.is_valid():
        back = _safe_next(request, form.cleaned_data["next"], back)
        outcome = attempt(
            request,
            lambda: services.signing_key_register(
                actor=signed_in(request),
                process=process,
                public_key=form.cleaned_data["public_key"],
                origin=form.cleaned_data["origin"],
                label=form.cleaned_data["label"],
            ),
            form=form,
        )
        if outcome.value is not None:
            messages.success(
                request,
                _("Your signing key %(fingerprint)s… is registered.") % {"fingerprint": outcome.value.fingerprint[:16]},
            )
            return redirect(back)
        status = outcome.status
    else:
        if not can(request.user, Permission.SIGNING_KEY_REGISTER, process):
            raise PermissionDenied
        status = 422
    return render(
        request,
        "agreements/key_form_page.html",
        {**process_context(request, process), "tab": "agreements", "form": form, "back": back},
        status=status,
    )


@login_required
@require_POST
def signing_key_retire(request: HttpRequest, key_id: int) -> HttpResponse:
    key: SigningKey = visible_or_404(lambda: selectors.signing_key_get(user=request.user, key_id=key_id))
    if attempt(request, lambda: services.signing_key_retire(actor=signed_in(request), key=key)).done:
        messages.success(request, _("The key is retired: it signs nothing more. Its signatures stay valid."))
    return redirect("signing_keys", key.process_id)
