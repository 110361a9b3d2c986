from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from goodoffices.policies import restrict_for_staff
from goodoffices.web.admin import ReadOnlyAdmin

from .models import Event


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """Staff see what an operator may see (public and process-wide events), never the sealed
    ones: a caucus, a party's consent or a draft stays with its audience, even in the admin."""

    list_display = ("seq", "kind", "occurred_at", "actor", "process", "audience")
    list_filter = ("kind",)
    fields = ("seq", "kind", "occurred_at", "actor", "process", "audience", "subject_type", "subject_id", "payload")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        return restrict_for_staff(super().get_queryset(request))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return self.fields
