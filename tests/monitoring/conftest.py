from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from goodoffices.agreements.models import Agreement, Commitment
from goodoffices.events.models import Event
from goodoffices.monitoring import services
from goodoffices.monitoring.models import CommitmentChange, Escalation, Evidence, MonitoringReport, ReportAnswer
from goodoffices.processes import services as process_services
from tests.world import World, make_user

from .factories import Spec, make_agreement


@pytest.fixture(autouse=True)
def media_root(tmp_path: Path, settings: Any) -> Path:
    """Evidence is stored under each test's own directory, never in the repository."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def trace(root: Path) -> tuple[int, ...]:
    """What a refused request must leave unchanged: events, monitoring rows, commitments' state, files."""
    state = Commitment.objects.order_by("pk").values_list("status", "breach", "overdue", "completed_on")
    return (
        Event.objects.count(),
        MonitoringReport.objects.count(),
        ReportAnswer.objects.count(),
        Evidence.objects.count(),
        CommitmentChange.objects.count(),
        Escalation.objects.count(),
        hash(tuple(state)),
        len(stored_files(root)),
    )


def today() -> date:
    return timezone.now().date()


@pytest.fixture
def guarantor(world: World):
    """A guarantor appointed to the process, as a persona of its own."""
    user = make_user("guarantor", email="guarantor@example.org")
    process_services.appointment_make(
        actor=world.operator, process=world.process, user=user, role="guarantor", organisation="Guarantor state"
    )
    world.users["guarantor"] = user
    return user


@dataclass
class Agreements:
    public: Agreement
    plenary: Agreement

    def commitment(self, which: str, clause: str) -> Commitment:
        agreement: Agreement = getattr(self, which)
        return agreement.commitments.get(clause=clause)


def _specs(world: World) -> list[Spec]:
    return [
        Spec("1", world.party_a, "Open the checkpoint to humanitarian convoys", deadline=today() + timedelta(days=10)),
        Spec("2", world.party_b, "Keep the road safe for traffic in both directions", "economic_and_transport_links"),
        Spec(
            "3",
            world.party_a,
            "Report on mine clearance",
            "ceasefire",
            schedule=f"monthly from {today() + timedelta(days=20)}",
        ),
    ]


@pytest.fixture
def agreements(world: World, guarantor) -> Agreements:
    adopted = today() - timedelta(days=90)
    return Agreements(
        public=make_agreement(world.process, _specs(world), adopted_on=adopted),
        plenary=make_agreement(
            world.process, _specs(world), title="Confidential arrangement", audience="plenary", adopted_on=adopted
        ),
    )


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def evidence_file(name: str = "photo-report.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else pdf())


def file_report(actor, commitment: Commitment, **overrides: Any) -> MonitoringReport:
    fields: dict[str, Any] = {
        "observed_on": today(),
        "status": 1,
        "breach": False,
        "summary": "Convoys wait at the checkpoint; a few passed.",
        "audience_name": commitment.agreement.audience,
        "sources": [services.SourceIn(url="https://example.org/news/1", read_on=today(), title="A report")],
    }
    fields.update(overrides)
    return services.report_file(actor=actor, commitment=commitment, **fields)
