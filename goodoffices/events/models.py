from django.conf import settings
from django.db import models


class EventKind(models.TextChoices):
    FRAMEWORK_CREATED = "framework.created"
    FRAMEWORK_OPERATOR_ADDED = "framework.operator_added"
    MANDATE_CREATED = "mandate.created"
    MANDATE_AMENDED = "mandate.amended"
    PROCESS_CREATED = "process.created"
    APPOINTMENT_MADE = "appointment.made"
    APPOINTMENT_ENDED = "appointment.ended"
    DELEGATION_MEMBER_ADDED = "delegation.member_added"
    DELEGATION_MEMBER_REMOVED = "delegation.member_removed"
    ACCOUNT_TOKEN_CREATED = "account.token_created"
    ACCOUNT_TOKEN_REVOKED = "account.token_revoked"
    ACCOUNT_TWO_FACTOR_ENABLED = "account.two_factor_enabled"
    ACCOUNT_PASSWORD_RESET = "account.password_reset"
    DEMO_LOADED = "demo.loaded"
    CALENDAR_FEED_CREATED = "account.calendar_feed_created"
    CALENDAR_FEED_REVOKED = "account.calendar_feed_revoked"
    PROPOSAL_CREATED = "proposal.created"
    PROPOSAL_COUNTERED = "proposal.countered"
    PROPOSAL_DECLINED = "proposal.declined"
    PROPOSAL_WITHDRAWN = "proposal.withdrawn"
    CONSENT_GIVEN = "consent.given"
    CONSENT_WITHDRAWN = "consent.withdrawn"
    CONSENT_REACHED = "consent.reached"
    MEETING_CONFIRMED = "meeting.confirmed"
    MEETING_HELD = "meeting.held"
    MEETING_POSTPONED = "meeting.postponed"
    MEETING_CANCELLED = "meeting.cancelled"
    MEETING_DECLASSIFICATION_REQUESTED = "meeting.declassification_requested"
    MEETING_DECLASSIFIED = "meeting.declassified"
    MINUTES_DRAFTED = "minutes.drafted"
    MINUTES_APPROVED = "minutes.approved"
    COMMUNIQUE_DRAFTED = "communique.drafted"
    COMMUNIQUE_AMENDED = "communique.amended"
    COMMUNIQUE_PUBLISHED = "communique.published"
    LEDGER_OPENED = "ledger.opened"
    LEDGER_WITNESS_ADDED = "ledger.witness_added"
    LEDGER_WITNESS_REMOVED = "ledger.witness_removed"
    LEDGER_KEY_ROTATED = "ledger.key_rotated"
    CAUCUS_MESSAGE_POSTED = "caucus.message_posted"
    CAUCUS_DOCUMENT_UPLOADED = "caucus.document_uploaded"
    LEDGER_COVER_OPENED = "ledger.cover_opened"
    TEXT_CREATED = "text.created"
    TEXT_REVISED = "text.revised"
    TEXT_COMMENT_ADDED = "text.comment_added"
    AMENDMENT_PROPOSED = "amendment.proposed"
    AMENDMENT_TAKEN_IN = "amendment.taken_in"
    AMENDMENT_NOT_TAKEN_IN = "amendment.not_taken_in"
    POSITION_SET = "position.set"
    COMMITMENT_TAGGED = "commitment.tagged"
    COMMITMENT_UNTAGGED = "commitment.untagged"
    ANALYSIS_CREATED = "analysis.created"
    PREFERENCES_SET = "analysis.preferences_set"


class Event(models.Model):
    """The typed record of one state change. Append-only: the database refuses UPDATE
    and DELETE on this table (see the migration that installs the triggers).

    ``seq`` numbers events 0, 1, 2, ... with no gaps, in commit order: the ledger's integrator
    takes events by it, and it is never shown to anyone (readers see ``public_id``, which says
    nothing of how many events they may not see). ``salt`` is what a sealed ledger entry commits
    with, so that a non-public event reveals nothing until its opening publishes the salt and the
    content; ``public_id`` is derived from it. Events recorded before public ids existed have
    none, and keep their original canonical form (with ``seq``).
    """

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    kind = models.CharField(max_length=64, choices=EventKind.choices)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    process = models.ForeignKey(
        "processes.Process",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=64)
    audience = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    salt = models.CharField(max_length=64, editable=False)
    # Null marks the events recorded before public ids, which keep their first canonical form.
    public_id = models.CharField(max_length=32, null=True, editable=False)  # noqa: DJ001

    class Meta:
        ordering = ["seq"]
        # (process, seq): a reader's newest events are read backwards along it, whatever the set of
        # audiences the reader may see (an IN over audiences cannot use the first index's order).
        indexes = [models.Index(fields=["process", "audience", "seq"]), models.Index(fields=["process", "seq"])]
        constraints = [
            # Conditional, so that adding it never rebuilds the append-only table.
            models.UniqueConstraint(
                fields=["public_id"], condition=models.Q(public_id__isnull=False), name="event_public_id_unique"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}"


class EventCounter(models.Model):
    """One row holding the next sequence number. Locking it serialises event writers,
    which is what makes ``Event.seq`` gapless under concurrent transactions."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    next_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="event_counter_single_row")]

    def __str__(self) -> str:
        return f"next event #{self.next_seq}"
