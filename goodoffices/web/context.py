from typing import Any

from django.conf import settings
from django.http import HttpRequest

from goodoffices.compiled import CompiledQuery
from goodoffices.meetings.models import Notification

# Counted up to 100 ("99+"), so the badge costs the same however many notices wait; compiled
# once per connection, as every page of a signed-in reader runs it.
_UNREAD = CompiledQuery(
    lambda user_id: Notification.objects.filter(user_id=user_id, read_at__isnull=True).values_list("pk")[:100],
    values=(int,),
)


def site(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {"DEMO": settings.DEMO}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        unread = len(_UNREAD.rows(user.pk))
        context["unread_notifications"] = "99+" if unread == 100 else unread
    return context
