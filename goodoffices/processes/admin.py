"""Operators read everything here; changes go through the services (the web pages and
API), so that each one is checked and recorded as an event."""

from django.contrib import admin

from goodoffices.web.admin import ReadOnlyAdmin

from .models import Appointment, DelegationMembership, Framework, Mandate, MandateVersion, Party, Process


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ("name", "created_at")


@admin.register(Mandate)
class MandateAdmin(ReadOnlyAdmin):
    list_display = ("title", "framework", "created_at")


@admin.register(MandateVersion)
class MandateVersionAdmin(ReadOnlyAdmin):
    list_display = ("mandate", "number", "term_start", "term_end", "created_at")


@admin.register(Process)
class ProcessAdmin(ReadOnlyAdmin):
    list_display = ("title", "mandate", "mandate_version", "status")


@admin.register(Party)
class PartyAdmin(ReadOnlyAdmin):
    list_display = ("name", "process")


@admin.register(DelegationMembership)
class DelegationMembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "party", "role")


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ("user", "process", "role", "organisation")
