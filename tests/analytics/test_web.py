"""The analytics pages: both parties enter their numbers in caucus, the mediators see the combined
analysis and put a package into the text; nobody sees another party's numbers."""

import re
from typing import Any

from goodoffices.analytics.models import Analysis, Preference
from goodoffices.analytics.services import commitment_of
from goodoffices.events.models import Event, EventKind
from goodoffices.texts.models import Text

from .conftest import ALPHA, BETA, SECRET_A, SECRET_B, enter, make_text, trace


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return str(response.content.decode())


def form_of(numbers, prefix=""):
    data = {}
    for j, w in enumerate(numbers["weights"]):
        data[f"weight_{j}"] = str(w)
        for k, v in enumerate(numbers["values"][j]):
            data[f"value_{j}_{k}"] = str(v)
    return data


def test_from_text_to_a_proposal_through_the_pages(world, client_for):
    text = make_text(world)
    mediator, a, b = client_for("mediator"), client_for("head_a"), client_for("delegate_b")
    response = mediator.post(f"/processes/{world.process.pk}/analyses/from-text/", {"text": str(text.pk)})
    assert response.status_code == 302, response.content[:500]
    analysis = Analysis.objects.get()
    url = f"/analyses/{analysis.pk}/"
    assert [i["name"] for i in analysis.issues] == ["Corridor", "Cargo", "Monitoring"]
    assert "Waiting for the preferences of:" in page(mediator, url)

    assert a.post(f"{url}parties/{world.party_a.pk}/preferences/", form_of(ALPHA)).status_code == 302
    html = page(mediator, url)
    assert "Waiting for the preferences of:" in html
    assert "Beta" in html.split("Waiting for the preferences of:")[1][:200]
    assert b.post(f"{url}parties/{world.party_b.pk}/preferences/", form_of(BETA)).status_code == 302

    html = page(mediator, url)
    assert "<svg" in html
    assert "Pareto frontier" in html
    assert "Put this package into the text as a proposal" in html
    # The text's package (A, A, A): Alpha 60*100 + 10*100 + 0 = 7000, Beta 0 + 70*20 + 10*100 = 2400.
    assert "<td>7000</td><td>2400</td>" in html
    # Max joint gain: corridor B, cargo B, monitors B: Alpha 3600+0+3000=6600, Beta 1000+7000+600=8600.
    response = mediator.post(f"{url}to-text/", {"method": "max_joint", "pick_0": "1", "pick_1": "1", "pick_2": "1"})
    assert response.status_code == 302, response.content[:500]
    text = Text.objects.get()
    assert text.version == 2
    version = text.versions.get(number=2)
    assert "max joint gain package" in version.note
    words = version.document().clause("corridor").plain_text()
    assert "regular" in words
    assert "[" not in words

    # A party scores a package by its own numbers.
    html = page(a, f"{url}?pick_0=1&pick_1=1&pick_2=1")
    assert "For Alpha this package is worth 6600 (the text's package: 7000; gain -400)." in html


def test_neither_party_sees_the_other_partys_numbers(world, client_for, analysis):
    enter(world, analysis, "head_a", SECRET_A)
    enter(world, analysis, "head_b", SECRET_B)
    url = f"/analyses/{analysis.pk}/"
    html_a, html_b = page(client_for("head_a"), url), page(client_for("delegate_b"), url)
    assert 'value="97"' in html_a
    assert 'value="83"' in html_a
    for number in ("91", "93", "71", "53", "87"):
        assert f'value="{number}"' not in html_a
    for number in ("97", "89", "61", "59", "83"):
        assert f'value="{number}"' not in html_b
    for html in (html_a, html_b):
        assert "Combined analysis" not in html
        assert "<svg" not in html
    mediator = page(client_for("mediator"), url)
    assert "Combined analysis" in mediator
    # The mediators see utilities, not the numbers as entered.
    assert 'value="97"' not in mediator
    assert 'value="91"' not in mediator
    for persona in ("observer", "monitor", "operator", "outsider"):
        assert client_for(persona).get(url).status_code == 404


def test_the_event_carries_a_commitment_not_the_numbers(world, analysis):
    preference = enter(world, analysis, "head_a", SECRET_A)
    event = Event.objects.filter(kind=EventKind.PREFERENCES_SET).get()
    assert event.audience == f"caucus:{world.party_a.pk}"
    assert event.payload == {"analysis": analysis.pk, "party": world.party_a.pk, "commitment": preference.commitment}
    assert preference.commitment == commitment_of(preference.salt, SECRET_A["weights"], SECRET_A["values"])
    # Nothing but ids and a digest: the numbers are in no field (the payload equals exactly that above).
    assert re.fullmatch(r"[0-9a-f]{64}", event.payload["commitment"])


def test_refused_numbers_show_the_form_again_and_write_nothing(world, client_for, analysis):
    url = f"/analyses/{analysis.pk}/parties/{world.party_a.pk}/preferences/"
    before = trace()
    data = {**form_of(ALPHA), "weight_1": "101"}
    response = client_for("head_a").post(url, data)
    assert response.status_code == 422
    assert "less than or equal to 100" in response.content.decode()
    data = {**form_of(ALPHA), "weight_0": "0", "weight_1": "0", "weight_2": "0"}
    response = client_for("head_a").post(url, data)
    assert response.status_code == 422
    assert "give at least one issue a weight above 0" in response.content.decode()
    assert trace() == before
    assert not Preference.objects.exists()


def test_a_party_cannot_enter_the_other_partys_numbers(world, client_for, analysis):
    before = trace()
    url = f"/analyses/{analysis.pk}/parties/{world.party_b.pk}/preferences/"
    assert client_for("head_a").post(url, form_of(ALPHA)).status_code == 404
    assert client_for("mediator").post(url, form_of(ALPHA)).status_code == 403
    assert trace() == before


def test_mediators_define_issues_by_hand(world, client_for):
    response = client_for("mediator").post(
        f"/processes/{world.process.pk}/analyses/new/",
        {"title": "Gas", "issues": "Price: low | market\nVolume: 1 bcm | 2 bcm | 3 bcm"},
    )
    assert response.status_code == 302, response.content[:500]
    analysis = Analysis.objects.get()
    assert analysis.issues[1]["options"] == ["1 bcm", "2 bcm", "3 bcm"]
    response = client_for("mediator").post(
        f"/processes/{world.process.pk}/analyses/new/", {"title": "Gas", "issues": "Price: low"}
    )
    assert response.status_code == 422
    assert "an issue has 2 to 10 options" in response.content.decode()


def test_the_list_of_analyses_pages_and_loses_none(world, client_for):
    from goodoffices.analytics import services
    from goodoffices.pagination import DEFAULT_LIMIT

    for n in range(DEFAULT_LIMIT + 1):
        services.analysis_create(
            actor=world.mediator,
            process=world.process,
            title=f"Analysis number {n:03d}",
            issues=[services.IssueIn(name="Corridor", options=["Open", "Closed"])],
        )
    client = client_for("head_a")
    first = page(client, f"/processes/{world.process.pk}/analyses/")
    assert "Analysis number 050" in first
    assert "Analysis number 000" not in first
    older = re.search(r'<a rel="next" href="\?cursor=([^"]+)"', first)
    assert older is not None
    second = page(client, f"/processes/{world.process.pk}/analyses/?cursor={older.group(1)}")
    assert "Analysis number 000" in second
    assert "Analysis number 050" not in second
    assert client.get(f"/processes/{world.process.pk}/analyses/?cursor=forged").status_code == 404


def test_the_mediators_page_solves_once_per_set_of_numbers_in_every_language(world, client_for, analysis, monkeypatch):
    """Reading the page again does not solve again (up to two seconds for each of five problems);
    new numbers from a party do; the result is shown in each reader's language."""
    from goodoffices.analytics import selectors

    solved: list[object] = []
    real = selectors._solve

    def counted(*args: Any) -> Any:
        solved.append(args)
        return real(*args)

    monkeypatch.setattr(selectors, "_solve", counted)
    enter(world, analysis, "head_a", ALPHA)
    enter(world, analysis, "head_b", BETA)
    mediator = client_for("mediator")
    url = f"/analyses/{analysis.pk}/"
    first = page(mediator, url)
    assert "<td>7000</td><td>2400</td>" in first
    assert "max joint gain" in first
    masked = re.compile(r'(CSRFToken": "|csrfmiddlewaretoken" value=")[^"]+')
    assert masked.sub("", page(mediator, url)) == masked.sub("", first)
    assert len(solved) == 1
    mediator.cookies["django_language"] = "ru"
    russian = page(mediator, url)
    assert len(solved) == 1
    assert "<td>7000</td><td>2400</td>" in russian
    assert "max joint gain" not in russian
    enter(world, analysis, "head_b", {**BETA, "weights": [30, 60, 10]})
    page(mediator, url)
    assert len(solved) == 2
