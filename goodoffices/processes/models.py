from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Framework(models.Model):
    """The issuing body: an international organisation or a group of states."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class MemberOrganisation(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=120, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["framework", "name"], name="member_unique_per_framework")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FrameworkOperator(models.Model):
    """A user who runs a framework's secretariat: creates mandates, processes, appointments."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="operators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["framework", "user"], name="operator_unique")]

    def __str__(self) -> str:
        return f"{self.user} operates {self.framework}"


class Mandate(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="mandates")
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title

    @property
    def current(self) -> "MandateVersion":
        """The highest version number is the one in force."""
        return self.versions.order_by("-number").first()  # type: ignore[return-value]


HELD_MEETINGS_AUDIENCES = [
    ("plenary", _("the parties and mediators only")),
    ("process", _("everyone admitted, observers and monitors too")),
    ("public", _("the public")),
]


class MandateVersion(models.Model):
    """One version of a mandate. Versions are never edited: an amendment adds a version."""

    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    tasks = models.JSONField(_("tasks"), default=list)
    scope = models.JSONField(_("scope"), default=list, help_text=_("agenda topics"))
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list)
    mediators_see_readiness = models.BooleanField(_("mediators see each party's readiness"), default=True)
    two_factor_required = models.BooleanField(
        _("two-factor sign-in required for mediators and signatories"), default=True
    )
    held_meetings_audience = models.CharField(
        _("who sees a meeting once it is held"), max_length=16, choices=HELD_MEETINGS_AUDIENCES, default="process"
    )
    refused_venues = models.JSONField(_("refused venues"), default=dict, blank=True)
    # Monitoring of commitments (issue 12): how long an obligor party has to answer a monitoring
    # report before it is escalated, and the zone in which commitments' deadlines and check dates fall.
    response_period_days = models.PositiveSmallIntegerField(
        _("days an obligor party has to answer a monitoring report"), default=30
    )
    deadline_timezone = models.CharField(_("time zone of commitments' deadlines"), max_length=64, default="UTC")
    note = models.TextField(_("note on this version"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["mandate", "number"]
        constraints = [
            models.UniqueConstraint(fields=["mandate", "number"], name="mandate_version_unique"),
            models.CheckConstraint(
                condition=models.Q(term_end__isnull=True) | models.Q(term_end__gte=models.F("term_start")),
                name="mandate_term_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(response_period_days__gte=1, response_period_days__lte=365),
                name="mandate_response_period_1_365",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mandate} v{self.number}"

    def in_term(self, day: date) -> bool:
        return self.term_start <= day and (self.term_end is None or day <= self.term_end)

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "tasks": self.tasks,
            "scope": self.scope,
            "term_start": self.term_start.isoformat(),
            "term_end": self.term_end.isoformat() if self.term_end else None,
            "languages": self.languages,
            "mediators_see_readiness": self.mediators_see_readiness,
            "two_factor_required": self.two_factor_required,
            "held_meetings_audience": self.held_meetings_audience,
            "refused_venues": self.refused_venues,
            "response_period_days": self.response_period_days,
            "deadline_timezone": self.deadline_timezone,
            "note": self.note,
        }


class Process(models.Model):
    """One dialogue track, run under exactly one mandate version at a time."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        CLOSED = "closed", _("closed")

    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="processes")
    mandate_version = models.ForeignKey(MandateVersion, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "processes"

    def __str__(self) -> str:
        return self.title


class Party(models.Model):
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="parties")
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["process", "id"]
        verbose_name_plural = "parties"
        constraints = [models.UniqueConstraint(fields=["process", "name"], name="party_unique_name")]

    def __str__(self) -> str:
        return self.name


class DelegationRole(models.TextChoices):
    HEAD = "head", _("head of delegation")
    DELEGATE = "delegate", _("delegate")
    SIGNATORY = "signatory", _("signatory")


class DelegationMembership(models.Model):
    """A user representing a party in one role; a person may hold several roles."""

    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations")
    role = models.CharField(_("role"), max_length=16, choices=DelegationRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["party", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["party", "user", "role"], name="membership_unique"),
            models.UniqueConstraint(fields=["party"], condition=models.Q(role="head"), name="one_head_per_party"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()} of {self.party}"


class AppointmentRole(models.TextChoices):
    MEDIATOR = "mediator", _("mediator")
    OBSERVER = "observer", _("observer")
    MONITOR = "monitor", _("monitor")
    # Vouches for the execution of commitments: files reports like a monitor and is told of escalations.
    GUARANTOR = "guarantor", _("guarantor")


class Appointment(models.Model):
    """A mediator appointed, an observer admitted, or a monitor or guarantor named under the mandate."""

    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="appointments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments")
    role = models.CharField(_("role"), max_length=16, choices=AppointmentRole.choices)
    organisation = models.CharField(_("on behalf of"), max_length=200, blank=True)
    mandate_version = models.ForeignKey(MandateVersion, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["process", "role", "user__username"]
        constraints = [models.UniqueConstraint(fields=["process", "user", "role"], name="appointment_unique")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()} in {self.process}"
