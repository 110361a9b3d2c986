"""Independent clients of the log: ``goodoffices ledger verify``, ``ledger verify-export`` and ``witness``.

No Django here, on purpose: a verifier or a witness needs only the log's URL and
keys, never the platform's settings or database, and must not trust either.
"""

import argparse
import json
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from goodoffices.lib.ledger import CheckpointState, VerifyResult, verify_log
from goodoffices.lib.ledger.cosignature import CosignatureSigner, generate_cosigner
from goodoffices.lib.ledger.errors import LedgerError, ResourceMissingError, ResourceUnavailableError
from goodoffices.lib.ledger.export import verify_export
from goodoffices.lib.ledger.note import is_valid_key_name, parse_note, sign_note
from goodoffices.lib.ledger.progress import progress_bar

from .keyfile import read_secret, write_json_atomically, write_secret

Fetch = Callable[[str], bytes]
USER_AGENT = "goodoffices-ledger-client/1"
TIMEOUT = 30
# How much of a refusal's body is worth repeating to the person running the client.
MAX_REASON = 300
STATE_FILE = "checkpoint.json"
WITNESS_KEY_FILE = "witness.key"


class ClientError(Exception):
    """A problem with the command line or the local state: reported in one line, exit status 2."""


def _check_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ClientError(f"--log must be an http(s) URL such as https://talks.example.org/ledger, not {url!r}")
    return url.rstrip("/")


def _reason(exc: urllib.error.HTTPError) -> str:
    """The server's own words for a refusal: its body's first line, printable and short."""
    try:
        body = exc.read(MAX_REASON * 4).decode("utf-8", "replace")
    except OSError:
        return ""
    line = next((part.strip() for part in body.splitlines() if part.strip()), "")
    line = "".join(ch if ch.isprintable() else "?" for ch in line)
    return line[:MAX_REASON] + ("…" if len(line) > MAX_REASON else "")


def http_fetcher(base_url: str) -> Fetch:
    """``fetch(path)`` over HTTP. A 5xx answer is the log being unavailable, with the server's
    reason; any other answer but 200 is a missing resource for the verifier to report."""
    base = _check_url(base_url)

    def fetch(path: str) -> bytes:
        request = urllib.request.Request(f"{base}/{path}", headers={"User-Agent": USER_AGENT})  # noqa: S310 - scheme checked
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - scheme checked
                body: bytes = response.read()
                return body
        except urllib.error.HTTPError as exc:
            if exc.code >= 500:
                reason = _reason(exc)
                raise ResourceUnavailableError(
                    f"{path} (HTTP {exc.code})" + (f": {reason}" if reason else "")
                ) from None
            raise ResourceMissingError(f"{path} (HTTP {exc.code})") from None

    return fetch


def caching(fetch: Fetch) -> Fetch:
    """Fetch the checkpoint once, so every later step looks at the same tree."""
    cache: dict[str, bytes] = {}

    def cached(path: str) -> bytes:
        if path == "checkpoint":
            if path not in cache:
                cache[path] = fetch(path)
            return cache[path]
        return fetch(path)

    return cached


def load_state(directory: Path | None) -> CheckpointState | None:
    if directory is None:
        return None
    path = directory / STATE_FILE
    try:
        return CheckpointState.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ClientError(f"{path} is not a saved checkpoint state: {exc}") from None


def save_state(directory: Path, state: CheckpointState) -> None:
    write_json_atomically(directory / STATE_FILE, state.to_json())


def _witness_count(args: argparse.Namespace) -> int:
    required: int = len(args.witness) if args.witnesses_required is None else args.witnesses_required
    if not 0 <= required <= len(args.witness):
        raise ClientError(f"--witnesses-required {required} needs at least that many --witness keys")
    return required


def _verify_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--key", required=True, help="the log's verifier key (GET <log>/key)")
    parser.add_argument(
        "--witness", action="append", default=[], metavar="VKEY", help="a witness's cosignature verifier key"
    )
    parser.add_argument(
        "--witnesses-required",
        type=int,
        metavar="K",
        help="how many of the --witness keys must have cosigned (default: all of them)",
    )
    parser.add_argument("--state", type=Path, metavar="DIR", help="remember the checkpoint here and check the log grew")
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bar (there is none anyway when stderr is not a terminal)"
    )


def _report(result: VerifyResult, state_dir: Path | None) -> int:
    print(result.verdict, flush=True)
    for failure in result.failures[1:]:
        print(f"  also: {failure}", file=sys.stderr)
    if result.ok and state_dir is not None and result.state is not None:
        save_state(state_dir, result.state)
    return 0 if result.ok else 1


def verify_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="goodoffices ledger verify",
        description="Verify a Good Offices log from its URL alone: signature, every entry, the tree, "
        "consistency with the last run and witness cosignatures. Exit status 0 only when all holds.",
    )
    parser.add_argument("--log", required=True, metavar="URL", help="the log's address, e.g. https://host/ledger")
    _verify_args(parser)
    args = parser.parse_args(argv)
    fetch = caching(http_fetcher(args.log))
    required = _witness_count(args)
    previous = load_state(args.state)
    progress = progress_bar(sys.stderr, "verify", quiet=args.quiet)
    try:
        result = verify_log(fetch, args.key, args.witness, required, previous, progress)
    except OSError as exc:
        raise ClientError(f"cannot reach the log at {args.log}: {getattr(exc, 'reason', exc)}") from None
    finally:
        progress.close()
    return _report(result, args.state)


def verify_export_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="goodoffices ledger verify-export",
        description="Verify an exported log archive exactly as `ledger verify` verifies the live log.",
    )
    parser.add_argument("file", type=Path, metavar="FILE")
    _verify_args(parser)
    args = parser.parse_args(argv)
    if not args.file.is_file():
        raise ClientError(f"{args.file} is not a file")
    required = _witness_count(args)
    previous = load_state(args.state)
    progress = progress_bar(sys.stderr, "verify-export", quiet=args.quiet)
    try:
        result = verify_export(args.file, args.key, args.witness, required, previous, progress)
    finally:
        progress.close()
    return _report(result, args.state)


def _default_witness_name() -> str:
    host = "".join(ch for ch in socket.gethostname() if ch.isalnum() or ch in ".-") or "witness"
    return f"{host}-witness"


def load_or_create_cosigner(directory: Path, name: str | None) -> tuple[CosignatureSigner, bool]:
    """The witness's own key from ``directory``, created on first use. Returns (signer, created)."""
    path = directory / WITNESS_KEY_FILE
    if path.exists():
        try:
            signer = CosignatureSigner.from_skey(read_secret(path))
        except (OSError, LedgerError, ValueError) as exc:
            raise ClientError(f"{path} is not a witness key: {exc}") from None
        if name is not None and name != signer.name:
            raise ClientError(f"{path} holds the key of witness {signer.name!r}, not {name!r}")
        return signer, False
    name = name or _default_witness_name()
    if not is_valid_key_name(name):
        raise ClientError(f"--name {name!r} must be non-empty, without spaces or '+'")
    signer = generate_cosigner(name)
    write_secret(path, signer.skey())
    return signer, True


def post_cosignature(base_url: str, note: bytes) -> tuple[int, str]:
    base = _check_url(base_url)
    request = urllib.request.Request(  # noqa: S310 - scheme checked
        f"{base}/cosignature",
        data=note,
        method="POST",
        headers={"User-Agent": USER_AGENT, "Content-Type": "text/plain; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - scheme checked
            return int(response.status), response.read().decode("utf-8", "replace").strip()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace").strip()


def witness_run(
    *,
    fetch: Fetch,
    log_key: str,
    state_dir: Path,
    name: str | None,
    post: Callable[[bytes], tuple[int, str]],
    out: Callable[[str], None] = print,
) -> int:
    """One witness round: verify the log and its history, cosign, submit. Transport comes in as functions."""
    signer, created = load_or_create_cosigner(state_dir, name)
    if created:
        out(f"Created the witness key {signer.name}. Ask the log's operator to register it:")
        out(f"  goodoffices ledger witness-add {signer.verifier.vkey}")
    fetch = caching(fetch)
    previous = load_state(state_dir)
    result = verify_log(fetch, log_key, [], 0, previous)
    if not result.ok or result.checkpoint is None:
        out("REFUSED: " + result.verdict.removeprefix("FAILED: "))
        return 1
    # Only a checkpoint that verified, including against what we saw last, becomes the new state.
    save_state(state_dir, CheckpointState.of(result.checkpoint))
    served = parse_note(fetch("checkpoint"))
    note = sign_note(served.text, [signer], existing=served.signatures)
    status, text = post(note)
    size = result.checkpoint.size
    if status != 200:
        out(f"FAILED: the log refused the cosignature of size {size} (HTTP {status}): {text}")
        return 1
    out(f"OK: cosigned {result.checkpoint.origin} at size {size} as {signer.name}")
    return 0


def witness_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="goodoffices witness",
        description="Witness a Good Offices log: check it only grew since the last run, then cosign its checkpoint.",
    )
    parser.add_argument("--log", required=True, metavar="URL")
    parser.add_argument("--key", required=True, help="the log's verifier key")
    parser.add_argument("--state", required=True, type=Path, metavar="DIR", help="this witness's key and memory")
    parser.add_argument("--name", help="the witness's key name on first run (default: <host>-witness)")
    args = parser.parse_args(argv)
    _check_url(args.log)
    try:
        return witness_run(
            fetch=http_fetcher(args.log),
            log_key=args.key,
            state_dir=args.state,
            name=args.name,
            post=lambda note: post_cosignature(args.log, note),
        )
    except OSError as exc:
        raise ClientError(f"cannot reach the log at {args.log}: {getattr(exc, 'reason', exc)}") from None


COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "verify": verify_command,
    "verify-export": verify_export_command,
    "witness": witness_command,
}


def main(command: str, argv: list[str]) -> int:
    try:
        return COMMANDS[command](argv)
    except (ClientError, ValueError) as exc:
        # ValueError: keys given on the command line that do not parse (LedgerError is one).
        print(f"error: {exc}", file=sys.stderr)
        return 2
