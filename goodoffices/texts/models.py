"""Negotiating texts: the single text the mediators keep, its versions, and what the parties say about it.

The words of a text live in its versions (``TextVersion``): each holds one version of the text as
the JSON of ``goodoffices.lib.negotiating_text`` and its SHA-256, and no version ever changes.
Everything the parties and mediators add (amendments, positions, comments, tagged commitments)
names a clause by its stable id and carries an audience: ``plenary``, or ``caucus:<party>`` for
what a party says to the mediators alone.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from goodoffices.lib import audience
from goodoffices.lib.negotiating_text import NegotiatingText
from goodoffices.processes.models import Party, Process

from .categories import CATEGORIES


class Text(models.Model):
    """A negotiating text of a process, kept by its mediators.

    ``version`` is the number of the current version and ``title`` its title (both kept with the
    version by the services, for lists that do not read the words). A text is plenary: declassifying
    a text (by joint consent) is not built yet, so ``audience`` is always ``plenary``.
    """

    class Status(models.TextChoices):
        DRAFTING = "drafting", _("being negotiated")
        # Set by adoption (issue 11, item 3), which is built on the joint consent: from then on
        # the text no longer changes.
        ADOPTED = "adopted", _("adopted")

    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="texts")
    title = models.CharField(_("title"), max_length=200)
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFTING)
    audience = models.CharField(max_length=40, default=audience.PLENARY)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=models.Q(version__gte=1), name="text_version_positive")]

    def __str__(self) -> str:
        return self.title


class TextVersion(models.Model):
    """One version of a text: never changed once written.

    ``content`` is ``NegotiatingText.to_json()`` and ``sha256`` the digest of its canonical bytes
    (RFC 8785): what a consent to adopt this exact version names. ``clause_versions`` maps each
    clause id to the number of the version that gave the clause its present words (heading included):
    a position given on an earlier version no longer counts as agreement to these words.
    """

    text = models.ForeignKey(Text, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    sha256 = models.CharField(max_length=64)
    clause_versions = models.JSONField(default=dict)
    note = models.TextField(_("note"), blank=True)
    amendment = models.OneToOneField(
        "Amendment", null=True, blank=True, on_delete=models.PROTECT, related_name="result"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["text", "number"]
        constraints = [
            models.UniqueConstraint(fields=["text", "number"], name="text_version_unique"),
            models.CheckConstraint(condition=Exact(Length("sha256"), 64), name="text_version_sha256_hex"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="text_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.text} v{self.number}"

    def document(self) -> NegotiatingText:
        """The version as the lib's immutable text."""
        return NegotiatingText.from_json(self.content)

    def canonical_bytes(self) -> bytes:
        """The exact bytes ``sha256`` is the digest of."""
        return self.document().canonical_bytes()


class Stance(models.TextChoices):
    """A party's position on a clause."""

    AGREE = "agree", _("agree")
    AGREE_AD_REFERENDUM = "agree_ad_referendum", _("agree ad referendum")
    RESERVE = "reserve", _("reserve")
    REJECT = "reject", _("reject")
    AMEND = "amend", _("amend")


class Amendment(models.Model):
    """An amendment a party proposes to a text (one lib amendment record), and the mediators' decision.

    ``base_version`` is the version it was proposed on; ``clause`` the clause it concerns (for an
    insertion, the new clause). Proposed in caucus (``caucus:<party>``), only that party and the
    mediators see it, even once its words are taken into the text.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("awaiting the mediators' decision")
        TAKEN_IN = "taken_in", _("taken into the text")
        NOT_TAKEN_IN = "not_taken_in", _("not taken into the text")

    text = models.ForeignKey(Text, on_delete=models.PROTECT, related_name="amendments")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    base_version = models.PositiveIntegerField()
    operation = models.JSONField()
    clause = models.CharField(max_length=64)
    note = models.TextField(_("explanation"), blank=True)
    audience = models.CharField(max_length=40, default=audience.PLENARY)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["text", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", decided_at__isnull=True)
                | (~models.Q(status="open") & models.Q(decided_at__isnull=False)),
                name="amendment_decided_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"amendment #{self.pk} to {self.clause}"

    @property
    def process(self) -> Process:
        return self.text.process


class Position(models.Model):
    """A party's position on one clause, given on one version, in the plenary or in its caucus.

    A party holds at most one position per clause in each of the two: what it says in caucus stays
    there. ``version`` is the version it was given on: when the clause's words change after it, the
    position is kept, shown as given on that version, and no longer counts as agreement.
    """

    text = models.ForeignKey(Text, on_delete=models.PROTECT, related_name="positions")
    clause = models.CharField(max_length=64)
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    stance = models.CharField(max_length=24, choices=Stance.choices)
    note = models.TextField(_("note"), blank=True)
    amendment = models.ForeignKey(Amendment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    audience = models.CharField(max_length=40, default=audience.PLENARY)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["text", "clause", "party", "audience"]
        constraints = [
            models.UniqueConstraint(fields=["text", "clause", "party", "audience"], name="position_unique"),
            models.CheckConstraint(
                condition=models.Q(stance="amend", amendment__isnull=False)
                | (~models.Q(stance="amend") & models.Q(amendment__isnull=True)),
                name="position_amend_has_amendment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party_id} on {self.clause}: {self.stance}"

    @property
    def process(self) -> Process:
        return self.text.process


class Comment(models.Model):
    """A comment on a clause, in the plenary or in one party's caucus."""

    text = models.ForeignKey(Text, on_delete=models.PROTECT, related_name="comments")
    clause = models.CharField(max_length=64)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    version = models.PositiveIntegerField()
    audience = models.CharField(max_length=40, default=audience.PLENARY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["text", "id"])]
        constraints = [models.CheckConstraint(condition=~models.Q(body=""), name="text_comment_not_empty")]

    def __str__(self) -> str:
        return f"comment #{self.pk} on {self.clause}"

    @property
    def process(self) -> Process:
        return self.text.process


class TaggedCommitment(models.Model):
    """A commitment a clause creates, tagged while drafting: who must do what by when, verified how and
    by whom. The fields are those of ``lib.agreement_doc.Commitment``; with neither ``deadline`` nor
    ``schedule`` it is continuous. Its audience is its text's."""

    text = models.ForeignKey(Text, on_delete=models.PROTECT, related_name="commitments")
    clause = models.CharField(max_length=64)
    obligor = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    action = models.TextField(_("action"))
    category = models.CharField(_("category"), max_length=64, choices=list(CATEGORIES.items()))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    schedule = models.CharField(_("schedule"), max_length=200, blank=True)
    verification = models.TextField(_("verification"), blank=True)
    monitors = models.JSONField(_("monitors"), default=list, blank=True)
    tagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__isnull=True) | models.Q(schedule=""),
                name="commitment_deadline_or_schedule",
            ),
        ]

    def __str__(self) -> str:
        return f"commitment #{self.pk} on {self.clause}"

    @property
    def process(self) -> Process:
        return self.text.process

    @property
    def audience(self) -> str:
        return self.text.audience

    def as_json(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "obligor": self.obligor_id,
            "action": self.action,
            "category": self.category,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "schedule": self.schedule or None,
            "verification": self.verification,
            "monitors": list(self.monitors),
        }
