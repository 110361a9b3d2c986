from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("problems/", views.problems, name="problems"),
    path("problems/<slug:slug>/", views.problem, name="problem"),
    path("processes/<int:process_id>/", views.process_detail, name="process"),
    path("processes/<int:process_id>/mandate/", views.mandate_detail, name="mandate"),
    path("processes/<int:process_id>/activity/", views.activity, name="activity"),
    path("processes/<int:process_id>/mandate/amend/", views.mandate_amend, name="mandate_amend"),
    path("processes/<int:process_id>/appointments/", views.appointments, name="appointments"),
    path(
        "processes/<int:process_id>/appointments/<int:appointment_id>/end/",
        views.appointment_end,
        name="appointment_end",
    ),
    path("processes/<int:process_id>/parties/<int:party_id>/", views.delegation, name="delegation"),
    path(
        "processes/<int:process_id>/parties/<int:party_id>/members/<int:membership_id>/remove/",
        views.delegation_remove,
        name="delegation_remove",
    ),
]
