"""A caucus is a private channel between the mediators and one party.

Every record here belongs to exactly one party's caucus; its audience is
``caucus:<party id>`` and nothing in it is shown to any other party.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact, LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from goodoffices.lib import audience
from goodoffices.processes.models import Party, Process

MAX_MESSAGE_LENGTH = 10_000

# Owner-only permissions: the documents are confidential and only the application reads them.
_storage = FileSystemStorage(file_permissions_mode=0o600, directory_permissions_mode=0o700)


def caucus_storage() -> FileSystemStorage:
    """MEDIA_ROOT, read at use time, so tests and deployments can move it."""
    return _storage


class CaucusMessage(models.Model):
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="caucus_messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["party", "created_at", "id"]
        # A thread is read a page at a time, newest first (goodoffices/pagination.py).
        indexes = [models.Index(fields=["party", "created_at"]), models.Index(fields=["party", "id"])]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), MAX_MESSAGE_LENGTH), name="caucus_message_length"
            ),
            models.CheckConstraint(condition=~models.Q(body=""), name="caucus_message_not_empty"),
        ]

    def __str__(self) -> str:
        return f"caucus message #{self.pk} ({self.party_id})"

    @property
    def audience(self) -> str:
        """Always the caucus of ``party``: derived, so it cannot drift from the party."""
        return audience.caucus(self.party_id)


class CaucusDocument(models.Model):
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="caucus_documents")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100, help_text=_("detected from the content"))
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # Stored under a random name: the original name is kept above and never touches the disk.
    file = models.FileField(storage=caucus_storage, max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["party", "-uploaded_at", "-id"]
        indexes = [models.Index(fields=["party", "uploaded_at"]), models.Index(fields=["party", "id"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gt=0), name="caucus_document_not_empty"),
            models.CheckConstraint(condition=Exact(Length("sha256"), 64), name="caucus_document_sha256_hex"),
            models.UniqueConstraint(fields=["file"], name="caucus_document_file_unique"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def audience(self) -> str:
        """Always the caucus of ``party``: derived, so it cannot drift from the party."""
        return audience.caucus(self.party_id)
