"""Agreements: a negotiating text adopted by joint consent, frozen as canonical bytes, the
commitments it creates, and the signatures on it.

An ``Agreement`` holds the exact bytes every signature signs (``canonical``: RFC 8785 JSON of
``goodoffices.lib.agreement_doc``) and their SHA-256; neither ever changes once written. Its audience
follows the joint consent that adopted it (``public`` or ``plenary``).

A ``Commitment`` is one commitment of the agreement's document, copied out of the canonical bytes
at adoption so that it can be listed, monitored and reported on. What it says (clause, obligor,
action, category, deadline or schedule, verification, monitors) never changes; what is known of its
execution (``status`` on the Peace Accords Matrix 0-3 scale, ``breach``, ``overdue``,
``completed_on``) changes only through the monitoring services, each change an event.

An ``Adoption`` is one putting of a text's version to adoption: the joint consent of every party is
bound to the SHA-256 of the canonical bytes it would produce, and it fixes the audience (public or
plenary) and the date written into the document. A ``SigningKey`` is the public half of a key one
person holds for signing in one process (the private half never reaches the server); a ``Signature``
is one Ed25519 signature of an agreement's canonical bytes by such a key, checked before it is kept.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
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
    # The document rendered at adoption, in its own language, and the SHA-256 of each rendering: kept
    # as made, so that the digests published beside the canonical bytes stay true whatever the
    # renderer's version later.
    html = models.BinaryField(default=b"")
    html_sha256 = models.CharField(max_length=64, default="")
    pdf = models.BinaryField(default=b"")
    pdf_sha256 = models.CharField(max_length=64, default="")

    class Meta:
        ordering = ["-adopted_at", "-id"]
        indexes = [models.Index(fields=["process", "-adopted_at", "-id"], name="agreement_process_idx")]

    def __str__(self) -> str:
        return self.title

    # The frozen bytes (tens of kilobytes each, the PDF with its fonts): read only where they are
    # served or checked, never with a list or a record that merely names the agreement.
    FROZEN = ("canonical", "html", "pdf")

    @classmethod
    def frozen(cls, *paths: str) -> tuple[str, ...]:
        """``FROZEN`` as seen through each relation path (``"agreement"``, ...), for ``defer``;
        the agreement's own with no path."""
        return tuple(f"{path}__{name}" if path else name for path in (paths or ("",)) for name in cls.FROZEN)


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


class Adoption(models.Model):
    """A text's version put to adoption by the mediators: what every party's consent is bound to.

    ``sha256`` is the digest of the canonical bytes the adoption produces (the agreement's
    ``sha256`` once adopted): the version's clauses, the commitments tagged on them, the parties,
    ``adopted_on`` and the rest of the document. ``agreement_audience`` is what the parties are asked
    to adopt it as (public or plenary); the adoption itself, like the text, is the plenary's. Its
    joint consent (purpose ``adoption``) is open until every party consented, or until the text is
    put to adoption again; ``agreement`` is set when adopted.
    """

    text = models.ForeignKey(Text, on_delete=models.PROTECT, related_name="adoptions")
    version = models.PositiveIntegerField()
    agreement_audience = models.CharField(max_length=40)
    adopted_on = models.DateField()
    sha256 = models.CharField(max_length=64)
    put_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    put_at = models.DateTimeField()
    agreement = models.OneToOneField(
        Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="adoption"
    )

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agreement_audience__in=["public", "plenary"]), name="adoption_agreement_audience"
            ),
            models.CheckConstraint(condition=Exact(Length("sha256"), 64), name="adoption_sha256_hex"),
        ]

    def __str__(self) -> str:
        return f"adoption #{self.pk} of {self.text_id} v{self.version}"

    @property
    def process(self) -> Process:
        return self.text.process

    @property
    def audience(self) -> str:
        """Who sees the adoption: the plenary, as the text it adopts."""
        return audience.PLENARY


class SigningKey(models.Model):
    """The public half of an Ed25519 key that one person holds for signing agreements in one process.

    ``public_key`` is the raw 32 bytes and ``fingerprint`` their SHA-256 (hex); a key is registered
    once, by one person, ever: retired, it stays retired. ``origin`` says where the private key was
    made: in the signatory's browser (WebCrypto, not extractable), with openssl on their own machine,
    or by the demo loader (the demo's made-up signatories only). Registering and retiring a key are
    events: anyone who may see the process sees which keys each person held when.
    """

    class Origin(models.TextChoices):
        WEBCRYPTO = "webcrypto", _("made in the browser (WebCrypto), not extractable")
        OPENSSL = "openssl", _("made with openssl by its holder")
        DEMO = "demo", _("made by the demo loader")

    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="signing_keys")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signing_keys")
    public_key = models.BinaryField(max_length=32)
    fingerprint = models.CharField(max_length=64, unique=True)
    origin = models.CharField(max_length=16, choices=Origin.choices)
    label = models.CharField(_("label"), max_length=80, blank=True)
    registered_at = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-registered_at", "-id"]
        indexes = [models.Index(fields=["process", "user"], name="signing_key_holder_idx")]
        constraints = [
            models.CheckConstraint(condition=Exact(Length("public_key"), 32), name="signing_key_raw_32_bytes"),
            models.CheckConstraint(condition=Exact(Length("fingerprint"), 64), name="signing_key_fingerprint_hex"),
        ]

    def __str__(self) -> str:
        return f"key {self.fingerprint[:16]} of {self.user}"

    @property
    def active(self) -> bool:
        return self.retired_at is None

    @property
    def audience(self) -> str:
        """Everyone admitted to the process sees the keys held in it."""
        return audience.PROCESS


class Signature(models.Model):
    """One Ed25519 signature of an agreement's canonical bytes, checked against ``key`` before it was kept.

    A party's signatory signs for the party (``role`` ``signatory``, one signature per party); a
    mediator or guarantor signs as a ``witness`` (``party`` empty, ``organisation`` the body it
    serves). The agreement enters into force when every party has signed.
    """

    class Role(models.TextChoices):
        SIGNATORY = "signatory", _("signatory")
        WITNESS = "witness", _("witness")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="signatures")
    key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(Party, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, choices=Role.choices)
    organisation = models.CharField(max_length=200, blank=True)
    signature = models.BinaryField(max_length=64)
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["agreement", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "party"], condition=models.Q(party__isnull=False), name="one_signature_per_party"
            ),
            models.UniqueConstraint(fields=["agreement", "signer"], name="one_signature_per_signer"),
            models.CheckConstraint(
                condition=models.Q(role="signatory", party__isnull=False)
                | models.Q(role="witness", party__isnull=True),
                name="signature_role_matches_party",
            ),
            models.CheckConstraint(condition=Exact(Length("signature"), 64), name="signature_raw_64_bytes"),
        ]

    def __str__(self) -> str:
        return f"signature of {self.signer} on {self.agreement_id}"

    @property
    def process(self) -> Process:
        return self.agreement.process

    @property
    def audience(self) -> str:
        return self.agreement.audience
