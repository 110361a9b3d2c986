"""The monitoring of an agreement's commitments (issue 12).

A ``MonitoringReport`` is a monitor's or guarantor's dated finding on one commitment: the status
observed on the Peace Accords Matrix scale (0 not initiated, 1 minimal, 2 intermediate, 3 full),
whether the commitment is breached, a neutral summary, its sources and evidence files. It is the only
way a commitment's status changes. The obligor party answers it (``ReportAnswer``: a response or a
contest, with its own sources and evidence). Every change of what is known of a commitment's
execution (status, breach, overdue, date of full implementation) is a ``CommitmentChange``, made by
a report or by an ``Escalation``, which the worker records once per thing escalated.

Nothing here is ever updated or deleted but ``MonitoringReport.answered_at`` (the first answer); the
events of the services that write these rows carry the same content, evidence by its SHA-256.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from goodoffices.agreements.models import Agreement, Commitment
from goodoffices.processes.models import Party, Process

MAX_SUMMARY = 4000
MAX_SOURCES = 20

# Owner-only permissions, as for caucus documents: evidence may be confidential (a plenary report).
_storage = FileSystemStorage(file_permissions_mode=0o600, directory_permissions_mode=0o700)


def evidence_storage() -> FileSystemStorage:
    """MEDIA_ROOT, read at use time, so tests and deployments can move it."""
    return _storage


class ReportAudience(models.TextChoices):
    PLENARY = "plenary", _("the parties and mediators")
    PROCESS = "process", _("everyone admitted to the process")
    PUBLIC = "public", _("the public")


class MonitoringReport(models.Model):
    class Role(models.TextChoices):
        MONITOR = "monitor", _("monitor")
        GUARANTOR = "guarantor", _("guarantor")

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="reports")
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_role = models.CharField(max_length=16, choices=Role.choices)
    organisation = models.CharField(_("on behalf of"), max_length=200, blank=True)
    observed_on = models.DateField(_("observed on"))
    status = models.PositiveSmallIntegerField(_("status"), choices=Commitment.Status.choices)
    breach = models.BooleanField(_("breach"))
    summary = models.TextField(_("summary"))
    # [{"url": "https://...", "title": "...", "read_on": "YYYY-MM-DD"}], in the order given.
    sources = models.JSONField(_("sources"), default=list)
    audience = models.CharField(max_length=16, choices=ReportAudience.choices)
    filed_at = models.DateTimeField()
    # When a report calls for an answer (it finds the commitment short of full or breached): the end
    # of the mandate's response period as it was when the report was filed.
    answer_due_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-observed_on", "-id"]
        indexes = [
            models.Index(fields=["commitment", "observed_on", "id"], name="report_commitment_idx"),
            models.Index(
                fields=["answer_due_at", "id"],
                condition=models.Q(answered_at__isnull=True, answer_due_at__isnull=False),
                name="report_awaiting_answer_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__gte=0, status__lte=3), name="report_status_0_3"),
            models.CheckConstraint(
                condition=models.Q(audience__in=ReportAudience.values), name="report_audience_known"
            ),
            models.CheckConstraint(condition=~models.Q(summary=""), name="report_summary_not_empty"),
        ]

    def __str__(self) -> str:
        return f"report #{self.pk} on commitment {self.commitment_id}"

    @property
    def calls_for_answer(self) -> bool:
        return self.answer_due_at is not None


class ReportAnswer(models.Model):
    """The obligor party's response to a report, or its contest of the report's findings."""

    class Kind(models.TextChoices):
        RESPONSE = "response", _("response")
        CONTEST = "contest", _("contest")

    report = models.ForeignKey(MonitoringReport, on_delete=models.PROTECT, related_name="answers")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    body = models.TextField(_("answer"))
    sources = models.JSONField(_("sources"), default=list)
    filed_at = models.DateTimeField()

    class Meta:
        ordering = ["report", "filed_at", "id"]
        indexes = [models.Index(fields=["report", "id"], name="answer_report_idx")]
        constraints = [models.CheckConstraint(condition=~models.Q(body=""), name="answer_body_not_empty")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} to report {self.report_id}"


class Evidence(models.Model):
    """A file attached to a report or to an answer, checked by its content and kept by its SHA-256,
    which the event of the report (or answer) records: it cannot be swapped afterwards unnoticed."""

    report = models.ForeignKey(
        MonitoringReport, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    answer = models.ForeignKey(ReportAnswer, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence")
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # Stored under a random name; the original name never touches the disk.
    file = models.FileField(storage=evidence_storage, max_length=200)
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(report__isnull=False, answer__isnull=True)
                | models.Q(report__isnull=True, answer__isnull=False),
                name="evidence_of_report_or_answer",
            ),
            models.CheckConstraint(condition=models.Q(size__gt=0), name="evidence_not_empty"),
            models.CheckConstraint(condition=Exact(Length("sha256"), 64), name="evidence_sha256_hex"),
            models.UniqueConstraint(fields=["file"], name="evidence_file_unique"),
        ]

    def __str__(self) -> str:
        return self.original_name


class Escalation(models.Model):
    """One thing the worker escalated, once: a deadline passed without full implementation, a breach
    of a continuous commitment, a check date without a report, a report left unanswered."""

    class Reason(models.TextChoices):
        OVERDUE = "overdue", _("deadline passed without full implementation")
        BREACH = "breach", _("breach of a continuous commitment")
        CHECK_MISSED = "check_missed", _("check date passed without a report")
        UNANSWERED = "unanswered", _("report left unanswered")

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="escalations")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    # What was escalated, so that it is escalated once: "deadline:2020-11-20", "change:12",
    # "check:2021-03-01", "report:7".
    key = models.CharField(max_length=64)
    # The date that passed (deadline, check date, end of the response period).
    due_on = models.DateField()
    report = models.ForeignKey(MonitoringReport, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    change = models.ForeignKey(
        "CommitmentChange", null=True, blank=True, on_delete=models.PROTECT, related_name="escalations"
    )
    escalated_at = models.DateTimeField()
    # How many people were told (in the app, and by e-mail where they have an address).
    notified = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-escalated_at", "-id"]
        indexes = [models.Index(fields=["commitment", "reason"], name="escalation_commitment_idx")]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "reason", "key"], name="escalation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.reason} of commitment {self.commitment_id} ({self.key})"


class CommitmentChange(models.Model):
    """A change of what is known of a commitment's execution, with the state after it and before it.
    Made by a report (``report``) or by an escalation (``escalation``), never otherwise."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="changes")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    # The day the change holds from: the report's observation date, or the day the worker escalated.
    effective_on = models.DateField()
    status = models.PositiveSmallIntegerField(choices=Commitment.Status.choices)
    breach = models.BooleanField()
    overdue = models.BooleanField()
    completed_on = models.DateField(null=True, blank=True)
    previous_status = models.PositiveSmallIntegerField(choices=Commitment.Status.choices)
    previous_breach = models.BooleanField()
    previous_overdue = models.BooleanField()
    report = models.ForeignKey(MonitoringReport, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    escalation = models.OneToOneField(Escalation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["agreement", "recorded_at", "id"], name="change_agreement_idx"),
            models.Index(fields=["commitment", "recorded_at", "id"], name="change_commitment_idx"),
            models.Index(fields=["recorded_at", "id"], name="change_recorded_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(report__isnull=False) | models.Q(escalation__isnull=False),
                name="change_has_a_cause",
            ),
        ]

    def __str__(self) -> str:
        return f"change #{self.pk} of commitment {self.commitment_id}"
