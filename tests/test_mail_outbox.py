"""E-mail never fails a request: notices are queued in the outbox with the change they tell about
and sent by the worker after commit, retried with backoff, each exactly once (issue 8, item 10)."""

import json
import threading
import time
import urllib.request
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from goodoffices.mail.models import OutboundMail
from goodoffices.mail.services import Mail, mail_deliver, mail_enqueue
from goodoffices.meetings.models import Notification
from goodoffices.worker.jobs import JOBS
from goodoffices.worker.loop import Worker

from .demo_server import demo_server
from .mailbackends import FlakyBackend
from .meetings.helpers import proposal_body

# A proposal needs an answer from the other party, given by its head (issue 10: notices of a step
# go to those who must act).
RECIPIENTS = {"head_b"}


@pytest.fixture
def flaky(settings, tmp_path):
    settings.EMAIL_BACKEND = "tests.mailbackends.FlakyBackend"
    # The worker's passes also sweep the file store: never the checkout's own var/media.
    settings.MEDIA_ROOT = tmp_path / "media"
    mail.outbox = []
    FlakyBackend.down = False
    FlakyBackend.while_sending = None
    yield FlakyBackend
    FlakyBackend.down = False
    FlakyBackend.while_sending = None


@pytest.fixture
def addressed(world):
    for name, user in world.users.items():
        user.email = f"{name}@example.org"
        user.save(update_fields=["email"])
    return world


def sent_to() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_mail_server_that_is_down_fails_no_request_and_the_worker_sends_each_mail_once(addressed, flaky, api_for):
    flaky.down = True
    created = api_for("head_a").post(
        f"/api/v1/processes/{addressed.process.pk}/proposals", proposal_body(), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    assert set(Notification.objects.values_list("user__username", flat=True)) == RECIPIENTS
    queued = OutboundMail.objects.filter(status=OutboundMail.Status.PENDING)
    assert sorted(queued.values_list("to", flat=True)) == sorted(f"{n}@example.org" for n in RECIPIENTS)

    # The worker's first pass meets the dead server: nothing is lost, each waits for a retry.
    call_command("worker", "--once")
    assert mail.outbox == []
    assert all(m.attempts == 1 and "Connection refused" in m.last_error for m in queued)
    worker = Worker(JOBS, poll_seconds=1, out=lambda line: None)
    worker.run_due(timezone.now())  # the retry is not due yet
    assert mail.outbox == []

    flaky.down = False
    worker.run_due(timezone.now() + timedelta(minutes=2))
    assert sent_to() == sorted(f"{n}@example.org" for n in RECIPIENTS)
    assert mail.outbox[0].subject == "A meeting proposal awaits your party's answer: Talks on the gas supply"
    assert f"/proposals/{created.json()['id']}/" in mail.outbox[0].body
    assert set(OutboundMail.objects.values_list("status", flat=True)) == {OutboundMail.Status.SENT}
    # Sent once: later passes find nothing to send.
    call_command("worker", "--once")
    Worker(JOBS, poll_seconds=1, out=lambda line: None).run_due(timezone.now() + timedelta(days=1))
    assert len(mail.outbox) == len(RECIPIENTS)


def test_the_answer_does_not_wait_for_the_mail_after_commit(
    addressed, flaky, api_for, django_capture_on_commit_callbacks
):
    """Confirming a meeting e-mails everyone; with the mail server down it still answers 200."""
    flaky.down = True
    a, b = api_for("head_a"), api_for("head_b")
    proposal = a.post(
        f"/api/v1/processes/{addressed.process.pk}/proposals", proposal_body(), content_type="application/json"
    ).json()
    ready = {"ready": True, "slot": 1}
    first = a.put(f"/api/v1/proposals/{proposal['id']}/readiness", ready, content_type="application/json")
    assert first.status_code == 200, first.content
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = b.put(f"/api/v1/proposals/{proposal['id']}/readiness", ready, content_type="application/json")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == "confirmed"
    assert OutboundMail.objects.filter(subject__startswith="Meeting confirmed").count() == 5


def test_a_message_another_worker_is_sending_is_not_sent_again(addressed, flaky):
    with transaction.atomic():
        mail_enqueue([Mail("one@example.org", "One", "Body"), Mail("two@example.org", "Two", "Body")])
    second_worker: list[object] = []
    # While the first worker is sending, a second worker runs a whole pass.
    flaky.while_sending = lambda: second_worker.append(mail_deliver())
    first = mail_deliver()
    assert first.sent == 2
    assert len(second_worker) == 1
    assert not second_worker[0], "the second worker found nothing to send"
    assert sent_to() == ["one@example.org", "two@example.org"]


def test_a_claim_left_by_a_dead_worker_lapses_and_the_mail_goes_out(addressed, flaky):
    with transaction.atomic():
        mail_enqueue([Mail("one@example.org", "One", "Body")])
    now = timezone.now()
    OutboundMail.objects.update(claim="dead-worker", claimed_until=now + timedelta(minutes=5))
    assert not mail_deliver(now=now)
    assert mail_deliver(now=now + timedelta(minutes=6)).sent == 1
    assert sent_to() == ["one@example.org"]


def test_after_the_last_attempt_a_mail_is_marked_failed_and_left_alone(addressed, flaky, settings):
    settings.MAIL_MAX_ATTEMPTS = 3
    flaky.down = True
    with transaction.atomic():
        mail_enqueue([Mail("one@example.org", "One", "Body")])
    now = timezone.now()
    outcomes = []
    for day in range(5):
        outcomes.append(str(mail_deliver(now=now + timedelta(days=day))))
    assert outcomes[:3] == [
        "sent 0, will retry 1, gave up on 0",
        "sent 0, will retry 1, gave up on 0",
        "sent 0, will retry 0, gave up on 1",
    ]
    assert outcomes[3:] == ["sent 0, will retry 0, gave up on 0"] * 2
    failed = OutboundMail.objects.get()
    assert (failed.status, failed.attempts) == (OutboundMail.Status.FAILED, 3)
    assert "Connection refused" in failed.last_error


def test_a_subject_is_one_line_whatever_the_title(addressed, flaky):
    with transaction.atomic():
        mail_enqueue([Mail("one@example.org", "Meeting confirmed: Gas\nBcc: x@example.org", "Body")])
    assert mail_deliver().sent == 1
    assert mail.outbox[0].subject == "Meeting confirmed: Gas Bcc: x@example.org"
    assert mail.outbox[0].bcc == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_every_mail_exactly_once(flaky):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's row locks (SKIP LOCKED); SQLite admits one writer at a time")
    with transaction.atomic():
        mail_enqueue([Mail(f"m{i}@example.org", f"Mail {i}", "Body") for i in range(60)])
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            while mail_deliver():
                pass
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sent_to() == sorted(f"m{i}@example.org" for i in range(60))
    assert OutboundMail.objects.filter(status=OutboundMail.Status.SENT).count() == 60


def _call(url: str, token: str, body: object | None = None) -> object:
    request = urllib.request.Request(
        url,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_the_demo_runs_the_worker_beside_its_server_and_stops_it_with_the_server(tmp_path):
    log = tmp_path / "server.log"
    with demo_server(tmp_path) as url:
        login = urllib.request.Request(
            url + "/api/v1/auth/token",
            data=json.dumps({"username": "stepanakert", "password": "demo-password"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(login, timeout=30) as response:
            token = json.loads(response.read())["token"]
        processes = _call(url + "/api/v1/processes", token)
        assert isinstance(processes, dict)
        process_id = processes["items"][0]["id"]
        body = proposal_body(title="Talks on the water supply")
        _call(url + f"/api/v1/processes/{process_id}/proposals", token, body)
        # The demo's console backend prints what the worker sends into the server's output.
        deadline = time.monotonic() + 60
        # (A long subject is folded over lines, as e-mail headers are.)
        wanted = "Subject: A meeting proposal awaits your party's answer: Talks on the water supply"
        while wanted not in log.read_text().replace("\n ", " "):
            assert time.monotonic() < deadline, "the worker never sent the notice:\n" + log.read_text()
            time.sleep(0.2)
        proposal_id = max(p["id"] for p in _call(url + f"/api/v1/processes/{process_id}/proposals", token)["items"])  # type: ignore[index]
    printed = log.read_text()
    assert "Worker stopped." in printed
    # Issue 10, item 12: the demo's links name the address and port it serves on.
    port = url.rsplit(":", 1)[1]
    assert f"Open it in Good Offices: {url}/proposals/{proposal_id}/" in printed
    assert f"goodoffices ledger verify --log {url}/ledger --key 127.0.0.1:8000/ledger+" in printed
    assert port != "8000"
