"""The worker's loop: run each job when it is due, sleep, repeat until told to stop.

Each job is a plain function of the current time that does one bounded pass and is safe to run
in several workers at once (it claims its rows). State that must survive a restart lives in the
database, never here: a worker may be stopped or killed at any time.
"""

import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    # One pass at ``now``; returns a line for the log when it did something, else "".
    run: Callable[[datetime], str]
    # At least this long between two passes in one worker (zero: every poll).
    every: timedelta = timedelta(0)


def _fresh_connection() -> None:
    """Drop a connection the database broke or that is past its age, as Django does per request.
    (Not inside an enclosing transaction: only a test runs a pass inside one.)"""
    if not connection.in_atomic_block:
        close_old_connections()


class Worker:
    def __init__(
        self,
        jobs: Sequence[Job],
        *,
        poll_seconds: float,
        out: Callable[[str], None] = print,
        exit_with_parent: bool = False,
    ) -> None:
        self.jobs = list(jobs)
        self.poll_seconds = poll_seconds
        self.out = out
        self.stopping = threading.Event()
        self.last_run: dict[str, datetime] = {}
        self.parent = os.getppid() if exit_with_parent else None

    def stop(self, *_: object) -> None:
        """Finish the job under way, then return from ``run``. Usable as a signal handler."""
        self.stopping.set()

    def run_due(self, now: datetime) -> None:
        for job in self.jobs:
            last = self.last_run.get(job.name)
            if self.stopping.is_set() or (last is not None and now - last < job.every):
                continue
            self.last_run[job.name] = now
            _fresh_connection()
            try:
                summary = job.run(now)
            except Exception:
                # Logged with its traceback; the job runs again on its next turn.
                logger.exception("worker job %s failed", job.name)
                self.out(f"{job.name}: failed (see the log); will try again")
            else:
                if summary:
                    self.out(f"{job.name}: {summary}")
            finally:
                _fresh_connection()

    def run(self, *, once: bool = False) -> None:
        while not self.stopping.is_set():
            self.run_due(timezone.now())
            if once:
                return
            if self.parent is not None and os.getppid() != self.parent:
                self.out("the process that started this worker has gone; stopping")
                return
            self.stopping.wait(self.poll_seconds)
