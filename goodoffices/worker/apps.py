from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "goodoffices.worker"
    label = "worker"
    verbose_name = "Background worker"
