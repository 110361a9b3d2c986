import argparse
import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...jobs import JOBS
from ...loop import Worker


class Command(BaseCommand):
    help = (
        "Run the background jobs: integrate the ledger's epochs, escalate commitments, send the e-mail "
        "outbox (with retries) and remove stored files no row refers to. Runs until SIGTERM or Ctrl-C; "
        "--once does one pass of every job and stops."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass of every job, then stop")
        parser.add_argument(
            "--poll",
            type=int,
            default=settings.WORKER_POLL_SECONDS,
            help="seconds between passes (default: %(default)s)",
        )
        # The demo starts the worker beside its server: stop when that process has gone.
        parser.add_argument("--exit-with-parent", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["poll"] < 1:
            raise CommandError("--poll must be at least 1 second")
        worker = Worker(
            JOBS,
            poll_seconds=options["poll"],
            out=lambda line: self.stdout.write(line),
            exit_with_parent=options["exit_with_parent"],
        )
        if not options["once"]:
            # Finish the job under way, then exit: nothing is left half-claimed for long.
            signal.signal(signal.SIGTERM, worker.stop)
            signal.signal(signal.SIGINT, worker.stop)
            self.stdout.write(
                f"Worker started ({', '.join(job.name for job in JOBS)}); polling every {options['poll']} s"
            )
        worker.run(once=options["once"])
        if not options["once"]:
            self.stdout.write("Worker stopped.")
