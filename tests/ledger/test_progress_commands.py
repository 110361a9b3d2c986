"""`goodoffices ledger audit` and `export` show a bar on a terminal, and nothing extra anywhere else."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from goodoffices.ledger.log import tree_size
from goodoffices.lib.ledger.export import verify_export

from .conftest import record


class TerminalLike(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def grown(world):
    """The world's log with a few hundred more entries, so that tiles and bundles are partial."""
    record(world, count=300)
    return world


def members(archive: Path) -> dict[str, bytes]:
    """An archive's files and their bytes (its own timestamps aside)."""
    with zipfile.ZipFile(archive) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def run(*args: str, terminal: bool) -> tuple[str, str]:
    out, err = io.StringIO(), TerminalLike() if terminal else io.StringIO()
    call_command("ledger", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_audit_shows_the_leaves_checked_on_a_terminal_only(grown):
    size = tree_size()
    assert size > 300
    plain, nothing = run("audit", terminal=False)
    assert plain == f"OK: {size} leaves match their events and cover entries, and every stored hash\n"
    assert nothing == ""
    out, shown = run("audit", terminal=True)
    assert out == plain
    assert "audit: leaves: 100%|" in shown
    assert f"| {size}/{size} [" in shown
    assert " entries/s]" in shown
    # Cleared when done: no line of its own is left behind.
    assert "\n" not in shown
    assert run("audit", "--quiet", terminal=True) == (plain, "")
    assert run("--verbosity", "0", "audit", terminal=True) == (plain, "")


def test_export_shows_tiles_entries_and_archive_on_a_terminal_only(grown, log_key, tmp_path):
    size = tree_size()
    plain, nothing = run("export", str(tmp_path / "plain.zip"), terminal=False)
    assert plain == f"Exported the log at size {size} to {tmp_path / 'plain.zip'}\n"
    assert nothing == ""
    out, shown = run("export", str(tmp_path / "shown.zip"), terminal=True)
    assert out == plain.replace("plain.zip", "shown.zip")
    for stage in ("tiles", "entries", "archive"):
        assert f"export: {stage}: 100%|" in shown
    assert f"| {size}/{size} [" in shown
    assert members(tmp_path / "shown.zip") == members(tmp_path / "plain.zip")
    assert verify_export(tmp_path / "shown.zip", log_key.vkey, [], 0).ok
    out, quiet = run("export", str(tmp_path / "quiet.zip"), "--quiet", terminal=True)
    assert quiet == ""
