from django.conf import settings
from django.db import models


class Purpose(models.TextChoices):
    READINESS = "readiness"
    MINUTES = "minutes"
    COMMUNIQUE = "communique"
    DECLASSIFICATION = "declassification"
    ADOPTION = "adoption"


class JointConsent(models.Model):
    """'Nothing happens until every required party agrees' (DESIGN.md, joint consent).

    Each party's consent is sealed from the other parties until all have consented to the
    same option; then the outcome is revealed to ``reveal_to`` at once. Decided consents
    (reached or cancelled) never change again.

    The question is about exact content: ``digest`` is the SHA-256 of the canonical form
    (RFC 8785) of what is asked, and ``version`` the number its readers see. A consent names
    the version its party read and is refused when that is not the current question, so the
    outcome is reached only when every party consented to the same words.
    """

    class Status(models.TextChoices):
        OPEN = "open"
        REACHED = "reached"
        CANCELLED = "cancelled"

    process = models.ForeignKey("processes.Process", on_delete=models.PROTECT, related_name="+")
    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=64)
    purpose = models.CharField(max_length=24, choices=Purpose.choices)
    parties = models.ManyToManyField("processes.Party", related_name="+")
    reveal_to = models.CharField(max_length=40)
    question = models.CharField(max_length=64, blank=True, help_text="what is asked, where the purpose needs it")
    version = models.PositiveIntegerField(default=0, help_text="the version of the content its readers see")
    digest = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the canonical content asked about")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=64, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "purpose"],
                condition=models.Q(status="open"),
                name="one_open_consent_per_subject_and_purpose",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="reached") | ~models.Q(outcome=""),
                name="reached_consent_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} on {self.subject_type}#{self.subject_id}: {self.status}"


class Consent(models.Model):
    """One party's consent to one option. Only that party (and the mediators, where the
    mandate says so) may ever see it; withdrawing deletes it."""

    joint = models.ForeignKey(JointConsent, on_delete=models.CASCADE, related_name="consents")
    party = models.ForeignKey("processes.Party", on_delete=models.PROTECT, related_name="+")
    option = models.CharField(max_length=64)
    # What this party consented to: the joint consent's digest when it was given.
    digest = models.CharField(max_length=64, blank=True)
    # Who may see this consent, fixed when it is given: a later change of the mandate's rule
    # must not reveal consents that were given as sealed from the mediators.
    audience = models.CharField(max_length=40)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["joint", "party"], name="one_consent_per_party")]

    def __str__(self) -> str:
        return f"{self.party} consents to {self.option}"
