from django.urls import path

from . import views

urlpatterns = [
    path("processes/<int:process_id>/texts/", views.texts, name="texts"),
    path("processes/<int:process_id>/texts/new/", views.text_create, name="text_create"),
    path("texts/<int:text_id>/", views.text_detail, name="text"),
    path("texts/<int:text_id>/versions/", views.text_versions, name="text_versions"),
    path("texts/<int:text_id>/versions/<int:number>/", views.text_version, name="text_version"),
    path("texts/<int:text_id>/redline/", views.text_redline, name="text_redline"),
    path("texts/<int:text_id>/revise/", views.text_revise, name="text_revise"),
    path("texts/<int:text_id>/amendments/", views.amendment_propose, name="amendment_propose"),
    path("amendments/<int:amendment_id>/decision/", views.amendment_decide, name="amendment_decide"),
    path("texts/<int:text_id>/clauses/<slug:clause>/position/", views.position_set, name="position_set"),
    path("texts/<int:text_id>/clauses/<slug:clause>/comments/", views.comment_add, name="comment_add"),
    path("texts/<int:text_id>/clauses/<slug:clause>/commitments/", views.commitment_tag, name="commitment_tag"),
    path(
        "texts/<int:text_id>/commitments/<int:commitment_id>/untag/",
        views.commitment_untag,
        name="commitment_untag",
    ),
]
