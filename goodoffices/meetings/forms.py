import zoneinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from goodoffices.processes.models import Process

from .models import MeetingFormat, Modality

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

    def slot_pairs(self) -> list[tuple[object, object]]:
        pairs = []
        for i in range(SLOT_ROWS):
            start, end = self.cleaned_data.get(f"slot{i}_start"), self.cleaned_data.get(f"slot{i}_end")
            if start or end:
                pairs.append((start, end))
        return pairs


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
