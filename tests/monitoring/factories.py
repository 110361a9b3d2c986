"""Agreements and commitments made directly, as adoption would leave them (adoption and signing are
the agreements app's, tested there), and a provisional 2020 statement for the demo's reports.

Importable without pytest: the browser journey runs ``demo_agreement`` inside the demo's database."""

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from goodoffices.agreements.models import Agreement, Commitment
from goodoffices.processes.models import Party, Process


@dataclass(frozen=True)
class Spec:
    clause: str
    obligor: Party
    action: str
    category: str = "humanitarian_access"
    deadline: date | None = None
    schedule: str = ""
    verification: str = ""
    monitors: tuple[str, ...] = ()


def make_agreement(
    process: Process,
    specs: Sequence[Spec],
    *,
    title: str = "Agreement on humanitarian access",
    audience: str = "public",
    adopted_on: date = date(2023, 3, 10),
) -> Agreement:
    document = {"title": title, "nonce": uuid.uuid4().hex, "commitments": [s.action for s in specs]}
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    agreement = Agreement.objects.create(
        process=process,
        title=title,
        status=Agreement.Status.IN_FORCE,
        audience=audience,
        canonical=canonical,
        sha256=hashlib.sha256(canonical).hexdigest(),
        adopted_on=adopted_on,
        adopted_at=datetime.combine(adopted_on, time(12), tzinfo=UTC),
        in_force_at=datetime.combine(adopted_on, time(13), tzinfo=UTC),
    )
    Commitment.objects.bulk_create(
        Commitment(
            agreement=agreement,
            position=i,
            clause=s.clause,
            obligor=s.obligor,
            action=s.action,
            category=s.category,
            deadline=s.deadline,
            schedule=s.schedule,
            verification=s.verification,
            monitors=list(s.monitors),
        )
        for i, s in enumerate(specs)
    )
    return agreement


def statement_2020(
    process: Process, *, armenia: Party, azerbaijan: Party, audience: str = "public", with_centre: bool = False
) -> Agreement:
    """A stand-in for the agreements demo's 2020 statement, its commitments as that demo tags them
    (points labelled "p1", ...; a point on both parties tagged on each), and, ``with_centre``, a point 5
    commitment to deploy the ceasefire's monitoring centre, which that demo does not tag."""
    both = (azerbaijan, armenia)
    specs = [
        Spec(
            "p1", p, "Cease fire and all hostilities, and stay at the positions held on 10 November 2020.", "ceasefire"
        )
        for p in both
    ]
    specs += [
        Spec(
            "p2",
            armenia,
            "Return the Aghdam district to the Republic of Azerbaijan.",
            "withdrawal_of_troops",
            date(2020, 11, 20),
        ),
        Spec(
            "p4",
            armenia,
            "Withdraw the Armenian armed forces as the peacekeeping contingent deploys.",
            "withdrawal_of_troops",
            schedule="in parallel with the deployment of the peacekeeping contingent",
        ),
        Spec(
            "p6",
            armenia,
            "Return the Kalbajar district to the Republic of Azerbaijan.",
            "withdrawal_of_troops",
            date(2020, 11, 15),
        ),
        Spec(
            "p6",
            armenia,
            "Return the Lachin district to the Republic of Azerbaijan, the Lachin corridor excepted.",
            "withdrawal_of_troops",
            date(2020, 12, 1),
        ),
        Spec(
            "p6",
            azerbaijan,
            "Guarantee the safety of persons, vehicles and cargo travelling along the Lachin corridor in both "
            "directions, the corridor remaining under the control of the peacekeeping contingent.",
            "economic_and_transport_links",
            verification="Control of the corridor by the peacekeeping contingent.",
        ),
    ]
    specs += [
        Spec(
            "p7",
            p,
            "Let internally displaced persons and refugees return to Nagorno-Karabakh and the adjacent districts.",
            "internally_displaced_persons",
        )
        for p in both
    ]
    specs += [
        Spec(
            "p8",
            p,
            "Exchange prisoners of war, hostages and other detained persons, and the bodies of the dead.",
            "prisoner_release",
        )
        for p in both
    ]
    specs += [
        Spec("p9", p, "Unblock all economic and transport links in the region.", "economic_and_transport_links")
        for p in both
    ]
    if with_centre:
        specs.append(
            Spec(
                "p5",
                azerbaijan,
                "Deploy a peacekeeping centre to monitor the ceasefire.",
                "verification_or_monitoring_mechanism",
            )
        )
    return make_agreement(
        process,
        specs,
        title="Statement of 9/10 November 2020 (stand-in)",
        audience=audience,
        adopted_on=date(2020, 11, 10),
    )


def demo_agreement(days_to_deadline: int = 3) -> tuple[int, int]:
    """In a loaded demo: a public agreement of the seed's process with one commitment of Baku due in
    ``days_to_deadline`` days; its id and the commitment's id."""
    from datetime import timedelta

    from django.utils import timezone

    process = Process.objects.get(title="Stepanakert–Baku dialogue")
    baku = process.parties.get(name="Baku")
    today = timezone.now().date()
    agreement = make_agreement(
        process,
        [
            Spec(
                "1",
                baku,
                "Let humanitarian convoys pass the Lachin corridor checkpoint",
                deadline=today + timedelta(days=days_to_deadline),
            )
        ],
        title="Arrangement on humanitarian convoys",
        adopted_on=today - timedelta(days=1),
    )
    commitment = agreement.commitments.get()
    return agreement.pk, commitment.pk
