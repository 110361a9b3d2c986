"""Every monitoring endpoint, API and web, against every persona, for a public and a plenary agreement.

Written by hand from issue 12 and DESIGN.md: a public agreement's commitments, public reports,
register, exports and feeds are anyone's, without signing in; a plenary agreement's are the parties',
the mediators' and the process's monitors' and guarantors' (checking execution is their work), and
404 to everyone else, exactly as what does not exist. Monitors and guarantors report; the obligor
party answers through its head or a delegate. An allowed write records exactly one event; a refusal
leaves no row, no event and no file. A plenary report is never shown to who may not read it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from goodoffices.events.models import Event
from tests.world import PERSONAS

from .conftest import evidence_file, file_report, today, trace

ALL = (*PERSONAS, "guarantor", "anonymous")
PLENARY = {"mediator", "head_a", "delegate_a", "head_b", "delegate_b"}
MONITORS = {"monitor", "guarantor"}
EVERYONE = set(ALL)
OBLIGOR_A = {"head_a", "delegate_a"}
SECRET = "secret-plenary-finding"


@dataclass
class Seeded:
    commitment: dict[str, int]  # by agreement: its clause 1, party A's, with a deadline
    report: dict[str, int]  # a report on it, of the agreement's audience
    evidence: dict[str, int]
    agreement: dict[str, int]
    plenary_report: int  # a plenary report on the public agreement's commitment


@pytest.fixture
def seeded(world, agreements) -> Seeded:
    commitments, reports, evidence, ids = {}, {}, {}, {}
    for which in ("public", "plenary"):
        commitment = agreements.commitment(which, "1")
        report = file_report(world.monitor, commitment, status=1, evidence=[evidence_file(f"{which}.pdf")])
        commitments[which], reports[which] = commitment.pk, report.pk
        evidence[which] = report.evidence.get().pk
        ids[which] = getattr(agreements, which).pk
    hidden = file_report(
        world.monitor, agreements.commitment("public", "1"), status=2, audience_name="plenary", summary=SECRET
    )
    return Seeded(commitments, reports, evidence, ids, hidden.pk)


def report_json(s: Seeded, which: str) -> dict[str, object]:
    return {
        "observed_on": today().isoformat(),
        "status": 2,
        "breach": False,
        "summary": "Half of the convoys passed.",
        "audience": "public" if which == "public" else "plenary",
    }


@dataclass
class Case:
    name: str
    method: str
    url: Callable[[Seeded], str]
    ok: set[str]
    ok_code: int
    # Who may see what the request is about (others: 404).
    sees: set[str]
    api: bool = True
    body: Callable[[Seeded], dict[str, object]] | None = None
    json: bool = False
    login: bool = field(default=False)  # a web page that asks an anonymous reader to sign in

    def expect(self, persona: str) -> int:
        if persona == "anonymous" and self.method == "post":
            return 401 if self.api else 302
        if persona in self.ok:
            return self.ok_code
        return 403 if persona in self.sees else 404

    @property
    def writes(self) -> bool:
        return self.method == "post"


def _cases(which: str) -> list[Case]:
    readers = EVERYONE if which == "public" else PLENARY | MONITORS

    def u(path: str) -> Callable[[Seeded], str]:
        return lambda s: path.format(
            c=s.commitment[which], r=s.report[which], e=s.evidence[which], a=s.agreement[which]
        )

    feed_readers = EVERYONE if which == "public" else set()
    return [
        Case("api:commitment_detail", "get", u("/api/v1/commitments/{c}"), readers, 200, readers),
        Case("api:report_list", "get", u("/api/v1/commitments/{c}/reports"), readers, 200, readers),
        Case("api:report_detail", "get", u("/api/v1/reports/{r}"), readers, 200, readers),
        Case("api:evidence_download", "get", u("/api/v1/evidence/{e}"), readers, 200, readers),
        Case("api:agreement_compliance", "get", u("/api/v1/agreements/{a}/compliance"), readers, 200, readers),
        Case(
            "api:report_file",
            "post",
            u("/api/v1/commitments/{c}/reports"),
            MONITORS,
            201,
            readers,
            body=lambda s: report_json(s, which),
            json=True,
        ),
        Case(
            "api:report_respond",
            "post",
            u("/api/v1/reports/{r}/responses"),
            OBLIGOR_A,
            201,
            readers,
            body=lambda s: {"kind": "response", "body": "The checkpoint opens on Monday."},
            json=True,
        ),
        Case("web:compliance_register", "get", u("/register/agreements/{a}/"), readers, 200, readers, api=False),
        Case(
            "web:compliance_csv", "get", u("/register/agreements/{a}/commitments.csv"), readers, 200, readers, api=False
        ),
        Case(
            "web:compliance_json",
            "get",
            u("/register/agreements/{a}/commitments.json"),
            readers,
            200,
            readers,
            api=False,
        ),
        Case(
            "web:compliance_feed",
            "get",
            u("/register/agreements/{a}/feed.atom"),
            feed_readers,
            200,
            feed_readers,
            api=False,
        ),
        Case("web:commitments_feed", "get", u("/register/commitments/feed.atom"), EVERYONE, 200, EVERYONE, api=False),
        Case("web:commitment", "get", u("/commitments/{c}/"), readers, 200, readers, api=False),
        Case("web:evidence_download", "get", u("/evidence/{e}/"), readers, 200, readers, api=False),
        Case(
            "web:report_file",
            "post",
            u("/commitments/{c}/reports/"),
            MONITORS,
            302,
            readers,
            api=False,
            body=lambda s: {
                "observed_on": today().isoformat(),
                "status": "2",
                "summary": "Half of the convoys passed.",
                "audience": "public" if which == "public" else "plenary",
                "sources": f"https://example.org/convoys {today().isoformat()} Convoys",
            },
        ),
        Case(
            "web:report_respond",
            "post",
            u("/reports/{r}/responses/"),
            OBLIGOR_A,
            302,
            readers,
            api=False,
            body=lambda s: {"kind": "contest", "body": "The convoys passed."},
        ),
    ]


CASES = [(which, case) for which in ("public", "plenary") for case in _cases(which)]


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize(("which", "case"), CASES, ids=[f"{w}-{c.name}-{c.method}" for w, c in CASES])
def test_monitoring_endpoint(world, seeded, api_for, client_for, media_root, persona, which, case):
    client = api_for(persona) if case.api else client_for(persona)
    url = case.url(seeded)
    before = trace(media_root)
    events = Event.objects.count()
    if case.body is None:
        response = getattr(client, case.method)(url)
    elif case.json:
        response = client.post(url, case.body(seeded), content_type="application/json")
    else:
        response = client.post(url, case.body(seeded))
    want = case.expect(persona)
    assert response.status_code == want, (persona, _content(response)[:300])
    if case.writes and want in (201, 302) and persona in case.ok:
        assert Event.objects.count() == events + 1, "an allowed write records exactly its event"
    else:
        assert trace(media_root) == before, "a refusal or a read writes nothing"
    if persona == "anonymous" and case.method == "post" and not case.api:
        assert response["Location"].startswith("/login/")
    content = _content(response)
    if persona not in PLENARY | MONITORS:
        assert SECRET.encode() not in content, persona
    if which == "plenary" and want == 404:
        assert b"Confidential arrangement" not in content


@pytest.mark.parametrize("persona", ALL)
def test_a_plenary_report_on_a_public_agreement(world, seeded, api_for, client_for, persona):
    readers = PLENARY | MONITORS
    api = api_for(persona)
    assert api.get(f"/api/v1/reports/{seeded.plenary_report}").status_code == (200 if persona in readers else 404)
    listed = api.get(f"/api/v1/commitments/{seeded.commitment['public']}/reports").json()["items"]
    assert (seeded.plenary_report in [r["id"] for r in listed]) == (persona in readers)
    page = client_for(persona).get(f"/commitments/{seeded.commitment['public']}/").content.decode()
    assert (SECRET in page) == (persona in readers)
    # The status it set is the commitment's, public like the agreement.
    assert api.get(f"/api/v1/commitments/{seeded.commitment['public']}").json()["status"] == 2


MATRIX_COVERS = {case.name for _, case in CASES}
