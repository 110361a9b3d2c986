from django.contrib import admin
from django.urls import include, path

from goodoffices.api.api import api
from goodoffices.web import views as web

handler403 = "goodoffices.web.shortcuts.forbidden"
handler500 = "goodoffices.web.errors.server_error"

urlpatterns = [
    path("", web.home, name="home"),
    path("healthz", web.healthz, name="healthz"),
    # Before the pages: an API request then tries one prefix, not every page's pattern first.
    path("api/v1/", api.urls),
    path("ledger/", include("goodoffices.ledger.urls")),
    path("", include("goodoffices.accounts.urls")),
    path("", include("goodoffices.web.urls")),
    path("", include("goodoffices.meetings.urls")),
    path("", include("goodoffices.caucus.urls")),
    path("", include("goodoffices.texts.urls")),
    path("", include("goodoffices.agreements.urls")),
    path("", include("goodoffices.monitoring.urls")),
    path("", include("goodoffices.analytics.urls")),
    path("admin/", admin.site.urls),
]
