from django.apps import AppConfig


class CaucusConfig(AppConfig):
    name = "goodoffices.caucus"
    label = "caucus"
    verbose_name = "Caucus: mediators and one party"
