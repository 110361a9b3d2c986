from django.db import models
from django.utils import timezone


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
