"""A party's readiness names the slots it could attend, as one consent option: ``"0,2"``."""

from collections.abc import Iterable, Sequence


def slots_option(slots: Iterable[int]) -> str:
    """The consent option naming these slots: their indexes, sorted, comma-separated."""
    return ",".join(str(i) for i in sorted(set(slots)))


def option_slots(option: str) -> tuple[int, ...]:
    """The slots a readiness option names (an option from before several slots names one)."""
    return tuple(int(part) for part in option.split(",") if part.isdigit())


def common_slots(options: Sequence[str]) -> set[int]:
    """The slots every option names."""
    sets = [set(option_slots(option)) for option in options]
    return set.intersection(*sets) if sets else set()
