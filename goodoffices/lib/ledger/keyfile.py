"""Secret key files and small state files, written safely. No Django here: the witness uses it too."""

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def write_secret(path: Path, text: str) -> None:
    """Create ``path`` with mode 0600 holding ``text``; refuse to overwrite an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: a second keygen must never replace the key that signed the log so far.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text + "\n")


def read_secret(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip()


def write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2, sort_keys=True)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
