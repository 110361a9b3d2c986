from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "goodoffices.consent"
    label = "consent"
    verbose_name = "Joint consent"
