import zoneinfo
from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goodoffices.processes.models import Process

from .models import MeetingFormat, Modality
from .terms import ProposalTerms, SlotIn

SLOT_ROWS = 3


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    format = forms.ChoiceField(label=_("Format"), choices=MeetingFormat.choices)
    modality = forms.ChoiceField(label=_("In person or online"), choices=Modality.choices)
    venue = forms.CharField(label=_("Venue"), max_length=200)
    timezone = forms.ChoiceField(label=_("Venue time zone"))
    agenda = forms.MultipleChoiceField(
        label=_("Agenda (within the mandate's scope)"), widget=forms.CheckboxSelectMultiple
    )
    delegation_size = forms.IntegerField(label=_("Delegation size per party"), min_value=1, max_value=50, initial=5)
    interpretation = forms.BooleanField(label=_("Interpretation provided"), required=False)

    def __init__(self, *args: object, process: Process, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["agenda"].choices = [(t, t) for t in process.mandate_version.scope]  # type: ignore[attr-defined]
        self.fields["timezone"].choices = [(z, z) for z in sorted(zoneinfo.available_timezones())]  # type: ignore[attr-defined]
        for i in range(SLOT_ROWS):
            required = i == 0
            self.fields[f"slot{i}_start"] = forms.DateTimeField(
                label=_("Slot %(n)s starts (venue time)") % {"n": i + 1},
                required=required,
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
            )
            self.fields[f"slot{i}_end"] = forms.DateTimeField(
                label=_("Slot %(n)s ends (venue time)") % {"n": i + 1},
                required=required,
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for i in range(SLOT_ROWS):
            start, end = cleaned.get(f"slot{i}_start"), cleaned.get(f"slot{i}_end")
            if bool(start) != bool(end):
                self.add_error(f"slot{i}_end" if start else f"slot{i}_start", _("Give both the start and the end."))
        return cleaned

    @staticmethod
    def initial_from(terms: ProposalTerms | None) -> dict[str, Any]:
        """The form filled in from existing terms (a counter-proposal starts from what it answers)."""
        if terms is None:
            return {"timezone": "Europe/Zurich"}
        return {
            "title": terms.title,
            "format": terms.format,
            "modality": terms.modality,
            "venue": terms.venue,
            "timezone": terms.timezone,
            "agenda": list(terms.agenda),
            "delegation_size": terms.delegation_size,
            "interpretation": terms.interpretation,
        }

    def terms(self) -> ProposalTerms:
        """The terms as typed; the service decides whether they are reasonable."""
        data = self.cleaned_data
        slots = []
        for i in range(SLOT_ROWS):
            start, end = data.get(f"slot{i}_start"), data.get(f"slot{i}_end")
            if start and end:
                slots.append(SlotIn(_venue_time(start), _venue_time(end)))
        return ProposalTerms.of(
            title=data["title"],
            format=data["format"],
            modality=data["modality"],
            venue=data["venue"],
            timezone=data["timezone"],
            agenda=data["agenda"],
            delegation_size=data["delegation_size"],
            interpretation=data["interpretation"],
            slots=slots,
        )


def _venue_time(value: datetime) -> datetime:
    # datetime-local is the venue's wall-clock time: drop the reader's zone Django added.
    return timezone.make_naive(value) if timezone.is_aware(value) else value


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class TextForm(forms.Form):
    text = forms.CharField(label=_("Text"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))


class HeldForm(forms.Form):
    attendance = forms.MultipleChoiceField(label=_("Who attended"), required=False, widget=forms.CheckboxSelectMultiple)
    outcomes = forms.CharField(
        label=_("Outcomes"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: object, people: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["attendance"].choices = people  # type: ignore[attr-defined]
