from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Analysis, Preference
from .services import MAX_NUMBER, MAX_TITLE, IssueIn


class AnalysisForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    issues = forms.CharField(
        label=_("Issues and options"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One issue a line: its name, a colon, then its options separated by | "
            "(Corridor: open | open by day | closed). The first option is the package on the table."
        ),
    )

    def issue_list(self) -> list[IssueIn]:
        issues = []
        for line in self.cleaned_data["issues"].splitlines():
            if not line.strip():
                continue
            name, _colon, options = line.partition(":")
            issues.append(IssueIn(name.strip(), [o.strip() for o in options.split("|") if o.strip()]))
        return issues


class FromTextForm(forms.Form):
    text = forms.ChoiceField(label=_("Negotiating text"))

    def __init__(self, *args: Any, texts: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].choices = texts  # type: ignore[attr-defined]


class PreferencesForm(forms.Form):
    """A weight per issue and a value per option, each a whole number from 0 to 100."""

    def __init__(self, *args: Any, analysis: Analysis, preference: Preference | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[tuple[str, forms.BoundField, list[tuple[str, forms.BoundField]]]] = []
        for j, issue in enumerate(analysis.issues):
            weight = f"weight_{j}"
            self.fields[weight] = forms.IntegerField(
                label=_("Weight of %(issue)s") % {"issue": issue["name"]},
                min_value=0,
                max_value=MAX_NUMBER,
                initial=preference.weights[j] if preference else 10,
            )
            values = []
            for k, option in enumerate(issue["options"]):
                name = f"value_{j}_{k}"
                self.fields[name] = forms.IntegerField(
                    label=_("Value of %(option)s") % {"option": option},
                    min_value=0,
                    max_value=MAX_NUMBER,
                    initial=preference.values[j][k] if preference else 0,
                )
                values.append((str(option), self[name]))
            self.rows.append((str(issue["name"]), self[weight], values))

    def weights(self) -> list[int]:
        return [self.cleaned_data[f"weight_{j}"] for j in range(len(self.rows))]

    def values(self) -> list[list[int]]:
        return [[self.cleaned_data[f"value_{j}_{k}"] for k in range(len(row[2]))] for j, row in enumerate(self.rows)]


class PackageForm(forms.Form):
    """A package: one option per issue (``pick_<j>``), read from a query string or a form."""

    def __init__(self, *args: Any, analysis: Analysis, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for j, issue in enumerate(analysis.issues):
            self.fields[f"pick_{j}"] = forms.TypedChoiceField(
                label=str(issue["name"]),
                choices=[(k, str(o)) for k, o in enumerate(issue["options"])],
                coerce=int,
                initial=analysis.baseline[j],
            )
        self.count = len(analysis.issues)

    def package(self) -> list[int]:
        return [self.cleaned_data[f"pick_{j}"] for j in range(self.count)]
