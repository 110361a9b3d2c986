"""The layers of DESIGN.md hold mechanically: `make lint` runs import-linter's contracts
(pyproject.toml), and an upward import breaks them."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=tree,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree), "GOODOFFICES_TESTING": "true"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package and its contracts, to plant imports in."""
    copy = tmp_path_factory.mktemp("layers")
    shutil.copytree(ROOT / "goodoffices", copy / "goodoffices", ignore=shutil.ignore_patterns("__pycache__", "locale"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def _plant(tree: Path, module: str, line: str) -> str:
    path = tree / module
    original = path.read_text()
    path.write_text(original + "\n" + line + "\n")
    return original


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("goodoffices/meetings/services/common.py", "import goodoffices.api.problems", "Interfaces above apps"),
        ("goodoffices/consent/services.py", "import goodoffices.web.views", "Domain code"),
        ("goodoffices/lib/canonical.py", "import django.db", "lib is plain Python"),
        ("goodoffices/lib/ledger/merkle.py", "import goodoffices.events.models", "lib is plain Python"),
    ],
)
def test_an_upward_import_breaks_a_contract(tree, module, line, broken):
    assert _lint(tree).returncode == 0
    original = _plant(tree, module, line)
    try:
        result = _lint(tree)
    finally:
        (tree / module).write_text(original)
    assert result.returncode != 0
    assert broken in result.stdout
    assert "BROKEN" in result.stdout
