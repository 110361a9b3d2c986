from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundMail(models.Model):
    """One e-mail to one address, written in the transaction of the change it tells about.

    The worker (``goodoffices worker``) sends it after that transaction committed, so a message is
    never sent about a change that rolled back, and none that was acknowledged is lost. A worker
    claims a message by setting ``claim`` and ``claimed_until``; another worker leaves a claimed
    message alone until the claim lapses (a worker that died mid-send), so two workers never send
    the same message twice while both run.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        FAILED = "failed"  # gave up after the last attempt; last_error says why

    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claim = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"mail #{self.pk} to {self.to} ({self.status})"


class MailPreference(models.Model):
    """How a person wants the e-mail that notices send: each at once (the default), a daily
    digest, or none (the notices stay in the app). Operational, like delivery: not an event."""

    class Choice(models.TextChoices):
        NOW = "now", _("each at once")
        DIGEST = "digest", _("one digest a day")
        NONE = "none", _("none: I read my notices in Good Offices")

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="mail_preference")
    choice = models.CharField(max_length=8, choices=Choice.choices, default=Choice.NOW)
    # The last digest sent: the next gathers the notices since then.
    digest_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.choice}"
