from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "goodoffices.meetings"
    label = "meetings"
    verbose_name = "Proposals, meetings and communiqués"
