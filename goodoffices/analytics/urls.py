from django.urls import path

from . import views

urlpatterns = [
    path("processes/<int:process_id>/analyses/", views.analyses, name="analyses"),
    path("processes/<int:process_id>/analyses/new/", views.analysis_create, name="analysis_create"),
    path("processes/<int:process_id>/analyses/from-text/", views.analysis_from_text, name="analysis_from_text"),
    path("analyses/<int:analysis_id>/", views.analysis, name="analysis"),
    path(
        "analyses/<int:analysis_id>/parties/<int:party_id>/preferences/",
        views.preferences_set,
        name="preferences_set",
    ),
    path("analyses/<int:analysis_id>/to-text/", views.analysis_to_text, name="analysis_to_text"),
]
