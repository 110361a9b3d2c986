"""The OpenAPI schema states what the server enforces (issue 14, item 5), so that a request
valid under the schema is one the server takes: enums for every choice, no null where null is
refused, non-empty and bounded texts with the characters the server refuses excluded, and
strict JSON types (``"yes"`` is not true, ``"5"`` is not a number).

The expectations are written by hand; where a test walks the schema, a guard fails when the
schema grows a case the test does not know.
"""

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodoffices.agreements.services import adoption_put
from goodoffices.lib.signatures import generate_private_key, public_key_of, to_base64
from goodoffices.meetings.models import Meeting
from goodoffices.processes import services as process_services
from goodoffices.processes.services import mandate_amend

from .agreements.conftest import clean_text
from .meetings.conftest import confirm, hold, propose
from .meetings.helpers import proposal_body
from .world import World, make_user


@pytest.fixture
def spec(db) -> dict[str, Any]:
    spec: dict[str, Any] = Client(HTTP_HOST="localhost").get("/api/v1/openapi.json").json()
    return spec


def _inputs(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The request bodies' schemas by name, each a map of property to its schema."""
    schemas = spec["components"]["schemas"]
    names = set()
    for operations in spec["paths"].values():
        for operation in operations.values():
            for content in operation.get("requestBody", {}).get("content", {}).values():
                ref = content["schema"].get("$ref", "")
                names.add(ref.rsplit("/", 1)[-1])
    names.discard("")
    names |= {"SlotBody"}  # the items of ProposalIn.slots
    return {name: schemas[name]["properties"] for name in names if name in schemas}


ENUMS = {
    ("ProposalIn", "format"): ["direct", "proximity", "shuttle"],
    ("ProposalIn", "modality"): ["hybrid", "in_person", "virtual"],
    ("MemberIn", "role"): ["delegate", "head", "signatory"],
    ("AppointmentIn", "role"): ["guarantor", "mediator", "monitor", "observer"],
    ("ReportIn", "audience"): ["plenary", "process", "public"],
    ("ResponseIn", "kind"): ["contest", "response"],
    ("DeclassifyIn", "to"): ["process", "public"],
    ("MandateIn", "held_meetings_audience"): ["plenary", "process", "public"],
    ("AmendmentIn", "held_meetings_audience"): ["plenary", "process", "public"],
}


def test_every_choice_is_an_enum(spec):
    inputs = _inputs(spec)
    for (schema, prop), values in ENUMS.items():
        assert inputs[schema][prop]["enum"] == values, (schema, prop)
    zones = inputs["ProposalIn"]["timezone"]["enum"]
    assert "Europe/Zurich" in zones
    assert "Asia/Baku" in zones
    assert "Mars/Olympus_Mons" not in zones
    # Only zones of places (issue 10, item 7): no Factory, localtime, POSIX rules or aliases like Zulu.
    assert not {"Factory", "localtime", "EST5EDT", "Zulu", "posix/Europe/Zurich", "Etc/GMT+3"} & set(zones)


# Null means something here: the mandate's languages, every party, no end, no second factor;
# and for a consent or approval that is withdrawn, no version or audience read.
NULLABLE = {
    ("ProposalIn", "languages"),
    ("ProposalIn", "invited"),
    ("MandateIn", "term_end"),
    ("AmendmentIn", "term_end"),
    ("TokenIn", "otp"),
    ("ApprovalIn", "version"),
    ("ConsentIn", "version"),
    ("DeclassificationConsentIn", "to"),
}


def _nullable(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "null" or any(_nullable(s) for s in schema.get("anyOf", []))


def test_nothing_is_nullable_where_null_is_refused(spec):
    nullable = {(name, prop) for name, props in _inputs(spec).items() for prop, s in props.items() if _nullable(s)}
    assert nullable == NULLABLE


REQUIRED_TEXTS = {
    ("ProposalIn", "title"): 200,
    ("ProposalIn", "venue"): 200,
    ("ReasonIn", "reason"): 4000,
    ("TextIn", "text"): 20000,
    ("CaucusMessageIn", "body"): 10000,
    ("FrameworkIn", "name"): 200,
    ("MandateIn", "title"): 200,
    ("ProcessIn", "title"): 200,
    ("AmendmentIn", "note"): 4000,
    ("HeldIn", "outcomes"): 20000,
}
OPTIONAL_TEXTS = {
    ("FrameworkIn", "description"): 4000,
    ("MandateIn", "note"): 4000,
    ("AppointmentIn", "organisation"): 200,
}
SINGLE_LINE = {("ProposalIn", "title"), ("ProposalIn", "venue"), ("FrameworkIn", "name"), ("MandateIn", "title")}
SINGLE_LINE |= {("ProcessIn", "title"), ("AppointmentIn", "organisation")}


@pytest.mark.parametrize(("key", "limit"), [*REQUIRED_TEXTS.items(), *OPTIONAL_TEXTS.items()])
def test_typed_texts_declare_their_limits_and_the_characters_refused(spec, key, limit):
    declared = _inputs(spec)[key[0]][key[1]]
    assert declared["maxLength"] == limit
    assert declared.get("minLength") == (1 if key in REQUIRED_TEXTS else None)
    pattern = re.compile(declared["pattern"])
    assert pattern.fullmatch("Talks in Geneva, Ստեփանակերտ and Bakı")
    for character in ["\x00", "\x07", "\x1b", "\x7f", "\x9b", "\u202e", "\u2066", "\uffff"]:
        assert not pattern.fullmatch(f"Talks{character}in Geneva"), repr(character)
    assert bool(pattern.fullmatch("Talks\nin Geneva")) == (key not in SINGLE_LINE)
    assert bool(pattern.fullmatch("")) == (key in OPTIONAL_TEXTS)
    assert not pattern.fullmatch("   ") or key in OPTIONAL_TEXTS


def _strings(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Every string schema inside ``schema`` (items of lists and maps included)."""
    found = [schema] if schema.get("type") == "string" else []
    for inner in [schema.get("items"), schema.get("additionalProperties"), *schema.get("anyOf", [])]:
        if isinstance(inner, dict):
            found += _strings(inner)
    return found


def test_the_guard_every_string_of_a_request_is_bounded(spec):
    for name, props in _inputs(spec).items():
        for prop, declared in props.items():
            for string in _strings(declared):
                assert "maxLength" in string or "enum" in string or "format" in string, (name, prop)


def test_lists_declare_how_many_items_they_take(spec):
    inputs = _inputs(spec)
    assert (inputs["ProposalIn"]["slots"]["minItems"], inputs["ProposalIn"]["slots"]["maxItems"]) == (1, 10)
    assert (inputs["ProposalIn"]["agenda"]["minItems"], inputs["ProposalIn"]["agenda"]["maxItems"]) == (1, 20)
    assert inputs["MandateIn"]["scope"]["minItems"] == 1
    assert inputs["AmendmentIn"]["scope"]["minItems"] == 1
    assert inputs["ProcessIn"]["parties"]["minItems"] == 2


# Strict JSON types: walked over every operation with a JSON body, so a new boolean or number
# is covered the day it appears.

NOT_BOOLEANS = ["yes", "true", 1, 0, None]
NOT_INTEGERS = ["5", 5.5, True, None]


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, str]]:
    found = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                found.append((method, path, content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]))
    return found


def test_booleans_and_numbers_are_strict_json_types(world, spec, api_for):
    api = api_for("mediator")
    inputs = _inputs(spec)
    tried = 0
    for method, path, schema in _operations(spec):
        url = re.sub(r"\{[a-z_]+\}", "1", path)
        for prop, declared in inputs[schema].items():
            kind = declared.get("type")
            if kind not in {"boolean", "integer"} or (schema, prop) in NULLABLE:
                continue
            for wrong in NOT_BOOLEANS if kind == "boolean" else NOT_INTEGERS:
                response = getattr(api, method)(url, {prop: wrong}, content_type="application/json")
                assert response.status_code == 422, (method, path, prop, wrong, response.content)
                assert prop in [e["field"] for e in response.json()["errors"]], (method, path, prop, wrong)
                tried += 1
    # ready, approve, consent (twice), interpretation, delegation_size, slot, and the mandate's two.
    assert tried >= 9 * 4


def test_a_slot_time_and_a_term_date_are_still_given_as_strings(world, api_for):
    response = api_for("operator").post(
        f"/api/v1/processes/{world.process.pk}/mandate/amendments",
        {"note": "extends the term", "term_start": "2023-03-01", "term_end": "2031-12-31"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert world.process.mandate.current.term_end.isoformat() == "2031-12-31"


# Every value an enum declares is taken; anything else is refused naming the field.


class Requests:
    """A fresh request for each value, in a state where any declared value is acceptable."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.made = 0

    def _fresh_user(self) -> str:
        self.made += 1
        return make_user(f"fresh{self.made}").username

    def _fresh_process(self) -> Any:
        self.made += 1
        return process_services.process_create(
            actor=self.world.operator, mandate=self.world.mandate, title=f"Track {self.made}", parties=["One", "Two"]
        )

    def _plenary_meeting(self) -> Meeting:
        if self.world.process.mandate_version.held_meetings_audience != "plenary":
            mandate_amend(
                actor=self.world.operator, mandate=self.world.mandate, note="plenary", held_meetings_audience="plenary"
            )
            self.world.process.refresh_from_db()
        return hold(self.world, confirm(self.world, propose(self.world)))

    def proposal(self, field: str, value: str) -> tuple[str, str, dict[str, Any]]:
        return "head_a", f"/api/v1/processes/{self.world.process.pk}/proposals", proposal_body(**{field: value})

    def member(self, field: str, value: str) -> tuple[str, str, dict[str, Any]]:
        process = self._fresh_process()
        party = process.parties.first()
        url = f"/api/v1/processes/{process.pk}/parties/{party.pk}/members"
        return "operator", url, {"username": self._fresh_user(), field: value}

    def appointment(self, field: str, value: str) -> tuple[str, str, dict[str, Any]]:
        url = f"/api/v1/processes/{self.world.process.pk}/appointments"
        return "operator", url, {"username": self._fresh_user(), field: value}

    def declassification(self, field: str, value: str) -> tuple[str, str, dict[str, Any]]:
        return "mediator", f"/api/v1/meetings/{self._plenary_meeting().pk}/declassification", {field: value}

    def communique(self, field: str, value: str) -> tuple[str, str, dict[str, Any]]:
        """A communiqué drafted in ``value``: every supported language, once the mandate names them all."""
        if len(self.world.process.mandate_version.languages) < len(process_services.LANGUAGE_CODES):
            mandate_amend(
                actor=self.world.operator,
                mandate=self.world.mandate,
                note="all",
                languages=sorted(process_services.LANGUAGE_CODES),
            )
            self.world.process.refresh_from_db()
        meeting = hold(self.world, confirm(self.world, propose(self.world)))
        return "mediator", f"/api/v1/meetings/{meeting.pk}/communique", {"text": "Joint statement", field: value}

    def mandate(self, field: str, value: str) -> tuple[str, str, dict[str, Any]]:
        url = f"/api/v1/frameworks/{self.world.framework.pk}/mandates"
        return "operator", url, {"title": "Another", "scope": ["Water"], "term_start": "2024-01-01", field: value}

    def amendment(self, field: str, value: str) -> tuple[str, str, dict[str, Any]]:
        url = f"/api/v1/processes/{self.world.process.pk}/mandate/amendments"
        return "operator", url, {"note": "changes who sees held meetings", field: value}

    def _clean_text(self) -> Any:
        self.made += 1
        return clean_text(self.world, f"Clean text {self.made}")

    def adoption(self, field: str, value: str) -> tuple[str, str, dict[str, Any]]:
        return "mediator", f"/api/v1/texts/{self._clean_text().pk}/adoption", {field: value}

    def adoption_consent(self, field: str, value: str) -> tuple[str, str, dict[str, Any]]:
        asked = value if value in ("public", "plenary") else "public"
        adoption = adoption_put(actor=self.world.mediator, text=self._clean_text(), agreement_audience=asked)
        url = f"/api/v1/adoptions/{adoption.pk}/consent"
        return "head_a", url, {"consent": True, "version": adoption.version, field: value}

    def signing_key(self, field: str, value: str) -> tuple[str, str, dict[str, Any]]:
        url = f"/api/v1/processes/{self.world.process.pk}/signing-keys"
        return "mediator", url, {"public_key": to_base64(public_key_of(generate_private_key())), field: value}

    def _commitment(self) -> Any:
        from .monitoring.factories import Spec, make_agreement

        self.made += 1
        agreement = make_agreement(
            self.world.process, [Spec("1", self.world.party_a, "Open the road")], title=f"Agreement {self.made}"
        )
        return agreement.commitments.get()

    def report(self, field: str, value: str) -> tuple[str, str, dict[str, Any]]:
        body = {"observed_on": "2024-01-10", "status": 1, "breach": False, "summary": "Closed.", field: value}
        return "monitor", f"/api/v1/commitments/{self._commitment().pk}/reports", body

    def response(self, field: str, value: str) -> tuple[str, str, dict[str, Any]]:
        from goodoffices.monitoring.services import report_file

        report = report_file(
            actor=self.world.monitor,
            commitment=self._commitment(),
            observed_on=date(2024, 1, 10),
            status=1,
            breach=False,
            summary="Closed.",
            audience_name="public",
        )
        return "head_a", f"/api/v1/reports/{report.pk}/responses", {"body": "It opens soon.", field: value}

    def solve(self, field: str, value: str) -> tuple[str, str, dict[str, Any]]:
        body: dict[str, Any] = {field: value, "parties": ["A", "B"]}
        if value in ("adjusted_winner", "max_nash_welfare"):
            body["items"] = [{"name": "x", "points": [60, 40]}, {"name": "y", "points": [40, 60]}]
        else:
            options = [{"name": "p", "utilities": [1, 2]}, {"name": "q", "utilities": [2, 1]}]
            body["issues"] = [{"name": "x", "options": options}]
        return "mediator", "/api/v1/analytics/solve", body


ENUM_REQUESTS = {
    ("post", "/api/v1/processes/{process_id}/proposals", "format"): Requests.proposal,
    ("post", "/api/v1/processes/{process_id}/proposals", "modality"): Requests.proposal,
    ("post", "/api/v1/processes/{process_id}/proposals", "timezone"): Requests.proposal,
    ("post", "/api/v1/proposals/{proposal_id}/counter", "format"): None,  # the same schema as above
    ("post", "/api/v1/proposals/{proposal_id}/counter", "modality"): None,
    ("post", "/api/v1/proposals/{proposal_id}/counter", "timezone"): None,
    ("post", "/api/v1/processes/{process_id}/parties/{party_id}/members", "role"): Requests.member,
    ("post", "/api/v1/processes/{process_id}/appointments", "role"): Requests.appointment,
    ("post", "/api/v1/meetings/{meeting_id}/declassification", "to"): Requests.declassification,
    ("post", "/api/v1/meetings/{meeting_id}/communique", "language"): Requests.communique,
    ("post", "/api/v1/frameworks/{framework_id}/mandates", "held_meetings_audience"): Requests.mandate,
    ("post", "/api/v1/processes/{process_id}/mandate/amendments", "held_meetings_audience"): Requests.amendment,
    ("post", "/api/v1/texts/{text_id}/adoption", "audience"): Requests.adoption,
    ("put", "/api/v1/adoptions/{adoption_id}/consent", "audience"): Requests.adoption_consent,
    ("post", "/api/v1/processes/{process_id}/signing-keys", "origin"): Requests.signing_key,
    ("post", "/api/v1/frameworks/{framework_id}/mandates", "deadline_timezone"): Requests.mandate,
    ("post", "/api/v1/processes/{process_id}/mandate/amendments", "deadline_timezone"): Requests.amendment,
    ("post", "/api/v1/commitments/{commitment_id}/reports", "audience"): Requests.report,
    ("post", "/api/v1/reports/{report_id}/responses", "kind"): Requests.response,
    ("post", "/api/v1/analytics/solve", "method"): Requests.solve,
}
# A sample of the time zones: the first and last, and zones that change to daylight-saving time.
ZONES = ["Africa/Abidjan", "America/New_York", "Asia/Baku", "Australia/Lord_Howe", "Europe/Zurich", "Pacific/Wallis"]


def test_the_guard_every_enum_of_a_request_is_tried(spec):
    inputs = _inputs(spec)
    enums = {
        (method, path, prop)
        for method, path, schema in _operations(spec)
        for prop, declared in inputs[schema].items()
        if "enum" in declared
    }
    assert enums == set(ENUM_REQUESTS)


@pytest.mark.parametrize("key", [k for k, v in ENUM_REQUESTS.items() if v is not None], ids=lambda k: k[2])
def test_every_declared_value_is_taken_and_no_other(world, spec, api_for, key):
    method, path, prop = key
    schema = next(s for m, p, s in _operations(spec) if (m, p) == (method, path))
    values = _inputs(spec)[schema][prop]["enum"]
    if prop in ("timezone", "deadline_timezone"):
        assert set(ZONES) <= set(values)
        values = ZONES
    requests = Requests(world)
    make = ENUM_REQUESTS[key]
    assert make is not None
    for value in values:
        persona, url, body = make(requests, prop, value)
        response = getattr(api_for(persona), method)(url, body, content_type="application/json")
        assert response.status_code in {200, 201}, (value, response.content)
    persona, url, body = make(requests, prop, "not-a-choice")
    response = getattr(api_for(persona), method)(url, body, content_type="application/json")
    assert response.status_code == 422
    assert prop in [e["field"] for e in response.json()["errors"]]


# What the schema declares valid is accepted: texts drawn from the declared patterns.


def _declared_text(declared: dict[str, Any]) -> st.SearchStrategy[str]:
    return st.from_regex(declared["pattern"], fullmatch=True).filter(
        lambda text: declared.get("minLength", 0) <= len(text) <= declared["maxLength"]
    )


def test_a_proposal_valid_under_the_schema_is_accepted(world, spec, api_for):
    api = api_for("head_a")
    declared = _inputs(spec)["ProposalIn"]

    # Examples share the test's database: each adds one proposal, which changes nothing for the next.
    @settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(title=_declared_text(declared["title"]), venue=_declared_text(declared["venue"]))
    def accepted(title: str, venue: str) -> None:
        response = api.post(
            f"/api/v1/processes/{world.process.pk}/proposals",
            proposal_body(title=title, venue=venue),
            content_type="application/json",
        )
        assert response.status_code == 201, (title, venue, response.content)

    accepted()
