import re
import zoneinfo
from datetime import UTC, datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from goodoffices.mail.models import MailPreference
from goodoffices.processes.models import Process

from .joint import language_name
from .models import MeetingFormat, Modality
from .services.common import MAX_REASON, MAX_TEXT
from .terms import (
    MAX_LINK,
    MAX_MINUTES,
    MAX_SLOTS,
    MAX_TITLE,
    MAX_VENUE,
    MIN_MINUTES,
    ProposalTerms,
    SlotIn,
)

SLOT_ROWS = 3
# What a datetime-local input shows and takes.
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class VenueTimeField(forms.DateTimeField):
    """A wall-clock time at the venue, kept naive: the service reads it in the venue's zone (and
    refuses a time a daylight-saving change skips or repeats there), not in the reader's."""

    def to_python(self, value: Any) -> datetime | None:
        # Parsed as if in UTC, which has no gaps or folds; a time given with its own offset is
        # an instant and stays one, any other is venue time again once the zone is dropped.
        with timezone.override(UTC):
            parsed = super().to_python(value)
        if parsed is None or (isinstance(value, str) and _has_offset(value)):
            return parsed
        return timezone.make_naive(parsed, UTC)


def _has_offset(value: str) -> bool:
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        return False
    return parsed is not None and parsed.tzinfo is not None


class TopicsField(forms.MultipleChoiceField):
    """The mandate's topics as checkboxes. What is not one of them is refused by the service,
    in the mandate's words and the same as the API says it, not as an unknown choice."""

    def valid_value(self, value: str) -> bool:  # noqa: ARG002 - every value is the service's to judge
        return True


class ProposalForm(forms.Form):
    # Required and reasonable are the service's to say, in the same words as on the API.
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE, required=False)
    format = forms.ChoiceField(label=_("Format"), choices=MeetingFormat.choices)
    modality = forms.ChoiceField(label=_("In person or online"), choices=Modality.choices)
    venue = forms.CharField(label=_("Venue"), max_length=MAX_VENUE, required=False)
    # A searchable list of the zones of places (a datalist): typing "Baku" finds Asia/Baku.
    timezone = forms.CharField(
        label=_("Venue time zone"),
        required=False,
        max_length=64,
        help_text=_("Type a city or region to search the zones; it is filled in from a venue that is known."),
        widget=forms.TextInput(attrs={"list": "venue-zones", "autocomplete": "off", "spellcheck": "false"}),
    )
    agenda = TopicsField(
        label=_("Agenda (within the mandate's scope)"), widget=forms.CheckboxSelectMultiple, required=False
    )
    delegation_size = forms.IntegerField(label=_("Delegation size per party"), min_value=1, max_value=50, initial=5)
    interpretation = forms.BooleanField(label=_("Interpretation provided"), required=False)
    online_link = forms.CharField(
        label=_("Link to join online (virtual and hybrid meetings)"),
        required=False,
        max_length=MAX_LINK,
        help_text=_("Shown only to the parties and the mediators."),
        widget=forms.URLInput,
    )

    def __init__(
        self, *args: object, process: Process, slot_rows: int = SLOT_ROWS, for_party: bool = False, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.slot_rows = max(SLOT_ROWS, min(slot_rows, MAX_SLOTS))
        self.topics = list(process.mandate_version.scope)
        self.fields["agenda"].choices = [(t, t) for t in self.topics]  # type: ignore[attr-defined]
        for i, topic in enumerate(self.topics):
            self.fields[f"minutes_{i}"] = forms.IntegerField(
                label=_("Minutes for “%(topic)s” (optional)") % {"topic": topic},
                required=False,
                min_value=MIN_MINUTES,
                max_value=MAX_MINUTES,
            )
        for i in range(self.slot_rows):
            required = i == 0
            self.fields[f"slot{i}_start"] = VenueTimeField(
                label=_("Slot %(n)s starts (venue time)") % {"n": i + 1},
                required=required,
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
            )
            self.fields[f"slot{i}_end"] = VenueTimeField(
                label=_("Slot %(n)s ends (venue time)") % {"n": i + 1},
                required=required,
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
            )
        self.fields["reply_by"] = VenueTimeField(
            label=_("Ask the parties to answer by (venue time, optional)"),
            required=False,
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
            help_text=_("Those who have not answered are reminded once, a day before."),
        )
        if for_party:
            # Asked of a head of delegation: is its own party ready for the slots it proposes?
            self.fields["ready"] = forms.BooleanField(
                label=_("My party is ready for every slot I propose (sealed: no other party learns of it)"),
                required=False,
                initial=True,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for i in range(self.slot_rows):
            start, end = cleaned.get(f"slot{i}_start"), cleaned.get(f"slot{i}_end")
            if bool(start) != bool(end):
                self.add_error(f"slot{i}_end" if start else f"slot{i}_start", _("Give both the start and the end."))
        return cleaned

    def field_for_error(self, name: str) -> str | None:
        """The form field a service's error names: ``slots[1].ends_at`` is slot 2's end."""
        slot = re.fullmatch(r"slots(?:\[(\d+)\](?:\.(starts_at|ends_at))?)?", name)
        if slot is not None:
            index = int(slot[1] or 0)
            if index >= self.slot_rows:
                return None
            return f"slot{index}_end" if slot[2] == "ends_at" else f"slot{index}_start"
        duration = re.fullmatch(r"durations\[(.*)\]", name)
        if duration is not None and duration[1] in self.topics:
            return f"minutes_{self.topics.index(duration[1])}"
        base = name.split("[", 1)[0]
        return base if base in self.fields else None

    @staticmethod
    def initial_from(terms: ProposalTerms | None) -> dict[str, Any]:
        """The form filled in from existing terms: a counter-proposal starts from what it answers,
        its slots included (in the venue's time)."""
        if terms is None:
            return {}
        zone = zoneinfo.ZoneInfo(terms.timezone)
        slots: dict[str, Any] = {}
        for i, slot in enumerate(terms.slots):
            slots[f"slot{i}_start"] = slot.starts_at.astimezone(zone).replace(tzinfo=None)
            slots[f"slot{i}_end"] = slot.ends_at.astimezone(zone).replace(tzinfo=None)
        return slots | {
            "title": terms.title,
            "format": terms.format,
            "modality": terms.modality,
            "venue": terms.venue,
            "timezone": terms.timezone,
            "agenda": list(terms.agenda),
            "delegation_size": terms.delegation_size,
            "interpretation": terms.interpretation,
            "online_link": terms.online_link,
        }

    def terms(self) -> ProposalTerms:
        """The terms as typed; the service decides whether they are reasonable."""
        data = self.cleaned_data
        slots = []
        for i in range(self.slot_rows):
            start, end = data.get(f"slot{i}_start"), data.get(f"slot{i}_end")
            if start and end:
                slots.append(SlotIn(start, end))
        return ProposalTerms.of(
            title=data["title"],
            format=data["format"],
            modality=data["modality"],
            venue=data["venue"],
            timezone=data["timezone"],
            agenda=data["agenda"],
            delegation_size=data["delegation_size"],
            interpretation=data["interpretation"],
            reply_by=data.get("reply_by"),
            durations={
                topic: data[f"minutes_{i}"]
                for i, topic in enumerate(self.topics)
                if data.get(f"minutes_{i}") is not None and topic in data["agenda"]
            },
            online_link=data.get("online_link") or "",
            slots=slots,
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=MAX_REASON, widget=forms.Textarea(attrs={"rows": 3}))


class TextForm(forms.Form):
    text = forms.CharField(label=_("Text"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 8}))


class LanguageVersionForm(forms.Form):
    """A language version of a communiqué: its language (a language of the mandate other than the
    original; the service says which are), text and marking."""

    AUTHENTIC, INFORMATION = "authentic", "information"

    # Which codes are languages of the mandate is the service's to say (and in its words).
    language = forms.CharField(label=_("Language of the version"), widget=forms.Select)
    text = forms.CharField(label=_("Text"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 6}))
    marking = forms.ChoiceField(
        label=_("Marking"),
        choices=[(AUTHENTIC, _("equally authentic")), (INFORMATION, _("not authentic — for information"))],
        initial=AUTHENTIC,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, languages: list[tuple[str, str]], fixed: str = "", **kwargs: Any) -> None:
        """``languages``: (code, name) of the languages to offer; or ``fixed``, the language of the
        version the form changes (a hidden field)."""
        super().__init__(*args, **kwargs)
        field = self.fields["language"]
        if fixed:
            field.widget = forms.HiddenInput()
            field.initial = fixed
            self.fields["text"].label = _("Text in %(language)s") % {"language": language_name(fixed)}
        else:
            field.widget.choices = languages
            self.fields["text"].label = _("Text of the language version")

    @property
    def authentic(self) -> bool:
        return bool(self.cleaned_data["marking"] == self.AUTHENTIC)


class HeldForm(forms.Form):
    attendance = forms.MultipleChoiceField(
        label=_("Who attended"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("say who attended: at least one person")},
    )
    outcomes = forms.CharField(
        label=_("Outcomes"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("say what came of the meeting: its outcomes are part of its record")},
    )

    def __init__(self, *args: object, people: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["attendance"].choices = people  # type: ignore[attr-defined]


class MailPreferenceForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("E-mail about what needs you"), choices=MailPreference.Choice.choices, widget=forms.RadioSelect
    )
