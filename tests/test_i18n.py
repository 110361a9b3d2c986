from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "goodoffices" / "locale"


def _untranslated(po: Path) -> list[str]:
    """msgids with an empty msgstr or a fuzzy flag (header excluded)."""
    missing, entry, fuzzy = [], {"msgid": "", "msgstr": ""}, False
    key = None
    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith(("msgid ", "msgstr ", "msgstr[0] ")):
            key = "msgid" if line.startswith("msgid ") else "msgstr"
            entry[key] = line.split(" ", 1)[1].strip('"')
        elif line.startswith('"') and key:
            entry[key] += line.strip('"')
        elif not line.strip():
            if entry["msgid"] and (not entry["msgstr"] or fuzzy):
                missing.append(entry["msgid"])
            entry, fuzzy, key = {"msgid": "", "msgstr": ""}, False, None
    return missing


def test_russian_catalog_is_complete():
    assert _untranslated(LOCALE / "ru" / "LC_MESSAGES" / "django.po") == []


@pytest.mark.parametrize("language", ["ru", "hy", "az"])
def test_compiled_catalogs_are_present(language):
    assert (LOCALE / language / "LC_MESSAGES" / "django.mo").stat().st_size > 1000
    with translation.override(language):
        assert translation.gettext("My processes") != "My processes"


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
