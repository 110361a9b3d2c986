from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from goodoffices.processes.models import HELD_MEETINGS_AUDIENCES, AppointmentRole, DelegationRole, MandateVersion
from goodoffices.processes.services import LANGUAGE_CODES, MAX_NAME, MAX_NOTE


class MemberForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, may_name_head: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = [DelegationRole.DELEGATE, DelegationRole.SIGNATORY]
        if may_name_head:
            roles.insert(0, DelegationRole.HEAD)
        self.fields["role"].choices = [(r.value, r.label) for r in roles]  # type: ignore[attr-defined]


class AppointmentForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Appointment"), choices=AppointmentRole.choices)
    organisation = forms.CharField(label=_("On behalf of"), max_length=MAX_NAME, required=False)


def _lines(value: str) -> list[str]:
    # Only line feeds separate items: any other control character stays in its item, for the
    # service to refuse (str.splitlines would also split at U+001C, U+0085 or U+2028).
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [line.strip() for line in lines if line.strip()]


class AmendmentForm(forms.Form):
    """The terms of a mandate, prefilled from the version in force; the service decides what is valid."""

    scope = forms.CharField(
        label=_("Scope: agenda topics, one per line"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )
    tasks = forms.CharField(
        label=_("Tasks, one per line"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=20000
    )
    term_end = forms.DateField(label=_("Term ends"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=[(code, code) for code in sorted(LANGUAGE_CODES)],
        widget=forms.CheckboxSelectMultiple,
    )
    mediators_see_readiness = forms.BooleanField(label=_("Mediators see each party's readiness"), required=False)
    two_factor_required = forms.BooleanField(
        label=_("Two-factor sign-in required for mediators and signatories"), required=False
    )
    held_meetings_audience = forms.ChoiceField(
        label=_("Who sees a meeting once it is held"),
        choices=HELD_MEETINGS_AUDIENCES,
    )
    # Left empty, these two keep what the version in force says.
    response_period_days = forms.IntegerField(
        label=_("Days an obligor party has to answer a monitoring report"),
        help_text=_("A report left unanswered longer is escalated to the guarantors and operators."),
        required=False,
    )
    deadline_timezone = forms.CharField(
        label=_("Time zone of commitments' deadlines"),
        max_length=64,
        help_text=_("An IANA time zone name, such as Asia/Baku or UTC."),
        required=False,
    )
    note = forms.CharField(
        label=_("What the amendment changes and why"), widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_NOTE
    )

    @classmethod
    def initial_from(cls, version: MandateVersion) -> dict[str, Any]:
        return {
            "scope": "\n".join(version.scope),
            "tasks": "\n".join(version.tasks),
            "term_end": version.term_end,
            "languages": version.languages,
            "mediators_see_readiness": version.mediators_see_readiness,
            "two_factor_required": version.two_factor_required,
            "held_meetings_audience": version.held_meetings_audience,
            "response_period_days": version.response_period_days,
            "deadline_timezone": version.deadline_timezone,
        }

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "scope": _lines(data["scope"]),
            "tasks": _lines(data["tasks"]),
            "term_end": data["term_end"],
            "languages": data["languages"],
            "mediators_see_readiness": data["mediators_see_readiness"],
            "two_factor_required": data["two_factor_required"],
            "held_meetings_audience": data["held_meetings_audience"],
        } | {
            name: data[name]
            for name in ("response_period_days", "deadline_timezone")
            if data.get(name) not in (None, "")
        }
