"""Reports and answers through the services: what a reader of the register notices (status, breach,
overdue, date of full implementation), the events that record them, and every bad input refused
with the field named and nothing written."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from goodoffices.agreements.models import Commitment
from goodoffices.events.models import Event, EventKind
from goodoffices.lib.errors import Forbidden, Invalid, NotFound, TooLarge
from goodoffices.mail.models import OutboundMail
from goodoffices.meetings.models import Notification
from goodoffices.monitoring import services
from goodoffices.monitoring.models import CommitmentChange, Evidence, MonitoringReport
from goodoffices.processes.services import mandate_amend
from tests.caucus import samples

from .conftest import evidence_file, file_report, today, trace


def test_a_report_sets_the_status_and_records_its_change_in_its_event(world, agreements):
    commitment = agreements.commitment("public", "1")
    report = file_report(world.monitor, commitment, status=2, evidence=[evidence_file()])
    commitment.refresh_from_db()
    assert (commitment.status, commitment.breach, commitment.overdue, commitment.completed_on) == (
        2,
        False,
        False,
        None,
    )
    event = Event.objects.get(kind=EventKind.REPORT_FILED)
    assert event.audience == "public"
    assert event.payload["change"] == {"status": [0, 2]}
    evidence = Evidence.objects.get()
    assert event.payload["evidence"] == [
        {
            "name": "photo-report.pdf",
            "content_type": "application/pdf",
            "size": evidence.size,
            "sha256": evidence.sha256,
        }
    ]
    assert event.payload["sources"] == [
        {"url": "https://example.org/news/1", "title": "A report", "read_on": today().isoformat()}
    ]
    assert report.author_role == "monitor"
    change = CommitmentChange.objects.get()
    assert (change.previous_status, change.status, change.report_id) == (0, 2, report.pk)


def test_full_implementation_dates_the_commitment_and_needs_no_answer(world, agreements, guarantor):
    commitment = agreements.commitment("public", "1")
    file_report(world.monitor, commitment, status=1, observed_on=today() - timedelta(days=5))
    report = file_report(guarantor, commitment, status=3, observed_on=today() - timedelta(days=2))
    commitment.refresh_from_db()
    assert (commitment.status, commitment.completed_on) == (3, today() - timedelta(days=2))
    assert (report.author_role, report.organisation) == ("guarantor", "Guarantor state")
    assert report.answer_due_at is None
    # A later full report keeps the first day of full implementation.
    file_report(world.monitor, commitment, status=3, observed_on=today())
    commitment.refresh_from_db()
    assert commitment.completed_on == today() - timedelta(days=2)


def test_an_earlier_observation_filed_late_is_history_not_the_current_status(world, agreements):
    commitment = agreements.commitment("public", "1")
    file_report(world.monitor, commitment, status=2, observed_on=today())
    file_report(world.monitor, commitment, status=1, observed_on=today() - timedelta(days=20))
    commitment.refresh_from_db()
    assert commitment.status == 2
    assert CommitmentChange.objects.count() == 1
    latest = Event.objects.filter(kind=EventKind.REPORT_FILED).order_by("seq").last()
    assert latest is not None
    assert latest.payload["change"] is None


def test_a_regression_after_the_deadline_marks_the_commitment_overdue(world, agreements, time_machine):
    commitment = agreements.commitment("public", "1")
    file_report(world.monitor, commitment, status=3)
    time_machine.move_to(commitment.deadline + timedelta(days=3))
    file_report(world.monitor, commitment, status=2, observed_on=commitment.deadline + timedelta(days=2))
    commitment.refresh_from_db()
    assert (commitment.status, commitment.overdue, commitment.completed_on) == (2, True, None)


def test_a_breach_and_a_shortfall_call_for_the_obligors_answer(world, agreements):
    world.head_b.email = "head-b@example.org"
    world.head_b.save()
    commitment = agreements.commitment("public", "2")  # party B's
    report = file_report(world.monitor, commitment, status=1, breach=True)
    assert report.answer_due_at == report.filed_at + timedelta(days=30)
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"head_b", "delegate_b"}
    assert list(OutboundMail.objects.values_list("to", flat=True)) == ["head-b@example.org"]


def test_the_response_period_is_the_mandates(world, agreements):
    mandate_amend(actor=world.operator, mandate=world.mandate, note="Shorter answers", response_period_days=7)
    commitment = Commitment.objects.select_related("agreement__process__mandate_version").get(
        pk=agreements.commitment("public", "1").pk
    )
    report = file_report(world.monitor, commitment, status=0)
    assert report.answer_due_at == report.filed_at + timedelta(days=7)


def test_the_obligor_answers_and_the_author_is_told(world, agreements):
    commitment = agreements.commitment("public", "2")
    report = file_report(world.monitor, commitment, status=1, breach=True)
    Notification.objects.all().delete()
    answer = services.report_answer(
        actor=world.delegate_b,
        report=report,
        kind="contest",
        body="The road was open on that day.",
        sources=[services.SourceIn(url="https://example.org/b", read_on=today())],
        evidence=[evidence_file("convoy.pdf")],
    )
    report.refresh_from_db()
    assert report.answered_at == answer.filed_at
    event = Event.objects.get(kind=EventKind.REPORT_ANSWERED)
    assert (event.audience, event.payload["kind"], event.payload["party"]) == ("public", "contest", world.party_b.pk)
    assert event.payload["evidence"][0]["sha256"] == answer.evidence.get().sha256
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["monitor"]


def test_another_party_cannot_answer_and_is_told_why(world, agreements, media_root):
    report = file_report(world.monitor, agreements.commitment("public", "2"), status=1, breach=True)
    before = trace(media_root)
    with pytest.raises(Forbidden, match="only the delegation of Beta"):
        services.report_answer(actor=world.head_a, report=report, kind="response", body="Not ours to answer.")
    with pytest.raises(Forbidden):
        services.report_answer(actor=world.monitor, report=report, kind="response", body="I am no party.")
    assert trace(media_root) == before


def test_only_monitors_and_guarantors_report(world, agreements, media_root):
    public, plenary = agreements.commitment("public", "1"), agreements.commitment("plenary", "1")
    before = trace(media_root)
    for persona in ("mediator", "head_a", "observer", "operator"):
        with pytest.raises(Forbidden):
            file_report(world.users[persona], public, evidence=[evidence_file()])
    # Who may not even read the plenary agreement is told it does not exist.
    for persona in ("observer", "operator", "outsider"):
        with pytest.raises(NotFound):
            file_report(world.users[persona], plenary)
    assert trace(media_root) == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"status": 4}, "status"),
        ({"status": -1}, "status"),
        ({"status": True}, "status"),
        ({"status": 3, "breach": True}, "breach"),
        ({"observed_on": "2024-01-01"}, "observed_on"),
        ({"summary": "  "}, "summary"),
        ({"summary": "x" * 4001}, "summary"),
        ({"summary": "Seen \u202eevil"}, "summary"),
        ({"audience_name": "caucus:1"}, "audience"),
        ({"sources": [services.SourceIn(url="javascript:alert(1)", read_on=today())]}, "sources[0].url"),
        (
            {"sources": [services.SourceIn(url="https://example.org/x", read_on=today() + timedelta(days=2))]},
            "sources[0].read_on",
        ),
        ({"evidence": [SimpleUploadedFile("report.pdf", samples.exe())]}, "evidence[0]"),
        ({"evidence": [SimpleUploadedFile("notes.txt", samples.png())]}, "evidence[0]"),
        ({"evidence": [SimpleUploadedFile("empty.pdf", b"")]}, "evidence[0]"),
        ({"evidence": [evidence_file(f"e{i}.pdf") for i in range(11)]}, "evidence"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, agreements, media_root, overrides, field):
    commitment = agreements.commitment("public", "1")
    before = trace(media_root)
    with pytest.raises(Invalid) as refused:
        file_report(world.monitor, commitment, **overrides)
    assert field in [e.field for e in refused.value.errors], refused.value.errors
    assert trace(media_root) == before


def test_dates_before_the_agreement_or_in_the_future_are_refused(world, agreements, media_root):
    commitment = agreements.commitment("public", "1")
    before = trace(media_root)
    for day, words in (
        (commitment.agreement.adopted_on - timedelta(days=1), "before the agreement was adopted"),
        (today() + timedelta(days=2), "cannot be in the future"),
    ):
        with pytest.raises(Invalid, match=words) as refused:
            file_report(world.monitor, commitment, observed_on=day)
        assert refused.value.errors[0].field == "observed_on"
    assert trace(media_root) == before


def test_a_plenary_agreements_report_cannot_be_public(world, agreements, media_root):
    before = trace(media_root)
    with pytest.raises(Invalid, match="cannot reach further") as refused:
        file_report(world.monitor, agreements.commitment("plenary", "1"), audience_name="public")
    assert refused.value.errors[0].field == "audience"
    assert trace(media_root) == before


def test_evidence_over_the_limit_is_refused_before_it_is_stored(world, agreements, media_root, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    before = trace(media_root)
    with pytest.raises(TooLarge) as refused:
        file_report(
            world.monitor,
            agreements.commitment("public", "1"),
            evidence=[evidence_file(content=b"%PDF-" + b"x" * 2000)],
        )
    assert refused.value.errors[0].field == "evidence[0]"
    assert trace(media_root) == before


def test_a_write_that_fails_after_storing_leaves_no_file(world, agreements, media_root, monkeypatch):
    def broken(**_: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "event_record", broken)
    before = trace(media_root)
    with pytest.raises(RuntimeError):
        file_report(world.monitor, agreements.commitment("public", "1"), evidence=[evidence_file()])
    assert trace(media_root) == before
    assert MonitoringReport.objects.count() == 0


def test_a_reader_who_chose_a_digest_gets_the_breach_in_it_not_at_once(world, agreements):
    from goodoffices.mail.services import mail_preference_set
    from goodoffices.meetings.notices import digests_send

    world.head_b.email = "head-b@example.org"
    world.head_b.save()
    mail_preference_set(user_id=world.head_b.pk, choice="digest")
    commitment = agreements.commitment("public", "2")  # party B's
    file_report(world.monitor, commitment, status=1, breach=True)
    assert not OutboundMail.objects.exists()
    assert digests_send(now=timezone.now() + timedelta(days=1, minutes=1)) == 1
    assert list(OutboundMail.objects.values_list("to", flat=True)) == ["head-b@example.org"]
