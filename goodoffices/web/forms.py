from django import forms
from django.utils.translation import gettext_lazy as _

from goodoffices.processes.models import DelegationRole


class MemberForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (DelegationRole.DELEGATE, DelegationRole.DELEGATE.label),
            (DelegationRole.SIGNATORY, DelegationRole.SIGNATORY.label),
        ],
    )
