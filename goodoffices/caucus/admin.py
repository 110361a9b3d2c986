"""Read-only, and without message bodies or file contents: staff accounts are operators,
and a caucus is closed to operators (policies.py), so the admin shows only what was
exchanged when, not what was said."""

from django.contrib import admin

from goodoffices.web.admin import ReadOnlyAdmin

from .models import CaucusDocument, CaucusMessage


@admin.register(CaucusMessage)
class CaucusMessageAdmin(ReadOnlyAdmin):
    list_display = ("id", "party", "author", "created_at")
    fields = ("process", "party", "author", "created_at")
    readonly_fields = fields


@admin.register(CaucusDocument)
class CaucusDocumentAdmin(ReadOnlyAdmin):
    list_display = ("id", "party", "uploaded_by", "content_type", "size", "uploaded_at")
    fields = ("process", "party", "uploaded_by", "content_type", "size", "sha256", "uploaded_at")
    readonly_fields = fields
