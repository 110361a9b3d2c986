"""The demo's humanitarian access text: open brackets, both parties' positions, history in versions."""

from django.test import Client

from goodoffices.accounts.models import User
from goodoffices.processes.demo import demo_load
from goodoffices.processes.models import Process
from goodoffices.texts import selectors
from goodoffices.texts.models import Amendment, Text


def test_the_demo_holds_a_humanitarian_access_text_under_negotiation(db, settings):
    settings.DEMO = True  # as `goodoffices demo` runs: no two-factor set-up first
    demo_load()
    process = Process.objects.get(title="Stepanakert–Baku dialogue")
    text = Text.objects.get(process=process)
    assert text.title == "Arrangements on humanitarian access"
    assert text.version == 3
    stepanakert = User.objects.get(username="stepanakert")
    view = selectors.text_view(user=stepanakert, text=text)
    counters = view.counters
    assert (counters.clauses, counters.open_brackets, counters.agreed_by_all) == (8, 7, 1)
    assert (counters.with_reservation, counters.rejected) == (3, 1)
    assert not view.readiness.ready
    positions = {
        (p.party, c.clause.id): p for s in view.sections for c in s.clauses for p in c.positions if not p.in_caucus
    }
    parties = {party for party, _clause in positions}
    assert parties == {"Stepanakert", "Baku"}
    assert positions["Baku", "gas-supply"].stance == "reject"
    assert positions["Stepanakert", "humanitarian-cargo"].stance == "reserve"
    # Given before the ICRC clause's bracket was closed: shown, not counted.
    assert not positions["Baku", "icrc-access"].current
    assert positions["Baku", "icrc-access"].version == 2
    statuses = sorted(Amendment.objects.filter(text=text).values_list("status", flat=True))
    assert statuses == ["not_taken_in", "open", "taken_in"]
    assert selectors.commitment_list(text=text).count() == 4

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="baku"))
    html = client.get(f"/texts/{text.pk}/").content.decode()
    assert "Lachin corridor" in html
    assert "<mark" in html
    # Stepanakert's position in its caucus is not Baku's to read.
    assert "Could accept option B if the organisation is the ICRC." not in html
    client.force_login(stepanakert)
    assert "Could accept option B if the organisation is the ICRC." in client.get(f"/texts/{text.pk}/").content.decode()
