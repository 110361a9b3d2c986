from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


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
    ADOPTION_PUT = "adoption.put"
    AGREEMENT_ADOPTED = "agreement.adopted"
    SIGNING_KEY_REGISTERED = "signing_key.registered"
    SIGNING_KEY_RETIRED = "signing_key.retired"
    AGREEMENT_SIGNED = "agreement.signed"
    AGREEMENT_IN_FORCE = "agreement.in_force"
    # Monitoring of commitments (issue 12): a report (and the change of status it makes), an
    # obligor's response or contest, an escalation by the worker.
    REPORT_FILED = "report.filed"
    REPORT_ANSWERED = "report.answered"
    COMMITMENT_ESCALATED = "commitment.escalated"
    ANALYSIS_CREATED = "analysis.created"
    PREFERENCES_SET = "analysis.preferences_set"


# What each kind of event is called on the pages (the activity, a process, the ledger), keyed by the
# kind's value. Kept apart from the choices so that a new name does not rewrite the column's
# migration; tests/test_i18n.py fails while a kind has no name here.
KIND_NAMES: dict[str, Promise] = {
    "framework.created": _("Framework created"),
    "framework.operator_added": _("Operator added to the framework"),
    "mandate.created": _("Mandate issued"),
    "mandate.amended": _("Mandate amended"),
    "process.created": _("Process opened"),
    "appointment.made": _("Appointment made"),
    "appointment.ended": _("Appointment ended"),
    "delegation.member_added": _("Member added to a delegation"),
    "delegation.member_removed": _("Member removed from a delegation"),
    "account.token_created": _("API token created"),
    "account.token_revoked": _("API token revoked"),
    "account.two_factor_enabled": _("Two-factor sign-in turned on"),
    "account.password_reset": _("Password reset"),
    "demo.loaded": _("Demonstration data loaded"),
    "account.calendar_feed_created": _("Calendar feed created"),
    "account.calendar_feed_revoked": _("Calendar feed revoked"),
    "proposal.created": _("Meeting proposed"),
    "proposal.countered": _("Counter-proposal made"),
    "proposal.declined": _("Proposal declined"),
    "proposal.withdrawn": _("Proposal withdrawn"),
    "consent.given": _("Consent given"),
    "consent.withdrawn": _("Consent withdrawn"),
    "consent.reached": _("Joint consent reached"),
    "meeting.confirmed": _("Meeting confirmed"),
    "meeting.held": _("Meeting held"),
    "meeting.postponed": _("Meeting postponed"),
    "meeting.cancelled": _("Meeting cancelled"),
    "meeting.declassification_requested": _("Declassification requested"),
    "meeting.declassified": _("Meeting declassified"),
    "minutes.drafted": _("Minutes drafted"),
    "minutes.approved": _("Minutes approved"),
    "communique.drafted": _("Communiqué drafted"),
    "communique.amended": _("Communiqué amended"),
    "communique.published": _("Communiqué published"),
    "ledger.opened": _("Transparency log opened"),
    "ledger.witness_added": _("Witness added"),
    "ledger.witness_removed": _("Witness removed"),
    "ledger.key_rotated": _("Log signing key replaced"),
    "caucus.message_posted": _("Message posted in caucus"),
    "caucus.document_uploaded": _("Document shared in caucus"),
    "ledger.cover_opened": _("Sealed entry opened"),
    "text.created": _("Negotiating text created"),
    "text.revised": _("Negotiating text revised"),
    "text.comment_added": _("Comment on a text"),
    "amendment.proposed": _("Amendment proposed"),
    "amendment.taken_in": _("Amendment taken into the text"),
    "amendment.not_taken_in": _("Amendment not taken into the text"),
    "position.set": _("Position stated"),
    "commitment.tagged": _("Commitment marked"),
    "commitment.untagged": _("Commitment mark removed"),
    # Agreements (issue 11).
    "adoption.put": _("Text put to adoption"),
    "agreement.adopted": _("Agreement adopted by joint consent"),
    "signing_key.registered": _("Signing key registered"),
    "signing_key.retired": _("Signing key retired"),
    "agreement.signed": _("Agreement signed"),
    "agreement.in_force": _("Agreement entered into force"),
    # Monitoring of commitments (issue 12).
    "report.filed": _("Report filed"),
    "report.answered": _("Report answered"),
    "commitment.escalated": _("Commitment escalated"),
    # Negotiation analytics (issue 13).
    "analysis.created": _("Analysis opened"),
    "analysis.preferences_set": _("Preferences entered"),
}


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

    @property
    def kind_name(self) -> str:
        """What this kind of event is called, in the active language."""
        return str(KIND_NAMES.get(self.kind, self.kind))


class EventCounter(models.Model):
    """One row holding the next sequence number. Locking it serialises event writers,
    which is what makes ``Event.seq`` gapless under concurrent transactions."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    next_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="event_counter_single_row")]

    def __str__(self) -> str:
        return f"next event #{self.next_seq}"
