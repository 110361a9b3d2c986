"""A proposal's terms, and the rules that make a proposal *reasonable* under its mandate.

Interfaces build a ``ProposalTerms`` from what the user sent; ``validated`` checks it against
the process's mandate and returns the cleaned terms, or raises ``Invalid`` naming every
broken rule with its field.
"""

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

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
        }

    def validated(self, process: Process) -> "ProposalTerms":
        """These terms cleaned, if reasonable under the process's mandate; else ``Invalid``."""
        errors: list[FieldError] = []
        title = _single_line(self.title, "title", _("a proposal needs a title"), MAX_TITLE, errors)
        venue = _single_line(self.venue, "venue", _("a proposal needs a venue (or 'virtual')"), MAX_VENUE, errors)
        if self.format not in MeetingFormat.values:
            errors.append(FieldError("format", _one_of(self.format, MeetingFormat.values)))
        if self.modality not in Modality.values:
            errors.append(FieldError("modality", _one_of(self.modality, Modality.values)))
        zone = _zone(self.timezone, errors)
        _check_venue(process, venue, errors)
        _check_invited(process, self.invited, errors)
        agenda = _agenda(process, self.agenda, errors)
        if not MIN_DELEGATION <= self.delegation_size <= MAX_DELEGATION:
            errors.append(
                FieldError(
                    "delegation_size",
                    _("must be between %(min)d and %(max)d people per party")
                    % {"min": MIN_DELEGATION, "max": MAX_DELEGATION},
                )
            )
        languages = _languages(process, self.languages, errors)
        slots = _slots(process, self.slots, zone, errors)
        if process.status != Process.Status.ACTIVE:
            errors.append(FieldError("process", _("the process is not active")))
        if errors:
            raise Invalid(errors)
        return replace(
            self, title=title, venue=venue, agenda=agenda, languages=languages, slots=slots, invited=self.invited
        )


def _one_of(value: str, allowed: list[str]) -> str:
    return _("%(value)r is not one of %(allowed)s") % {"value": value, "allowed": ", ".join(allowed)}


def _single_line(value: str, name: str, missing: str, limit: int, errors: list[FieldError]) -> str:
    if not (value or "").strip():
        errors.append(FieldError(name, missing))
        return ""
    try:
        return text.single_line(value, name, limit)
    except Invalid as exc:
        errors.extend(exc.errors)
        return ""


def _zone(name: str, errors: list[FieldError]) -> zoneinfo.ZoneInfo | None:
    if name not in zoneinfo.available_timezones():
        errors.append(FieldError("timezone", _("%(name)r is not an IANA time zone") % {"name": name}))
        return None
    return zoneinfo.ZoneInfo(name)


def _check_venue(process: Process, venue: str, errors: list[FieldError]) -> None:
    refused_by = process.mandate_version.refused_venues or {}
    for party in process.parties.all():
        refused = {v.casefold() for v in refused_by.get(party.name, [])}
        if venue and venue.casefold() in refused:
            errors.append(
                FieldError(
                    "venue", _('venue "%(venue)s" is refused by %(party)s') % {"venue": venue, "party": party.name}
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
        errors.append(FieldError("invited", _("%(party)s is not a party of this process") % {"party": pid}))


def _agenda(process: Process, agenda: tuple[str, ...], errors: list[FieldError]) -> tuple[str, ...]:
    scope = {topic.casefold(): topic for topic in process.mandate_version.scope}
    cleaned: list[str] = []
    if not agenda:
        errors.append(FieldError("agenda", _("a proposal needs at least one agenda item")))
    if len(agenda) > MAX_AGENDA:
        errors.append(FieldError("agenda", _("at most %(limit)d agenda items") % {"limit": MAX_AGENDA}))
    for i, item in enumerate(agenda[:MAX_AGENDA]):
        topic = scope.get((item or "").strip().casefold())
        if topic is None:
            errors.append(
                FieldError(f"agenda[{i}]", _('agenda item "%(item)s" is outside the mandate\'s scope') % {"item": item})
            )
        elif topic in cleaned:
            errors.append(FieldError(f"agenda[{i}]", _('agenda item "%(item)s" is listed twice') % {"item": item}))
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
                    f"languages[{i}]", _('language "%(code)s" is not a language of the mandate') % {"code": code}
                )
            )
    return cleaned


class _NotALocalTime(ValueError):
    pass


def _instant(value: datetime, zone: zoneinfo.ZoneInfo, *, what: Literal["start", "end"]) -> datetime:
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
    shown = value.strftime("%Y-%m-%d %H:%M")
    values = {"time": shown, "zone": zone.key}
    # One whole sentence for the start and one for the end: translations decline the noun.
    if earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != value:
        skipped = (
            _("the start, %(time)s, does not exist in %(zone)s: the clocks skip it because of a daylight-saving change")
            if what == "start"
            else _(
                "the end, %(time)s, does not exist in %(zone)s: the clocks skip it because of a daylight-saving change"
            )
        )
        raise _NotALocalTime(skipped % values)
    twice = (
        _(
            "the start, %(time)s, is ambiguous in %(zone)s: it happens twice because of a daylight-saving "
            "change (choose another time, or give it with its UTC offset)"
        )
        if what == "start"
        else _(
            "the end, %(time)s, is ambiguous in %(zone)s: it happens twice because of a daylight-saving "
            "change (choose another time, or give it with its UTC offset)"
        )
    )
    raise _NotALocalTime(twice % values)


def _slots(
    process: Process, slots: tuple[SlotIn, ...], zone: zoneinfo.ZoneInfo | None, errors: list[FieldError]
) -> tuple[SlotIn, ...]:
    mandate = process.mandate_version
    cleaned: list[SlotIn] = []
    if not slots:
        errors.append(FieldError("slots", _("a proposal needs at least one time slot")))
    if len(slots) > MAX_SLOTS:
        errors.append(FieldError("slots", _("at most %(limit)d time slots") % {"limit": MAX_SLOTS}))
    if zone is None:
        return ()
    now = clock.now()
    for i, slot in enumerate(slots[:MAX_SLOTS]):
        name = f"slots[{i}]"
        try:
            starts = _instant(slot.starts_at, zone, what="start")
            ends = _instant(slot.ends_at, zone, what="end")
            venue_days = (starts.astimezone(zone).date(), ends.astimezone(zone).date())
        except OverflowError:
            errors.append(FieldError(name, _("the slot is out of any usable range of dates")))
            continue
        except _NotALocalTime as exc:
            errors.append(FieldError(name, str(exc)))
            continue
        if ends <= starts:
            errors.append(FieldError(name, _("a slot must end after it starts")))
            continue
        if starts <= now:
            errors.append(FieldError(name, _("a slot must be in the future")))
        if not all(mandate.in_term(day) for day in venue_days):
            errors.append(FieldError(name, _("the slot falls outside the mandate's term")))
        errors.extend(
            FieldError(name, _("slot %(slot)d overlaps slot %(other)d") % {"slot": i, "other": j})
            for j, other in enumerate(cleaned)
            if starts < other.ends_at and other.starts_at < ends
        )
        cleaned.append(SlotIn(starts, ends))
    return tuple(cleaned)
