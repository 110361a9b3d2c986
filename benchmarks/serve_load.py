"""Loader of the serving benchmark (``benchmarks/serve.py`` runs it in the server's environment).

Brings one process, the demo's, up to ``--events`` events of which ``--messages`` are caucus
messages in Stepanakert's caucus, and writes what the load generator needs (ids, API tokens,
the mediator's TOTP secret) to ``--state`` as JSON. Run it again with larger numbers to grow
the same process.

* The first run goes through the services, as the platform itself would (about 300 events): the
  demo, two-factor on for the mediator and Stepanakert's head (their mandate requires it outside
  the demo), an API token each, meetings confirmed by both parties' readiness, open proposals
  whose readiness the benchmark toggles (each once, there and back), two caucus messages.
* Beyond that the process grows in bulk, in large transactions: caucus messages and readiness
  toggles written as those services write them (the same rows, the same event kinds, audiences
  and payloads, a fresh salt each, and every event's ledger leaf). At today's cost of a service
  call (several milliseconds of CPU) 10^5 of them one by one would take most of an hour; in bulk
  they take well under a minute. A toggle is a ``consent.given`` followed by a
  ``consent.withdrawn`` (or the reverse, from where the party stands), so that the consent rows
  still say what the events say. ``--audit`` re-derives every leaf afterwards, as
  ``goodoffices ledger audit`` does.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import secrets
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

# Every service and event stays in the process that runs them; only Django needs configuring.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodoffices.settings")

import django

django.setup()

import pyotp  # noqa: E402 - after django.setup()
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from goodoffices.accounts.models import User  # noqa: E402
from goodoffices.accounts.services import api_token_create, totp_begin, totp_confirm  # noqa: E402
from goodoffices.caucus.models import CaucusMessage  # noqa: E402
from goodoffices.caucus.services import caucus_message_post  # noqa: E402
from goodoffices.consent.models import Consent, JointConsent, Purpose  # noqa: E402
from goodoffices.events.models import Event, EventCounter, EventKind  # noqa: E402
from goodoffices.ledger.audit import audit_log  # noqa: E402
from goodoffices.ledger.integrate import integrate_epoch  # noqa: E402
from goodoffices.ledger.keys import key_path, log_keygen  # noqa: E402
from goodoffices.lib import audience, clock  # noqa: E402
from goodoffices.lib.ledger import event_id  # noqa: E402
from goodoffices.meetings.models import Meeting, Proposal  # noqa: E402
from goodoffices.meetings.services import proposal_create, readiness_set  # noqa: E402
from goodoffices.meetings.terms import ProposalTerms, SlotIn  # noqa: E402
from goodoffices.processes.demo import DEMO_PASSWORD, demo_load, demo_state  # noqa: E402
from goodoffices.processes.models import Party, Process  # noqa: E402

# Open proposals whose readiness the benchmark toggles (the load generator spreads its PUTs
# over them so that no two requests in flight toggle the same one).
TOGGLED_PROPOSALS = 64
CONFIRMED_MEETINGS = 12
BATCH = 5000


def proposal_terms(title: str, days_ahead: int) -> ProposalTerms:
    starts = clock.now().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=days_ahead)
    return ProposalTerms.of(
        title=title,
        format="direct",
        venue="Geneva, Palais des Nations",
        timezone="Europe/Zurich",
        slots=[SlotIn(starts, starts + timedelta(hours=3))],
        agenda=["Humanitarian access"],
        languages=["en"],
    )


def message_body(n: int) -> str:
    return f"Caucus note {n}: on the humanitarian corridor, the convoy schedule and the next round of talks."


def enable_two_factor(user: User) -> str:
    secret = totp_begin(user=user)
    totp_confirm(user=user, code=pyotp.TOTP(secret).now())
    return secret


def first_run(state_file: Path) -> dict[str, Any]:
    """The demo, two-factor, tokens and proposals, all through the services."""
    call_command("migrate", interactive=False, verbosity=0)
    with transaction.atomic():  # one commit for them all; each service nests its own
        return _first_run(state_file)


def _first_run(state_file: Path) -> dict[str, Any]:
    if demo_state() != "empty":
        raise SystemExit(f"the database is not empty; the benchmark loads a fresh one (state file {state_file})")
    demo_load()
    if not key_path().exists():
        log_keygen()
    process = Process.objects.get(title="Stepanakert–Baku dialogue")
    stepanakert, baku = list(process.parties.order_by("id"))
    mediator = User.objects.get(username="mediator")
    head = User.objects.get(username="stepanakert")
    other_head = User.objects.get(username="baku")
    secret = enable_two_factor(mediator)
    enable_two_factor(head)
    _, mediator_token = api_token_create(user=mediator, name="benchmark")
    _, head_token = api_token_create(user=head, name="benchmark")
    for n in range(CONFIRMED_MEETINGS):
        proposal = proposal_create(actor=mediator, process=process, terms=proposal_terms(f"Round {n + 1}", 20 + n))
        readiness_set(actor=head, proposal=proposal, ready=True)
        readiness_set(actor=other_head, proposal=proposal, ready=True)
    toggled = [
        proposal_create(actor=mediator, process=process, terms=proposal_terms(f"Working group {n + 1}", 60 + n)).pk
        for n in range(TOGGLED_PROPOSALS)
    ]
    # Each toggled proposal gets one consent and one withdrawal through the service: the
    # templates that the bulk writer copies.
    for proposal in Proposal.objects.filter(pk__in=toggled):
        readiness_set(actor=head, proposal=proposal, ready=True)
        readiness_set(actor=head, proposal=proposal, ready=False)
    for n, author in enumerate([head, mediator]):
        caucus_message_post(actor=author, party=stepanakert, body=message_body(n))
    return {
        "process": process.pk,
        "party": stepanakert.pk,
        "other_party": baku.pk,
        "mediator_token": mediator_token,
        "head_token": head_token,
        "password": DEMO_PASSWORD,
        "mediator_totp": secret,
        "toggled": toggled,
        "meetings": Meeting.objects.filter(process=process).count(),
    }


def caucus_messages(party: Party) -> int:
    return CaucusMessage.objects.filter(party=party).count()


def fill_with_services(state: dict[str, Any], events: int, messages: int) -> None:
    """Caucus messages, then readiness toggles, one service call each (what bulk leaves over)."""
    party = Party.objects.get(pk=state["party"])
    mediator = User.objects.get(username="mediator")
    head = User.objects.get(username="stepanakert")
    authors = itertools.cycle([head, mediator])
    have = caucus_messages(party)
    with transaction.atomic():  # one commit (one fsync) for them all; each service nests its own
        for n in range(have, messages):
            caucus_message_post(actor=next(authors), party=party, body=message_body(n))
        proposals = itertools.cycle(list(Proposal.objects.filter(pk__in=state["toggled"]).order_by("id")))
        missing = events - Event.objects.count()
        while missing > 0:
            proposal = next(proposals)
            ready = not Consent.objects.filter(
                joint__subject_type=Proposal._meta.label_lower, joint__subject_id=str(proposal.pk), party=party
            ).exists()
            before = Event.objects.count()
            readiness_set(actor=head, proposal=proposal, ready=ready)
            missing -= Event.objects.count() - before


def _toggle_templates(state: dict[str, Any], party: Party) -> list[tuple[bool, Event, Event]]:
    """Per toggled proposal: whether the party is ready now, and the service-written
    ``consent.given`` and ``consent.withdrawn`` events to copy."""
    templates = []
    for proposal_id in state["toggled"]:
        joint = JointConsent.objects.get(
            subject_type=Proposal._meta.label_lower, subject_id=str(proposal_id), purpose=Purpose.READINESS
        )
        of_joint = Event.objects.filter(subject_type=JointConsent._meta.label_lower, subject_id=str(joint.pk))
        given = of_joint.filter(kind=EventKind.CONSENT_GIVEN).order_by("-seq").first()
        withdrawn = of_joint.filter(kind=EventKind.CONSENT_WITHDRAWN).order_by("-seq").first()
        if given is None or withdrawn is None:
            raise SystemExit(f"proposal {proposal_id} was never toggled: load into a fresh database")
        ready = Consent.objects.filter(joint=joint, party=party).exists()
        templates.append((ready, given, withdrawn))
    return templates


def _copy(template: Event, seq: int) -> Event:
    salt = secrets.token_hex(32)
    return Event(
        seq=seq,
        public_id=event_id(salt),
        kind=template.kind,
        occurred_at=clock.now(),
        actor_id=template.actor_id,
        process_id=template.process_id,
        subject_type=template.subject_type,
        subject_id=template.subject_id,
        audience=template.audience,
        payload=template.payload,
        salt=salt,
    )


def _plan(messages: int, toggles: int) -> list[bool]:
    """Where the messages fall among the toggles (True: a message), spread evenly."""
    total = messages + toggles
    return [(i + 1) * messages // total > i * messages // total for i in range(total)]


def fill_in_bulk(state: dict[str, Any], events: int, messages: int) -> None:
    """Caucus messages and readiness toggles, interleaved, in transactions of ``BATCH`` events."""
    party = Party.objects.get(pk=state["party"])
    authors = [User.objects.get(username="stepanakert").pk, User.objects.get(username="mediator").pk]
    to_post = max(0, messages - caucus_messages(party))
    to_toggle = events - Event.objects.count() - to_post
    to_toggle -= to_toggle % 2  # whole toggles; a last odd event goes through the service below
    if to_toggle < 0:
        raise SystemExit(f"{messages} caucus messages make more than {events} events")
    templates = _toggle_templates(state, party)
    # A toggle is two events; each proposal is toggled in turn from where its party stands.
    toggle_events: list[Event] = []
    pairs = itertools.cycle(templates)
    for _ in range(to_toggle // 2):
        ready, given, withdrawn = next(pairs)
        toggle_events.extend([withdrawn, given] if ready else [given, withdrawn])
    plan = _plan(to_post, len(toggle_events))
    message_template = Event.objects.filter(kind=EventKind.CAUCUS_MESSAGE_POSTED).order_by("-seq").first()
    assert message_template is not None
    posted = caucus_messages(party)
    toggles = iter(toggle_events)
    for start in range(0, len(plan), BATCH):
        with transaction.atomic():
            counter = EventCounter.objects.select_for_update().get(id=1)
            seq = counter.next_seq
            chunk = plan[start : start + BATCH]
            bodies = [message_body(posted + i) for i in range(sum(chunk))]
            rows = CaucusMessage.objects.bulk_create(
                CaucusMessage(process_id=state["process"], party=party, author_id=authors[i % 2], body=body)
                for i, body in enumerate(bodies)
            )
            posted += len(rows)
            new_messages = iter(zip(rows, bodies, strict=True))
            batch: list[Event] = []
            for is_message in chunk:
                if is_message:
                    row, body = next(new_messages)
                    event = _copy(message_template, seq)
                    event.actor_id = row.author_id
                    event.subject_id = str(row.pk)
                    event.audience = audience.caucus(party.pk)
                    event.payload = {"party": party.pk, "body": body}
                else:
                    event = _copy(next(toggles), seq)
                batch.append(event)
                seq += 1
            Event.objects.bulk_create(batch, batch_size=BATCH)
            EventCounter.objects.filter(id=1).update(next_seq=seq)
        # The events reach the ledger as the integrator takes them: one epoch per batch.
        integrate_epoch(force=True)
    fill_with_services(state, events, messages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--messages", type=int, required=True)
    parser.add_argument("--state", type=Path, required=True, help="JSON file: written on the first run, read after")
    parser.add_argument("--audit", action="store_true", help="re-derive every leaf from its event afterwards")
    args = parser.parse_args()
    started = time.perf_counter()
    before = 0
    if args.state.exists():
        state = json.loads(args.state.read_text())
        before = Event.objects.count()
    else:
        state = first_run(args.state)
        args.state.write_text(json.dumps(state, indent=2))
    fill_in_bulk(state, args.events, args.messages)
    # Statistics for the planner, as autovacuum would gather them within a minute of such a load
    # (and as an operator runs after restoring a dump): measured at once, without them, PostgreSQL
    # planned the events list for a table of a few rows and read all 10^5 events to sort them.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    after = Event.objects.count()
    party = Party.objects.get(pk=state["party"])
    print(
        f"loaded {after - before:,} events in {time.perf_counter() - started:.0f} s: "
        f"{after:,} events, {caucus_messages(party):,} caucus messages",
        flush=True,
    )
    if args.audit:
        size, problems = audit_log()
        print(f"ledger audit at size {size:,}: {'OK' if not problems else problems[:3]}", flush=True)
        if problems:
            sys.exit(1)


if __name__ == "__main__":
    main()
