"""The text pages: a negotiation through the forms, what each reader sees, and refused forms shown again."""

import re

from goodoffices.texts.models import Amendment, Position, Text

from .conftest import make_text, trace

OUTLINE = """== Movement
Movement along the corridor shall be [A: unimpeded | B: regular].

Cargo shall pass [without delay].
== Final provisions
The parties shall review these arrangements."""


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return str(response.content.decode())


def counter(html: str, name: str) -> str:
    match = re.search(rf'id="count-{name}">(\d+)<', html)
    assert match is not None, name
    return match.group(1)


def test_a_negotiation_through_the_pages(world, client_for):
    mediator, a, b = client_for("mediator"), client_for("head_a"), client_for("head_b")
    response = mediator.post(
        f"/processes/{world.process.pk}/texts/new/", {"title": "Humanitarian access", "outline": OUTLINE}
    )
    assert response.status_code == 302, response.content[:500]
    text = Text.objects.get()
    assert response["Location"] == f"/texts/{text.pk}/"
    html = page(a, f"/texts/{text.pk}/")
    assert '<span class="option-label">A</span> unimpeded' in html
    assert "[without delay]</mark>" in html
    assert counter(html, "open-brackets") == "2"

    response = a.post(
        f"/texts/{text.pk}/amendments/",
        {"op": "resolve", "clause": "c1", "bracket": "1", "option": "A", "audience": "plenary", "note": "As in 2020"},
    )
    assert response.status_code == 302, response.content[:800]
    amendment = Amendment.objects.get()
    assert f"Amendment #{amendment.pk} by Alpha" in page(b, f"/texts/{text.pk}/")
    response = mediator.post(f"/amendments/{amendment.pk}/decision/", {"take_in": "1", "reason": ""})
    assert response.status_code == 302
    response = mediator.post(
        f"/texts/{text.pk}/revise/", {"op": "replace", "clause": "c2", "text": "Cargo shall pass without delay."}
    )
    assert response.status_code == 302
    for client in (a, b):
        for clause in ("c1", "c2", "c3"):
            response = client.post(
                f"/texts/{text.pk}/clauses/{clause}/position/", {"stance": "agree", "audience": "plenary"}
            )
            assert response.status_code == 302, response.content[:500]
    html = page(a, f"/texts/{text.pk}/")
    assert (counter(html, "open-brackets"), counter(html, "agreed"), counter(html, "clauses")) == ("0", "3", "3")
    assert "every party agrees to every clause: the text is clean" in html
    redline = page(a, f"/texts/{text.pk}/redline/?from=1&to=3")
    assert "<del>[A: </del>unimpeded<del> | B: regular]</del>" in redline
    assert "<del>[</del>without delay<del>]</del>" in redline
    assert "Version 2" in page(a, f"/texts/{text.pk}/versions/2/") or "version 2" in page(
        a, f"/texts/{text.pk}/versions/"
    )


def test_a_refused_form_comes_back_with_what_was_typed(world, client_for, text):
    before = trace()
    response = client_for("head_a").post(
        f"/texts/{text.pk}/amendments/",
        {"op": "replace", "clause": "cargo", "text": "Cargo shall [A: pass | B: stop", "audience": "plenary"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "never closed" in html
    assert "Cargo shall [A: pass | B: stop" in html
    assert trace() == before
    response = client_for("mediator").post(f"/processes/{world.process.pk}/texts/new/", {"title": "T", "outline": "[x"})
    assert response.status_code == 422
    assert "never closed" in response.content.decode()


def test_what_each_reader_sees_of_the_positions(world, client_for, text):
    from goodoffices.texts import services

    services.position_set(actor=world.head_a, text=text, clause="cargo", stance="reserve", note="public-note")
    services.position_set(
        actor=world.head_a, text=text, clause="cargo", stance="agree", note="caucus-note", audience_name="caucus"
    )
    assert Position.objects.count() == 2
    for persona, sees_caucus in (("mediator", True), ("delegate_a", True), ("head_b", False), ("delegate_b", False)):
        html = page(client_for(persona), f"/texts/{text.pk}/")
        assert "public-note" in html
        assert ("caucus-note" in html) == sees_caucus, persona
    for persona in ("observer", "monitor", "operator", "outsider"):
        assert client_for(persona).get(f"/texts/{text.pk}/").status_code == 404


def test_the_process_pages_have_a_texts_tab(world, client_for):
    make_text(world)
    html = page(client_for("head_b"), f"/processes/{world.process.pk}/")
    assert f'href="/processes/{world.process.pk}/texts/"' in html
    listing = page(client_for("head_b"), f"/processes/{world.process.pk}/texts/")
    assert "Humanitarian access" in listing
    assert "Humanitarian access" not in page(client_for("observer"), f"/processes/{world.process.pk}/texts/")
