"""Communiqué language versions (issue 10, item 8): a communiqué drafted in a language of the
mandate gets versions in its other languages, each marked equally authentic or for information.
Every change to a language version is an amendment: a new version of the communiqué, earlier
consents void; a consent is to every text with its marking, and publication publishes exactly
that set. Refusals name the field (and the mandate) and change nothing. A draft's language
versions are the plenary's; the published ones are on the register, its feed and the API."""

import hashlib
import html
import re

import feedparser  # type: ignore[import-untyped]  # feedparser ships no type information
import pytest

from goodoffices.consent.models import JointConsent
from goodoffices.events.models import Event, EventKind
from goodoffices.ledger.audit import published_records_problems
from goodoffices.lib.canonical import canonical_json
from goodoffices.lib.errors import Conflict, Invalid
from goodoffices.meetings import services
from goodoffices.meetings.models import Communique, CommuniqueLanguageVersion, Notification
from goodoffices.meetings.services.records import COMMUNIQUE_VOIDED, communique_question
from goodoffices.processes.services import mandate_amend

from .conftest import confirm, hold, propose

ENGLISH = "The sides agreed to continue contacts."
RUSSIAN = "Стороны договорились продолжить контакты."
ARMENIAN = "Կողմերը պայմանավորվեցին շարունակել շփումները։"


@pytest.fixture
def four_languages(world):
    """The world's mandate (English, Russian) amended to hold Armenian and Azerbaijani too."""
    mandate_amend(actor=world.operator, mandate=world.mandate, note="languages", languages=["en", "ru", "hy", "az"])
    world.process.refresh_from_db()


@pytest.fixture
def draft(world) -> Communique:
    meeting = hold(world, confirm(world, propose(world, title="Talks on contacts")))
    return services.communique_draft(actor=world.mediator, meeting=meeting, text=ENGLISH)


def _add(world, communique, language="ru", text=RUSSIAN, authentic=True, **kw) -> Communique:
    return services.communique_language_set(
        actor=world.mediator, communique=communique, language=language, text=text, authentic=authentic, **kw
    )


def _consent(head, communique, version):
    return services.communique_consent(actor=head, communique=communique, consent=True, version=version)


def _page(client, url: str, **headers) -> str:
    return html.unescape(str(client.get(url, **headers).content.decode()))


def _last(kind: str) -> Event:
    return Event.objects.filter(kind=kind).latest("seq")


# Services.


def test_a_communique_is_drafted_in_the_first_language_of_the_mandate_unless_told(world):
    first = hold(world, confirm(world, propose(world, title="First")))
    second = hold(world, confirm(world, propose(world, title="Second")))
    assert services.communique_draft(actor=world.mediator, meeting=first, text=ENGLISH).language == "en"
    drafted = services.communique_draft(actor=world.mediator, meeting=second, text=RUSSIAN, language="ru")
    assert drafted.language == "ru"
    event = _last(EventKind.COMMUNIQUE_DRAFTED)
    assert event.payload["language"] == "ru"


def test_drafting_in_a_language_outside_the_mandate_is_refused(world):
    meeting = hold(world, confirm(world, propose(world)))
    before = Event.objects.count()
    with pytest.raises(Invalid) as refused:
        services.communique_draft(actor=world.mediator, meeting=meeting, text="Texte", language="fr")
    [error] = refused.value.errors
    assert error.field == "language"
    assert "“fr” is not a language of the mandate" in error.message
    assert world.mandate.title in error.message
    assert not Communique.objects.filter(meeting=meeting).exists()
    assert Event.objects.count() == before


def test_adding_a_language_version_is_an_amendment_that_voids_earlier_consents(world, draft):
    assert _consent(world.head_a, draft, 1) == "awaiting"
    amended = _add(world, draft)
    assert amended.version == 2
    event = _last(EventKind.COMMUNIQUE_AMENDED)
    assert event.payload == {
        "meeting": draft.meeting_id,
        "version": 2,
        "language": "ru",
        "change": "added",
        "text": RUSSIAN,
        "authentic": True,
    }
    assert event.audience == "plenary"
    # Alpha's head is told its consent no longer counts, with the same notice as an amendment.
    voided = Notification.objects.filter(user=world.head_a, message=COMMUNIQUE_VOIDED)
    assert voided.count() == 1
    assert voided.get().params["version"] == "2"
    # Alpha consented before the Russian version was added: its consent no longer counts.
    assert _consent(world.head_b, amended, 2) == "awaiting"
    with pytest.raises(Conflict):
        _consent(world.head_a, amended, 1)
    assert _consent(world.head_a, amended, 2) == "published"


def test_changing_only_the_marking_is_an_amendment_too(world, draft):
    amended = _add(world, draft, authentic=True)
    _consent(world.head_a, amended, 2)
    remarked = _add(world, amended, authentic=False)
    assert remarked.version == 3
    assert _last(EventKind.COMMUNIQUE_AMENDED).payload["change"] == "replaced"
    assert _consent(world.head_b, remarked, 3) == "awaiting"
    assert CommuniqueLanguageVersion.objects.get(communique=draft).authentic is False


def test_removing_a_language_version_is_an_amendment_too(world, draft):
    amended = _add(world, draft)
    _consent(world.head_a, amended, 2)
    removed = services.communique_language_remove(actor=world.head_b, communique=amended, language="ru")
    assert removed.version == 3
    assert not CommuniqueLanguageVersion.objects.filter(communique=draft).exists()
    event = _last(EventKind.COMMUNIQUE_AMENDED)
    assert event.payload == {"meeting": draft.meeting_id, "version": 3, "language": "ru", "change": "removed"}
    assert event.actor == world.head_b
    assert _consent(world.head_b, removed, 3) == "awaiting"


def test_the_question_binds_every_text_and_its_marking(world, draft, four_languages):
    digests = {communique_question(draft).digest}
    amended = _add(world, draft)
    digests.add(JointConsent.objects.get(subject_id=str(draft.pk), status="open").digest)
    remarked = _add(world, amended, authentic=False)
    digests.add(JointConsent.objects.get(subject_id=str(draft.pk), status="open").digest)
    assert len(digests) == 3, "the text alone and each marking are asked about as different content"
    assert JointConsent.objects.get(subject_id=str(draft.pk), status="open").version == remarked.version


def test_publication_publishes_every_text_with_its_marking(world, draft, four_languages):
    communique = _add(world, draft, language="ru", authentic=True)
    communique = _add(world, communique, language="hy", text=ARMENIAN, authentic=False)
    for head in (world.head_a, world.head_b):
        outcome = _consent(head, communique, 3)
    assert outcome == "published"
    event = Event.objects.get(kind=EventKind.COMMUNIQUE_PUBLISHED)
    assert event.audience == "public"
    assert event.payload["language"] == "en"
    assert event.payload["text"] == ENGLISH
    assert event.payload["texts"] == [
        {"language": "en", "text": ENGLISH, "authentic": True},
        {"language": "hy", "text": ARMENIAN, "authentic": False},
        {"language": "ru", "text": RUSSIAN, "authentic": True},
    ]
    communique.refresh_from_db()
    content = {
        "communique": communique.pk,
        "meeting": communique.meeting_id,
        "text": ENGLISH,
        "language": "en",
        "texts": event.payload["texts"],
        "version": 3,
    }
    assert event.payload["digest"] == hashlib.sha256(canonical_json(content)).hexdigest()
    assert published_records_problems() == []
    # Published: the language versions can no longer change.
    before = Event.objects.count()
    with pytest.raises(Conflict):
        _add(world, communique, language="az", text="Tərəflər razılaşdılar.")
    with pytest.raises(Conflict):
        services.communique_language_remove(actor=world.mediator, communique=communique, language="hy")
    assert Event.objects.count() == before
    assert CommuniqueLanguageVersion.objects.filter(communique=communique).count() == 2


def test_the_audit_notices_a_published_language_version_that_is_not_what_was_published(world, draft):
    communique = _add(world, draft)
    for head in (world.head_a, world.head_b):
        _consent(head, communique, 2)
    CommuniqueLanguageVersion.objects.filter(communique=communique).update(text="Другие слова")
    assert len(published_records_problems()) == 1


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"language": "fr"}, "language", "“fr” is not a language of the mandate “"),
        ({"language": "en"}, "language", "English is the communiqué's original language"),
        ({"language": "ru", "replace": False}, "language", "already has a version in Russian"),
        ({"text": "   "}, "text", ""),
        ({"text": "я" * 20_000}, "text", "bytes together in UTF-8"),
    ],
    ids=["not in the mandate", "the original again", "a duplicate", "empty text", "too large together"],
)
def test_a_refused_language_version_changes_nothing(world, draft, change, field, words):
    amended = _add(world, draft)
    services.communique_amend(actor=world.mediator, communique=amended, text="я" * 20_000)
    communique = Communique.objects.get(pk=draft.pk)
    before = (Event.objects.count(), communique.version, list(CommuniqueLanguageVersion.objects.values()))
    with pytest.raises(Invalid) as refused:
        _add(world, communique, **change)
    [error] = refused.value.errors
    assert error.field == field
    assert words in error.message
    communique.refresh_from_db()
    after = (Event.objects.count(), communique.version, list(CommuniqueLanguageVersion.objects.values()))
    assert after == before


def test_removing_a_version_there_is_not_is_refused(world, draft):
    before = Event.objects.count()
    for language in ("ru", "en"):
        with pytest.raises(Invalid) as refused:
            services.communique_language_remove(actor=world.mediator, communique=draft, language=language)
        assert refused.value.errors[0].field == "language"
    assert Event.objects.count() == before
    draft.refresh_from_db()
    assert draft.version == 1


# The API.


def test_the_api_puts_and_deletes_language_versions(world, draft, api_for):
    api = api_for("mediator")
    url = f"/api/v1/meetings/{draft.meeting_id}/communique/languages/ru"
    put = api.put(url, {"text": RUSSIAN, "authentic": True}, content_type="application/json")
    assert put.status_code == 200, put.content
    communique = put.json()["communique"]
    assert communique["language"] == "en"
    assert communique["text"] == ENGLISH
    assert communique["version"] == 2
    assert communique["language_versions"] == [{"language": "ru", "text": RUSSIAN, "authentic": True}]
    again = api.put(url, {"text": RUSSIAN, "authentic": False}, content_type="application/json").json()
    assert again["communique"]["version"] == 3
    assert again["communique"]["language_versions"] == [{"language": "ru", "text": RUSSIAN, "authentic": False}]
    deleted = api.delete(url)
    assert deleted.status_code == 200
    assert deleted.json()["communique"]["language_versions"] == []
    assert deleted.json()["communique"]["version"] == 4
    gone = api.delete(url)
    assert gone.status_code == 422
    assert gone["Content-Type"] == "application/problem+json"
    assert gone.json()["errors"][0]["field"] == "language"


def test_the_api_refuses_a_language_outside_the_mandate_naming_it(world, draft, api_for):
    api = api_for("head_a")
    before = Event.objects.count()
    response = api.put(
        f"/api/v1/meetings/{draft.meeting_id}/communique/languages/fr",
        {"text": "Texte", "authentic": True},
        content_type="application/json",
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "language"
    assert world.mandate.title in error["message"]
    missing = api.put(
        f"/api/v1/meetings/{draft.meeting_id}/communique/languages/ru",
        {"text": "Текст"},
        content_type="application/json",
    )
    assert missing.status_code == 422
    assert Event.objects.count() == before


def test_the_api_drafts_in_a_language_and_documents_its_problems(world, api_for):
    meeting = hold(world, confirm(world, propose(world)))
    api = api_for("mediator")
    drafted = api.post(
        f"/api/v1/meetings/{meeting.pk}/communique",
        {"text": RUSSIAN, "language": "ru"},
        content_type="application/json",
    )
    assert drafted.status_code == 201
    assert drafted.json()["communique"]["language"] == "ru"
    schema = api.get("/api/v1/openapi.json").json()
    operations = schema["paths"]["/api/v1/meetings/{meeting_id}/communique/languages/{language}"]
    for method in ("put", "delete"):
        responses = operations[method]["responses"]
        assert {"200", "401", "403", "404", "409", "422"} <= set(responses)
        assert "application/problem+json" in responses["422"]["content"]


def test_the_api_register_lists_each_published_text(world, draft, api_for):
    communique = _add(world, draft, authentic=False)
    for head in (world.head_a, world.head_b):
        _consent(head, communique, 2)
    [entry] = api_for("anonymous").get("/api/v1/register/meetings").json()["items"]
    assert entry["communique"] == ENGLISH
    assert entry["communique_language"] == "en"
    assert entry["language_versions"] == [{"language": "ru", "text": RUSSIAN, "authentic": False}]


# The web.


def _messages(response) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'role="(?:status|alert)">(.*?)</p>', response.content.decode())]


def test_the_meeting_page_adds_changes_and_removes_language_versions(world, draft, client_for):
    client = client_for("mediator")
    base = f"/meetings/{draft.meeting_id}/communique/languages/"
    added = client.post(base, {"language": "ru", "text": RUSSIAN, "marking": "authentic"}, follow=True)
    assert _messages(added) == [
        "The Russian version is saved, marked “equally authentic”: version 2 of the communiqué. Consents to "
        "earlier versions no longer count: every party is asked again."
    ]
    page = html.unescape(added.content.decode())
    assert RUSSIAN in page
    assert "equally authentic" in page
    assert f'action="{base}ru/"' in page
    assert f'action="{base}ru/remove/"' in page
    changed = client.post(f"{base}ru/", {"language": "ru", "text": RUSSIAN, "marking": "information"}, follow=True)
    assert "marked “not authentic — for information”: version 3" in _messages(changed)[0]
    assert "not authentic — for information" in html.unescape(changed.content.decode())
    removed = client.post(f"{base}ru/remove/", follow=True)
    assert _messages(removed) == [
        "The Russian version is removed: version 4 of the communiqué. Consents to earlier versions no longer "
        "count: every party is asked again."
    ]
    assert RUSSIAN not in html.unescape(removed.content.decode())


def test_the_web_refuses_in_the_mandates_words_and_changes_nothing(world, draft, client_for):
    client = client_for("head_a")
    base = f"/meetings/{draft.meeting_id}/communique/languages/"
    before = Event.objects.count()
    outside = client.post(base, {"language": "fr", "text": "Texte", "marking": "authentic"}, follow=True)
    [message] = _messages(outside)
    assert "“fr” is not a language of the mandate" in message
    assert world.mandate.title in message
    assert 'role="alert"' in outside.content.decode()
    empty = client.post(base, {"language": "ru", "text": "", "marking": "authentic"}, follow=True)
    assert _messages(empty) == ["Choose the language, write the text and say whether it is equally authentic."]
    _add(world, draft)
    before = Event.objects.count()
    twice = client.post(base, {"language": "ru", "text": "Другой", "marking": "authentic"}, follow=True)
    assert "already has a version in Russian" in _messages(twice)[0]
    assert Event.objects.count() == before
    assert CommuniqueLanguageVersion.objects.get(communique=draft).text == RUSSIAN


def test_a_party_reads_every_text_and_marking_before_it_consents(world, draft, client_for, four_languages):
    communique = _add(world, draft)
    _add(world, communique, language="hy", text=ARMENIAN, authentic=False)
    page = _page(client_for("head_b"), f"/meetings/{draft.meeting_id}/")
    for words in (ENGLISH, RUSSIAN, ARMENIAN, "original text, authentic", "equally authentic"):
        assert words in page
    assert "not authentic — for information" in page
    assert '<blockquote class="card communique" lang="hy" dir="ltr">' in page
    assert "Consent to publish these texts" in page
    assert '<input type="hidden" name="version" value="3">' in page
    # Heads amend the draft too: they may change each version and add the language still missing.
    assert '<option value="az">' in page
    assert '<option value="ru">' not in page


# What the public and outsiders see.


def test_a_drafts_language_versions_are_the_plenarys(world, draft, client_for, api_for):
    mandate_amend(actor=world.operator, mandate=world.mandate, note="public", held_meetings_audience="public")
    _add(world, draft, text="Секретный черновик о дирижаблях")
    for persona in ("anonymous", "outsider"):
        client = client_for(persona)
        found = _page(client, "/register/?q=дирижаблях")
        assert "Talks on contacts" not in found
        assert "Nothing on the register matches." in found
        assert "дирижабл" not in _page(client, "/register/print/")
        assert "дирижабл" not in client.get("/register/feed.atom").content.decode()
        assert "дирижабл" not in _page(client, f"/register/meetings/{draft.meeting_id}/?language=ru")
    assert client_for("outsider").get(f"/meetings/{draft.meeting_id}/").status_code == 404
    outsider = api_for("outsider")
    assert (
        outsider.put(
            f"/api/v1/meetings/{draft.meeting_id}/communique/languages/ru",
            {"text": "x", "authentic": True},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert outsider.delete(f"/api/v1/meetings/{draft.meeting_id}/communique/languages/ru").status_code == 404
    [observed] = api_for("observer").get(f"/api/v1/processes/{world.process.pk}/meetings").json()["items"]
    assert observed["communique"] is None


@pytest.fixture
def published(world, draft) -> Communique:
    communique = _add(world, draft, authentic=True)
    for head in (world.head_a, world.head_b):
        _consent(head, communique, 2)
    return communique


def test_the_register_shows_each_text_with_its_marking_the_readers_first(world, published, client_for):
    url = f"/register/meetings/{published.meeting_id}/"
    anonymous = client_for("anonymous")
    english = _page(anonymous, url, HTTP_ACCEPT_LANGUAGE="en")
    assert english.index(ENGLISH) < english.index(RUSSIAN)
    assert "equally authentic" in english
    assert f'href="#communique-{published.meeting_id}-ru"' in english
    russian = _page(anonymous, url, HTTP_ACCEPT_LANGUAGE="ru")
    assert russian.index(RUSSIAN) < russian.index(ENGLISH)
    asked = _page(anonymous, f"{url}?language=ru", HTTP_ACCEPT_LANGUAGE="en")
    assert asked.index(RUSSIAN) < asked.index(ENGLISH)
    printed = _page(anonymous, "/register/print/")
    assert ENGLISH in printed
    assert RUSSIAN in printed
    assert published.meeting.title in _page(anonymous, "/register/?q=продолжить")


def test_the_feed_keeps_the_original_and_links_each_language(world, published, client_for):
    client = client_for("anonymous")
    feed = feedparser.parse(client.get("/register/feed.atom").content)
    assert not feed.bozo, feed.bozo_exception
    [entry] = feed.entries
    assert entry.summary == ENGLISH
    assert entry.summary_detail.language == "en"
    assert entry.link.endswith(f"/register/meetings/{published.meeting_id}/")
    alternates = {link.hreflang: link.href for link in entry.links if link.get("hreflang")}
    assert set(alternates) == {"en", "ru"}
    russian = _page(client, alternates["ru"].removeprefix("http://localhost"), HTTP_ACCEPT_LANGUAGE="en")
    assert russian.index(RUSSIAN) < russian.index(ENGLISH)
