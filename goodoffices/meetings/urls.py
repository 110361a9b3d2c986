from django.urls import path

from . import views

urlpatterns = [
    path("processes/<int:process_id>/meetings/", views.meetings, name="meetings"),
    path("processes/<int:process_id>/meetings/propose/", views.proposal_create, name="proposal_create"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:proposal_id>/readiness/", views.proposal_readiness, name="proposal_readiness"),
    path("proposals/<int:proposal_id>/decline/", views.proposal_decline, name="proposal_decline"),
    path("proposals/<int:proposal_id>/withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/calendar.ics", views.meeting_calendar, name="meeting_calendar"),
    path("meetings/<int:meeting_id>/held/", views.meeting_hold, name="meeting_hold"),
    path("meetings/<int:meeting_id>/postpone/", views.meeting_postpone, name="meeting_postpone"),
    path("meetings/<int:meeting_id>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:meeting_id>/minutes/", views.minutes_draft, name="minutes_draft"),
    path("meetings/<int:meeting_id>/minutes/approval/", views.minutes_approve, name="minutes_approve"),
    path("meetings/<int:meeting_id>/communique/", views.communique_draft, name="communique_draft"),
    path("meetings/<int:meeting_id>/communique/amend/", views.communique_amend, name="communique_amend"),
    path("meetings/<int:meeting_id>/communique/consent/", views.communique_consent, name="communique_consent"),
    path(
        "meetings/<int:meeting_id>/communique/languages/",
        views.communique_language_add,
        name="communique_language_add",
    ),
    path(
        "meetings/<int:meeting_id>/communique/languages/<str:language>/",
        views.communique_language_change,
        name="communique_language_change",
    ),
    path(
        "meetings/<int:meeting_id>/communique/languages/<str:language>/remove/",
        views.communique_language_remove,
        name="communique_language_remove",
    ),
    path(
        "meetings/<int:meeting_id>/declassification/",
        views.declassification_request,
        name="declassification_request",
    ),
    path(
        "meetings/<int:meeting_id>/declassification/consent/",
        views.declassification_consent,
        name="declassification_consent",
    ),
    path("register/", views.register, name="register"),
    path("register/feed.atom", views.RegisterFeed(), name="register_feed"),
    path("register/print/", views.register_print, name="register_print"),
    path("register/meetings/<int:meeting_id>/", views.register_meeting, name="register_meeting"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<str:secret>.ics", views.calendar_feed, name="calendar_feed"),
]
