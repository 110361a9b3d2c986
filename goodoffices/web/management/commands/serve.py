from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def run_server(*, host: str, port: int, workers: int) -> None:
    """Serve the WSGI application with granian (a production server, not runserver)."""
    from granian.constants import Interfaces
    from granian.server import Server

    Server(
        "goodoffices.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
    ).serve()


class Command(BaseCommand):
    help = "Serve Good Offices in production with granian (WSGI). Run `goodoffices migrate` first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        run_server(host=options["host"], port=options["port"], workers=options["workers"])
