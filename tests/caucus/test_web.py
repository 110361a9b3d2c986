"""The caucus page: thread, documents, navigation, and posting with and without htmx."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from goodoffices.caucus import services
from goodoffices.caucus.models import CaucusDocument, CaucusMessage

from . import samples
from .conftest import stored_files, trace


def _page(world, party) -> str:
    return f"/processes/{world.process.pk}/caucus/{party.pk}/"


@pytest.mark.parametrize(
    ("persona", "links"),
    [
        ("mediator", {"Alpha", "Beta"}),
        ("head_a", {"Alpha"}),
        ("delegate_b", {"Beta"}),
        ("observer", set()),
        ("monitor", set()),
        ("operator", set()),
    ],
)
def test_the_process_navigation_links_only_the_caucuses_one_may_open(world, client_for, persona, links):
    html = client_for(persona).get(f"/processes/{world.process.pk}/").content.decode()
    for name, party in (("Alpha", world.party_a), ("Beta", world.party_b)):
        link = f'href="{_page(world, party)}"'
        assert (link in html) == (name in links), (persona, name)


def test_the_page_shows_the_thread_and_documents_of_that_caucus_only(world, client_for):
    services.caucus_message_post(actor=world.mediator, party=world.party_a, body="Line one\nLine two")
    services.caucus_message_post(actor=world.mediator, party=world.party_b, body="meant for Beta")
    services.caucus_document_upload(
        actor=world.head_a, party=world.party_a, upload=SimpleUploadedFile("position.pdf", samples.pdf())
    )
    response = client_for("delegate_a").get(_page(world, world.party_a))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Line one<br>Line two" in html
    assert "position.pdf" in html
    assert "meant for Beta" not in html
    assert 'enctype="multipart/form-data"' in html
    assert 'aria-current="page"' in html


def test_posting_without_javascript_redirects_back_to_the_thread(world, client_for):
    client = client_for("head_a")
    response = client.post(f"{_page(world, world.party_a)}messages/", {"body": "Ready to talk about gas"})
    assert response.status_code == 302
    assert response["Location"] == _page(world, world.party_a)
    assert "Ready to talk about gas" in client.get(response["Location"]).content.decode()


def test_posting_with_htmx_returns_the_thread_alone(world, client_for):
    client = client_for("mediator")
    url = f"{_page(world, world.party_a)}messages/"
    response = client.post(url, {"body": "A proposal for Tuesday"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="caucus-thread"')
    assert "A proposal for Tuesday" in html
    assert "<html" not in html
    refused = client.post(url, {"body": "   "}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200
    assert 'class="errorlist' in refused.content.decode()
    assert CaucusMessage.objects.count() == 1


def test_a_refused_message_without_javascript_is_422_and_writes_nothing(world, client_for, media_root):
    client = client_for("head_a")
    before = trace(media_root)
    response = client.post(f"{_page(world, world.party_a)}messages/", {"body": "x" * 10_001})
    assert response.status_code == 422
    assert 'class="errorlist' in response.content.decode()
    assert trace(media_root) == before


def test_upload_through_the_page_and_download(world, client_for):
    client = client_for("head_a")
    response = client.post(
        f"{_page(world, world.party_a)}documents/", {"file": SimpleUploadedFile("minutes.txt", samples.text())}
    )
    assert response.status_code == 302
    document = CaucusDocument.objects.get()
    download = client.get(f"/caucus/documents/{document.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == samples.text()
    assert download["Content-Type"] == "text/plain"
    assert download["Content-Disposition"] == 'attachment; filename="minutes.txt"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert client_for("head_b").get(f"/caucus/documents/{document.pk}/").status_code == 404


def test_a_disguised_upload_through_the_page_is_422_with_the_reason(world, client_for, media_root):
    client = client_for("head_a")
    before = trace(media_root)
    response = client.post(
        f"{_page(world, world.party_a)}documents/", {"file": SimpleUploadedFile("report.pdf", samples.png())}
    )
    assert response.status_code == 422
    assert "disguised" in response.content.decode()
    assert trace(media_root) == before


def test_an_oversized_upload_through_the_page_is_413(world, client_for, media_root, settings):
    settings.CAUCUS_MAX_UPLOAD_BYTES = 100
    client = client_for("head_a")
    before = trace(media_root)
    response = client.post(
        f"{_page(world, world.party_a)}documents/", {"file": SimpleUploadedFile("big.txt", b"a" * 101)}
    )
    assert response.status_code == 413
    assert "larger than the limit" in response.content.decode()
    assert trace(media_root) == before


def test_a_document_whose_file_was_lost_answers_404(world, client_for, media_root):
    document = services.caucus_document_upload(
        actor=world.head_a, party=world.party_a, upload=SimpleUploadedFile("a.txt", samples.text())
    )
    for path in stored_files(media_root):
        path.unlink()
    assert client_for("head_a").get(f"/caucus/documents/{document.pk}/").status_code == 404
