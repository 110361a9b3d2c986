from django.apps import AppConfig


class ProcessesConfig(AppConfig):
    name = "goodoffices.processes"
    label = "processes"
    verbose_name = "Frameworks, mandates and processes"
