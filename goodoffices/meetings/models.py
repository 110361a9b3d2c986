from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from goodoffices.lib import audience
from goodoffices.processes.models import Process


class MeetingFormat(models.TextChoices):
    DIRECT = "direct", _("direct talks")
    PROXIMITY = "proximity", _("proximity talks")
    SHUTTLE = "shuttle", _("shuttle diplomacy")


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    VIRTUAL = "virtual", _("virtual")
    HYBRID = "hybrid", _("hybrid")


class Proposal(models.Model):
    """A proposed meeting. Seen only by the mediators and the invited delegations
    (``plenary``) until a meeting that comes of it has been held.

    A counter-proposal is a new proposal whose ``parent`` is the one it answers; the
    parent is then ``countered`` and the chain keeps the history readable.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        COUNTERED = "countered", _("answered by a counter-proposal")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")
        CONFIRMED = "confirmed", _("confirmed")

    process = models.ForeignKey("processes.Process", on_delete=models.PROTECT, related_name="proposals")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="counters")
    reschedules = models.ForeignKey(
        "Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="reschedule_proposals"
    )
    title = models.CharField(_("title"), max_length=200)
    format = models.CharField(_("format"), max_length=16, choices=MeetingFormat.choices)
    modality = models.CharField(_("modality"), max_length=16, choices=Modality.choices)
    venue = models.CharField(_("venue"), max_length=200)
    timezone = models.CharField(_("venue time zone"), max_length=64)
    agenda = models.JSONField(_("agenda"), default=list)
    delegation_size = models.PositiveSmallIntegerField(_("delegation size per party"), default=5)
    languages = models.JSONField(_("languages"), default=list)
    interpretation = models.BooleanField(_("interpretation provided"), default=False)
    # Minutes per agenda item, where the proposer gave them.
    durations = models.JSONField(_("minutes per agenda item"), default=dict, blank=True)
    # Where a virtual or hybrid meeting is joined: for the plenary only.
    online_link = models.URLField(_("link to join online"), max_length=500, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposing_party = models.ForeignKey(
        "processes.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    decline_reason = models.TextField(_("reason"), blank=True)
    # The parties are asked to answer by then (optional, inside the mandate's term); one reminder
    # goes to the heads who have not answered a day before (worker job ``reply-reminders``).
    reply_by = models.DateTimeField(_("answer by"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    audience = models.CharField(max_length=40, default=audience.PLENARY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["process", "created_at", "id"]),
            models.Index(fields=["status", "reply_by"], name="proposal_reply_due"),
        ]

    def __str__(self) -> str:
        return self.title


class ProposalSlot(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="slots")
    index = models.PositiveSmallIntegerField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["proposal", "index"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "index"], name="slot_index_unique"),
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} slot {self.index}"


class Meeting(models.Model):
    """A confirmed proposal: scheduled, then held, postponed or cancelled."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        HELD = "held", _("held")
        POSTPONED = "postponed", _("postponed")
        CANCELLED = "cancelled", _("cancelled")

    class MinutesStatus(models.TextChoices):
        NONE = "none", _("no minutes yet")
        DRAFT = "draft", _("draft awaiting approval")
        APPROVED = "approved", _("approved by every party")

    process = models.ForeignKey("processes.Process", on_delete=models.PROTECT, related_name="meetings")
    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="meeting")
    title = models.CharField(max_length=200)
    format = models.CharField(max_length=16, choices=MeetingFormat.choices)
    modality = models.CharField(max_length=16, choices=Modality.choices)
    venue = models.CharField(max_length=200)
    timezone = models.CharField(max_length=64)
    agenda = models.JSONField(default=list)
    durations = models.JSONField(default=dict, blank=True)
    languages = models.JSONField(default=list, blank=True)
    interpretation = models.BooleanField(default=False)
    delegation_size = models.PositiveSmallIntegerField(default=5)
    # For the plenary only, whoever else later sees the meeting.
    online_link = models.URLField(max_length=500, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    # The calendar entry's SEQUENCE (RFC 5545): raised on every change a calendar must show.
    sequence = models.PositiveIntegerField(default=0)
    status_reason = models.TextField(blank=True)
    attendance = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    outcomes = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    minutes_version = models.PositiveIntegerField(default=0)
    minutes_status = models.CharField(max_length=12, choices=MinutesStatus.choices, default=MinutesStatus.NONE)
    held_at = models.DateTimeField(null=True, blank=True)
    audience = models.CharField(max_length=40, default=audience.PLENARY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["process", "starts_at", "id"]), models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("meeting", args=[self.pk])


class Communique(models.Model):
    """A joint public statement on a held meeting, published only when every party consents
    to the same version of its text.

    It is drafted in one language of the mandate (``language``, its original) and may have a
    language version in each other language of the mandate (``language_versions``), each marked
    equally authentic or for information only. ``version`` numbers the revisions of the whole:
    any change to the text or to a language version raises it, and a consent is to every text
    of that revision with its marking."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="communique")
    text = models.TextField()
    # The language ``text`` is written in: the communiqué's original language.
    language = models.CharField(_("original language"), max_length=8)
    version = models.PositiveIntegerField(default=1)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Communiqué on {self.meeting}"

    @property
    def audience(self) -> str:
        return audience.PUBLIC if self.status == self.Status.PUBLISHED else audience.PLENARY

    @property
    def process(self) -> "Process":
        return self.meeting.process

    def texts(self) -> list["CommuniqueText"]:
        """Every text of this revision: the original first, then each language version by its
        language code (read ``language_versions`` prefetched: no query per communiqué)."""
        others = sorted(self.language_versions.all(), key=lambda v: v.language)
        return [
            CommuniqueText(self.language, self.text, authentic=True, original=True),
            *(CommuniqueText(v.language, v.text, authentic=v.authentic, original=False) for v in others),
        ]


class CommuniqueLanguageVersion(models.Model):
    """The communiqué in another language of the mandate, marked equally authentic with the
    original or for information only. Part of the communiqué's revision: changed only by the
    services that raise its ``version``."""

    communique = models.ForeignKey(Communique, on_delete=models.CASCADE, related_name="language_versions")
    language = models.CharField(_("language"), max_length=8)
    text = models.TextField()
    authentic = models.BooleanField(_("equally authentic"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["communique", "language"], name="communique_language_once"),
        ]

    def __str__(self) -> str:
        return f"{self.communique} ({self.language})"


@dataclass(frozen=True)
class CommuniqueText:
    """One text of a communiqué as readers see it: its language, words and marking."""

    language: str
    text: str
    authentic: bool
    original: bool

    def as_record(self) -> dict[str, object]:
        """The form events and consent questions hold: language, text, authenticity."""
        return {"language": self.language, "text": self.text, "authentic": self.authentic}


class Notification(models.Model):
    """An in-app notice, created only for people who may see what it is about."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    process = models.ForeignKey("processes.Process", on_delete=models.PROTECT, related_name="+")
    message = models.CharField(max_length=200)
    params = models.JSONField(default=dict)
    url = models.CharField(max_length=200)
    # Worth an e-mail (now, or in the daily digest, as its reader chose).
    email = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "id"]), models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text()

    def text(self) -> str:
        """The message in the active language: stored untranslated, translated when read."""
        from .joint import render

        return render(self.message, self.params)


class CalendarFeed(models.Model):
    """A private, revocable ICS feed URL. Only the SHA-256 of its secret is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar of {self.user}"
