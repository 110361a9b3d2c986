from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "goodoffices.ledger"
    label = "ledger"
    verbose_name = "Transparency log"
