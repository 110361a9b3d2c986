from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "goodoffices.web"
    label = "web"
    verbose_name = "Web interface"
