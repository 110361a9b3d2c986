import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from goodoffices.lib.errors import Invalid
from goodoffices.lib.ledger import parse_tile_path
from goodoffices.lib.ledger.export import export_log
from goodoffices.lib.ledger.progress import Progress, progress_bar

from ...audit import MAX_LISTED, audit_log
from ...checkpoints import signed_checkpoint
from ...integrate import integrate_epoch, run_integrator
from ...keys import LogKeyUnavailable, key_path, log_keygen
from ...log import LogView
from ...models import Witness
from ...publish import PublishRefused, ledger_publish
from ...services import ledger_key_rotate, ledger_open_cover, witness_add, witness_remove


def _unstyled(text: str) -> str:
    return text


class _BarStream:
    """The command's standard error as a progress bar needs it: written as is, without the line
    ending and the colour Django's wrapper adds to each message."""

    def __init__(self, out: OutputWrapper) -> None:
        self._out = out

    def write(self, text: str, /) -> None:
        self._out.write(text, style_func=_unstyled, ending="")

    def flush(self) -> None:
        self._out.flush()

    def isatty(self) -> bool:
        return self._out.isatty()


QUIET_HELP = "no progress bar (there is none anyway when standard error is not a terminal)"


class Command(BaseCommand):
    help = (
        "Operate the transparency log: keygen, rotate-key, export, publish, audit, integrate, open-cover, "
        "witness-add, witness-list, witness-remove. "
        "(`goodoffices ledger verify` and `verify-export` run without the server; see docs/verification.md.)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("keygen", help="create the log's signing key (refuses to replace one)")
        rotate = sub.add_parser(
            "rotate-key", help="hand the log over to a new signing key, the old key signing the handover (an event)"
        )
        rotate.add_argument(
            "--old-key-lost",
            action="store_true",
            help="the key file is gone for good: record a new key that no handover vouches for",
        )
        export = sub.add_parser("export", help="write the log as a zip of its checkpoint, tiles and entry bundles")
        export.add_argument("file", type=Path)
        export.add_argument("--quiet", action="store_true", help=QUIET_HELP)
        publish = sub.add_parser(
            "publish", help="write the checkpoint, tiles and entry bundles as files, for a static server or CDN"
        )
        publish.add_argument("--to", type=Path, required=True, metavar="DIR", help="the directory served as <log>/")
        publish.add_argument(
            "--recheck", action="store_true", help="compare every file already there with the log, not only new ones"
        )
        audit = sub.add_parser("audit", help="re-derive every entry from the events and check every stored hash")
        audit.add_argument("--quiet", action="store_true", help=QUIET_HELP)
        add = sub.add_parser("witness-add", help="register a witness by its cosignature verifier key")
        add.add_argument("vkey")
        sub.add_parser("witness-list", help="list registered witnesses")
        remove = sub.add_parser("witness-remove", help="stop serving a witness's cosignatures")
        remove.add_argument("name")
        integrate = sub.add_parser(
            "integrate", help="integrate the events waiting for their epoch (once, or every epoch with --loop)"
        )
        integrate.add_argument("--loop", action="store_true", help="keep integrating, once per epoch")
        integrate.add_argument("--now", action="store_true", help="integrate now, even before the epoch is due")
        cover = sub.add_parser("open-cover", help="prove, for an audit, that a leaf is a cover entry")
        cover.add_argument("index", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            getattr(self, "do_" + action.replace("-", "_"))(options)
        except (Invalid, LogKeyUnavailable) as exc:
            raise CommandError(str(exc)) from None

    def _progress(self, options: dict[str, Any], label: str) -> Progress:
        quiet = options["quiet"] or options["verbosity"] == 0
        return progress_bar(_BarStream(self.stderr), label, quiet=quiet)

    def do_keygen(self, options: dict[str, Any]) -> None:
        vkey = log_keygen()
        self.stdout.write(f"Wrote the log's signing key to {key_path()} (keep it secret, back it up).")
        self.stdout.write(f"Verifier key: {vkey}")

    def do_rotate_key(self, options: dict[str, Any]) -> None:
        done = ledger_key_rotate(old_key_lost=options["old_key_lost"])
        rotation = done.rotation
        if done.resumed:
            self.stdout.write("Finished the key handover an interrupted run had recorded.")
        self.stdout.write(f"Wrote the log's new signing key to {key_path()} (keep it secret, back it up).")
        self.stdout.write(f"New verifier key: {rotation.new_key}")
        if rotation.handover:
            self.stdout.write(
                "The old key signed the handover (public event ledger.key_rotated): verifiers holding the old "
                "key follow it. The old key file is kept beside the new one as "
                f"{key_path().name}.retired-*; destroy it once your backups hold the new key."
            )
        else:
            self.stdout.write(
                "No handover vouches for this key (the old one was lost): verifiers holding the old key will "
                "refuse the log until you give them the new key through a channel they trust."
            )

    def do_export(self, options: dict[str, Any]) -> None:
        dest: Path = options["file"]
        if dest.exists():
            raise CommandError(f"{dest} already exists")
        view = LogView.current()
        signed = signed_checkpoint(view)

        def fetch(path: str) -> bytes:
            if path == "checkpoint":
                return signed.note
            tile = parse_tile_path(path)
            return view.bundle(tile) if tile.entries else view.tile(tile)

        progress = self._progress(options, "export")
        try:
            size = export_log(dest, fetch, progress)
        finally:
            progress.close()
        self.stdout.write(f"Exported the log at size {size} to {dest}")

    def do_integrate(self, options: dict[str, Any]) -> None:
        if not options["loop"]:
            epoch = integrate_epoch(force=options["now"])
            if epoch is None:
                self.stdout.write("No epoch is due yet (use --now to integrate anyway).")
            else:
                self.stdout.write(
                    f"Epoch {epoch.number}: {epoch.events} events and {epoch.covers} cover entries; "
                    f"the log has {epoch.size} leaves"
                )
            return
        self.stdout.write(f"Integrating every {settings.LEDGER_EPOCH_SECONDS} s (Ctrl-C stops)")
        run_integrator(stop=threading.Event())

    def do_open_cover(self, options: dict[str, Any]) -> None:
        event = ledger_open_cover(index=options["index"])
        self.stdout.write(f"Opened leaf {options['index']} as a cover entry (public event {event.public_id})")

    def do_publish(self, options: dict[str, Any]) -> None:
        """The log as static files under --to (goodoffices/ledger/publish.py; docs/operators.md)."""
        dest: Path = options["to"]
        try:
            done = ledger_publish(dest, recheck=options["recheck"])
        except PublishRefused as exc:
            raise CommandError(str(exc)) from None
        since = f", {done.skipped} published with the checkpoint at size {done.previous}" if done.skipped else ""
        self.stdout.write(
            f"Published the log at size {done.size} to {dest}: {done.written} files written, "
            f"{done.unchanged} already there{since}"
        )

    def do_audit(self, options: dict[str, Any]) -> None:
        progress = self._progress(options, "audit")
        try:
            size, problems = audit_log(progress)
        finally:
            progress.close()
        if not problems:
            self.stdout.write(f"OK: {size} leaves match their events and cover entries, and every stored hash")
            return
        for problem in problems[:MAX_LISTED]:
            self.stdout.write(problem)
        if len(problems) > MAX_LISTED:
            self.stdout.write(f"... and {len(problems) - MAX_LISTED} more")
        raise CommandError(f"the ledger does not match the events: {len(problems)} problem(s), first: {problems[0]}")

    def do_witness_add(self, options: dict[str, Any]) -> None:
        witness = witness_add(vkey=options["vkey"])
        self.stdout.write(f"Registered witness {witness.name}")

    def do_witness_list(self, options: dict[str, Any]) -> None:
        for witness in Witness.objects.all():
            state = "active" if witness.active else "removed"
            self.stdout.write(f"{witness.name}\t{state}\t{witness.vkey}")

    def do_witness_remove(self, options: dict[str, Any]) -> None:
        witness = witness_remove(name=options["name"])
        self.stdout.write(f"Removed witness {witness.name}")
