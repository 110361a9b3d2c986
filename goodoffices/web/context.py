from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {"DEMO": settings.DEMO}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from goodoffices.meetings.models import Notification

        context["unread_notifications"] = Notification.objects.filter(user=user, read_at__isnull=True).count()
    return context
