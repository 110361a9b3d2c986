"""RFC 5545 calendars of meetings: the private feed of every meeting a user may see, and one
meeting's own ``.ics``. Each event carries VTIMEZONE for its venue, a UID unique across
installations, a SEQUENCE raised on every change, and STATUS:CANCELLED once cancelled (a
cancelled meeting stays in the feed, so that calendars remove it rather than keep it)."""

import hashlib
import hmac
import zoneinfo
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Meeting

STATUS = {
    Meeting.Status.CONFIRMED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.POSTPONED: "TENTATIVE",
    Meeting.Status.CANCELLED: "CANCELLED",
}


def installation_id() -> str:
    """An identifier of this installation, the same on each of its servers and different on
    another one (derived from its secret key, which it does not reveal)."""
    return hmac.new(settings.SECRET_KEY.encode(), b"goodoffices calendar uid", hashlib.sha256).hexdigest()[:16]


def meeting_uid(meeting: Meeting) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "goodoffices"
    return f"meeting-{meeting.pk}-{installation_id()}@{host}"


def _description(meeting: Meeting, link: str) -> str:
    lines = [_("Agenda:")]
    for item in meeting.agenda:
        minutes = meeting.durations.get(item)
        lines.append(f"- {item}" + (f" ({_('%(n)s min') % {'n': minutes}})" if minutes else ""))
    lines.append(_("Venue: %(venue)s (%(zone)s)") % {"venue": meeting.venue, "zone": meeting.timezone})
    if meeting.languages:
        lines.append(_("Languages: %(languages)s") % {"languages": ", ".join(meeting.languages)})
    lines.append(_("Interpretation provided") if meeting.interpretation else _("No interpretation"))
    lines.append(_("Delegation size per party: %(n)s") % {"n": meeting.delegation_size})
    if link:
        lines.append(_("Join online: %(link)s") % {"link": link})
    if meeting.status_reason and meeting.status in (Meeting.Status.CANCELLED, Meeting.Status.POSTPONED):
        lines.append(f"{meeting.get_status_display()}: {meeting.status_reason}")
    return "\n".join(lines)


def calendar_for(meetings: Iterable[Meeting], base_url: str, link_for: Callable[[Meeting], str]) -> bytes:
    """The calendar of ``meetings``; ``link_for`` says the link to join each, for whom may see it."""
    cal = Calendar()
    cal.add("prodid", "-//Good Offices//Meetings//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Good Offices")
    now = timezone.now()
    for meeting in meetings:
        zone = zoneinfo.ZoneInfo(meeting.timezone)
        event = Event()
        event.add("uid", meeting_uid(meeting))
        event.add("sequence", meeting.sequence)
        event.add("summary", meeting.title)
        event.add("location", f"{meeting.venue} ({meeting.timezone})")
        event.add("dtstart", meeting.starts_at.astimezone(zone))
        event.add("dtend", meeting.ends_at.astimezone(zone))
        event.add("dtstamp", now)
        event.add("status", STATUS[Meeting.Status(meeting.status)])
        event.add("url", base_url.rstrip("/") + f"/meetings/{meeting.pk}/")
        event.add("description", _description(meeting, link_for(meeting)))
        cal.add_component(event)
    cal.add_missing_timezones()
    ical: bytes = cal.to_ical()
    return ical
