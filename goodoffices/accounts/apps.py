from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "goodoffices.accounts"
    label = "accounts"
    verbose_name = "Accounts"
