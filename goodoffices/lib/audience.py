"""Audiences: who may read a record (DESIGN.md, principle 2).

An audience is a short string stored on every record:
``public``, ``process``, ``plenary``, ``mediators``, ``caucus:<party id>``, ``party:<party id>``.
"""

import re

PUBLIC = "public"
PROCESS = "process"
PLENARY = "plenary"
MEDIATORS = "mediators"
FIXED = (PUBLIC, PROCESS, PLENARY, MEDIATORS)

_PARTY_AUDIENCE = re.compile(r"^(caucus|party):([1-9][0-9]{0,18})$")


def caucus(party_id: int) -> str:
    return f"caucus:{party_id}"


def party(party_id: int) -> str:
    return f"party:{party_id}"


def parse(audience: str) -> tuple[str, int | None]:
    """Split an audience into its kind and party id; ``ValueError`` names what is wrong."""
    if audience in FIXED:
        return audience, None
    match = _PARTY_AUDIENCE.match(audience)
    if match is None:
        raise ValueError(
            f"unknown audience {audience!r}: expected one of {', '.join(FIXED)}, caucus:<party id> or party:<party id>"
        )
    return match.group(1), int(match.group(2))
