import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from goodoffices.ledger.integrate import integrate_epoch
from goodoffices.ledger.keys import LogKeyUnavailable, key_path, log_keygen, log_signer
from goodoffices.processes.demo import DEMO_PASSWORD, demo_accounts, demo_load, demo_state

from ...startup import NotReady, check_ready
from .serve import run_server


class Command(BaseCommand):
    help = "Run the whole platform on the embedded SQLite database with the demo process loaded."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="load the demo, print the accounts and stop")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("run the demo through the console script: goodoffices demo")
        port = options["port"]
        if not 1 <= port <= 65535:
            raise CommandError(f"--port must be between 1 and 65535, not {port}")
        try:
            check_ready(key_required=False)
        except NotReady as exc:
            raise CommandError(str(exc)) from None
        call_command("migrate", interactive=False, verbosity=0)
        state = demo_state()
        if state == "foreign":
            raise CommandError(
                f"{settings.DATA_DIR} holds a database that is not a demo database; "
                "refusing to load demo data into it. Choose another --data-dir."
            )
        vkey = self._ledger_key()
        if state == "empty":
            demo_load()
            # Its history is in the ledger at once; from now on events reach it each epoch.
            integrate_epoch(force=True)
            self.stdout.write("Loaded the demo process.")
        self.stdout.write(f"Data directory: {settings.DATA_DIR}")
        self.stdout.write(f"Demo accounts (password for each: {DEMO_PASSWORD}):")
        for username, description in demo_accounts():
            self.stdout.write(f"  {username:<12} {description}")
        if options["no_serve"]:
            return
        self.stdout.write("Verify the ledger from another terminal:")
        self.stdout.write(f"  goodoffices ledger verify --log http://127.0.0.1:{port}/ledger --key {vkey}")
        self.stdout.write(f"Serving on http://127.0.0.1:{port}/  (Ctrl-C stops)")
        self.stdout.flush()
        # WhiteNoise serves static files from the finders in the demo; the folder just has to exist.
        settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
        self._serve_with_worker(port)

    def _ledger_key(self) -> str:
        """The log's verifier key. A key is created only for a log without entries (before the demo
        loads), never for one that verifiers already hold: keygen refuses, `ledger rotate-key` is the way."""
        try:
            if not key_path().exists():
                log_keygen()
                self.stdout.write(f"Generated the ledger's signing key in {key_path()}.")
            return log_signer().verifier.vkey
        except LogKeyUnavailable as exc:
            raise CommandError(str(exc)) from None

    def _serve_with_worker(self, port: int) -> None:
        # The worker sends the e-mail outbox (to this terminal, with the console backend) and
        # sweeps orphaned files: a process of its own, as in production, stopped with the server.
        worker = subprocess.Popen([sys.executable, "-m", "goodoffices.cli", "worker", "--exit-with-parent"])
        try:
            run_server(host="127.0.0.1", port=port, workers=1, threads=4)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
