from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "goodoffices.events"
    label = "events"
    verbose_name = "Events"
