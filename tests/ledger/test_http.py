"""The log's paths as a standard tlog client reads them: checkpoint, key, tiles, entry bundles."""

import base64

import pytest

from goodoffices.ledger.log import LogView, tree_size
from goodoffices.lib import audience
from goodoffices.lib.ledger import CheckpointState, leaf_hash, open_checkpoint, verify_inclusion, verify_log
from goodoffices.lib.ledger.note import Ed25519Verifier

from .conftest import leaf_of, record

TEXT = "text/plain; charset=utf-8"


def test_checkpoint_is_signed_by_the_log_and_names_the_current_tree(world, anonymous, log_key, settings):
    response = anonymous.get("/ledger/checkpoint")
    assert response.status_code == 200
    assert response["Content-Type"] == TEXT
    assert response["Cache-Control"] == "no-cache"
    checkpoint, _note = open_checkpoint(response.content, [Ed25519Verifier.from_vkey(log_key.vkey)])
    assert checkpoint.origin == settings.LEDGER_ORIGIN == log_key.signer.name
    assert checkpoint.size == tree_size()
    assert checkpoint.root == LogView(tree_size()).root
    assert response.content.decode().splitlines()[0] == settings.LEDGER_ORIGIN


def test_key_serves_the_verifier_key_only(world, anonymous, log_key):
    response = anonymous.get("/ledger/key")
    assert response.status_code == 200
    assert response["Content-Type"] == TEXT
    assert response.content.decode() == log_key.vkey + "\n"
    assert b"PRIVATE" not in response.content


def test_the_served_log_verifies(world, fetch, log_key):
    result = verify_log(fetch, log_key.vkey, [], 0)
    assert result.ok, result.verdict
    assert result.entries_checked == tree_size()
    state = result.state
    record(world, count=3)
    again = verify_log(fetch, log_key.vkey, [], 0, state)
    assert again.ok, again.verdict
    assert state is not None
    assert again.checkpoint is not None
    # One epoch: three events and thirteen cover entries, one step of sixteen.
    assert again.checkpoint.size == state.size + 16


def test_the_empty_log_verifies(db, fetch, log_key):
    result = verify_log(fetch, log_key.vkey, [], 0)
    assert result.ok, result.verdict
    assert result.checkpoint is not None
    assert result.checkpoint.size == 0


def test_full_tiles_are_immutable_partial_ones_short_lived(world, anonymous, fetch, log_key):
    record(world, count=300 - tree_size())
    assert tree_size() == 304
    full = anonymous.get("/ledger/tile/0/000")
    assert full.status_code == 200
    assert full["Content-Type"] == "application/octet-stream"
    assert full["Cache-Control"] == "public, max-age=31536000, immutable"
    assert len(full.content) == 256 * 32
    partial = anonymous.get("/ledger/tile/0/001.p/48")
    assert partial.status_code == 200
    assert len(partial.content) == 48 * 32
    assert "immutable" not in partial["Cache-Control"]
    assert anonymous.get("/ledger/tile/1/000.p/1").content == LogView(256).root
    bundle = anonymous.get("/ledger/tile/entries/000")
    assert bundle.status_code == 200
    assert bundle["Cache-Control"] == "public, max-age=31536000, immutable"
    # A client holding an older checkpoint may still ask for the smaller partial tile.
    assert anonymous.get("/ledger/tile/0/001.p/10").content == partial.content[: 10 * 32]
    assert verify_log(fetch, log_key.vkey, [], 0).ok


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("tile/", "not a tile path"),
        ("tile/0/", "last tile index element"),
        ("tile/00/000", "tile level '00'"),
        ("tile/64/000", "above 63"),
        ("tile/-1/000", "tile level"),
        ("tile/0/1", "last tile index element '1'"),
        ("tile/0/0000", "last tile index element"),
        ("tile/0/x000/001", "leading zero group"),
        ("tile/0/001/002", "x followed by 3 digits"),
        ("tile/0/000.p/0", "partial tile width '0'"),
        ("tile/0/000.p/256", "partial tile width '256'"),
        ("tile/0/000.p/07", "partial tile width '07'"),
        ("tile/entries/000.p/", "tile index element"),
        ("tile/entries/abc", "last tile index element 'abc'"),
        ("tile/level/000", "tile level 'level'"),
    ],
)
def test_malformed_tile_paths_answer_400_naming_the_problem(world, anonymous, path, names):
    response = anonymous.get("/ledger/" + path)
    assert response.status_code == 400
    assert response["Content-Type"] == TEXT
    assert "malformed tile path" in response.content.decode()
    assert names in response.content.decode()


def test_tiles_beyond_the_tree_answer_404(world, anonymous):
    size = tree_size()
    assert 1 < size < 256
    for path in (
        "tile/0/000",
        f"tile/0/000.p/{size + 1}",
        "tile/0/001.p/1",
        "tile/1/000.p/1",
        "tile/entries/000",
        f"tile/entries/000.p/{size + 1}",
        "tile/entries/x123/456",
    ):
        response = anonymous.get("/ledger/" + path)
        assert response.status_code == 404, path
        assert "beyond the tree" in response.content.decode()
    assert anonymous.get(f"/ledger/tile/0/000.p/{size}").status_code == 200


def test_only_get_is_allowed(world, anonymous):
    assert anonymous.post("/ledger/checkpoint").status_code == 405
    assert anonymous.post("/ledger/tile/0/000.p/1").status_code == 405
    assert anonymous.get("/ledger/cosignature").status_code == 405
    head = anonymous.head("/ledger/tile/0/000.p/1")
    assert head.status_code == 200
    assert head["Content-Type"] == "application/octet-stream"


def test_missing_key_answers_503_not_500(world, anonymous, settings, tmp_path, caplog):
    settings.LEDGER_KEY_FILE = tmp_path / "nowhere" / "ledger.key"
    for path in ("/ledger/checkpoint", "/ledger/key"):
        response = anonymous.get(path)
        assert response.status_code == 503
        assert "ledger keygen" in response.content.decode()
        # The answer is public: it names no server path (issue 8, item 20); the log does.
        assert str(tmp_path) not in response.content.decode()
    cosignature = anonymous.post("/ledger/cosignature", b"x", content_type="text/plain")
    assert cosignature.status_code == 503
    assert str(tmp_path) not in cosignature.content.decode()
    page = anonymous.get("/ledger/")
    assert page.status_code == 200
    assert "cannot sign a checkpoint" in page.content.decode()
    assert str(tmp_path) not in page.content.decode()
    assert str(settings.LEDGER_KEY_FILE) in caplog.text
    # Tiles need no key.
    assert anonymous.get(f"/ledger/tile/0/000.p/{tree_size()}").status_code == 200


def test_a_key_for_another_origin_is_refused(world, anonymous, settings):
    settings.LEDGER_ORIGIN = "elsewhere.example/ledger"
    response = anonymous.get("/ledger/checkpoint")
    assert response.status_code == 503
    assert "GOODOFFICES_LEDGER_ORIGIN" in response.content.decode()


def test_a_corrupt_key_file_answers_503(world, anonymous, settings):
    settings.LEDGER_KEY_FILE.write_text("PRIVATE+KEY+nonsense\n")
    response = anonymous.get("/ledger/checkpoint")
    assert response.status_code == 503
    assert "not a note signer key" in response.content.decode()
    assert str(settings.LEDGER_KEY_FILE.parent) not in response.content.decode()


def test_page_explains_the_record_and_how_to_verify(world, anonymous, log_key):
    response = anonymous.get("/ledger/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "goodoffices ledger verify --log http://localhost/ledger --key " + log_key.vkey in text
    assert base64.b64encode(LogView(tree_size()).root).decode() in text
    assert "<script" not in text.split("</head>")[1]


def test_public_entry_page_and_json_proof(world, anonymous):
    (event,) = record(world, payload={"statement": "ceasefire holds"})
    index = leaf_of(event)
    page = anonymous.get(f"/ledger/entries/{index}")
    assert page.status_code == 200
    assert "ceasefire holds" in page.content.decode()
    data = anonymous.get(f"/ledger/entries/{index}?format=json").json()
    assert data["sealed"] is False
    root = bytes.fromhex(data["root"]["hex"])
    proof = [base64.b64decode(h["base64"]) for h in data["inclusion_proof"]]
    leaf = leaf_hash(data["entry"].encode())
    assert leaf.hex() == data["leaf_hash"]["hex"]
    verify_inclusion(index, data["tree_size"], leaf, proof, root)


def test_sealed_entry_page_shows_nothing_of_the_event(world, anonymous):
    (event,) = record(world, audience_name=audience.MEDIATORS, payload={"secret": "marker-91c2"})
    index = leaf_of(event)
    for url in (f"/ledger/entries/{index}", f"/ledger/entries/{index}?format=json"):
        response = anonymous.get(url)
        assert response.status_code == 200
        for secret in ("marker-91c2", "process.created", event.salt):
            assert secret not in response.content.decode()
    assert anonymous.get(f"/ledger/entries/{index}?format=json").json()["sealed"] is True


def test_entry_beyond_the_tree_is_404(world, anonymous):
    assert anonymous.get(f"/ledger/entries/{tree_size()}").status_code == 404


def test_state_round_trips(world, fetch, log_key):
    state = verify_log(fetch, log_key.vkey, [], 0).state
    assert state is not None
    assert CheckpointState.from_json(state.to_json()) == state
