from django.apps import AppConfig


class TextsConfig(AppConfig):
    name = "goodoffices.texts"
    label = "texts"
    verbose_name = "Negotiating texts"
