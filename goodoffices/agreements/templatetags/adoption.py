"""The adoption panel of a text's page: what the mediators may put to adoption, and where it stands."""

from typing import Any

from django import template

from goodoffices.policies import Permission, can
from goodoffices.texts.models import Text

from ..forms import AdoptionPutForm
from ..selectors import adoption_latest, adoption_state

register = template.Library()


@register.inclusion_tag("agreements/adoption_panel.html", takes_context=True)
def adoption_panel(context: dict[str, Any], text: Text) -> dict[str, Any]:
    request = context["request"]
    latest = adoption_latest(text=text)
    state = adoption_state(user=request.user, adoption=latest) if latest is not None else None
    drafting = text.status == Text.Status.DRAFTING
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "text": text,
        "latest": latest,
        "latest_state": state,
        "agreement": latest.agreement if latest is not None and latest.agreement_id else None,
        "may_put": drafting and can(request.user, Permission.ADOPTION_PUT, text),
        "put_form": AdoptionPutForm(auto_id="adoption-%s"),
    }
