"""The canonical agreement document: exact bytes, round trip, every refusal, and the HTML page."""

import dataclasses
import datetime
import hashlib
import json
import os
import subprocess
import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goodoffices.lib.agreement_doc import (
    FORMAT,
    AgreementDoc,
    Clause,
    Commitment,
    Labels,
    PartyRef,
    ProcessRef,
    agreement_html,
    due_text,
    paragraphs,
    parse_agreement,
    sha256_hex,
)
from goodoffices.lib.canonical import canonical_json
from goodoffices.lib.errors import Invalid


def small_doc(**changes: object) -> AgreementDoc:
    fields: dict[str, object] = {
        "title": "Humanitarian access",
        "process": ProcessRef(id=3, title="Dialogue"),
        "framework": "Co-chairs",
        "parties": (PartyRef(id=1, name="Side A"), PartyRef(id=2, name="Side B")),
        "clauses": (Clause(number="1", text="Open the road."),),
        "adopted": datetime.date(2020, 11, 10),
        "language": "en",
        "commitments": (
            Commitment(clause="1", obligor=2, action="Open it", category="transport_links", deadline=None),
        ),
    }
    fields.update(changes)
    return AgreementDoc(**fields)  # type: ignore[arg-type]


def statement() -> AgreementDoc:
    """Four scripts in one document: Armenian, Cyrillic, Azerbaijani Latin and English."""
    return AgreementDoc(
        title="Заявление от 10 ноября 2020 года",
        process=ProcessRef(id=7, title="Trilateral statement 2020"),
        framework="Президент Российской Федерации",
        parties=(
            PartyRef(id=1, name="Azərbaycan Respublikası"),
            PartyRef(id=2, name="Հայաստանի Հանրապետություն"),
            PartyRef(id=3, name="Российская Федерация"),
        ),
        clauses=(
            Clause(number="1", text="Объявляется полное прекращение огня и всех военных действий."),
            Clause(
                number="2",
                heading="Ağdam",
                text="Ağdam rayonu 20 noyabr 2020-ci il tarixinədək Azərbaycan Respublikasına qaytarılır.",
            ),
            Clause(
                number="6", text="Քելբաջարի շրջանը՝ մինչև 2020 թ. նոյեմբերի 15-ը։\n\nLachin district by 1 December."
            ),
        ),
        adopted=datetime.date(2020, 11, 10),
        language="ru",
        commitments=(
            Commitment(clause="1", obligor=1, action="Cease fire", category="ceasefire"),
            Commitment(
                clause="2",
                obligor=2,
                action="Return Aghdam district",
                category="withdrawal_of_troops",
                deadline=datetime.date(2020, 11, 20),
                verification="Peacekeepers' report",
                monitors=("Peacekeeping contingent", "ICRC"),
            ),
            Commitment(
                clause="6",
                obligor=3,
                action="Safe traffic along the Lachin corridor",
                category="peacekeeping_force",
                schedule="daily",
            ),
        ),
    )


def refusals(exc: pytest.ExceptionInfo[Invalid]) -> list[tuple[str, str]]:
    return [(e.field, e.message) for e in exc.value.errors]


# --- canonical bytes ----------------------------------------------------------------------------


def test_canonical_bytes_are_exact() -> None:
    expected = (
        b'{"adopted":"2020-11-10","clauses":[{"heading":null,"number":"1","text":"Open the road."}],'
        b'"commitments":[{"action":"Open it","category":"transport_links","clause":"1","deadline":null,'
        b'"monitors":[],"obligor":2,"schedule":null,"verification":""}],"format":"goodoffices-agreement/1",'
        b'"framework":"Co-chairs","language":"en","parties":[{"id":1,"name":"Side A"},{"id":2,"name":"Side B"}],'
        b'"process":{"id":3,"title":"Dialogue"},"title":"Humanitarian access"}'
    )
    doc = small_doc()
    assert doc.canonical_bytes() == expected
    assert doc.sha256() == hashlib.sha256(expected).hexdigest() == sha256_hex(expected)


def test_non_ascii_is_written_as_utf8_not_escaped() -> None:
    data = statement().canonical_bytes()
    assert "Հայաստանի Հանրապետություն".encode() in data
    assert "Azərbaycan".encode() in data
    assert b"\\u" not in data
    assert json.loads(data)["format"] == FORMAT


def test_round_trip_of_the_statement() -> None:
    doc = statement()
    again = parse_agreement(doc.canonical_bytes())
    assert again == doc
    assert again.commitments[0].is_continuous
    assert not again.commitments[1].is_continuous
    assert again.party_name(2) == "Հայաստանի Հանրապետություն"
    with pytest.raises(KeyError):
        again.party_name(4)


def test_order_of_clauses_is_kept_and_changes_the_digest() -> None:
    doc = statement()
    swapped = dataclasses.replace(doc, clauses=(doc.clauses[1], doc.clauses[0], doc.clauses[2]))
    assert parse_agreement(swapped.canonical_bytes()).clauses[0].number == "2"
    assert swapped.sha256() != doc.sha256()


def test_lists_are_frozen_as_tuples() -> None:
    doc = small_doc(parties=[PartyRef(id=1, name="A"), PartyRef(id=2, name="B")])
    assert isinstance(doc.parties, tuple)


# --- refusals on construction ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"title": ""}, [("title", "is required")]),
        ({"title": " Title"}, [("title", "has leading or trailing whitespace")]),
        ({"title": "Cafe\u0301"}, [("title", "is not in Unicode normal form NFC")]),
        ({"title": "A\nB"}, [("title", "holds the control character U+000A")]),
        (
            {"title": "Pay \u202e001\u202c to B"},
            [("title", "holds the bidirectional formatting character U+202E, which can hide what is signed")],
        ),
        ({"language": "English"}, [("language", "must be a language tag such as en, hy, az or ru")]),
        ({"adopted": datetime.datetime(2020, 11, 10, 1, 0, tzinfo=datetime.UTC)}, [("adopted", "must be a date")]),
        ({"process": ProcessRef(id=0, title="x")}, [("process.id", "must be an integer from 1 to 9007199254740991")]),
        (
            {"process": ProcessRef(id=True, title="x")},
            [("process.id", "must be an integer from 1 to 9007199254740991")],
        ),
        (
            {"parties": (PartyRef(id=1, name="A"),), "commitments": ()},
            [("parties", "an agreement binds at least two parties")],
        ),
        (
            {"parties": (PartyRef(id=1, name="A"), PartyRef(id=1, name="B")), "commitments": ()},
            [("parties[1].id", "party 1 is listed twice")],
        ),
        ({"clauses": (), "commitments": ()}, [("clauses", "an agreement has at least one clause")]),
        (
            {"clauses": (Clause(number="1", text="a"), Clause(number="1", text="b"))},
            [("clauses[1].number", "clause '1' is numbered twice")],
        ),
        (
            {"clauses": (Clause(number="1", text="a", heading=""),)},
            [("clauses[0].heading", "is empty: a clause without a heading has None")],
        ),
        (
            {"clauses": (Clause(number="1", text="line\r\nline"),)},
            [("clauses[0].text", "holds the control character U+000D")],
        ),
    ],
)
def test_invalid_documents(changes: dict[str, object], expected: list[tuple[str, str]]) -> None:
    with pytest.raises(Invalid) as exc:
        small_doc(**changes)
    assert refusals(exc) == expected


def test_every_broken_commitment_rule_is_listed() -> None:
    bad = (
        Commitment(clause="9", obligor=5, action="", category="Troops!"),
        Commitment(
            clause="1",
            obligor=1,
            action="x",
            category="ceasefire",
            deadline=datetime.date(2020, 1, 1),
            schedule="weekly",
            monitors=("UN", "UN"),
        ),
    )
    with pytest.raises(Invalid) as exc:
        small_doc(commitments=bad)
    assert refusals(exc) == [
        ("commitments[0].clause", "names no clause of the agreement ('9')"),
        ("commitments[0].obligor", "names no party of the agreement (5)"),
        ("commitments[0].action", "is required"),
        ("commitments[0].category", "must be a lowercase slug such as withdrawal_of_troops"),
        ("commitments[1].schedule", "a commitment has a deadline or a schedule, not both"),
        ("commitments[1].monitors", "names a monitor twice"),
    ]


# --- reading bytes back -------------------------------------------------------------------------


def _mutated(edit: object) -> bytes:
    value = json.loads(small_doc().canonical_bytes())
    assert callable(edit)
    edit(value)
    return canonical_json(value)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xff{}", [("document", "is not UTF-8")]),
        (b"[1,2", [("document", "is not JSON: Expecting ',' delimiter: line 1 column 5 (char 4)")]),
        (b'{"format":"goodoffices-agreement/2"}', [("format", "must be 'goodoffices-agreement/1'")]),
        (b"[]", [("document", "must be an object")]),
        (
            b'{"format":"goodoffices-agreement/1","format":"goodoffices-agreement/1"}',
            [("document", "is not JSON: the key 'format' appears twice in one object")],
        ),
        (_mutated(lambda v: v.pop("framework")), [("document", "lacks framework")]),
        (_mutated(lambda v: v.update(extra=1)), [("document", "has unknown keys extra")]),
        (_mutated(lambda v: v["parties"][0].update(role="x")), [("parties[0]", "has unknown keys role")]),
        (_mutated(lambda v: v.update(adopted="20201110")), [("adopted", "must be a date written YYYY-MM-DD")]),
        (_mutated(lambda v: v.update(adopted="2020-02-30")), [("adopted", "must be a date written YYYY-MM-DD")]),
        (_mutated(lambda v: v.update(clauses={})), [("clauses", "must be an array")]),
        (
            _mutated(lambda v: v["commitments"][0].update(deadline="soon")),
            [("commitments[0].deadline", "must be a date written YYYY-MM-DD")],
        ),
        (_mutated(lambda v: v.update(title=5)), [("title", "must be a string")]),
        (
            _mutated(lambda v: v["parties"][1].update(id=1.5)),
            [
                ("parties[1].id", "must be an integer from 1 to 9007199254740991"),
                ("commitments[0].obligor", "names no party of the agreement (2)"),
            ],
        ),
        (
            _mutated(lambda v: v["commitments"][0].update(clause=["1"])),
            [("commitments[0].clause", "names no clause of the agreement (['1'])")],
        ),
    ],
)
def test_parse_refusals(data: bytes, expected: list[tuple[str, str]]) -> None:
    with pytest.raises(Invalid) as exc:
        parse_agreement(data)
    assert refusals(exc) == expected


def test_only_the_exact_canonical_bytes_parse() -> None:
    data = small_doc().canonical_bytes()
    value = json.loads(data)
    not_canonical = [
        data + b"\n",
        b" " + data,
        json.dumps(value, indent=1).encode(),
        json.dumps(dict(reversed(value.items())), separators=(",", ":")).encode(),
        data.replace(b'"Side A"', b'"Side \\u0041"'),
    ]
    for variant in not_canonical:
        assert variant != data
        with pytest.raises(Invalid) as exc:
            parse_agreement(variant)
        assert refusals(exc) == [
            ("document", "is not in canonical form (RFC 8785): it is not the exact bytes that are signed")
        ]


# --- property: any valid document survives the round trip ---------------------------------------

_letters = st.characters(
    categories=("L", "N", "P", "Zs"),
    include_characters="ԱաՔքЁёЖжƏəĞğİıŞşÇçÖöÜü",
    exclude_characters="\u2028\u2029",
)
_line = (
    st.text(alphabet=_letters, min_size=1, max_size=12)
    .map(lambda s: unicodedata.normalize("NFC", s).strip())
    .filter(bool)
)
_dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31))


@st.composite
def documents(draw: st.DrawFn) -> AgreementDoc:
    party_ids = draw(st.lists(st.integers(1, 2**53 - 1), min_size=2, max_size=3, unique=True))
    numbers = draw(st.lists(_line, min_size=1, max_size=3, unique=True))
    clauses = tuple(
        Clause(
            number=n,
            text=draw(st.lists(_line, min_size=1, max_size=2).map("\n".join)),
            heading=draw(st.none() | _line),
        )
        for n in numbers
    )
    commitments = []
    for _ in range(draw(st.integers(0, 2))):
        timing = draw(st.sampled_from(["deadline", "schedule", "continuous"]))
        commitments.append(
            Commitment(
                clause=draw(st.sampled_from(numbers)),
                obligor=draw(st.sampled_from(party_ids)),
                action=draw(_line),
                category=draw(st.from_regex(r"[a-z0-9]+(_[a-z0-9]+)*", fullmatch=True)),
                deadline=draw(_dates) if timing == "deadline" else None,
                schedule=draw(_line) if timing == "schedule" else None,
                verification=draw(st.just("") | _line),
                monitors=tuple(draw(st.lists(_line, max_size=2, unique=True))),
            )
        )
    return AgreementDoc(
        title=draw(_line),
        process=ProcessRef(id=draw(st.integers(1, 10**6)), title=draw(_line)),
        framework=draw(_line),
        parties=tuple(PartyRef(id=i, name=draw(_line)) for i in party_ids),
        clauses=clauses,
        adopted=draw(_dates),
        language=draw(st.sampled_from(["en", "hy", "az", "ru", "az-Latn"])),
        commitments=tuple(commitments),
    )


@given(documents())
def test_round_trip_property(doc: AgreementDoc) -> None:
    data = doc.canonical_bytes()
    again = parse_agreement(data)
    assert again == doc
    assert again.canonical_bytes() == data


# --- HTML ---------------------------------------------------------------------------------------


def test_html_body_is_exact() -> None:
    doc = small_doc(
        language="hy",
        clauses=(Clause(number="1", heading="Ճանապարհ", text="First line\nsecond line\n\nNext paragraph."),),
    )
    page = agreement_html(doc)
    assert page.startswith(
        '<!DOCTYPE html>\n<html lang="hy">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Humanitarian access</title>\n<style>"
    )
    body = page[page.index("<body>") :]
    assert body == (
        "<body>\n<article>\n<h1>Humanitarian access</h1>\n"
        '<dl class="meta">\n<dt>Process</dt><dd>Dialogue</dd>\n<dt>Framework</dt><dd>Co-chairs</dd>\n'
        '<dt>Adopted</dt><dd><time datetime="2020-11-10">2020-11-10</time></dd>\n</dl>\n'
        '<section aria-labelledby="parties"><h2 id="parties">Parties</h2>\n<ul>\n<li>Side A</li>\n<li>Side B</li>\n'
        "</ul>\n</section>\n"
        '<section aria-labelledby="clauses"><h2 id="clauses">Clauses</h2>\n<ol class="clauses">\n'
        '<li id="clause-1"><h3>1. Ճանապարհ</h3>\n<p>First line<br>\nsecond line</p>\n<p>Next paragraph.</p>\n'
        "</li>\n</ol>\n</section>\n"
        '<section aria-labelledby="commitments"><h2 id="commitments">Commitments</h2>\n<table>\n'
        '<thead><tr><th scope="col">Clause</th><th scope="col">Obligor</th><th scope="col">Action</th>'
        '<th scope="col">Category</th><th scope="col">Due</th><th scope="col">Verification</th>'
        '<th scope="col">Monitors</th></tr></thead>\n<tbody>\n'
        "<tr><td>1</td><td>Side B</td><td>Open it</td><td>transport_links</td><td>continuous</td><td></td>"
        "<td></td></tr>\n</tbody>\n</table>\n</section>\n</article>\n"
        f"<footer><p>SHA-256 of the canonical document: <code>{doc.sha256()}</code></p></footer>\n"
        "</body>\n</html>\n"
    )


def test_html_escapes_everything() -> None:
    hostile = "<script>alert(\"x\")</script> & 'quoted'"
    doc = small_doc(
        title=hostile,
        parties=(PartyRef(id=1, name="<b>A</b>"), PartyRef(id=2, name='B" onmouseover="x')),
        clauses=(Clause(number="<1>", text="<img src=x onerror=alert(1)>", heading="&amp;"),),
        commitments=(Commitment(clause="<1>", obligor=2, action="<i>", category="x", monitors=("<u>",)),),
    )
    page = agreement_html(doc)
    for raw in ("<script", "<b>", "<img", "<i>", "<u>", '" onmouseover'):
        assert raw not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;" in page
    assert "<h3>&lt;1&gt;. &amp;amp;</h3>" in page
    assert "<td>B&quot; onmouseover=&quot;x</td>" in page


def test_html_is_deterministic_and_follows_labels() -> None:
    doc = statement()
    assert agreement_html(doc).encode() == agreement_html(statement()).encode()
    russian = Labels(parties="Стороны", due="Срок", categories={"ceasefire": "Прекращение огня"})
    page = agreement_html(doc, russian)
    assert '<h2 id="parties">Стороны</h2>' in page
    assert "<td>Прекращение огня</td>" in page
    assert "<td>withdrawal_of_troops</td>" in page
    assert "<td>2020-11-20</td>" in page
    assert "<td>daily</td>" in page
    assert "<td>Peacekeeping contingent, ICRC</td>" in page
    assert page != agreement_html(doc)


def test_due_text_and_paragraphs() -> None:
    doc = statement()
    assert [due_text(c) for c in doc.commitments] == ["continuous", "2020-11-20", "daily"]
    assert paragraphs("a\nb\n\n\nc\n \nd") == [["a", "b"], ["c"], ["d"]]


def test_the_agreement_core_loads_without_django() -> None:
    # A fresh interpreter: importing the modules must not pull Django (or any app) in.
    script = (
        "import sys\n"
        "import goodoffices.lib.agreement_doc, goodoffices.lib.negotiating_text, goodoffices.lib.pdf\n"
        "import goodoffices.lib.redline, goodoffices.lib.signatures\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith(('django.', 'goodoffices.')))\n"
        "print(' '.join(loaded))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env, timeout=60
    )
    assert result.stdout.split() == [
        "goodoffices.lib",
        "goodoffices.lib.agreement_doc",
        "goodoffices.lib.canonical",
        "goodoffices.lib.errors",
        "goodoffices.lib.negotiating_text",
        "goodoffices.lib.pdf",
        "goodoffices.lib.redline",
        "goodoffices.lib.signatures",
    ]
