"""An RFC 5545 calendar of the meetings a user may see, with VTIMEZONE for each venue."""

import zoneinfo
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from .models import Meeting


def calendar_for(meetings: Iterable[Meeting], base_url: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Good Offices//Meetings//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Good Offices")
    for meeting in meetings:
        zone = zoneinfo.ZoneInfo(meeting.timezone)
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@goodoffices")
        event.add("summary", meeting.title)
        event.add("location", meeting.venue)
        event.add("dtstart", meeting.starts_at.astimezone(zone))
        event.add("dtend", meeting.ends_at.astimezone(zone))
        event.add("dtstamp", timezone.now())
        event.add(
            "status", "CONFIRMED" if meeting.status in (Meeting.Status.CONFIRMED, Meeting.Status.HELD) else "TENTATIVE"
        )
        event.add("url", base_url.rstrip("/") + f"/meetings/{meeting.pk}/")
        if meeting.agenda:
            event.add("description", "\n".join(meeting.agenda))
        cal.add_component(event)
    cal.add_missing_timezones()
    ical: bytes = cal.to_ical()
    return ical
