from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {"DEMO": settings.DEMO}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from goodoffices.meetings.models import Notification

        # Counted up to 100 ("99+"), so the badge costs the same however many notices wait.
        unread = Notification.objects.filter(user=user, read_at__isnull=True)[:100].count()
        context["unread_notifications"] = "99+" if unread == 100 else unread
    return context
