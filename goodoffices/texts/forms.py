"""The forms of the text pages. They only shape what a person typed; every rule is the services'."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from goodoffices.lib import audience as audiences
from goodoffices.lib.negotiating_text import LABELS

from .categories import CATEGORIES
from .models import Stance
from .services import ClauseIn, SectionIn
from .services.common import MAX_CLAUSE_SOURCE, MAX_NOTE, MAX_TITLE

SYNTAX_HELP = _(
    "Write [words] for words not yet agreed, and [A: one wording | B: another] for alternatives; "
    "an alternative may be empty (C:) to leave the words out."
)

OPERATIONS = [
    ("replace", _("Replace the words of a clause")),
    ("add_option", _("Add an option to a bracket")),
    ("resolve", _("Keep one option of a bracket")),
    ("insert", _("Insert a new clause after a clause")),
    ("delete", _("Delete a clause")),
]
# The fields each operation reads (the lib's amendment records).
OPERATION_FIELDS = {
    "replace": ("clause", "text"),
    "add_option": ("clause", "bracket", "text"),
    "resolve": ("clause", "bracket", "option"),
    "insert": ("after", "text", "heading"),
    "delete": ("clause",),
}


def outline_sections(outline: str) -> list[SectionIn]:
    """A text written as an outline: a line ``== Title`` starts a section, and a blank line ends a
    clause. Clauses before any section line go into a section named like the text's title."""
    sections: list[tuple[str, list[str]]] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        if paragraph:
            if not sections:
                sections.append(("", []))
            sections[-1][1].append("\n".join(paragraph).strip())
            paragraph.clear()

    for line in outline.replace("\r\n", "\n").split("\n"):
        if line.startswith("=="):
            end_paragraph()
            sections.append((line.lstrip("=").strip(), []))
        elif not line.strip():
            end_paragraph()
        else:
            paragraph.append(line.rstrip())
    end_paragraph()
    return [SectionIn(title=title, clauses=[ClauseIn(text=c) for c in clauses]) for title, clauses in sections]


class TextCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    outline = forms.CharField(
        label=_("Clauses"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("A line starting with == begins a section (== Movement of goods); a blank line separates clauses. ")
        + str(SYNTAX_HELP),
    )
    note = forms.CharField(label=_("Note on this version"), max_length=MAX_NOTE, required=False)

    def sections(self) -> list[SectionIn]:
        title = self.cleaned_data["title"]
        return [
            SectionIn(title=s.title or title, clauses=s.clauses) for s in outline_sections(self.cleaned_data["outline"])
        ]


class ChangeForm(forms.Form):
    """One change to the text: a mediator's revision, or (with the fields below) a party's amendment."""

    op = forms.ChoiceField(label=_("Change"), choices=OPERATIONS)
    clause = forms.ChoiceField(label=_("Clause"), required=False)
    after = forms.ChoiceField(label=_("Insert after clause"), required=False)
    bracket = forms.IntegerField(label=_("Bracket number"), min_value=1, max_value=1000, required=False)
    option = forms.ChoiceField(
        label=_("Option to keep"), choices=[("", "—"), *((label, label) for label in LABELS)], required=False
    )
    heading = forms.CharField(label=_("Heading of a new clause"), max_length=MAX_TITLE, required=False)
    text = forms.CharField(
        label=_("Words"),
        max_length=MAX_CLAUSE_SOURCE,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=SYNTAX_HELP,
    )
    note = forms.CharField(
        label=_("Note"), max_length=MAX_NOTE, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, clauses: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *(clauses or [])]
        self.fields["clause"].choices = choices  # type: ignore[attr-defined]
        self.fields["after"].choices = choices  # type: ignore[attr-defined]

    def record(self) -> dict[str, Any]:
        """The change as a lib amendment record: only the fields its operation reads, as typed."""
        op = self.cleaned_data["op"]
        record: dict[str, Any] = {"op": op}
        for name in OPERATION_FIELDS[op]:
            value = self.cleaned_data.get(name)
            # An added option may be empty (leave the words out); other empty fields are missing.
            if value not in (None, "") or (op == "add_option" and name == "text"):
                record[name] = value if value is not None else ""
        return record


class AmendmentForm(ChangeForm):
    audience = forms.ChoiceField(
        label=_("Proposed in"),
        choices=[
            (audiences.PLENARY, _("the plenary: every party and the mediators")),
            (audiences.CAUCUS, _("our caucus: the mediators only")),
        ],
        initial=audiences.PLENARY,
    )
    party = forms.TypedChoiceField(label=_("For"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, parties: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [("", "—"), *(parties or [])]  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    take_in = forms.TypedChoiceField(
        choices=[("1", _("Take it into the text")), ("0", _("Do not take it in"))], coerce=lambda v: v == "1"
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=MAX_NOTE, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PositionForm(forms.Form):
    stance = forms.ChoiceField(label=_("Position"), choices=Stance.choices)
    note = forms.CharField(label=_("Note"), max_length=MAX_NOTE, required=False)
    audience = forms.ChoiceField(
        label=_("Given in"),
        choices=[
            (audiences.PLENARY, _("the plenary: every party sees it")),
            (audiences.CAUCUS, _("our caucus: the mediators only")),
        ],
        initial=audiences.PLENARY,
    )
    amendment = forms.TypedChoiceField(label=_("With the amendment"), required=False, coerce=int, empty_value=None)
    party = forms.TypedChoiceField(label=_("For"), required=False, coerce=int, empty_value=None)

    def __init__(
        self,
        *args: Any,
        amendments: list[tuple[int, str]] | None = None,
        parties: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amendment"].choices = [("", "—"), *(amendments or [])]  # type: ignore[attr-defined]
        self.fields["party"].choices = [("", "—"), *(parties or [])]  # type: ignore[attr-defined]


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    # Offered as a choice of the audiences the reader may write to; which one is allowed is the service's.
    audience = forms.CharField(label=_("For"), max_length=40, widget=forms.Select)

    def __init__(self, *args: Any, choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["audience"].widget.choices = choices or [(audiences.PLENARY, audiences.PLENARY)]


class CommitmentForm(forms.Form):
    obligor = forms.TypedChoiceField(label=_("Obligor"), coerce=int)
    action = forms.CharField(label=_("Action"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    category = forms.ChoiceField(label=_("Category (Peace Accords Matrix)"), choices=list(CATEGORIES.items()))
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    schedule = forms.CharField(
        label=_("Or a schedule"), max_length=200, required=False, help_text=_("Leave both empty for a continuous one.")
    )
    verification = forms.CharField(label=_("Verified by way of"), max_length=4000, required=False)
    monitors = forms.CharField(
        label=_("Monitors"), required=False, help_text=_("One per line."), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, parties: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["obligor"].choices = parties or []  # type: ignore[attr-defined]

    def monitor_names(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("monitors", "").splitlines() if line.strip()]
