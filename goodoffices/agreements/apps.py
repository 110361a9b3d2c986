from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "goodoffices.agreements"
    label = "agreements"
    verbose_name = "Agreements"
