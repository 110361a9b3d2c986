"""Every word in four languages: the catalogs hold every message of the source, translated, with the
English placeholders; the compiled catalogs are those of the .po files; event names, dates and
times read as each language writes them; and a main page in Armenian keeps no English."""

import gettext
import importlib.util
import re
import subprocess
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from goodoffices.events.models import KIND_NAMES, Event, EventKind
from goodoffices.lib.errors import Message, translated
from goodoffices.web.activity import activity_items

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "goodoffices" / "locale"
LANGUAGES = ("hy", "az", "ru")


def _status_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("translations_status", ROOT / "scripts" / "translations_status.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


status = _status_module()


@pytest.fixture(scope="module")
def source_messages() -> list[object]:
    """Extracted once for the module (about a second): makemessages over a copy of the sources."""
    messages: list[object] = status.source_messages()
    return messages


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_the_source_is_in_the_catalog(language, source_messages):
    found = status.status(language, source_messages)
    assert found.missing == [], f"run makemessages for {language} and translate (see docs/translations.md)"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_the_catalog_is_translated_and_none_is_fuzzy(language):
    found = status.status(language, [])
    assert found.untranslated == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_and_tags_of_the_english(language):
    found = status.status(language, [])
    assert found.broken == []


def test_the_check_finds_a_new_string_an_empty_one_a_fuzzy_one_and_a_broken_one(tmp_path, monkeypatch):
    """The checks above can fail: a catalog that lacks a message, leaves one empty or fuzzy, or
    drops a placeholder is reported."""
    po = tmp_path / "hy" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Empty"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Fuzzy"\nmsgstr "Մշուշոտ"\n\n'
        'msgid "Hello %(name)s"\nmsgstr "Բարև"\n\n'
        'msgid "%(n)s bracket"\nmsgid_plural "%(n)s brackets"\nmsgstr[0] "%(n)s փակագիծ"\nmsgstr[1] ""\n\n'
        '#~ msgid "Gone"\n#~ msgstr ""\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(status, "LOCALE", tmp_path)
    source = [status.Entry(msgid="Empty"), status.Entry(msgid="New"), status.Entry(msgctxt="alt. month", msgid="May")]
    found = status.status("hy", source)
    assert found.missing == ["New", "[alt. month] May"]
    assert found.untranslated == ["Empty", "Fuzzy", "%(n)s bracket"]
    assert found.broken == ["Hello %(name)s -> Բարև"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogs_are_those_of_the_po_files(language, tmp_path):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True)
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as committed, fresh.open("rb") as compiled:
        shipped = gettext.GNUTranslations(committed)._catalog  # type: ignore[attr-defined]
        expected = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    assert shipped == expected, "run `make messages` and commit the .mo files"


def test_every_event_kind_has_a_name_in_every_language():
    assert set(EventKind.values) <= set(KIND_NAMES)
    with translation.override("en"):
        english = {kind: str(KIND_NAMES[kind]) for kind in EventKind.values}
    for language in LANGUAGES:
        with translation.override(language):
            untranslated = [kind for kind in EventKind.values if str(KIND_NAMES[kind]) == english[kind]]
        assert untranslated == [], language


def test_the_activity_names_every_kind_of_event_in_the_reader_s_language(world):
    """An event the activity has no phrase of its own for (a text created, a commitment escalated)
    is called what its kind is called, not by the kind's English label ("Commitment Escalated",
    which the Armenian journey found on the dashboard)."""
    events = [Event(kind=kind, payload={}) for kind in (EventKind.TEXT_CREATED, EventKind.COMMITMENT_ESCALATED)]
    with translation.override("hy"):
        named = [item.what for item in activity_items(events, world.process)]
    assert named == ["Ստեղծվել է բանակցային տեքստ", "Պարտավորության հարցը փոխանցվել է ավելի բարձր մակարդակ"]


def test_messages_of_django_free_code_are_shown_in_the_reader_s_language():
    message = Message("must be at most %(limit)d characters, not %(length)d", limit=80, length=81)
    assert message == "must be at most 80 characters, not 81"
    with translation.override("ru"):
        assert translated(message, translation.gettext) == "должно содержать не более 80 символов, а не 81"
    nested = Message("clause %(clause)s: %(problem)s", clause="c1", problem=Message("the text is empty"))
    with translation.override("hy"):
        assert translated(nested, translation.gettext) == "c1 կետ՝ տեքստը դատարկ է"


@pytest.mark.parametrize(
    ("language", "scope", "too_long"),
    [
        ("ru", "выходит за рамки круга вопросов мандата", "должно содержать не более 200 символов, а не 201"),
        ("hy", "դուրս է մանդատի շրջանակից", "պետք է լինի առավելագույնը 200 նիշ, ոչ թե 201"),
        ("az", "mandatın əhatə dairəsindən kənardadır", "ən çoxu 200 simvol olmalıdır, 201 deyil"),
    ],
)
def test_the_api_refuses_in_the_reader_s_language(world, api_for, language, scope, too_long):
    """A refusal of the meetings' rules and one of a Django-free text check, both in the language
    the client asks for; the problem's title stays English (it names the problem type)."""
    response = api_for("head_a").post(
        f"/api/v1/processes/{world.process.pk}/proposals",
        {
            "title": "x" * 201,
            "format": "direct",
            "venue": "Geneva",
            "timezone": "Europe/Zurich",
            "slots": [{"starts_at": "2030-03-01T10:00:00", "ends_at": "2030-03-01T12:00:00"}],
            "agenda": ["status of X"],
        },
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["title"] == "Invalid request"
    messages = {error["field"]: error["message"] for error in problem["errors"]}
    assert scope in messages["agenda[0]"]
    assert messages["title"] == too_long
    assert too_long in problem["detail"]


# 1 March 2026, 18:05 UTC: a date and an evening time, as each language writes them.
EVENING = datetime(2026, 3, 1, 18, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "date", "time", "both"),
    [
        ("en", "March 1, 2026", "6:05 p.m.", "March 1, 2026, 6:05 p.m."),
        ("hy", "1 մարտի, 2026 թ.", "18:05", "1 մարտի, 2026 թ., 18:05"),
        ("az", "1 mart 2026", "18:05", "1 mart 2026, 18:05"),
        ("ru", "1 марта 2026 г.", "18:05", "1 марта 2026 г. 18:05"),
    ],
)
def test_dates_and_times_are_written_as_each_language_writes_them(language, date, time, both):
    page = Template('{{ t|date:"DATE_FORMAT" }}|{{ t|time:"TIME_FORMAT" }}|{{ t|date:"DATETIME_FORMAT" }}')
    with translation.override(language):
        assert page.render(Context({"t": EVENING})).split("|") == [date, time, both]
        assert formats.date_format(EVENING, "SHORT_DATETIME_FORMAT") == (
            "03/01/2026 6:05 p.m." if language == "en" else "01.03.2026 18:05"
        )


class _Visible(HTMLParser):
    """The text of the navigation, the headings, the buttons, the labels and the title."""

    WATCHED = {"nav", "h1", "h2", "h3", "button", "label", "title", "th", "legend", "summary"}

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.WATCHED:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.WATCHED:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth > 0 and data.strip():
            self.texts.append(data.strip())


def _english_words(html: str, names: set[str]) -> set[str]:
    parser = _Visible()
    parser.feed(html)
    words = set(re.findall(r"[A-Za-z][A-Za-z'-]+", " ".join(parser.texts)))
    return words - names - {"Good", "Offices", "API", "UTC"}


def test_a_process_in_armenian_keeps_no_english_in_its_navigation_and_headings(world, client_for):
    client = client_for("head_a")
    client.post("/language/", {"language": "hy", "next": "/dashboard/"})
    # Names are the participants' own (a process, a party, a person, an agenda topic): not translated.
    names = set(
        re.findall(
            r"[A-Za-z][A-Za-z'-]+",
            " ".join(
                [world.process.title, world.mandate.title, world.framework.name, world.party_a.name, world.party_b.name]
                + list(world.process.mandate_version.scope)
                + [f"{u.username} {u.get_full_name()} {u}" for u in world.users.values()]
            ),
        )
    )
    process = world.process.pk
    for page in (
        "/dashboard/",
        f"/processes/{process}/",
        f"/processes/{process}/mandate/",
        f"/processes/{process}/activity/",
        f"/processes/{process}/meetings/",
        f"/processes/{process}/meetings/propose/",
    ):
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert '<html lang="hy">' in html
        assert _english_words(html, names) == set(), page


def test_the_dashboard_in_armenian_names_its_sections_in_armenian(world, client_for):
    client = client_for("head_a")
    client.post("/language/", {"language": "hy", "next": "/dashboard/"})
    page = client.get("/dashboard/").content.decode()
    assert "Իմ գործընթացները" in page
    assert "My processes" not in page


def test_language_switch_keeps_the_choice_on_the_account(world, client_for):
    client = client_for("head_a")
    response = client.post("/language/", {"language": "ru", "next": "/dashboard/"})
    assert response.status_code == 302
    world.head_a.refresh_from_db()
    assert world.head_a.language == "ru"
    page = client.get("/dashboard/").content.decode()
    assert '<html lang="ru">' in page
    assert "Мои процессы" in page


def test_unknown_language_is_ignored_and_nothing_changes(world, client_for):
    client = client_for("head_a")
    client.post("/language/", {"language": "xx", "next": "/dashboard/"})
    world.head_a.refresh_from_db()
    assert world.head_a.language == ""
    assert '<html lang="en">' in client.get("/dashboard/").content.decode()


def test_anonymous_visitors_switch_by_cookie(db, client_for):
    client = client_for("anonymous")
    client.post("/language/", {"language": "hy", "next": "/login/"})
    assert '<html lang="hy">' in client.get("/login/").content.decode()
