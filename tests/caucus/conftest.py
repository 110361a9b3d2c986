from pathlib import Path
from typing import Any

import pytest

from goodoffices.caucus.models import CaucusDocument, CaucusMessage
from goodoffices.events.models import Event


@pytest.fixture(autouse=True)
def media_root(tmp_path: Path, settings: Any) -> Path:
    """Every caucus test stores its files under its own temporary directory, never in the repository."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def trace(root: Path) -> tuple[int, int, int, list[Path]]:
    """Events, caucus rows and stored files: what a refused request must leave unchanged."""
    return (
        Event.objects.count(),
        CaucusMessage.objects.count(),
        CaucusDocument.objects.count(),
        stored_files(root),
    )
