from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "goodoffices.analytics"
    label = "analytics"
