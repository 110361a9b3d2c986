"""The negotiating text: bracket syntax both ways, every refusal, and amendments that make new versions."""

import dataclasses
import datetime
import json

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from goodoffices.lib import agreement_doc
from goodoffices.lib.errors import Invalid
from goodoffices.lib.negotiating_text import (
    AddOption,
    Amendment,
    Body,
    Bracket,
    Clause,
    DeleteClause,
    InsertClause,
    NegotiatingText,
    Plain,
    ReplaceClause,
    ResolveBracket,
    Section,
    amendment_from_json,
    amendment_to_json,
    format_body,
    parse_body,
)

ACCESS = "The parties [shall] cooperate on [A: humanitarian access | B: the return of displaced persons | C:]."
CONVOYS = "Конвои проходят [еженедельно] через [A: Լաչին | B: Ağdam]."


def refusals(exc: pytest.ExceptionInfo[Invalid]) -> list[tuple[str, str]]:
    return [(e.field, e.message) for e in exc.value.errors]


def text() -> NegotiatingText:
    return NegotiatingText(
        title="Humanitarian access",
        sections=(
            Section(
                id="s1",
                title="Access",
                clauses=(Clause.from_source("c1", ACCESS, heading="Cooperation"), Clause.from_source("c2", CONVOYS)),
            ),
            Section(
                id="s2", title="Final provisions", clauses=(Clause.from_source("c3", "This text enters into force."),)
            ),
        ),
    )


# --- syntax -------------------------------------------------------------------------------------


def test_parse_gives_exact_segments() -> None:
    assert parse_body(ACCESS) == (
        Plain("The parties "),
        Bracket(("shall",)),
        Plain(" cooperate on "),
        Bracket(("humanitarian access", "the return of displaced persons", "")),
        Plain("."),
    )
    assert parse_body(CONVOYS) == (
        Plain("Конвои проходят "),
        Bracket(("еженедельно",)),
        Plain(" через "),
        Bracket(("Լաչին", "Ağdam")),
        Plain("."),
    )
    assert format_body(parse_body(ACCESS)) == ACCESS
    assert format_body(parse_body(CONVOYS)) == CONVOYS


def test_normal_spelling() -> None:
    assert format_body(parse_body("  a [ b ]  c [A:x|B:  y |C:]\n")) == "a [b]  c [A: x | B: y | C:]"
    # A bracket without "|" holds words, even words that look like a label.
    assert parse_body("[A: not a label]") == (Bracket(("A: not a label",)),)


def test_escapes_round_trip() -> None:
    source = r"Article 3\[bis\] and a back\\slash [A: x \| y | B: \[z\]] | pipe"
    body = parse_body(source)
    assert body == (
        Plain("Article 3[bis] and a back\\slash "),
        Bracket(("x | y", "[z]")),
        Plain(" | pipe"),
    )
    assert format_body(body) == source


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("a [b", "clause c7: the bracket opened at character 3 is never closed"),
        ("a ]b", "clause c7: the bracket closed at character 3 was never opened"),
        ("[a] b]", "clause c7: the bracket closed at character 6 was never opened"),
        ("a [b [c] d]", "clause c7: the bracket at character 6 opens inside the bracket opened at character 3"),
        ("[A: x | y]", "clause c7: option 2 of the bracket opened at character 1 must begin with B:"),
        ("[A: x | C: y]", "clause c7: option 2 of the bracket opened at character 1 must begin with B:"),
        ("x [shall | should]", "clause c7: option 1 of the bracket opened at character 3 must begin with A:"),
        ("[]", "clause c7: the bracket opened at character 1 is empty"),
        ("a [  ] b", "clause c7: the bracket opened at character 3 is empty"),
        ("  a \\x", "clause c7: the backslash at character 5 must be followed by \\, [, ] or |"),
        ("a \\", "clause c7: the backslash at character 3 must be followed by \\, [, ] or |"),
        ("[A: x | B: x]", "clause c7: bracket 1 offers the same words as options A and B"),
        ("a [b] [A: | B: c | C:]", "clause c7: bracket 2 offers the same words as options A and C"),
        (" \n ", "clause c7: the text is empty"),
        ("a\tb", "clause c7: the text holds the control character U+0009"),
        ("a [b\u0007]", "clause c7: bracket 1 holds the control character U+0007 in option A"),
        (
            "pay \u202e001",
            "clause c7: the text holds the bidirectional formatting character U+202E, which can hide what is signed",
        ),
        ("Cafe\u0301", "clause c7: the text is not in Unicode normal form NFC"),
        (
            "[" + " | ".join(f"{chr(65 + i)}: {i}" for i in range(26)) + " | x]",
            "clause c7: the bracket opened at character 1 has 27 options; at most 26",
        ),
    ],
)
def test_malformed_bodies_name_the_clause(source: str, message: str) -> None:
    with pytest.raises(Invalid) as exc:
        parse_body(source, clause="c7")
    assert refusals(exc) == [("text", message)]


def test_field_of_the_refusal_can_be_chosen() -> None:
    with pytest.raises(Invalid) as exc:
        parse_body("a [b", clause="4", field="clauses.4")
    assert refusals(exc) == [("clauses.4", "clause 4: the bracket opened at character 3 is never closed")]


_chars = st.sampled_from(list("abc xyz[]|\\:.,\nԱաՔքЁёЖжƏəĞğıŞşÇçÖöÜü"))
_options = st.text(_chars, max_size=8).map(str.strip)


@st.composite
def bodies(draw: st.DrawFn) -> Body:
    raw: list[Plain | Bracket] = []
    for kind in draw(st.lists(st.sampled_from(["plain", "words", "alternatives"]), min_size=1, max_size=6)):
        if kind == "plain":
            raw.append(Plain(draw(st.text(_chars, min_size=1, max_size=12))))
        elif kind == "words":
            raw.append(Bracket((draw(_options.filter(bool)),)))
        else:
            raw.append(Bracket(tuple(draw(st.lists(_options, min_size=2, max_size=4, unique=True)))))
    merged: list[Plain | Bracket] = []
    for segment in raw:
        if isinstance(segment, Plain) and merged and isinstance(merged[-1], Plain):
            merged[-1] = Plain(merged[-1].text + segment.text)
        else:
            merged.append(segment)
    if merged and isinstance(merged[0], Plain):
        merged[0] = Plain(merged[0].text.lstrip())
    if merged and isinstance(merged[-1], Plain):
        merged[-1] = Plain(merged[-1].text.rstrip())
    body = tuple(s for s in merged if not (isinstance(s, Plain) and not s.text))
    assume(body)
    return body


@given(bodies())
def test_round_trip_property(body: Body) -> None:
    Clause(id="c", body=body)  # the strategy makes only valid bodies
    source = format_body(body)
    assert parse_body(source) == body
    assert format_body(parse_body(source)) == source


@given(st.text(st.sampled_from(list("ab [A:B:]|\\\n")), max_size=30))
def test_any_source_parses_to_its_normal_spelling_or_is_refused(source: str) -> None:
    try:
        body = parse_body(source, clause="x")
    except Invalid as exc:
        refusal = exc
    else:
        assert parse_body(format_body(body)) == body
        return
    [error] = refusal.errors
    assert error.field == "text"
    assert error.message.startswith("clause x: ")


# --- the text and its counters ------------------------------------------------------------------


def test_counters_and_numbers() -> None:
    version = text()
    assert version.open_brackets == 4
    assert version.open_brackets_by_clause() == {"c1": 2, "c2": 2, "c3": 0}
    assert version.numbers() == {"c1": "1", "c2": "2", "c3": "3"}
    assert not version.is_clean()
    assert version.first_bracketed_clause() == version.clause("c1")
    assert version.clause("c3").is_clean()
    assert version.clause("c3").plain_text() == "This text enters into force."
    with pytest.raises(ValueError, match="clause c1 still has 2 open bracket"):
        version.clause("c1").plain_text()


def test_plain_text_has_no_escapes() -> None:
    clause = Clause.from_source("c9", r"Article 3\[bis\] stays.")
    assert clause.source == r"Article 3\[bis\] stays."
    assert clause.plain_text() == "Article 3[bis] stays."


def test_structure_refusals() -> None:
    clause = Clause.from_source("c1", "x")
    with pytest.raises(Invalid) as exc:
        NegotiatingText(
            title="T",
            sections=(Section(id="s1", title="A", clauses=(clause,)), Section(id="s1", title="B", clauses=(clause,))),
        )
    assert refusals(exc) == [("section", "section s1 appears twice"), ("clause", "clause c1 appears twice")]
    with pytest.raises(Invalid) as exc:
        Clause(id="c 1", body=(Plain(" x"),), heading="")
    assert refusals(exc) == [
        ("id", "must be 1 to 64 letters, digits, '_' or '-'"),
        ("heading", "clause c 1: the heading is required"),
        ("text", "clause c 1: the text has leading or trailing whitespace"),
    ]
    with pytest.raises(Invalid) as exc:
        Clause(id="c1", body=(Plain("a"), Plain("b")))
    assert refusals(exc) == [("text", "clause c1: the text holds two runs of plain text in a row")]
    with pytest.raises(Invalid) as exc:
        Clause(id="c1", body=(Bracket(()),))
    assert refusals(exc) == [("text", "clause c1: bracket 1 has no option")]
    with pytest.raises(Invalid) as exc:
        Clause(id="c1", body=(Bracket(("a ", "b")),))
    assert refusals(exc) == [("text", "clause c1: bracket 1 has leading or trailing whitespace in option A")]
    with pytest.raises(Invalid) as exc:
        text().clause("c9")
    assert refusals(exc) == [("clause", "there is no clause c9 in this text")]


def test_versions_are_immutable() -> None:
    version = text()
    with pytest.raises(dataclasses.FrozenInstanceError):
        version.title = "Other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        version.clause("c1").body = ()  # type: ignore[misc]
    assert isinstance(version.sections, tuple)


def test_json_round_trip_and_digest() -> None:
    version = text()
    stored = json.loads(json.dumps(version.to_json()))
    assert stored["format"] == "goodoffices-negotiating-text/1"
    assert stored["sections"][0]["clauses"][0] == {"id": "c1", "heading": "Cooperation", "text": ACCESS}
    assert NegotiatingText.from_json(stored) == version
    assert len(version.sha256()) == 64
    assert version.sha256() == NegotiatingText.from_json(stored).sha256()
    assert version.resolve_bracket("c1", 1, "A").sha256() != version.sha256()


def test_from_json_refusals() -> None:
    stored = text().to_json()
    stored["sections"][0]["clauses"][1]["text"] = "open [bracket"
    with pytest.raises(Invalid) as exc:
        NegotiatingText.from_json(stored)
    assert refusals(exc) == [("text", "clause c2: the bracket opened at character 6 is never closed")]
    with pytest.raises(Invalid) as exc:
        NegotiatingText.from_json({**text().to_json(), "format": "other/1"})
    assert refusals(exc) == [("format", "must be 'goodoffices-negotiating-text/1'")]
    with pytest.raises(Invalid) as exc:
        NegotiatingText.from_json({"format": "goodoffices-negotiating-text/1", "title": "T"})
    assert refusals(exc) == [("text", "is not a stored negotiating text (KeyError: 'sections')")]


# --- amendments ---------------------------------------------------------------------------------


def test_replace_clause() -> None:
    version = text()
    amended = version.replace_clause("c3", "This text enters into force [on signature].")
    assert amended.clause("c3").source == "This text enters into force [on signature]."
    assert amended.clause("c3").id == "c3"
    assert version.clause("c3").source == "This text enters into force."  # the old version is untouched
    assert amended.clause("c1") == version.clause("c1")
    assert amended.clause("c1").heading == "Cooperation"
    with pytest.raises(Invalid) as exc:
        version.replace_clause("c3", "[unbalanced")
    assert refusals(exc) == [("text", "clause c3: the bracket opened at character 1 is never closed")]


def test_insert_clause() -> None:
    version = text()
    new = Clause.from_source("c4", "Monitors [may] visit.", heading="Monitoring")
    after_c1 = version.insert_clause(new, after="c1")
    assert [c.id for _, c in after_c1.clauses()] == ["c1", "c4", "c2", "c3"]
    assert after_c1.numbers() == {"c1": "1", "c4": "2", "c2": "3", "c3": "4"}
    first_in_s2 = version.insert_clause(new, section="s2")
    assert [c.id for c in first_in_s2.sections[1].clauses] == ["c4", "c3"]
    assert [c.id for _, c in version.clauses()] == ["c1", "c2", "c3"]
    with pytest.raises(Invalid) as exc:
        version.insert_clause(Clause.from_source("c2", "dup"), after="c1")
    assert refusals(exc) == [("clause_id", "clause c2 is already in this text")]
    with pytest.raises(Invalid) as exc:
        version.insert_clause(new, after="c9")
    assert refusals(exc) == [("clause", "there is no clause c9 in this text")]
    with pytest.raises(Invalid) as exc:
        version.insert_clause(new, section="s9")
    assert refusals(exc) == [("section", "there is no section s9 in this text")]
    with pytest.raises(ValueError, match="exactly one of after= and section="):
        version.insert_clause(new, after="c1", section="s1")


def test_delete_clause() -> None:
    version = text().delete_clause("c1")
    assert version.numbers() == {"c2": "1", "c3": "2"}
    assert version.open_brackets == 2
    with pytest.raises(Invalid) as exc:
        version.delete_clause("c1")
    assert refusals(exc) == [("clause", "there is no clause c1 in this text")]


def test_add_option() -> None:
    version = text()
    words_to_alternatives = version.add_option("c1", 1, "should")
    assert words_to_alternatives.clause("c1").source == (
        "The parties [A: shall | B: should] cooperate on "
        "[A: humanitarian access | B: the return of displaced persons | C:]."
    )
    fourth = version.add_option("c1", 2, "  the exchange of prisoners ")
    assert fourth.clause("c1").brackets[1].options[3] == "the exchange of prisoners"
    assert fourth.open_brackets == version.open_brackets
    with pytest.raises(Invalid) as exc:
        version.add_option("c1", 2, "humanitarian access")
    assert refusals(exc) == [("option", "this is already option A of bracket 2 of clause c1")]
    with pytest.raises(Invalid) as exc:
        version.add_option("c1", 3, "x")
    assert refusals(exc) == [("bracket", "clause c1 has 2 brackets; there is no bracket 3")]
    with pytest.raises(Invalid) as exc:
        version.add_option("c3", 1, "x")
    assert refusals(exc) == [("bracket", "clause c3 has 0 brackets; there is no bracket 1")]
    with pytest.raises(Invalid) as exc:
        version.add_option("c1", 0, "x")
    assert refusals(exc) == [("bracket", "clause c1 has 2 brackets; there is no bracket 0")]


@pytest.mark.parametrize(
    ("source", "bracket", "option", "result"),
    [
        (
            ACCESS,
            1,
            "A",
            "The parties shall cooperate on [A: humanitarian access | B: the return of displaced persons | C:].",
        ),
        (ACCESS, 2, "B", "The parties [shall] cooperate on the return of displaced persons."),
        # The empty alternative takes the space before the full stop with it.
        (ACCESS, 2, "C", "The parties [shall] cooperate on."),
        ("a [A: b | B:] c", 1, "B", "a c"),
        ("a [A: b | B:]\n\nc", 1, "B", "a\n\nc"),
        ("a\n[A: b | B:] c", 1, "B", "a\nc"),
        ("[A: b | B:] c", 1, "B", "c"),
        ("c [A: b | B:]", 1, "B", "c"),
        ("a [x] [A: y | B:] [z]", 2, "B", "a [x] [z]"),
        ("Լաչին [A: միջանցք | B:]։", 1, "B", "Լաչին։"),
        ("[x][A: y | B:][z]", 2, "B", "[x][z]"),
    ],
)
def test_resolve_bracket(source: str, bracket: int, option: str, result: str) -> None:
    version = NegotiatingText(
        title="T", sections=(Section(id="s", title="S", clauses=(Clause.from_source("c", source),)),)
    )
    resolved = version.resolve_bracket("c", bracket, option)
    assert resolved.clause("c").source == result
    assert resolved.open_brackets == version.open_brackets - 1
    assert parse_body(result) == resolved.clause("c").body


def test_resolve_refusals() -> None:
    version = text()
    with pytest.raises(Invalid) as exc:
        version.resolve_bracket("c1", 2, "D")
    assert refusals(exc) == [("option", "bracket 2 of clause c1 has options A, B, C; there is no option D")]
    with pytest.raises(Invalid) as exc:
        version.resolve_bracket("c1", 1, "B")
    assert refusals(exc) == [("option", "bracket 1 of clause c1 has options A; there is no option B")]
    with pytest.raises(Invalid) as exc:
        version.resolve_bracket("c1", 1, "AB")
    assert refusals(exc) == [("option", "bracket 1 of clause c1 has options A; there is no option AB")]
    lone = NegotiatingText(
        title="T", sections=(Section(id="s", title="S", clauses=(Clause.from_source("c", "[A: x | B:]"),)),)
    )
    with pytest.raises(Invalid) as exc:
        lone.resolve_bracket("c", 1, "B")
    assert refusals(exc) == [("option", "option B would leave clause c empty; delete the clause instead")]


def test_resolving_every_bracket_makes_the_text_clean() -> None:
    version = text()
    steps = [("c1", "A"), ("c1", "B"), ("c2", "A"), ("c2", "A")]
    for clause_id, option in steps:
        before = version.open_brackets
        version = version.resolve_bracket(clause_id, 1, option)
        assert version.open_brackets == before - 1
    assert version.is_clean()
    assert version.first_bracketed_clause() is None
    assert version.clause("c1").plain_text() == "The parties shall cooperate on the return of displaced persons."
    assert version.clause("c2").plain_text() == "Конвои проходят еженедельно через Լաչին."


def test_amendments_as_data() -> None:
    amendments: list[Amendment] = [
        ReplaceClause(clause="c3", text="This text enters into force [on signature]."),
        InsertClause(clause="c4", text="Monitors [may] visit.", after="c2", heading="Monitoring"),
        DeleteClause(clause="c2"),
        AddOption(clause="c4", bracket=1, text="shall"),
        ResolveBracket(clause="c4", bracket=1, option="B"),
    ]
    version = text()
    for amendment in amendments:
        stored = json.loads(json.dumps(amendment_to_json(amendment)))
        assert amendment_from_json(stored) == amendment
        version = version.apply(amendment)
    assert [(c.id, c.source) for _, c in version.clauses()] == [
        ("c1", ACCESS),
        ("c4", "Monitors shall visit."),
        ("c3", "This text enters into force [on signature]."),
    ]
    assert amendment_to_json(amendments[4]) == {"op": "resolve", "clause": "c4", "bracket": 1, "option": "B"}
    assert amendment_to_json(amendments[1]) == {
        "op": "insert",
        "clause": "c4",
        "text": "Monitors [may] visit.",
        "after": "c2",
        "section": None,
        "heading": "Monitoring",
    }


def test_amendment_refusals() -> None:
    with pytest.raises(Invalid) as exc:
        amendment_from_json({"op": "rewrite"})
    assert refusals(exc) == [("op", "must be one of replace, insert, delete, add_option, resolve")]
    with pytest.raises(Invalid) as exc:
        amendment_from_json({"op": "add_option", "clause": "c1", "bracket": True, "colour": "red"})
    assert refusals(exc) == [
        ("bracket", "has the wrong type"),
        ("text", "is required"),
        ("colour", "is not a field of this amendment"),
    ]
    with pytest.raises(Invalid) as exc:
        text().apply(InsertClause(clause="c4", text="x"))
    assert refusals(exc) == [("after", "an inserted clause goes after a clause or first in a section: name one")]
    with pytest.raises(Invalid) as exc:
        text().apply(InsertClause(clause="c4", text="[x", section="s1"))
    assert refusals(exc) == [("text", "clause c4: the bracket opened at character 1 is never closed")]


def test_a_clean_text_becomes_the_clauses_of_an_agreement() -> None:
    version = text()
    with pytest.raises(Invalid) as exc:
        version.agreement_clauses()
    assert refusals(exc) == [
        ("text", "clause 1 (c1) still has 2 open bracket(s): nothing is agreed until everything is agreed")
    ]
    version = version.resolve_bracket("c1", 1, "A").resolve_bracket("c1", 1, "A")
    with pytest.raises(Invalid) as exc:
        version.agreement_clauses()
    assert refusals(exc) == [
        ("text", "clause 2 (c2) still has 2 open bracket(s): nothing is agreed until everything is agreed")
    ]
    version = version.resolve_bracket("c2", 1, "A").resolve_bracket("c2", 1, "B").delete_clause("c3")
    version = version.insert_clause(Clause.from_source("c5", r"Annex \[1\] applies."), after="c2")
    clauses = version.agreement_clauses()
    assert clauses == (
        agreement_doc.Clause(
            number="1", heading="Cooperation", text="The parties shall cooperate on humanitarian access."
        ),
        agreement_doc.Clause(number="2", heading=None, text="Конвои проходят еженедельно через Ağdam."),
        agreement_doc.Clause(number="3", heading=None, text="Annex [1] applies."),
    )
    doc = agreement_doc.AgreementDoc(
        title=version.title,
        process=agreement_doc.ProcessRef(id=1, title="Dialogue"),
        framework="Co-chairs",
        parties=(agreement_doc.PartyRef(id=1, name="A"), agreement_doc.PartyRef(id=2, name="B")),
        clauses=clauses,
        adopted=datetime.date(2024, 5, 1),
        language="en",
    )
    assert agreement_doc.parse_agreement(doc.canonical_bytes()).clauses == clauses
