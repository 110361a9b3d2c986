"""A proposal's terms, and the rules that make a proposal *reasonable* under its mandate.

Interfaces build a ``ProposalTerms`` from what the user sent; ``validated`` checks it against
the process's mandate and returns the cleaned terms, or raises ``Invalid`` naming every
broken rule with its field.
"""

import functools
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from goodoffices.lib import clock, text
from goodoffices.lib.errors import FieldError, Invalid
from goodoffices.processes.models import Process

from .models import MeetingFormat, Modality, Proposal

MAX_SLOTS = 10
MAX_AGENDA = 20
MAX_TITLE = 200
MAX_VENUE = 200
MIN_DELEGATION, MAX_DELEGATION = 1, 50
MIN_MINUTES, MAX_MINUTES = 5, 480
MAX_LINK = 500


@dataclass(frozen=True)
class SlotIn:
    """A proposed time; a naive value is wall-clock time at the venue."""

    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class ProposalTerms:
    title: str
    format: str
    venue: str
    timezone: str
    slots: tuple[SlotIn, ...]
    agenda: tuple[str, ...]
    modality: str = Modality.IN_PERSON
    delegation_size: int = 5
    languages: tuple[str, ...] = ()
    interpretation: bool = False
    # The parties are asked to answer by then (None: no deadline); a naive value is venue time.
    reply_by: datetime | None = None
    # Minutes per agenda item (topic -> minutes), where given.
    durations: Mapping[str, int] = field(default_factory=dict)
    # Where a virtual or hybrid meeting is joined (shown to the plenary only).
    online_link: str = ""
    # None: every party of the process is invited (the only valid answer today, checked when given).
    invited: tuple[int, ...] | None = field(default=None, compare=False)

    @classmethod
    def of(cls, *, slots: Sequence[SlotIn], agenda: Sequence[str], **rest: Any) -> "ProposalTerms":
        """Terms from lists as interfaces hold them."""
        invited = rest.pop("invited", None)
        languages = rest.pop("languages", None) or ()
        return cls(
            slots=tuple(slots),
            agenda=tuple(agenda),
            languages=tuple(languages),
            invited=None if invited is None else tuple(invited),
            **rest,
        )

    @classmethod
    def from_proposal(cls, proposal: Proposal) -> "ProposalTerms":
        """The terms of an existing proposal: where a counter-proposal or a reschedule starts."""
        return cls(
            title=proposal.title,
            format=proposal.format,
            modality=proposal.modality,
            venue=proposal.venue,
            timezone=proposal.timezone,
            slots=tuple(SlotIn(s.starts_at, s.ends_at) for s in proposal.slots.all()),
            agenda=tuple(proposal.agenda),
            delegation_size=proposal.delegation_size,
            languages=tuple(proposal.languages),
            interpretation=proposal.interpretation,
            durations=dict(proposal.durations),
            online_link=proposal.online_link,
        )

    def model_fields(self) -> dict[str, Any]:
        """The proposal's columns (its slots are rows of their own)."""
        return {
            "title": self.title,
            "format": self.format,
            "modality": self.modality,
            "venue": self.venue,
            "timezone": self.timezone,
            "agenda": list(self.agenda),
            "delegation_size": self.delegation_size,
            "languages": list(self.languages),
            "interpretation": self.interpretation,
            "reply_by": self.reply_by,
            "durations": dict(self.durations),
            "online_link": self.online_link,
        }

    def validated(self, process: Process) -> "ProposalTerms":
        """These terms cleaned, if reasonable under the process's mandate; else ``Invalid``
        naming every broken rule, in the reader's language and the mandate's words (slots by the
        number a person sees, 1, 2, ...; fields as the API names them, ``slots[0].starts_at``)."""
        errors: list[FieldError] = []
        title = _single_line(self.title, "title", _("a proposal needs a title"), MAX_TITLE, errors)
        venue = _single_line(self.venue, "venue", _("a proposal needs a venue (or 'virtual')"), MAX_VENUE, errors)
        if self.format not in MeetingFormat.values:
            errors.append(
                FieldError(
                    "format",
                    _("“%(value)s” is not a format: choose one of %(choices)s")
                    % {"value": self.format, "choices": ", ".join(MeetingFormat.values)},
                )
            )
        if self.modality not in Modality.values:
            errors.append(
                FieldError(
                    "modality",
                    _("“%(value)s” is not a modality: choose one of %(choices)s")
                    % {"value": self.modality, "choices": ", ".join(Modality.values)},
                )
            )
        zone = _zone(self.timezone, errors)
        _check_venue(process, venue, errors)
        _check_invited(process, self.invited, errors)
        agenda = _agenda(process, self.agenda, errors)
        durations = _durations(self.durations, agenda, errors)
        online_link = _online_link(self.online_link, self.modality, errors)
        if not MIN_DELEGATION <= self.delegation_size <= MAX_DELEGATION:
            errors.append(
                FieldError(
                    "delegation_size",
                    _("a delegation has between %(min)s and %(max)s people per party")
                    % {"min": MIN_DELEGATION, "max": MAX_DELEGATION},
                )
            )
        languages = _languages(process, self.languages, errors)
        slots = _slots(process, self.slots, zone, errors)
        reply_by = _reply_by(process, self.reply_by, zone, slots, errors)
        if process.status != Process.Status.ACTIVE:
            errors.append(FieldError("process", _("the process is not active")))
        if errors:
            raise Invalid(errors)
        return replace(
            self,
            title=title,
            venue=venue,
            agenda=agenda,
            languages=languages,
            slots=slots,
            reply_by=reply_by,
            durations=durations,
            online_link=online_link,
            invited=self.invited,
        )


def mandate_name(process: Process) -> str:
    """The mandate as a refusal names it: its title and the version in force."""
    return _("“%(title)s” (version %(number)s)") % {
        "title": process.mandate.title,
        "number": process.mandate_version.number,
    }


def _single_line(value: str, name: str, missing: str, limit: int, errors: list[FieldError]) -> str:
    if not (value or "").strip():
        errors.append(FieldError(name, missing))
        return ""
    try:
        return text.single_line(value, name, limit)
    except Invalid as exc:
        errors.extend(exc.errors)
        return ""


def real_zone(name: str) -> bool:
    """A zone a venue can be in: a canonical IANA name of a place (not ``Factory``, ``localtime``,
    a bare ``EST5EDT`` or a ``posix/`` copy)."""
    return name in venue_zones()


@functools.cache
def venue_zones() -> tuple[str, ...]:
    """The IANA zones of places, sorted: ``Area/Location`` names and UTC."""
    areas: tuple[str, ...] = ("Africa/", "America/", "Antarctica/", "Arctic/", "Asia/", "Atlantic/", "Australia/")
    areas += ("Europe/", "Indian/", "Pacific/")
    return tuple(sorted(z for z in zoneinfo.available_timezones() if z.startswith(areas) or z == "UTC"))


def _zone(name: str, errors: list[FieldError]) -> zoneinfo.ZoneInfo | None:
    if not name:
        errors.append(FieldError("timezone", _("choose the venue's time zone")))
        return None
    if not real_zone(name):
        errors.append(
            FieldError(
                "timezone", _("“%(zone)s” is not the time zone of a place (such as Europe/Zurich)") % {"zone": name}
            )
        )
        return None
    return zoneinfo.ZoneInfo(name)


def _check_venue(process: Process, venue: str, errors: list[FieldError]) -> None:
    refused_by = process.mandate_version.refused_venues or {}
    for party in process.parties.all():
        refused = {v.casefold() for v in refused_by.get(party.name, [])}
        if venue and venue.casefold() in refused:
            errors.append(
                FieldError(
                    "venue",
                    _("the venue “%(venue)s” is refused by %(party)s under the mandate %(mandate)s")
                    % {"venue": venue, "party": party.name, "mandate": mandate_name(process)},
                )
            )


def _check_invited(process: Process, invited: tuple[int, ...] | None, errors: list[FieldError]) -> None:
    if invited is None:
        return
    parties = list(process.parties.all())
    for party in parties:
        if party.pk not in invited:
            errors.append(
                FieldError(
                    "invited", _("%(party)s is a party of the process and must be invited") % {"party": party.name}
                )
            )
    for pid in sorted(set(invited) - {p.pk for p in parties}):
        errors.append(FieldError("invited", _("%(id)s is not a party of this process") % {"id": pid}))


def _agenda(process: Process, agenda: tuple[str, ...], errors: list[FieldError]) -> tuple[str, ...]:
    scope = {topic.casefold(): topic for topic in process.mandate_version.scope}
    cleaned: list[str] = []
    if not agenda:
        errors.append(FieldError("agenda", _("a proposal needs at least one agenda item")))
    if len(agenda) > MAX_AGENDA:
        errors.append(FieldError("agenda", _("at most %(n)s agenda items") % {"n": MAX_AGENDA}))
    for i, item in enumerate(agenda[:MAX_AGENDA]):
        topic = scope.get((item or "").strip().casefold())
        if topic is None:
            errors.append(
                FieldError(
                    f"agenda[{i}]",
                    _(
                        "the agenda item “%(item)s” is outside the scope of the mandate %(mandate)s, "
                        "which covers: %(scope)s"
                    )
                    % {"item": item, "mandate": mandate_name(process), "scope": "; ".join(scope.values())},
                )
            )
        elif topic in cleaned:
            errors.append(FieldError(f"agenda[{i}]", _("the agenda item “%(item)s” is listed twice") % {"item": item}))
        else:
            cleaned.append(topic)
    return tuple(cleaned)


def _languages(process: Process, languages: tuple[str, ...], errors: list[FieldError]) -> tuple[str, ...]:
    allowed = process.mandate_version.languages
    cleaned = tuple(dict.fromkeys(languages or allowed))
    for i, code in enumerate(cleaned):
        if code not in allowed:
            errors.append(
                FieldError(
                    f"languages[{i}]",
                    _("the language “%(code)s” is not a language of the mandate %(mandate)s")
                    % {"code": code, "mandate": mandate_name(process)},
                )
            )
    return cleaned


class _NotALocalTime(ValueError):
    pass


def _instant(value: datetime, zone: zoneinfo.ZoneInfo, *, number: int, end: bool) -> datetime:
    """``value`` as an instant in UTC. A time given without an offset is wall-clock time at the
    venue, and must name exactly one instant there: not one skipped or repeated by a change of
    daylight-saving time. (Aware datetimes sharing a tzinfo compare by wall clock in Python;
    instants in UTC compare as time passes.)"""
    if timezone.is_aware(value):
        return value.astimezone(UTC)
    local = value.replace(tzinfo=zone)
    earlier, later = local.replace(fold=0), local.replace(fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return local.astimezone(UTC)
    params = {"n": number, "time": value.strftime("%Y-%m-%d %H:%M"), "zone": zone.key}
    if earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != value:
        raise _NotALocalTime(
            (
                _(
                    "slot %(n)s ends at %(time)s, a time that does not exist in %(zone)s: the clocks skip it "
                    "because of a daylight-saving change"
                )
                if end
                else _(
                    "slot %(n)s starts at %(time)s, a time that does not exist in %(zone)s: the clocks skip it "
                    "because of a daylight-saving change"
                )
            )
            % params
        )
    raise _NotALocalTime(
        (
            _(
                "slot %(n)s ends at %(time)s, a time that is ambiguous in %(zone)s: it happens twice because "
                "of a daylight-saving change (choose another time, or give it with its UTC offset)"
            )
            if end
            else _(
                "slot %(n)s starts at %(time)s, a time that is ambiguous in %(zone)s: it happens twice because "
                "of a daylight-saving change (choose another time, or give it with its UTC offset)"
            )
        )
        % params
    )


def _term(process: Process) -> str:
    mandate = process.mandate_version
    if mandate.term_end is None:
        return _("from %(start)s") % {"start": mandate.term_start.isoformat()}
    return _("from %(start)s to %(end)s") % {
        "start": mandate.term_start.isoformat(),
        "end": mandate.term_end.isoformat(),
    }


def _slot_instants(slot: SlotIn, zone: zoneinfo.ZoneInfo, i: int) -> tuple[datetime, datetime] | FieldError:
    """The slot's start and end as instants, or the error naming the time that is not one."""
    name, number = f"slots[{i}]", i + 1
    try:
        try:
            starts = _instant(slot.starts_at, zone, number=number, end=False)
        except _NotALocalTime as exc:
            return FieldError(f"{name}.starts_at", str(exc))
        try:
            ends = _instant(slot.ends_at, zone, number=number, end=True)
        except _NotALocalTime as exc:
            return FieldError(f"{name}.ends_at", str(exc))
        # Both ends must also be times the venue's calendar can show.
        starts.astimezone(zone), ends.astimezone(zone)
    except OverflowError:
        return FieldError(name, _("slot %(n)s is out of any usable range of dates") % {"n": number})
    return starts, ends


def _slots(
    process: Process, slots: tuple[SlotIn, ...], zone: zoneinfo.ZoneInfo | None, errors: list[FieldError]
) -> tuple[SlotIn, ...]:
    """The slots as instants. Errors name a slot by its number from 1 (as people count, and as
    the form labels it) and its field from 0 (as JSON counts): slot 1 is ``slots[0]``."""
    mandate = process.mandate_version
    cleaned: list[SlotIn] = []
    if not slots:
        errors.append(FieldError("slots", _("a proposal needs at least one time slot")))
    if len(slots) > MAX_SLOTS:
        errors.append(FieldError("slots", _("at most %(n)s time slots") % {"n": MAX_SLOTS}))
    if zone is None:
        return ()
    now = clock.now()
    for i, slot in enumerate(slots[:MAX_SLOTS]):
        name, number = f"slots[{i}]", i + 1
        instants = _slot_instants(slot, zone, i)
        if isinstance(instants, FieldError):
            errors.append(instants)
            continue
        starts, ends = instants
        venue_days = (starts.astimezone(zone).date(), ends.astimezone(zone).date())
        if ends <= starts:
            errors.append(FieldError(f"{name}.ends_at", _("slot %(n)s must end after it starts") % {"n": number}))
            continue
        if starts <= now:
            errors.append(FieldError(f"{name}.starts_at", _("slot %(n)s must be in the future") % {"n": number}))
        if not all(mandate.in_term(day) for day in venue_days):
            errors.append(
                FieldError(
                    name,
                    _("slot %(n)s falls outside the term of the mandate %(mandate)s, which runs %(term)s")
                    % {"n": number, "mandate": mandate_name(process), "term": _term(process)},
                )
            )
        errors.extend(
            FieldError(name, _("slot %(n)s overlaps slot %(other)s") % {"n": number, "other": j + 1})
            for j, other in enumerate(cleaned)
            if starts < other.ends_at and other.starts_at < ends
        )
        cleaned.append(SlotIn(starts, ends))
    return tuple(cleaned)


def _reply_by(
    process: Process,
    value: datetime | None,
    zone: zoneinfo.ZoneInfo | None,
    slots: tuple[SlotIn, ...],
    errors: list[FieldError],
) -> datetime | None:
    """The deadline for answers, as an instant: in the future, inside the mandate's term and
    before the first slot begins (an answer after it would come too late)."""
    if value is None or zone is None:
        return None
    try:
        if timezone.is_aware(value):
            instant = value.astimezone(UTC)
        else:
            local = value.replace(tzinfo=zone)
            if local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset() or (
                local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != value
            ):
                errors.append(
                    FieldError(
                        "reply_by",
                        _(
                            "the answer deadline, %(time)s, does not exist or is ambiguous in %(zone)s because of a "
                            "daylight-saving change"
                        )
                        % {"time": value.strftime("%Y-%m-%d %H:%M"), "zone": zone.key},
                    )
                )
                return None
            instant = local.astimezone(UTC)
        venue_day = instant.astimezone(zone).date()
    except OverflowError:
        errors.append(FieldError("reply_by", _("the answer deadline is out of any usable range of dates")))
        return None
    if instant <= clock.now():
        errors.append(FieldError("reply_by", _("the answer deadline must be in the future")))
    elif not process.mandate_version.in_term(venue_day):
        errors.append(
            FieldError(
                "reply_by",
                _("the answer deadline falls outside the term of the mandate %(mandate)s, which runs %(term)s")
                % {"mandate": mandate_name(process), "term": _term(process)},
            )
        )
    elif slots and instant > min(slot.starts_at for slot in slots):
        errors.append(FieldError("reply_by", _("the answer deadline must come before the first slot begins")))
    return instant


def _durations(durations: Mapping[str, int], agenda: tuple[str, ...], errors: list[FieldError]) -> dict[str, int]:
    """Minutes per agenda item: each an item of the agenda, between MIN_MINUTES and MAX_MINUTES."""
    topics = {topic.casefold(): topic for topic in agenda}
    cleaned: dict[str, int] = {}
    for item, minutes in durations.items():
        topic = topics.get((item or "").strip().casefold())
        name = f"durations[{item}]"
        if topic is None:
            errors.append(FieldError(name, _("“%(item)s” is not an item of this agenda") % {"item": item}))
        elif not isinstance(minutes, int) or not MIN_MINUTES <= minutes <= MAX_MINUTES:
            errors.append(
                FieldError(
                    name,
                    _("an agenda item takes between %(min)s and %(max)s minutes")
                    % {"min": MIN_MINUTES, "max": MAX_MINUTES},
                )
            )
        else:
            cleaned[topic] = minutes
    return cleaned


def _online_link(link: str, modality: str, errors: list[FieldError]) -> str:
    """A link to join a virtual or hybrid meeting: one https address."""
    if not (link or "").strip():
        return ""
    try:
        link = text.single_line(link, "online_link", MAX_LINK)
    except Invalid as exc:
        errors.extend(exc.errors)
        return ""
    if modality == Modality.IN_PERSON:
        errors.append(FieldError("online_link", _("a meeting in person has no link to join online")))
        return ""
    if len(link) > MAX_LINK or not link.startswith("https://") or any(ch.isspace() for ch in link):
        errors.append(FieldError("online_link", _("give the link as one https:// address")))
        return ""
    return link


@functools.cache
def city_zones() -> dict[str, str]:
    """City (case-folded) -> the zone named after it ("baku" -> Asia/Baku)."""
    return {zone.rsplit("/", 1)[-1].replace("_", " ").casefold(): zone for zone in venue_zones() if "/" in zone}
