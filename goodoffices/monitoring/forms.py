from datetime import date
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from goodoffices.agreements.models import Commitment

from .evidence import MAX_FILES
from .models import MAX_SOURCES, MAX_SUMMARY, ReportAnswer, ReportAudience
from .services import MAX_ANSWER, SourceIn


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Any number of files (the service bounds them and checks each by its content)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(EvidenceField, self).clean(item, initial) for item in items]


SOURCES_HELP = _(
    "One source per line: its address, the date you read it (YYYY-MM-DD), then a title if you like. "
    "For example: https://example.org/news/1 2023-02-22 Order of the Court"
)


class SourcesField(forms.CharField):
    """Lines of ``URL DATE [title]``; the service checks each address and date."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", SOURCES_HELP)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[SourceIn]:
        text = super().clean(value) or ""
        sources: list[SourceIn] = []
        errors: list[str] = []
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if len(lines) > MAX_SOURCES:
            raise forms.ValidationError(_("At most %(count)d sources.") % {"count": MAX_SOURCES})
        for number, line in enumerate(lines, start=1):
            parts = line.split(maxsplit=2)
            try:
                read_on = date.fromisoformat(parts[1]) if len(parts) > 1 else None
            except ValueError:
                read_on = None
            if read_on is None:
                errors.append(
                    str(_("Line %(line)d: give the address, then the date read as YYYY-MM-DD.") % {"line": number})
                )
                continue
            sources.append(SourceIn(url=parts[0], read_on=read_on, title=parts[2] if len(parts) > 2 else ""))
        if errors:
            raise forms.ValidationError(errors)
        return sources


class ReportForm(forms.Form):
    observed_on = forms.DateField(label=_("Observed on"), widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.TypedChoiceField(label=_("Status observed"), choices=Commitment.Status.choices, coerce=int)
    breach = forms.BooleanField(label=_("The commitment is breached"), required=False)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=MAX_SUMMARY,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was observed, neutrally, as a monitor writes it."),
    )
    audience = forms.ChoiceField(label=_("Who reads this report"), choices=ReportAudience.choices)
    sources = SourcesField(label=_("Sources"))
    evidence = EvidenceField(
        label=_("Evidence files"),
        help_text=_("Up to %(count)d files: PDF, PNG, JPEG, DOCX, ODT, XLSX or plain text, checked by content.")
        % {"count": MAX_FILES},
    )

    def __init__(self, *args: Any, audiences: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if audiences is not None:
            field = self.fields["audience"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(value, label) for value, label in ReportAudience.choices if value in audiences]


class AnswerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Respond or contest"), choices=ReportAnswer.Kind.choices)
    body = forms.CharField(
        label=_("Your party's answer"), max_length=MAX_ANSWER, widget=forms.Textarea(attrs={"rows": 4})
    )
    sources = SourcesField(label=_("Sources"))
    evidence = EvidenceField(label=_("Evidence files"))
