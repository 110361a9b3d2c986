from django.urls import path, re_path

from . import views

# Namespaced: these are the log's public paths, not a process's records (the policy
# matrix covers the latter; tests/ledger covers these).
app_name = "ledger"

urlpatterns = [
    path("", views.page, name="index"),
    path("entries/<int:index>", views.entry, name="entry"),
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("key", views.key, name="key"),
    path("cosignature", views.cosignature, name="cosignature"),
    # Everything under tile/ reaches the view, so a malformed path gets a 400 that names the problem.
    re_path(r"^tile/(?P<path>.*)$", views.tile, name="tile"),
]
