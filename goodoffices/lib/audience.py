"""Audiences: who may read a record (DESIGN.md, principle 2).

An audience is a short string stored on every record:
``public``, ``process``, ``plenary``, ``mediators``, ``caucus:<party id>``, ``party:<party id>``;
and two that no reader of a process ever sees: ``sealed`` (an account's own acts, such as its
API tokens and calendar links) and ``operators:<framework id>`` (a framework's own business
before any process exists under it).
"""

import re

PUBLIC = "public"
PROCESS = "process"
PLENARY = "plenary"
MEDIATORS = "mediators"
SEALED = "sealed"
FIXED = (PUBLIC, PROCESS, PLENARY, MEDIATORS, SEALED)
CAUCUS = "caucus"
PARTY = "party"
OPERATORS = "operators"

_NAMED_AUDIENCE = re.compile(r"^(caucus|party|operators):([1-9][0-9]{0,18})$")


def caucus(party_id: int) -> str:
    return f"caucus:{party_id}"


def party(party_id: int) -> str:
    return f"party:{party_id}"


def operators(framework_id: int) -> str:
    return f"operators:{framework_id}"


def parse(audience: str) -> tuple[str, int | None]:
    """Split an audience into its kind and the id it names (a party's, or a framework's for
    ``operators``); ``ValueError`` names what is wrong."""
    if audience in FIXED:
        return audience, None
    match = _NAMED_AUDIENCE.match(audience)
    if match is None:
        raise ValueError(
            f"unknown audience {audience!r}: expected one of {', '.join(FIXED)}, caucus:<party id>, "
            "party:<party id> or operators:<framework id>"
        )
    return match.group(1), int(match.group(2))


def names_party(audience: str) -> bool:
    """True for the audiences that name a party of a process (``caucus:`` and ``party:``)."""
    return audience.startswith((CAUCUS + ":", PARTY + ":"))
