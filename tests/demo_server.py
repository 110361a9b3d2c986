"""Start a real `goodoffices demo` server on a free port, as a newcomer would, for tests that
need the platform over HTTP (browser journeys, the ledger's command-line clients)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOODOFFICES = str(Path(sys.executable).with_name("goodoffices"))


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without this test run's settings, running this checkout's code."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOODOFFICES_", "DJANGO_"))}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def demo_server(data_dir: Path, *, startup_seconds: float = 180) -> Iterator[str]:
    """Yield the base URL of a demo server with its data in ``data_dir``; stop it afterwards."""
    port = _free_port()
    log_path = data_dir / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [GOODOFFICES, "demo", "--port", str(port), "--data-dir", str(data_dir)],
            env=clean_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + startup_seconds
        while True:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    server.wait()
                    pytest.fail("the demo server did not start:\n" + log_path.read_text())
                time.sleep(0.3)
        try:
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
