"""Every JSON case of the transparency-dev/merkle conformance data (testdata/merkle)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from goodoffices.lib.ledger.errors import HashLengthError, ProofError
from goodoffices.lib.ledger.merkle import verify_consistency, verify_inclusion
from goodoffices.lib.ledger.subtree import (
    verify_subtree_consistency,
    verify_subtree_inclusion,
)

DATA = Path(__file__).parent / "testdata" / "merkle"

# Cases the data accepts but we refuse on purpose: their roots are 12-byte
# placeholders ("don't care"), and this ledger never accepts a hash that is not
# 32 bytes long, even where the proof itself would not need to look at it.
STRICTER_THAN_DATA = {
    "consistency/additional/sizes-are-equal-one-and-proof-is-empty.json",
    "subtreeconsistency/additional/sizes-are-equal-one-and-proof-is-empty.json",
    (
        "subtreeconsistency/additional/"
        "subtree-is-empty-sizes-are-equal-one-subtree-root-valid-tree-root-random-proof-is-empty.json"
    ),
    (
        "subtreeconsistency/additional/"
        "subtree-is-empty-sizes-are-equal-zero-subtree-root-valid-tree-root-random-proof-is-empty.json"
    ),
}


def _cases(kind: str) -> list[Any]:
    files = sorted((DATA / kind).rglob("*.json"))
    assert files, f"no conformance data under {kind}"
    return [pytest.param(f, id=str(f.relative_to(DATA))) for f in files]


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _b64(value: str) -> bytes:
    return base64.b64decode(value)


def _proof(case: dict[str, Any]) -> list[bytes]:
    return [_b64(p) for p in case["proof"] or []]


def _expect(path: Path, case: dict[str, Any], run: Any) -> None:
    rel = str(path.relative_to(DATA))
    if rel in STRICTER_THAN_DATA:
        assert case["wantErr"] is False
        with pytest.raises(HashLengthError):
            run()
    elif case["wantErr"]:
        with pytest.raises(ProofError):
            run()
    else:
        run()


@pytest.mark.parametrize("path", _cases("inclusion"))
def test_inclusion(path: Path) -> None:
    c = _load(path)
    _expect(
        path,
        c,
        lambda: verify_inclusion(c["leafIdx"], c["treeSize"], _b64(c["leafHash"]), _proof(c), _b64(c["root"])),
    )


@pytest.mark.parametrize("path", _cases("consistency"))
def test_consistency(path: Path) -> None:
    c = _load(path)
    _expect(
        path,
        c,
        lambda: verify_consistency(c["size1"], c["size2"], _proof(c), _b64(c["root1"]), _b64(c["root2"])),
    )


@pytest.mark.parametrize("path", _cases("subtreeinclusion"))
def test_subtree_inclusion(path: Path) -> None:
    c = _load(path)
    _expect(
        path,
        c,
        lambda: verify_subtree_inclusion(
            c["leafIdx"], c["start"], c["end"], _b64(c["leafHash"]), _proof(c), _b64(c["root"])
        ),
    )


@pytest.mark.parametrize("path", _cases("subtreeconsistency"))
def test_subtree_consistency(path: Path) -> None:
    c = _load(path)
    _expect(
        path,
        c,
        lambda: verify_subtree_consistency(
            c["start"], c["end"], c["size"], _proof(c), _b64(c["root1"]), _b64(c["root2"])
        ),
    )


def test_every_file_is_covered() -> None:
    total = sum(1 for _ in DATA.rglob("*.json"))
    kinds = ("inclusion", "consistency", "subtreeinclusion", "subtreeconsistency")
    assert total == sum(len(_cases(k)) for k in kinds)
    for rel in STRICTER_THAN_DATA:
        assert (DATA / rel).is_file(), rel
