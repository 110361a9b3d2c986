from django.urls import path

from . import views

urlpatterns = [
    path("processes/<int:process_id>/caucus/<int:party_id>/", views.caucus, name="caucus"),
    path(
        "processes/<int:process_id>/caucus/<int:party_id>/messages/",
        views.caucus_message_post,
        name="caucus_message_post",
    ),
    path(
        "processes/<int:process_id>/caucus/<int:party_id>/documents/",
        views.caucus_document_upload,
        name="caucus_document_upload",
    ),
    path("caucus/documents/<int:document_id>/", views.caucus_document_download, name="caucus_document_download"),
]
