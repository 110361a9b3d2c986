from django.urls import path

from . import feeds, views

urlpatterns = [
    path("register/agreements/<int:agreement_id>/", views.register, name="compliance_register"),
    path("register/agreements/<int:agreement_id>/commitments.csv", views.register_csv, name="compliance_csv"),
    path("register/agreements/<int:agreement_id>/commitments.json", views.register_json, name="compliance_json"),
    path("register/agreements/<int:agreement_id>/feed.atom", feeds.AgreementChangesFeed(), name="compliance_feed"),
    path("register/commitments/feed.atom", feeds.StatusChangesFeed(), name="commitments_feed"),
    path("commitments/<int:commitment_id>/", views.commitment, name="commitment"),
    path("commitments/<int:commitment_id>/reports/", views.report_file, name="report_file"),
    path("reports/<int:report_id>/responses/", views.report_respond, name="report_respond"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
]
