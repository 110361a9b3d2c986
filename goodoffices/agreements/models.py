"""Agreements: a negotiating text adopted by joint consent, frozen as canonical bytes, and the
commitments it creates.

An ``Agreement`` holds the exact bytes every signature signs (``canonical``: RFC 8785 JSON of
``goodoffices.lib.agreement_doc``) and their SHA-256; neither ever changes once written. Its audience
follows the joint consent that adopted it (``public`` or ``plenary``).

A ``Commitment`` is one commitment of the agreement's document, copied out of the canonical bytes
at adoption so that it can be listed, monitored and reported on. What it says (clause, obligor,
action, category, deadline or schedule, verification, monitors) never changes; what is known of its
execution (``status`` on the Peace Accords Matrix 0-3 scale, ``breach``, ``overdue``,
``completed_on``) changes only through the monitoring services, each change an event.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from goodoffices.lib import audience
from goodoffices.processes.models import Party, Process
from goodoffices.texts.categories import CATEGORIES
from goodoffices.texts.models import Text


class Agreement(models.Model):
    class Status(models.TextChoices):
        # Adopted by joint consent, awaiting the required signatures.
        ADOPTED = "adopted", _("adopted, awaiting signatures")
        # Every required signature is present.
        IN_FORCE = "in_force", _("in force")

    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="agreements")
    text = models.OneToOneField(Text, on_delete=models.PROTECT, null=True, blank=True, related_name="agreement")
    # The text's version that was adopted (null for an agreement loaded whole, as the demo's 2020 statement).
    text_version = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ADOPTED)
    audience = models.CharField(max_length=40, default=audience.PLENARY)
    canonical = models.BinaryField()
    sha256 = models.CharField(max_length=64, unique=True)
    adopted_on = models.DateField(_("adopted on"))
    adopted_at = models.DateTimeField()
    in_force_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-adopted_at", "-id"]
        indexes = [models.Index(fields=["process", "-adopted_at", "-id"], name="agreement_process_idx")]

    def __str__(self) -> str:
        return self.title


class Commitment(models.Model):
    class Status(models.IntegerChoices):
        # The Peace Accords Matrix scale.
        NOT_INITIATED = 0, _("not initiated")
        MINIMAL = 1, _("minimal")
        INTERMEDIATE = 2, _("intermediate")
        FULL = 3, _("full")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="commitments")
    # Its place in the canonical document's list of commitments (from 0), for a stable order.
    position = models.PositiveIntegerField()
    clause = models.CharField(max_length=64)
    obligor = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    action = models.TextField(_("action"))
    category = models.CharField(_("category"), max_length=64, choices=list(CATEGORIES.items()))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    schedule = models.CharField(_("schedule"), max_length=200, blank=True)
    verification = models.TextField(_("verification"), blank=True)
    monitors = models.JSONField(_("monitors"), default=list, blank=True)
    # What is known of its execution: changed only by the monitoring services.
    status = models.PositiveSmallIntegerField(_("status"), choices=Status.choices, default=Status.NOT_INITIATED)
    breach = models.BooleanField(_("breach"), default=False)
    overdue = models.BooleanField(_("overdue"), default=False)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        ordering = ["agreement", "position"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "position"], name="commitment_position_unique"),
            models.CheckConstraint(condition=models.Q(status__gte=0, status__lte=3), name="commitment_status_0_3"),
            models.CheckConstraint(
                condition=models.Q(deadline__isnull=True) | models.Q(schedule=""),
                name="agreement_commitment_deadline_or_schedule",
            ),
        ]

    def __str__(self) -> str:
        return f"commitment #{self.pk} of {self.agreement_id} on {self.clause}"

    @property
    def continuous(self) -> bool:
        return self.deadline is None and not self.schedule

    @property
    def process(self) -> Process:
        return self.agreement.process

    @property
    def audience(self) -> str:
        return self.agreement.audience
