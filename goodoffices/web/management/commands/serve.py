from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from goodoffices.web.startup import NotReady, check_ready


def run_server(*, host: str, port: int, workers: int, threads: int = 8) -> None:
    """Serve the WSGI application with granian (a production server, not runserver).

    ``threads`` bounds the requests each worker serves at once: the database, not the
    interpreter, is the limit, so a few threads per worker suffice. (No ``backpressure``:
    it counted idle keep-alive connections too and stalled browsers for 30 s.)"""
    from granian.constants import Interfaces
    from granian.server import Server

    Server(
        "goodoffices.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
    ).serve()


class Command(BaseCommand):
    help = "Serve Good Offices in production with granian (WSGI). Run `goodoffices migrate` first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=8, help="requests served at once per worker")

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("port", "workers", "threads"):
            if options[name] < 1:
                raise CommandError(f"--{name} must be a positive number")
        try:
            check_ready(key_required=True)
        except NotReady as exc:
            raise CommandError(str(exc)) from None
        run_server(host=options["host"], port=options["port"], workers=options["workers"], threads=options["threads"])
