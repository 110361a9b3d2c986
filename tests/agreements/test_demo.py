"""The demo's 2020 statement: an adopted, public agreement signed by both parties' signatories, with the
commitments of each point, readable by anyone; and its signatures check out with the keys shown."""

from datetime import date

from django.test import Client

from goodoffices.agreements.demo import TITLE
from goodoffices.agreements.models import Agreement, Commitment
from goodoffices.events.models import Event, EventKind
from goodoffices.lib.agreement_doc import parse_agreement
from goodoffices.lib.signatures import verify_signature
from goodoffices.processes.demo import demo_load
from goodoffices.processes.models import Process


def test_the_demo_holds_the_2020_statement_signed_and_in_force(db, settings):
    settings.DEMO = True
    demo_load()
    assert Process.objects.order_by("id").values_list("title", flat=True)[0] == "Stepanakert–Baku dialogue"
    agreement = Agreement.objects.get()
    assert "2020" in agreement.title
    assert agreement.title == TITLE
    assert (agreement.audience, agreement.status) == ("public", "in_force")
    assert agreement.adopted_on == date(2020, 11, 9)
    doc = parse_agreement(bytes(agreement.canonical))
    assert [c.number for c in doc.clauses] == [str(n) for n in range(1, 10)]
    assert [p.name for p in doc.parties] == ["Republic of Azerbaijan", "Republic of Armenia"]
    signatures = list(agreement.signatures.select_related("key", "party", "signer").order_by("signed_at"))
    assert [(s.signer.username, s.role) for s in signatures] == [
        ("baku", "signatory"),
        ("mediator", "witness"),
        ("yerevan", "signatory"),
    ]
    for s in signatures:
        assert verify_signature(
            public_key=bytes(s.key.public_key), message=bytes(agreement.canonical), signature=bytes(s.signature)
        )
        assert s.key.origin == "demo"
    commitments = {(c.clause, c.obligor.name, c.deadline) for c in Commitment.objects.filter(agreement=agreement)}
    assert ("2", "Republic of Armenia", date(2020, 11, 20)) in commitments
    assert ("6", "Republic of Armenia", date(2020, 11, 15)) in commitments
    assert ("6", "Republic of Armenia", date(2020, 12, 1)) in commitments
    lachin = Commitment.objects.get(agreement=agreement, clause="6", obligor__name="Republic of Azerbaijan")
    assert "Lachin corridor" in lachin.action
    assert lachin.continuous
    assert "Peacekeeping contingent of the Russian Federation" in lachin.monitors
    assert Commitment.objects.get(agreement=agreement, clause="7", obligor__name="Republic of Armenia").monitors == [
        "Office of the United Nations High Commissioner for Refugees"
    ]
    assert {c.category for c in Commitment.objects.filter(agreement=agreement, clause="8")} == {"prisoner_release"}
    assert Commitment.objects.filter(agreement=agreement, clause="9").count() == 3
    # Its history is in the record, on the night it was signed.
    signed = Event.objects.filter(kind=EventKind.AGREEMENT_SIGNED).order_by("seq")
    assert [e.occurred_at.date() for e in signed] == [date(2020, 11, 9)] * 3
    assert all(e.audience == "public" for e in signed)
    assert Event.objects.filter(kind=EventKind.AGREEMENT_IN_FORCE, audience="public").count() == 1

    anonymous = Client(HTTP_HOST="localhost")
    page = anonymous.get(f"/agreements/{agreement.pk}/").content.decode()
    assert "the demo loader made the keys" in page
    assert "Aghdam district" in page
    api = anonymous.get(f"/api/v1/agreements/{agreement.pk}/commitments").json()["items"]
    assert len(api) == 14
