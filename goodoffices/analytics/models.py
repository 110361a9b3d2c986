"""An analysis of a process's issues, and each party's private preferences over them.

An ``Analysis`` is plenary: its issues and options are what the parties negotiate (defined by the
mediators or drawn from a negotiating text's bracketed alternatives), so the parties and the mediators
see them. A ``Preference`` is one party's numbers for one analysis, in that party's caucus
(``caucus:<party>``): its delegation and the mediators see it, no other party does.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from goodoffices.lib import audience
from goodoffices.processes.models import Party, Process
from goodoffices.texts.models import Text


class Analysis(models.Model):
    """Issues with options, and the package on the table.

    ``issues`` is ``[{"name", "options": [name, ...], "clause", "bracket"}]`` (``clause`` and
    ``bracket``, 1-based, when drawn from ``text`` at ``text_version``, else null); ``baseline`` is one
    option index per issue: the package the text holds now, against which gains are measured.
    """

    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="analyses")
    title = models.CharField(_("title"), max_length=200)
    issues = models.JSONField()
    baseline = models.JSONField()
    text = models.ForeignKey(Text, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text_version = models.PositiveIntegerField(null=True, blank=True)
    audience = models.CharField(max_length=40, default=audience.PLENARY)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["process", "id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(text__isnull=True, text_version__isnull=True)
                | models.Q(text__isnull=False, text_version__isnull=False),
                name="analysis_text_has_version",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def option_names(self) -> list[list[str]]:
        return [list(issue["options"]) for issue in self.issues]


class Preference(models.Model):
    """One party's weights (one per issue) and option values (one per option), integers 0 to 100.

    A party's utility for an option is ``weight * value``; for a package, the sum over the issues.
    ``commitment`` is ``SHA-256(salt + canonical JSON of the numbers)``: what the event records, so the
    ledger proves what was entered without showing it, even once opened.
    """

    analysis = models.ForeignKey(Analysis, on_delete=models.PROTECT, related_name="preferences")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    weights = models.JSONField()
    values = models.JSONField()
    salt = models.CharField(max_length=64)
    commitment = models.CharField(max_length=64)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["analysis", "party"]
        constraints = [
            models.UniqueConstraint(fields=["analysis", "party"], name="preference_unique"),
            models.CheckConstraint(condition=Exact(Length("commitment"), 64), name="preference_commitment_hex"),
        ]

    def __str__(self) -> str:
        return f"preferences of {self.party_id} in analysis #{self.analysis_id}"

    @property
    def process(self) -> Process:
        return self.analysis.process

    @property
    def audience(self) -> str:
        """Always the caucus of ``party``: derived, so it cannot drift from the party."""
        return audience.caucus(self.party_id)

    def utilities(self) -> list[list[int]]:
        """``utilities[j][k]``: this party's utility for option ``k`` of issue ``j``."""
        return [[int(w) * int(v) for v in row] for w, row in zip(self.weights, self.values, strict=True)]

    def numbers(self) -> dict[str, Any]:
        return {"weights": list(self.weights), "values": [list(row) for row in self.values]}
