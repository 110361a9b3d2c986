"""The IANA time zones a venue or a reader may be in.

``zoneinfo.available_timezones()`` walks the time-zone database on disk on every call (tens of
milliseconds, more on a busy machine: it was the largest cost of proposing a meeting); the set is read
once per process here. ``Factory``, ``localtime`` and ``posixrules`` are files of the database, not
places, and are left out.
"""

import functools
import zoneinfo

_NOT_PLACES = frozenset({"Factory", "localtime", "posixrules"})


@functools.cache
def available() -> frozenset[str]:
    """Every real IANA zone name, read once."""
    return frozenset(zoneinfo.available_timezones() - _NOT_PLACES)


@functools.cache
def choices() -> tuple[str, ...]:
    """The zone names, sorted, for a picker."""
    return tuple(sorted(available()))
