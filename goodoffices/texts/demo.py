"""The demo's negotiating text: arrangements on humanitarian access in the seed's process.

Made through the services like any real text, so its history is in the events: a first version with
open brackets, a mediator's revision, an amendment taken in, one not taken in, one still open, each
party's positions (some agreed, some reserved, one rejected, one given on words that changed since,
one given in caucus), comments and tagged commitments. The wording is illustrative and takes no side.
"""

from collections.abc import Mapping

from goodoffices.accounts.models import User
from goodoffices.processes.models import Party, Process

from . import services
from .models import Text
from .services import ClauseIn, SectionIn

TITLE = "Arrangements on humanitarian access"

SECTIONS = [
    SectionIn(
        id="movement",
        title="Movement of people and goods",
        clauses=[
            ClauseIn(
                id="lachin-corridor",
                heading="Lachin corridor",
                text="The parties shall ensure [A: unimpeded | B: safe and regular] movement of persons, vehicles "
                "and cargo in both directions along the Lachin corridor [in accordance with procedures agreed "
                "between the parties].",
            ),
            ClauseIn(
                id="humanitarian-cargo",
                heading="Humanitarian cargo",
                text="Humanitarian cargo, including food, medicines and fuel, shall pass without delay after any "
                "inspection by [A: both parties jointly | B: an international organisation agreed by the parties].",
            ),
            ClauseIn(
                id="medical-evacuation",
                heading="Medical evacuation",
                text="Patients who need medical care that is not available locally shall be evacuated under the "
                "auspices of the International Committee of the Red Cross [within 24 hours of a request].",
            ),
        ],
    ),
    SectionIn(
        id="organisations",
        title="Humanitarian organisations",
        clauses=[
            ClauseIn(
                id="icrc-access",
                heading="Access of the ICRC",
                text="The International Committee of the Red Cross shall have [unimpeded] access to the population "
                "in need throughout the area, in accordance with its mandate.",
            ),
        ],
    ),
    SectionIn(
        id="utilities",
        title="Gas and electricity supply",
        clauses=[
            ClauseIn(
                id="gas-supply",
                heading="Gas supply",
                text="The parties shall [A: restore and maintain | B: not obstruct] the supply of natural gas through "
                "the existing pipeline, and shall let repair crews reach any damaged section.",
            ),
            ClauseIn(
                id="electricity",
                heading="Electricity line",
                text="The parties shall allow the repair and maintenance of the high-voltage electricity line [under "
                "the supervision of an international organisation agreed by the parties].",
            ),
        ],
    ),
    SectionIn(
        id="final",
        title="Final provisions",
        clauses=[
            ClauseIn(
                id="without-prejudice",
                text="These arrangements are humanitarian and are without prejudice to the positions of the "
                "parties on any other question.",
            ),
        ],
    ),
]

REVIEW = (
    "The parties shall review the implementation of these arrangements at meetings convened by the mediators "
    "[every month]."
)


def demo_text_load(*, process: Process, mediator: User, heads: Mapping[str, User]) -> Text:
    """Load the humanitarian access text into ``process``; ``heads`` maps each party's name to its head."""
    parties: dict[str, Party] = {party.name: party for party in process.parties.all()}
    stepanakert, baku = heads["Stepanakert"], heads["Baku"]
    text = services.text_create(
        actor=mediator,
        process=process,
        title=TITLE,
        sections=SECTIONS,
        note="First draft by the mediators after the meeting of 1 March 2023.",
    )
    services.text_revise(
        actor=mediator,
        text=text,
        operations=[{"op": "insert", "clause": "review", "after": "without-prejudice", "text": REVIEW}],
        note="A review clause, asked for by both delegations.",
    )
    # Baku agrees to the ICRC clause while its bracket is open; the bracket is then closed, so that
    # agreement shows as given on an earlier version and no longer counts.
    services.position_set(actor=baku, text=text, clause="icrc-access", stance="agree", note="Can accept 'unimpeded'.")
    icrc = services.amendment_propose(
        actor=baku,
        text=text,
        operation={"op": "resolve", "clause": "icrc-access", "bracket": 1, "option": "A"},
        note="Both delegations said at the meeting that they could accept the word.",
    )
    services.amendment_decide(
        actor=mediator, amendment=icrc, take_in=True, reason="Accepted by both delegations at the meeting."
    )
    evacuation = services.amendment_propose(
        actor=stepanakert,
        text=text,
        operation={"op": "add_option", "clause": "medical-evacuation", "bracket": 1, "text": "without delay"},
        note="A fixed time may be too long for urgent cases.",
    )
    supervision = services.amendment_propose(
        actor=stepanakert,
        text=text,
        operation={
            "op": "replace",
            "clause": "electricity",
            "text": "The parties shall allow the repair and maintenance of the high-voltage electricity line.",
        },
    )
    services.amendment_decide(
        actor=mediator,
        amendment=supervision,
        take_in=False,
        reason="Supervision is still under discussion between the delegations; the bracket stays until it is settled.",
    )
    positions = [
        (stepanakert, "lachin-corridor", "agree", "Prefers option A."),
        (stepanakert, "humanitarian-cargo", "reserve", "Reserves on who inspects the cargo."),
        (stepanakert, "icrc-access", "agree", ""),
        (stepanakert, "gas-supply", "agree", "Prefers option A."),
        (stepanakert, "electricity", "agree_ad_referendum", "Subject to confirmation."),
        (stepanakert, "without-prejudice", "agree", ""),
        (stepanakert, "review", "agree", ""),
        (baku, "lachin-corridor", "reserve", "Reserves pending agreement on the procedures."),
        (baku, "humanitarian-cargo", "agree", "Prefers option A."),
        (baku, "medical-evacuation", "agree", ""),
        (baku, "gas-supply", "reject", "Cannot accept option A as worded; open to discussing option B."),
        (baku, "electricity", "reserve", "Reserves on the supervising organisation."),
        (baku, "without-prejudice", "agree", ""),
        (baku, "review", "agree", "Prefers meetings every two months."),
    ]
    for head, clause, stance, note in positions:
        services.position_set(actor=head, text=text, clause=clause, stance=stance, note=note)
    services.position_set(
        actor=stepanakert, text=text, clause="medical-evacuation", stance="amend", amendment=evacuation
    )
    services.position_set(
        actor=stepanakert,
        text=text,
        clause="humanitarian-cargo",
        stance="agree",
        note="Could accept option B if the organisation is the ICRC.",
        audience_name="caucus",
    )
    services.comment_add(
        actor=mediator,
        text=text,
        clause="gas-supply",
        body="The technical group will report on the state of the pipeline at the next meeting.",
    )
    services.comment_add(
        actor=mediator,
        text=text,
        clause="humanitarian-cargo",
        body="Would option B be acceptable with the ICRC named as the inspecting organisation?",
        audience_name=f"caucus:{parties['Stepanakert'].pk}",
    )
    for party in parties.values():
        services.commitment_tag(
            actor=mediator,
            text=text,
            clause="icrc-access",
            obligor=party,
            action="Give the ICRC access to the population in need throughout the area.",
            category="humanitarian_access",
            verification="Reports of the ICRC to the mediators.",
            monitors=["International Committee of the Red Cross"],
        )
        services.commitment_tag(
            actor=mediator,
            text=text,
            clause="lachin-corridor",
            obligor=party,
            action="Ensure the movement of persons, vehicles and cargo along the Lachin corridor.",
            category="economic_and_transport_links",
            verification="Observation by the international monitoring mission.",
            monitors=["International monitoring mission"],
        )
    return text
