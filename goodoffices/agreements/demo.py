"""The demo's second process: the trilateral statement of 9/10 November 2020 on the Nagorno-Karabakh
conflict zone, as an adopted, public agreement signed by both parties' signatories and witnessed by
the mediator, with the commitments of each point tagged.

Replayed through the services on the night it was signed (the clock stepped through it), so its
history is in the events and the ledger like any real agreement's: the mandate and process, the text,
its commitments, both parties' agreement to every point, adoption by joint consent, keys, signatures
and entry into force. The wording summarises the nine points of the statement for the demo; it is not
an official translation (the statement was published in Russian, with English versions by each
government). The signatories' keys are made by this loader, which signs with them and keeps no
private key: the agreement's page says so. The Russian Federation, which signed the statement, is
modelled as the mediator who signs as a witness.
"""

from datetime import UTC, date, datetime, timedelta

from goodoffices.accounts.models import User
from goodoffices.lib import audience, clock
from goodoffices.lib.signatures import generate_private_key, public_key_of, sign, to_base64
from goodoffices.processes import services as process_services
from goodoffices.processes.models import AppointmentRole, DelegationRole, Framework, Party
from goodoffices.texts import services as text_services
from goodoffices.texts.services import ClauseIn, SectionIn

from . import services
from .models import Agreement, SigningKey

TITLE = (
    "Statement by the President of the Republic of Azerbaijan, the Prime Minister of the Republic of Armenia "
    "and the President of the Russian Federation of 9/10 November 2020"
)
PROCESS_TITLE = "Ceasefire in the Nagorno-Karabakh conflict zone (2020)"
AZERBAIJAN, ARMENIA = "Republic of Azerbaijan", "Republic of Armenia"
# The statement took effect at 00:00 Moscow time on 10 November 2020: 21:00 UTC on the 9th.
NIGHT = datetime(2020, 11, 9, 19, 0, tzinfo=UTC)

POINTS = [
    (
        "p1",
        "Ceasefire",
        "From 00:00 Moscow time on 10 November 2020 a complete ceasefire and a cessation of all hostilities are "
        "declared in the Nagorno-Karabakh conflict zone. The Republic of Azerbaijan and the Republic of Armenia, "
        "the Parties, stop at the positions they now hold.",
    ),
    ("p2", "Aghdam district", "The Aghdam district is returned to the Republic of Azerbaijan by 20 November 2020."),
    (
        "p3",
        "Peacekeeping contingent",
        "A peacekeeping contingent of the Russian Federation of 1,960 servicemen with small arms, 90 armoured "
        "personnel carriers and 380 vehicles and units of special equipment is deployed along the line of contact "
        "in Nagorno-Karabakh and along the Lachin corridor.",
    ),
    (
        "p4",
        "Term of the deployment",
        "The peacekeeping contingent is deployed in parallel with the withdrawal of the Armenian armed forces. It "
        "stays for five years, extended automatically by further terms of five years unless a Party declares, six "
        "months before a term ends, its intention to end the application of this provision.",
    ),
    (
        "p5",
        "Peacekeeping centre",
        "A peacekeeping centre to control the ceasefire is deployed, so that the fulfilment of the agreements by "
        "the Parties to the conflict is controlled more effectively.",
    ),
    (
        "p6",
        "Kalbajar and Lachin districts; the Lachin corridor",
        "The Republic of Armenia returns the Kalbajar district to the Republic of Azerbaijan by 15 November 2020, "
        "and the Lachin district by 1 December 2020. The Lachin corridor, 5 km wide, which connects Nagorno-Karabakh "
        "with Armenia and does not pass through the town of Shusha (Shushi), remains under the control of the "
        "peacekeeping contingent of the Russian Federation.\n\n"
        "Within the next three years the Parties agree on a plan for a new route along the Lachin corridor between "
        "Nagorno-Karabakh and Armenia, and the peacekeeping contingent then moves to protect it.\n\n"
        "The Republic of Azerbaijan guarantees the safety of persons, vehicles and cargo travelling along the Lachin "
        "corridor in both directions.",
    ),
    (
        "p7",
        "Return of displaced persons",
        "Internally displaced persons and refugees return to the territory of Nagorno-Karabakh and the adjacent "
        "districts under the supervision of the Office of the United Nations High Commissioner for Refugees.",
    ),
    (
        "p8",
        "Exchange of prisoners and bodies",
        "The Parties exchange prisoners of war, hostages and other detained persons, and the bodies of the dead.",
    ),
    (
        "p9",
        "Economic and transport links",
        "All economic and transport links in the region are unblocked. The Republic of Armenia guarantees the "
        "safety of transport links between the western districts of the Republic of Azerbaijan and the Nakhchivan "
        "Autonomous Republic, for the unimpeded movement of persons, vehicles and cargo in both directions; the "
        "Border Guard Service of the Federal Security Service of Russia controls these transport links.\n\n"
        "By agreement of the Parties, new transport links are built to connect the Nakhchivan Autonomous Republic "
        "with the western districts of Azerbaijan.",
    ),
]

PEACEKEEPERS = "Peacekeeping contingent of the Russian Federation"
CENTRE = "Peacekeeping centre for ceasefire control"
UNHCR = "Office of the United Nations High Commissioner for Refugees"
BORDER_GUARDS = "Border Guard Service of the Federal Security Service of Russia"

# (point, obligor, action, category, deadline or schedule, verification, monitors); obligor "both"
# tags the commitment on each party.
COMMITMENTS: list[tuple[str, str, str, str, date | str | None, str, list[str]]] = [
    (
        "p1",
        "both",
        "Cease fire and all hostilities, and stay at the positions held on 10 November 2020.",
        "ceasefire",
        None,
        "Control by the peacekeeping centre.",
        [CENTRE],
    ),
    (
        "p2",
        ARMENIA,
        "Return the Aghdam district to the Republic of Azerbaijan.",
        "withdrawal_of_troops",
        date(2020, 11, 20),
        "",
        [PEACEKEEPERS],
    ),
    (
        "p4",
        ARMENIA,
        "Withdraw the Armenian armed forces as the peacekeeping contingent deploys.",
        "withdrawal_of_troops",
        "in parallel with the deployment of the peacekeeping contingent",
        "",
        [PEACEKEEPERS],
    ),
    (
        "p6",
        ARMENIA,
        "Return the Kalbajar district to the Republic of Azerbaijan.",
        "withdrawal_of_troops",
        date(2020, 11, 15),
        "",
        [PEACEKEEPERS],
    ),
    (
        "p6",
        ARMENIA,
        "Return the Lachin district to the Republic of Azerbaijan, the Lachin corridor excepted.",
        "withdrawal_of_troops",
        date(2020, 12, 1),
        "",
        [PEACEKEEPERS],
    ),
    (
        "p6",
        AZERBAIJAN,
        "Guarantee the safety of persons, vehicles and cargo travelling along the Lachin corridor in both "
        "directions, the corridor remaining under the control of the peacekeeping contingent.",
        "economic_and_transport_links",
        None,
        "Control of the corridor by the peacekeeping contingent.",
        [PEACEKEEPERS],
    ),
    (
        "p7",
        "both",
        "Let internally displaced persons and refugees return to Nagorno-Karabakh and the adjacent districts.",
        "internally_displaced_persons",
        None,
        "Supervision by the Office of the United Nations High Commissioner for Refugees.",
        [UNHCR],
    ),
    (
        "p8",
        "both",
        "Exchange prisoners of war, hostages and other detained persons, and the bodies of the dead.",
        "prisoner_release",
        None,
        "",
        [],
    ),
    (
        "p9",
        "both",
        "Unblock all economic and transport links in the region.",
        "economic_and_transport_links",
        None,
        "",
        [],
    ),
    (
        "p9",
        ARMENIA,
        "Guarantee the safety of transport links between the western districts of the Republic of Azerbaijan and "
        "the Nakhchivan Autonomous Republic.",
        "economic_and_transport_links",
        None,
        "Control by the Border Guard Service of the Federal Security Service of Russia.",
        [BORDER_GUARDS],
    ),
]


def _at(minutes: int) -> datetime:
    return NIGHT + timedelta(minutes=minutes)


def _sign(user: User, agreement: Agreement, minutes: int) -> None:
    """Make ``user``'s key (the loader's, for the demo only), register it and sign with it."""
    private = generate_private_key()
    with clock.replaying(_at(minutes)):
        key: SigningKey = services.signing_key_register(
            actor=user,
            process=agreement.process,
            public_key=to_base64(public_key_of(private)),
            origin=SigningKey.Origin.DEMO,
            label="made by the demo loader",
            demo_loader=True,
        )
    with clock.replaying(_at(minutes + 1)):
        agreement.refresh_from_db()
        services.agreement_sign(
            actor=user,
            agreement=agreement,
            key=key,
            signature=sign(private, bytes(agreement.canonical)),
            sha256=agreement.sha256,
            authenticated_at=clock.now(),
        )


def demo_agreement_load(*, framework: Framework, users: dict[str, User]) -> Agreement:
    """Load the 2020 process and its signed agreement. ``users`` holds the demo accounts by name:
    ``operator``, ``mediator``, ``monitor``, ``baku`` (Azerbaijan's signatory) and ``yerevan``
    (Armenia's)."""
    operator, mediator = users["operator"], users["mediator"]
    with clock.replaying(_at(0)):
        mandate = process_services.mandate_create(
            actor=operator,
            framework=framework,
            title="Mandate for the ceasefire of November 2020 (demo)",
            tasks=["Bring about a complete ceasefire", "Agree the steps that follow it"],
            scope=["Ceasefire", "Return of districts", "Peacekeeping", "Displaced persons", "Transport links"],
            term_start=date(2020, 11, 9),
            languages=["en", "ru", "hy", "az"],
            two_factor_required=True,
            held_meetings_audience=audience.PROCESS,
            note="Demo: modelled on the trilateral format of November 2020.",
        )
        process = process_services.process_create(
            actor=operator, mandate=mandate, title=PROCESS_TITLE, parties=[AZERBAIJAN, ARMENIA]
        )
        for user, role, organisation in (
            (mediator, AppointmentRole.MEDIATOR, "Russian Federation"),
            (users["monitor"], AppointmentRole.MONITOR, PEACEKEEPERS),
        ):
            process_services.appointment_make(
                actor=operator, process=process, user=user, role=role, organisation=organisation
            )
        parties = {party.name: party for party in process.parties.all()}
        signatories = {AZERBAIJAN: users["baku"], ARMENIA: users["yerevan"]}
        for name, user in signatories.items():
            for membership in (DelegationRole.HEAD, DelegationRole.SIGNATORY):
                process_services.delegation_member_add(actor=operator, party=parties[name], user=user, role=membership)
    with clock.replaying(_at(10)):
        text = text_services.text_create(
            actor=mediator,
            process=process,
            title=TITLE,
            sections=[
                SectionIn(
                    id="statement",
                    title="The Parties state the following",
                    clauses=[ClauseIn(id=cid, heading=heading, text=words) for cid, heading, words in POINTS],
                )
            ],
            note="The statement as agreed by the leaders.",
        )
        for point, obligor, action, category, due, verification, monitors in COMMITMENTS:
            for party in _obligors(obligor, parties):
                text_services.commitment_tag(
                    actor=mediator,
                    text=text,
                    clause=point,
                    obligor=party,
                    action=action,
                    category=category,
                    deadline=due if isinstance(due, date) else None,
                    schedule=due if isinstance(due, str) else "",
                    verification=verification,
                    monitors=monitors,
                )
    with clock.replaying(_at(30)):
        for user in signatories.values():
            for cid, _heading, _words in POINTS:
                text_services.position_set(actor=user, text=text, clause=cid, stance="agree")
    with clock.replaying(_at(60)):
        adoption = services.adoption_put(actor=mediator, text=text, agreement_audience=audience.PUBLIC)
    outcome = None
    for i, user in enumerate(signatories.values()):
        with clock.replaying(_at(70 + 5 * i)):
            outcome = services.adoption_consent(
                actor=user,
                adoption=adoption,
                consent=True,
                version=adoption.version,
                agreement_audience=audience.PUBLIC,
            )
    assert outcome is not None
    assert outcome.agreement is not None
    agreement = outcome.agreement
    _sign(users["baku"], agreement, 90)
    _sign(mediator, agreement, 95)
    _sign(users["yerevan"], agreement, 100)
    agreement.refresh_from_db()
    return agreement


def _obligors(obligor: str, parties: dict[str, Party]) -> list[Party]:
    return [parties[AZERBAIJAN], parties[ARMENIA]] if obligor == "both" else [parties[obligor]]
