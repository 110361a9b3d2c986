"""Caucus services and selectors: what is stored, who sees it, and what is refused without a trace."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from goodoffices.caucus import selectors, services
from goodoffices.events.models import Event, EventKind
from goodoffices.lib import audience
from goodoffices.lib.errors import Invalid, NotFound

from . import samples
from .conftest import stored_files, trace

ALLOWED_A = ("mediator", "head_a", "delegate_a")
REFUSED_A = ("head_b", "delegate_b", "observer", "monitor", "operator", "outsider")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    # The declared content type is deliberately a lie: only the content may decide.
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class Snapshot:
    """Rows, events and files before a refused call, to show it changed nothing."""

    def __init__(self, media_root: Path) -> None:
        self.media_root = media_root
        self.state = trace(media_root)

    def unchanged(self) -> bool:
        return trace(self.media_root) == self.state


@pytest.mark.parametrize("persona", ALLOWED_A)
def test_members_and_mediators_post_and_read(world, persona):
    actor = world.users[persona]
    message = services.caucus_message_post(actor=actor, party=world.party_a, body="  Our position on gas.  ")
    assert message.body == "Our position on gas."
    assert message.audience == audience.caucus(world.party_a.pk)
    event = Event.objects.get(kind=EventKind.CAUCUS_MESSAGE_POSTED, subject_id=str(message.pk))
    assert event.audience == audience.caucus(world.party_a.pk)
    assert event.process == world.process
    assert event.payload == {"party": world.party_a.pk, "body": "Our position on gas."}
    for reader in ALLOWED_A:
        assert list(selectors.caucus_messages(user=world.users[reader], party=world.party_a)) == [message]


@pytest.mark.parametrize("persona", REFUSED_A)
def test_no_one_else_reads_or_writes_a_caucus(world, media_root, persona):
    services.caucus_message_post(actor=world.head_a, party=world.party_a, body="confidential")
    document = services.caucus_document_upload(
        actor=world.head_a, party=world.party_a, upload=upload("plan.pdf", samples.pdf())
    )
    user = world.users[persona]
    with pytest.raises(NotFound):
        selectors.caucus_messages(user=user, party=world.party_a)
    with pytest.raises(NotFound):
        selectors.caucus_documents(user=user, party=world.party_a)
    with pytest.raises(NotFound):
        selectors.caucus_document_get(user=user, document_id=document.pk)
    snapshot = Snapshot(media_root)
    with pytest.raises(NotFound):
        services.caucus_message_post(actor=user, party=world.party_a, body="let me in")
    with pytest.raises(NotFound):
        services.caucus_document_upload(actor=user, party=world.party_a, upload=upload("x.pdf", samples.pdf()))
    assert snapshot.unchanged()


def test_a_document_in_another_caucus_is_like_one_that_does_not_exist(world):
    document = services.caucus_document_upload(
        actor=world.head_b, party=world.party_b, upload=upload("b.pdf", samples.pdf())
    )
    with pytest.raises(NotFound) as other:
        selectors.caucus_document_get(user=world.head_a, document_id=document.pk)
    with pytest.raises(NotFound) as missing:
        selectors.caucus_document_get(user=world.head_a, document_id=document.pk + 1000)
    assert str(other.value) == str(missing.value)


def test_the_mediator_sees_each_caucus_apart(world):
    a = services.caucus_message_post(actor=world.mediator, party=world.party_a, body="to Alpha")
    b = services.caucus_message_post(actor=world.mediator, party=world.party_b, body="to Beta")
    assert list(selectors.caucus_messages(user=world.mediator, party=world.party_a)) == [a]
    assert list(selectors.caucus_messages(user=world.mediator, party=world.party_b)) == [b]
    assert list(selectors.caucus_messages(user=world.head_b, party=world.party_b)) == [b]
    parties = list(world.process.parties.all())
    assert selectors.caucus_parties(user=world.mediator, parties=parties) == [world.party_a, world.party_b]
    assert selectors.caucus_parties(user=world.head_a, parties=parties) == [world.party_a]
    assert selectors.caucus_parties(user=world.observer, parties=parties) == []


@pytest.mark.parametrize(
    ("name", "make", "content_type"),
    [
        ("minutes.pdf", samples.pdf, "application/pdf"),
        ("map.png", samples.png, "image/png"),
        ("photo.JPG", samples.jpeg, "image/jpeg"),
        ("photo.jpeg", samples.jpeg, "image/jpeg"),
        ("draft.docx", samples.docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("draft.odt", samples.odt, "application/vnd.oasis.opendocument.text"),
        ("figures.xlsx", samples.xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("notes.txt", samples.text, "text/plain"),
        ("scan", samples.png, "image/png"),
    ],
)
def test_accepted_documents_are_stored_with_their_digest(world, media_root, name, make, content_type):
    content = make()
    document = services.caucus_document_upload(
        actor=world.delegate_a, party=world.party_a, upload=upload(name, content)
    )
    document.refresh_from_db()
    assert document.original_name == name
    assert document.content_type == content_type
    assert document.size == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    [path] = stored_files(media_root)
    assert path.read_bytes() == content
    # The original name never reaches the disk, where it could collide or escape the folder.
    assert name not in str(path)
    assert path.is_relative_to(media_root / "caucus" / str(world.party_a.pk))
    event = Event.objects.get(kind=EventKind.CAUCUS_DOCUMENT_UPLOADED, subject_id=str(document.pk))
    assert event.audience == audience.caucus(world.party_a.pk)
    assert event.payload == {
        "party": world.party_a.pk,
        "name": name,
        "content_type": content_type,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
    }


@pytest.mark.parametrize(
    ("name", "make", "words"),
    [
        ("report.pdf", samples.exe, ["disguised", "PDF", "application/x-msdownload"]),
        ("report.pdf", samples.png, ["disguised", ".pdf", "PNG"]),
        ("report.pdf", samples.text, ["disguised", ".pdf", "plain text"]),
        ("notes.txt", samples.exe, ["disguised", "plain text"]),
        ("photo.png", samples.jpeg, ["disguised", ".png", "JPEG"]),
        ("setup.exe", samples.png, ["disguised", ".exe", "PNG"]),
        ("archive.docx", samples.plain_zip, ["disguised", "DOCX", "application/zip"]),
    ],
)
def test_disguised_files_are_refused_and_nothing_is_written(world, media_root, name, make, words):
    snapshot = Snapshot(media_root)
    with pytest.raises(Invalid) as refused:
        services.caucus_document_upload(actor=world.head_a, party=world.party_a, upload=upload(name, make()))
    assert not isinstance(refused.value, services.FileTooLarge)
    message = str(refused.value)
    assert message.startswith("file: ")
    for word in words:
        assert word in message
    assert snapshot.unchanged()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("setup.exe", samples.exe(), ["application/x-msdownload", "not accepted"]),
        ("bundle.zip", samples.plain_zip(), ["application/zip", "not accepted"]),
        ("blob", bytes(range(256)), ["unrecognised", "not accepted"]),
        ("latin1.dat", "café".encode("latin-1"), ["unrecognised", "not accepted"]),
        ("empty.txt", b"", ["empty"]),
        ("\x01evil.txt", samples.text(), ["control characters"]),
    ],
)
def test_unsupported_files_are_refused_and_nothing_is_written(world, media_root, name, content, words):
    snapshot = Snapshot(media_root)
    with pytest.raises(Invalid) as refused:
        services.caucus_document_upload(actor=world.head_a, party=world.party_a, upload=upload(name, content))
    for word in words:
        assert word in str(refused.value)
    assert snapshot.unchanged()


def test_a_long_name_keeps_its_extension_and_a_path_is_dropped(world):
    long = services.caucus_document_upload(
        actor=world.head_a, party=world.party_a, upload=upload("x" * 300 + ".txt", samples.text())
    )
    assert len(long.original_name) <= 255
    assert long.original_name.endswith(".txt")
    pathy = services.caucus_document_upload(
        actor=world.head_a, party=world.party_a, upload=upload("../../etc/notes.txt", samples.text())
    )
    assert pathy.original_name == "notes.txt"


def test_oversized_files_are_refused_and_nothing_is_written(world, media_root, settings):
    settings.CAUCUS_MAX_UPLOAD_BYTES = 1024
    snapshot = Snapshot(media_root)
    with pytest.raises(services.FileTooLarge) as refused:
        services.caucus_document_upload(actor=world.head_a, party=world.party_a, upload=upload("big.txt", b"a" * 1025))
    assert "larger than the limit" in str(refused.value)
    assert snapshot.unchanged()
    # Exactly at the limit is accepted.
    services.caucus_document_upload(actor=world.head_a, party=world.party_a, upload=upload("ok.txt", b"a" * 1024))


def test_a_file_that_lies_about_its_size_is_measured_while_read(world, media_root, settings):
    settings.CAUCUS_MAX_UPLOAD_BYTES = 1024
    lying = upload("big.txt", b"a" * 4096)
    lying.size = 10
    snapshot = Snapshot(media_root)
    with pytest.raises(services.FileTooLarge):
        services.caucus_document_upload(actor=world.head_a, party=world.party_a, upload=lying)
    assert snapshot.unchanged()


def test_a_failure_after_the_file_was_saved_removes_it(world, media_root, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("ledger unavailable")

    monkeypatch.setattr(services, "event_record", broken)
    snapshot = Snapshot(media_root)
    with pytest.raises(RuntimeError):
        services.caucus_document_upload(actor=world.head_a, party=world.party_a, upload=upload("a.pdf", samples.pdf()))
    assert snapshot.unchanged()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("", "must not be empty"),
        ("   \n\t ", "must not be empty"),
        ("x" * 10_001, "at most 10000 characters"),
        ("nul \x00 byte", "must not contain control characters (found U+0000)"),
        ("lone \ud800 surrogate", "lone surrogate (U+D800)"),
    ],
)
def test_bad_messages_are_refused_and_nothing_is_written(world, media_root, body, words):
    snapshot = Snapshot(media_root)
    with pytest.raises(Invalid) as refused:
        services.caucus_message_post(actor=world.head_a, party=world.party_a, body=body)
    assert words in str(refused.value)
    assert snapshot.unchanged()


def test_a_message_of_exactly_the_limit_is_accepted(world):
    message = services.caucus_message_post(actor=world.head_a, party=world.party_a, body="x" * 10_000)
    assert len(message.body) == 10_000
