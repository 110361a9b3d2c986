from django.contrib import admin

from goodoffices.processes.admin import ReadOnlyAdmin

from .models import Event


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "kind", "occurred_at", "actor", "process", "audience")
    list_filter = ("kind", "audience")
