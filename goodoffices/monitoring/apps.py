from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "goodoffices.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring of commitments"
