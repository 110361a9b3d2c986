from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact


class StoredHash(models.Model):
    """One hash of the Merkle tree, in Go tlog's stored-hash order (see lib/ledger/storage.py).

    Appending the leaf of event ``seq`` stores its leaf hash and the hashes of the
    subtrees it completes; nothing is ever changed or removed (database triggers
    refuse UPDATE and DELETE), so a row once read stays true for every later tree.
    """

    index = models.PositiveBigIntegerField(primary_key=True)
    hash = models.BinaryField(max_length=32)

    class Meta:
        ordering = ["index"]
        constraints = [models.CheckConstraint(condition=Exact(Length("hash"), 32), name="stored_hash_is_32_bytes")]

    def __str__(self) -> str:
        return f"stored hash {self.index}"


class Witness(models.Model):
    """An independent party that checks the log only grows and cosigns its checkpoints.

    ``vkey`` is its cosignature verifier key (``<name>+<key id>+<base64 0x04 || key>``).
    """

    name = models.CharField(max_length=200)
    key_id = models.PositiveBigIntegerField()
    vkey = models.CharField(max_length=400, unique=True)
    active = models.BooleanField(default=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "key_id"], name="witness_unique_key")]

    def __str__(self) -> str:
        return self.name


class Cosignature(models.Model):
    """A witness's verified cosignature of the checkpoint at ``tree_size`` with ``root``.

    Not an event: recording one would grow the tree, and the checkpoint it cosigned
    would stop being the current one. The signature is self-authenticating anyway.
    """

    witness = models.ForeignKey(Witness, on_delete=models.PROTECT, related_name="cosignatures")
    tree_size = models.PositiveBigIntegerField()
    root = models.BinaryField(max_length=32)
    # 8-byte timestamp followed by the 64-byte Ed25519 signature, as in the note line.
    signature = models.BinaryField(max_length=72)
    received_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tree_size", "witness__name"]
        constraints = [models.UniqueConstraint(fields=["witness", "tree_size"], name="one_cosignature_per_size")]

    def __str__(self) -> str:
        return f"{self.witness} at {self.tree_size}"


class LedgerState(models.Model):
    """The log as integrated so far: one row. Each epoch moves it forward in one transaction
    with the leaves it adds, so a log is always exactly a whole number of epochs."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.PositiveBigIntegerField(default=0, help_text="leaves in the tree")
    events_integrated = models.PositiveBigIntegerField(
        default=0, help_text="every event with a lower seq has its leaf; the rest wait for the next epoch"
    )
    epochs = models.PositiveBigIntegerField(default=0)
    integrated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="ledger_state_single_row")]

    def __str__(self) -> str:
        return f"{self.size} leaves after {self.epochs} epochs"


class Leaf(models.Model):
    """Leaf ``index`` of the tree: an event's entry, or a cover entry (a sealed commitment to
    random bytes that pads an epoch). Within an epoch, leaves are in the order of their hashes,
    so a leaf's place says nothing more than its epoch. Append-only, like the stored hashes."""

    index = models.PositiveBigIntegerField(primary_key=True)
    epoch = models.PositiveBigIntegerField()
    event = models.OneToOneField("events.Event", null=True, blank=True, on_delete=models.PROTECT, related_name="leaf")
    # A cover entry commits to ``cover_nonce`` with ``cover_salt``; both are kept so the platform
    # can open a cover for an audit, and never shown otherwise.
    cover_salt = models.CharField(max_length=64, blank=True)
    cover_nonce = models.CharField(max_length=64, blank=True)
    hash = models.BinaryField(max_length=32)

    class Meta:
        ordering = ["index"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(event__isnull=False) & models.Q(cover_salt=""))
                | (models.Q(event__isnull=True) & ~models.Q(cover_salt="") & ~models.Q(cover_nonce="")),
                name="leaf_is_an_event_or_a_cover",
            ),
            models.CheckConstraint(condition=Exact(Length("hash"), 32), name="leaf_hash_is_32_bytes"),
        ]

    def __str__(self) -> str:
        return f"leaf {self.index}"


class KeyRotation(models.Model):
    """The log's signing key handed over to a new one (``goodoffices ledger rotate-key``).

    ``handover`` is the signed note in which the old key names the new one; it is empty only when
    the operator recorded the old key as lost, and then verifiers holding the old key refuse the new
    one until they are given it through a channel they trust. Each rotation is a public event.
    """

    old_key = models.CharField(max_length=400, blank=True, help_text="empty when the old key was lost")
    new_key = models.CharField(max_length=400, unique=True)
    handover = models.TextField(blank=True)
    rotated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"key handover to {self.new_key}"
