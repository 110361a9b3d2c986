"""The ``goodoffices`` console script: Django's management commands under one name.

``demo`` and ``--data-dir`` must be known before Django reads its settings, so they are
read here and passed on as environment variables. The log's independent clients
(``ledger verify``, ``ledger verify-export``, ``witness``) never touch Django: they run
without settings or a database, as anyone checking the platform would run them.
"""

import os
import sys


def _client_command(args: list[str]) -> tuple[str, list[str]] | None:
    """``(command, its arguments)`` when ``args`` call one of the log's Django-free clients."""
    if args[:1] == ["witness"]:
        return "witness", args[1:]
    if args[:1] == ["ledger"] and args[1:2] in (["verify"], ["verify-export"]):
        return args[1], args[2:]
    return None


def _demo_port(args: list[str]) -> int | None:
    for i, arg in enumerate(args):
        value = args[i + 1] if arg == "--port" and i + 1 < len(args) else arg.removeprefix("--port=")
        if (arg == "--port" or arg.startswith("--port=")) and value.isdigit():
            return int(value)
    return None


def _demo_addresses(args: list[str]) -> None:
    """The demo's links (e-mails, calendar links, the ledger's ``--log`` line) name the address
    and port it serves on, unless the environment says otherwise. The ledger's origin, the log's
    name in its key and checkpoints, stays as it is: a log's origin never changes under its
    verifiers, and every command run on the demo's data directory must agree on it."""
    if "GOODOFFICES_SITE_URL" in os.environ:
        return
    port = _demo_port(args) or 8000
    os.environ["GOODOFFICES_SITE_URL"] = f"http://127.0.0.1:{port}"
    # As it was named when the site's address did not follow the port.
    os.environ.setdefault("GOODOFFICES_LEDGER_ORIGIN", "127.0.0.1:8000/ledger")


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    client = _client_command(args)
    if client is not None:
        # Imported only here, so that the clients load no Django at all.
        from goodoffices.lib.ledger.client import main as client_main

        sys.exit(client_main(*client))
    if args and args[0] == "demo":
        os.environ["GOODOFFICES_DEMO"] = "true"
        if "--data-dir" in args:
            i = args.index("--data-dir")
            if i + 1 >= len(args):
                sys.exit("goodoffices demo: --data-dir needs a directory")
            os.environ["GOODOFFICES_DATA_DIR"] = os.path.abspath(args[i + 1])
            del args[i : i + 2]
        else:
            os.environ.setdefault("GOODOFFICES_DATA_DIR", os.path.abspath("var"))
        _demo_addresses(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodoffices.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["goodoffices", *args])


if __name__ == "__main__":
    main()
