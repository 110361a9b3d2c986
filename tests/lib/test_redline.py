"""Word-by-word redlines: exact outputs in four scripts, safe HTML, and versions compared clause by clause."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goodoffices.lib.negotiating_text import Clause, NegotiatingText, Section
from goodoffices.lib.redline import (
    ClauseChange,
    Op,
    compare_versions,
    new_text,
    old_text,
    redline,
    redline_html,
    redline_text,
    tokens,
)


def test_tokens_keep_every_character() -> None:
    assert tokens("party's 2020-ci il, «Լաչին»։ e\u0301 x-") == [
        "party's",
        " ",
        "2020-ci",
        " ",
        "il",
        ",",
        " ",
        "«",
        "Լաչին",
        "»",
        "։",
        " ",
        "e\u0301",
        " ",
        "x",
        "-",
    ]
    assert tokens("a  \n b") == ["a", "  \n ", "b"]
    assert tokens("") == []


@pytest.mark.parametrize(
    ("old", "new", "plain", "markup"),
    [
        (
            "The parties shall cooperate.",
            "The parties should cooperate closely.",
            "The parties [-shall-]{+should+} cooperate{+ closely+}.",
            "The parties <del>shall</del><ins>should</ins> cooperate<ins> closely</ins>.",
        ),
        # Whitespace alone between changes is folded into one change.
        (
            "the quick brown fox",
            "a slow red fox",
            "[-the quick brown-]{+a slow red+} fox",
            "<del>the quick brown</del><ins>a slow red</ins> fox",
        ),
        (
            "Стороны обязуются соблюдать режим прекращения огня.",
            "Стороны обязуются строго соблюдать режим перемирия.",
            "Стороны обязуются{+ строго+} соблюдать режим [-прекращения огня-]{+перемирия+}.",
            "Стороны обязуются<ins> строго</ins> соблюдать режим <del>прекращения огня</del><ins>перемирия</ins>.",
        ),
        (
            "Կողմերը համաձայնում են՝ փոխանակել գերիներին։",
            "Կողմերը համաձայնում են՝ փոխանակել բոլոր գերիներին և աճյունները։",
            "Կողմերը համաձայնում են՝ փոխանակել {+բոլոր +}գերիներին{+ և աճյունները+}։",
            "Կողմերը համաձայնում են՝ փոխանակել <ins>բոլոր </ins>գերիներին<ins> և աճյունները</ins>։",
        ),
        (
            "Ağdam rayonu 20 noyabr 2020-ci il tarixinədək qaytarılır.",
            "Ağdam rayonu 20 noyabr 2020-ci ilədək qaytarılır.",
            "Ağdam rayonu 20 noyabr 2020-ci [-il tarixinədək-]{+ilədək+} qaytarılır.",
            "Ağdam rayonu 20 noyabr 2020-ci <del>il tarixinədək</del><ins>ilədək</ins> qaytarılır.",
        ),
        ("same", "same", "same", "same"),
        ("", "new", "{+new+}", "<ins>new</ins>"),
        ("old", "", "[-old-]", "<del>old</del>"),
        ("", "", "", ""),
    ],
)
def test_exact_redlines(old: str, new: str, plain: str, markup: str) -> None:
    ops = redline(old, new)
    assert redline_text(ops) == plain
    assert redline_html(ops) == markup
    assert old_text(ops) == old
    assert new_text(ops) == new


def test_typed_operations() -> None:
    assert redline("The parties shall cooperate.", "The parties should cooperate.") == [
        Op("equal", "The parties "),
        Op("delete", "shall"),
        Op("insert", "should"),
        Op("equal", " cooperate."),
    ]


def test_html_injection_and_odd_characters_are_neutralised() -> None:
    old = 'Clause <b>one</b> & "two"'
    new = "Clause <script>alert('x')</script> & \"two\"\x00\x1b\ud800\ufffe\U0010ffff"
    ops = redline(old, new)
    assert old_text(ops) == old
    assert new_text(ops) == new
    assert redline_html(ops) == (
        "Clause &lt;<del>b</del><ins>script</ins>&gt;<del>one</del><ins>alert(&#x27;x&#x27;)</ins>&lt;/"
        "<del>b</del><ins>script</ins>&gt; &amp; &quot;two&quot;<ins>\ufffd\ufffd\ufffd\ufffd\ufffd</ins>"
    )
    # The page is always valid UTF-8.
    redline_html(ops).encode("utf-8")
    assert redline_html([Op("equal", "<ins>")]) == "&lt;ins&gt;"


@given(st.text(max_size=60), st.text(max_size=60))
def test_operations_rebuild_both_texts(old: str, new: str) -> None:
    ops = redline(old, new)
    assert old_text(ops) == old
    assert new_text(ops) == new
    assert all(op.text for op in ops)
    # No two runs of the same kind in a row, and an insertion never comes before its deletion.
    assert all(a.kind != b.kind for a, b in itertools.pairwise(ops))
    assert not any(a.kind == "insert" and b.kind == "delete" for a, b in itertools.pairwise(ops))
    assert "<" not in redline_html(ops).replace("<ins>", "").replace("</ins>", "").replace("<del>", "").replace(
        "</del>", ""
    )


_words = st.lists(st.sampled_from(["Ա", "Բ", "ж", "ə", "ğ", "x", "y"]), max_size=12).map(" ".join)


def _boundaries(parts: list[str]) -> set[int]:
    positions, at = {0}, 0
    for part in parts:
        at += len(part)
        positions.add(at)
    return positions


@given(_words, _words)
def test_changes_start_and_end_between_words(old: str, new: str) -> None:
    ops = redline(old, new)
    old_cuts = _boundaries([op.text for op in ops if op.kind != "insert"])
    new_cuts = _boundaries([op.text for op in ops if op.kind != "delete"])
    assert old_cuts <= _boundaries(tokens(old))
    assert new_cuts <= _boundaries(tokens(new))


def version(*clauses: Clause) -> NegotiatingText:
    return NegotiatingText(title="T", sections=(Section(id="s", title="S", clauses=clauses),))


def test_compare_versions_clause_by_clause() -> None:
    old = version(
        Clause.from_source("c1", "Convoys pass [weekly]."),
        Clause.from_source("c2", "Monitors visit."),
        Clause.from_source("c3", "In force on signature.", heading="Entry"),
    )
    new = version(
        Clause.from_source("c1", "Convoys pass daily."),
        Clause.from_source("c4", "Prisoners are exchanged."),
        Clause.from_source("c3", "In force on signature.", heading="Entry into force"),
    )
    assert compare_versions(old, new) == [
        ClauseChange(
            "c1",
            "changed",
            (Op("equal", "Convoys pass "), Op("delete", "[weekly]"), Op("insert", "daily"), Op("equal", ".")),
            None,
            None,
        ),
        ClauseChange("c2", "deleted", (Op("delete", "Monitors visit."),), None, None),
        ClauseChange("c4", "added", (Op("insert", "Prisoners are exchanged."),), None, None),
        ClauseChange("c3", "changed", (Op("equal", "In force on signature."),), "Entry", "Entry into force"),
    ]
    assert [c.status for c in compare_versions(old, old)] == ["unchanged", "unchanged", "unchanged"]


def test_compare_versions_after_resolving_a_bracket() -> None:
    old = version(Clause.from_source("c1", "The parties [A: shall | B: may] meet."))
    new = old.resolve_bracket("c1", 1, "A")
    [change] = compare_versions(old, new)
    assert change.status == "changed"
    assert redline_text(change.ops) == "The parties [-[A: -]shall[- | B: may]-] meet."
