"""Progress of the long runs over a log: ``ledger verify``, ``verify-export``, ``export`` and ``audit``.

The loops report to a :class:`Progress` (a stage and its total, then how much of it is done) and
print nothing themselves. Whoever runs them chooses what the reports become: nothing
(:data:`SILENT`, the default), a tally (:class:`Tally`, for tests and callers that want the
figures), or, from :func:`progress_bar`, a tqdm bar with entries per second and the time left,
but only on a terminal and when not asked to be quiet, so that cron jobs, pipes and logs see the
same output as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Never, Protocol

from tqdm import tqdm


class Progress(Protocol):
    """What a long loop reports. ``stage`` starts a named part of the work of ``total`` units
    (entries, for every stage of these commands); ``advance`` adds units done; ``close`` ends."""

    def stage(self, name: str, total: int) -> None: ...

    def advance(self, done: int) -> None: ...

    def close(self) -> None: ...


class Terminal(Protocol):
    """Where a bar is drawn: a text stream that can say whether it is a terminal."""

    def write(self, text: str, /) -> object: ...

    def flush(self) -> object: ...

    def isatty(self) -> bool: ...


class _Silent:
    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self, done: int) -> None:
        pass

    def close(self) -> None:
        pass


SILENT: Progress = _Silent()


@dataclass
class Tally:
    """Counts what a loop reports: ``stages`` maps each stage's name to ``[total, done]``."""

    stages: dict[str, list[int]] = field(default_factory=dict)
    current: str | None = None
    closed: bool = False

    def stage(self, name: str, total: int) -> None:
        self.stages[name] = [total, 0]
        self.current = name

    def advance(self, done: int) -> None:
        if self.current is not None:
            self.stages[self.current][1] += done

    def close(self) -> None:
        self.closed = True


class _Bar:
    """A tqdm bar, one stage after another on the same line, cleared when the work ends."""

    def __init__(self, stream: Terminal, label: str) -> None:
        self._stream = stream
        self._label = label
        self._bar: tqdm[Never] | None = None

    def stage(self, name: str, total: int) -> None:
        if self._bar is None:
            self._bar = tqdm(
                total=total,
                desc=f"{self._label}: {name}",
                unit=" entries",
                file=self._stream,
                dynamic_ncols=True,
                leave=False,
                mininterval=0.2,
            )
            return
        # Show where the last stage ended before the next one starts from zero.
        self._bar.refresh()
        self._bar.set_description(f"{self._label}: {name}", refresh=False)
        self._bar.reset(total=total)

    def advance(self, done: int) -> None:
        if self._bar is not None:
            self._bar.update(done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.refresh()
            self._bar.close()
            self._bar = None


def progress_bar(stream: Terminal | None, label: str, *, quiet: bool = False) -> Progress:
    """A bar drawn on ``stream`` when it is a terminal and ``quiet`` is false; otherwise :data:`SILENT`."""
    if quiet or stream is None or not stream.isatty():
        return SILENT
    return _Bar(stream, label)
