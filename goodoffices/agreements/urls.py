from django.urls import path

from . import views

urlpatterns = [
    path("processes/<int:process_id>/agreements/", views.agreements, name="agreements"),
    path("agreements/<int:agreement_id>/", views.agreement, name="agreement"),
    path("agreements/<int:agreement_id>/canonical.json", views.agreement_canonical, name="agreement_canonical"),
    path("agreements/<int:agreement_id>/agreement.html", views.agreement_html, name="agreement_html"),
    path("agreements/<int:agreement_id>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("agreements/<int:agreement_id>/export.zip", views.agreement_export, name="agreement_export"),
    path("agreements/<int:agreement_id>/sign/", views.agreement_sign, name="agreement_sign"),
    path(
        "agreements/<int:agreement_id>/confirm-sign-in/",
        views.agreement_confirm_sign_in,
        name="agreement_confirm_sign_in",
    ),
    path("texts/<int:text_id>/adoption/", views.adoption_put, name="adoption_put"),
    path("adoptions/<int:adoption_id>/", views.adoption, name="adoption"),
    path("adoptions/<int:adoption_id>/consent/", views.adoption_consent, name="adoption_consent"),
    path("processes/<int:process_id>/signing-keys/", views.signing_keys, name="signing_keys"),
    path("processes/<int:process_id>/signing-keys/new/", views.signing_key_register, name="signing_key_register"),
    path("signing-keys/<int:key_id>/retire/", views.signing_key_retire, name="signing_key_retire"),
]
