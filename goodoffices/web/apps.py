from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class WebConfig(AppConfig):
    name = "goodoffices.web"
    label = "web"
    verbose_name = "Web interface"


class GoodOfficesAdminConfig(admin_apps.AdminConfig):
    """Django's admin on a site whose login is the site's one sign-in (see web.admin). Named
    in INSTALLED_APPS in place of django.contrib.admin; never this module's default config."""

    default = False
    default_site = "goodoffices.web.admin.SignInAdminSite"
