from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "goodoffices.mail"
    label = "mail"
    verbose_name = "Outgoing e-mail"
