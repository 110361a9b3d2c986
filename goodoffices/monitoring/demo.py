"""The demo's monitoring of the trilateral statement of 9/10 November 2020: dated reports drawn from
public sources, each citing them, written neutrally as a monitor would, filed through the services
with the clock replayed to the day each was filed (so their events are in the ledger as if then).

``load_reports(agreement)`` takes the statement's agreement (made by the agreements demo, its
commitments tagged per point) and files what public sources report of its execution:

- point 2, Aghdam district returned on 20 November 2020;
- point 6, Kalbajar district: the deadline of 15 November extended by ten days at Armenia's request,
  the district returned on 25 November 2020 (full, completed late);
- point 6, Lachin district returned on 1 December 2020;
- point 1, the ceasefire: broadly held, its first recorded violation in December 2020, and the joint
  Russian-Turkish centre monitoring it opened on 30 January 2021 (the opening is also filed on a
  point 5 monitoring commitment, where the agreement has one);
- point 6, traffic along the Lachin corridor: under the peacekeepers' control from December 2020;
  blocked from 12 December 2022 (breach); the order of the International Court of Justice of 22
  February 2023; humanitarian transport stopped on 15 June 2023 (and the obligor's contest, where its
  delegation has a member);
- point 7, the return of displaced persons under the supervision of the UNHCR, never initiated.

A commitment is found by the words of its action (on its point where several match, the point
labelled "6", "6." or "p6"); a point tagged on both parties gets the report on each where it concerns
both (the ceasefire, the return of displaced persons); what the agreement does not have is skipped.
The reports are filed by the process's first monitor (or guarantor), who must be appointed before.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from goodoffices.accounts.models import User
from goodoffices.agreements.models import Agreement, Commitment
from goodoffices.lib import clock
from goodoffices.processes.models import Appointment, AppointmentRole, DelegationMembership, DelegationRole

from .models import MonitoringReport
from .services import SourceIn, report_answer, report_file

logger = logging.getLogger(__name__)


def _source(url: str, read_on: str, title: str) -> SourceIn:
    return SourceIn(url=url, read_on=date.fromisoformat(read_on), title=title)


@dataclass(frozen=True)
class DemoAnswer:
    kind: str
    filed: date
    body: str
    sources: tuple[SourceIn, ...]


@dataclass(frozen=True)
class DemoReport:
    # Which commitment: a pattern its action matches, and the point it is tagged on.
    pattern: str
    clause: str
    observed_on: date
    filed: date
    status: int
    breach: bool
    summary: str
    sources: tuple[SourceIn, ...]
    exclude: str = ""
    answer: DemoAnswer | None = field(default=None)
    # Filed on every commitment that matches (a point tagged on both parties), not the first only.
    every: bool = False


AGHDAM = r"\bA[gğ]h?dam\b"
KALBAJAR = r"K[ae]lb[ae]jar|Karvachar"
LACHIN_DISTRICT = r"Lachin\s+(district|region)"
# The corridor's traffic, not the district it runs through (and the other way round).
NOT_THE_DISTRICT = r"\b(return|withdraw|hand)"
NOT_THE_CORRIDOR = r"both directions|traffic|safety|\bsafe\b|movement|guarantee"
CORRIDOR = r"corridor"
CENTRE = r"monitoring|monitor the ceasefire|peacekeeping cent"
CEASEFIRE = r"\bcease\s*fire\b|\bceasefire\b"
NOT_THE_CENTRE = r"monitor|cent(re|er)"
RETURN = r"displaced|refugee|UNHCR"

REPORTS = (
    DemoReport(
        AGHDAM,
        "2",
        date(2020, 11, 20),
        date(2020, 11, 20),
        3,
        False,
        "Azerbaijan's Ministry of Defence announced that units of its army entered Aghdam district on "
        "20 November 2020, the first of the three districts to be returned under the statement; the "
        "handover took place with the participation of the Russian peacekeeping forces. The commitment "
        "is carried out on the date set.",
        (
            _source(
                "https://www.aljazeera.com/news/2020/11/20/azerbaijan-army-enters-district-handed-over-by-armenia",
                "2020-11-20",
                "Al Jazeera: Azerbaijan army enters district handed over by Armenia",
            ),
            _source(
                "https://vestnikkavkaza.net/news/Aghdam-district-of-Azerbaijan-de-occupied.html",
                "2020-11-20",
                "Vestnik Kavkaza: Aghdam district transferred with the participation of the peacekeepers",
            ),
        ),
    ),
    DemoReport(
        KALBAJAR,
        "6",
        date(2020, 11, 15),
        date(2020, 11, 15),
        2,
        False,
        "On 15 November 2020, the date set for the return of Kalbajar district, Azerbaijan agreed to extend "
        "the deadline to 25 November at Armenia's request, conveyed through the Russian Federation; the "
        "request cited the single narrow road out of the district and the weather. The withdrawal is under "
        "way; Azerbaijan stated that no separate document was needed for the extension.",
        (
            _source(
                "https://jam-news.net/trilateral-agreement-kelbajar-region-postponement-of-november-25-azerbaijan-news/",
                "2020-11-15",
                "JAMnews: transfer of Kalbajar postponed until 25 November",
            ),
            _source(
                "https://www.trtworld.com/asia/azerbaijan-gives-armenia-more-time-to-vacate-kalbajar-41486",
                "2020-11-15",
                "TRT World: Azerbaijan gives Armenia more time to vacate Kalbajar",
            ),
        ),
    ),
    DemoReport(
        KALBAJAR,
        "6",
        date(2020, 11, 25),
        date(2020, 12, 1),
        3,
        False,
        "Armenian forces left Kalbajar district by 25 November 2020, the extended deadline, and the district "
        "was returned to Azerbaijan. The commitment is fully implemented, ten days after the date in the "
        "statement.",
        (
            _source(
                "https://www.anews.com.tr/world/2020/11/30/deadline-for-armenia-to-evacuate-lachin-ending-tonight",
                "2020-12-01",
                "A News: Armenian forces left Aghdam on 20 November and Kalbajar on 25 November",
            ),
            _source(
                "https://www.yjc.ir/en/news/49549/azerbaijani-forces-take-over-last-nagorno-karabakh-region-per-truce-deal",
                "2020-12-01",
                "YJC: Kalbajar was turned over on 25 November after a 10-day delay",
            ),
        ),
    ),
    DemoReport(
        LACHIN_DISTRICT,
        "6",
        date(2020, 12, 1),
        date(2020, 12, 1),
        3,
        False,
        "Azerbaijan's Ministry of Defence announced that units of its army entered Lachin district on "
        "1 December 2020, the last of the three districts to be returned under the statement. The Lachin "
        "corridor through the district remains under the control of the Russian peacekeeping contingent. "
        "The commitment is carried out on the date set.",
        (
            _source(
                "https://www.yjc.ir/en/news/49549/azerbaijani-forces-take-over-last-nagorno-karabakh-region-per-truce-deal",
                "2020-12-01",
                "YJC (citing TASS): Azerbaijani forces take over the last region under the truce deal",
            ),
            _source(
                "https://www.radiofree.org/2020/12/01/celebrations-and-sadness-as-azerbaijan-retakes-lachin-district-from-armenians/",
                "2020-12-01",
                "RFE/RL: Azerbaijan retakes Lachin district",
            ),
        ),
        exclude=NOT_THE_CORRIDOR,
    ),
    DemoReport(
        CORRIDOR,
        "6",
        date(2020, 12, 1),
        date(2020, 12, 2),
        3,
        False,
        "The Lachin corridor, five kilometres wide, is under the control of the Russian peacekeeping "
        "contingent as the statement provides, as the President of Azerbaijan said in his address of "
        "1 December 2020. No interruption of traffic along it is reported.",
        (
            _source(
                "https://www.urdupoint.com/en/world/aliyev-says-lachin-corridor-in-karabakh-place-1101358.html",
                "2020-12-02",
                "UrduPoint (Sputnik): the Lachin corridor placed under the control of the Russian peacekeepers",
            ),
        ),
        exclude=NOT_THE_DISTRICT,
    ),
    DemoReport(
        CEASEFIRE,
        "1",
        date(2021, 1, 30),
        date(2021, 1, 31),
        2,
        False,
        "The ceasefire of 10 November 2020 has broadly held. The Russian peacekeepers recorded its first "
        "violation on 11 December 2020 in Hadrut district, where fighting around the villages of Hin Tagher "
        "and Khtsaberd followed: Armenia's Ministry of Defence reported an Azerbaijani offensive, Azerbaijan "
        "described a counter-terrorist operation after attacks on its servicemen. The joint Russian-Turkish "
        "centre to monitor the ceasefire opened on 30 January 2021 in Aghdam district, staffed by up to 60 "
        "servicemen from each country.",
        (
            _source(
                "https://hyetert.org/2020/12/12/first-ceasefire-violation-recorded-in-nagorno-karabakh-russias-defense-ministry/",
                "2021-01-31",
                "TASS (via Hyetert): first ceasefire violation recorded, Russian Defence Ministry, 12 December 2020",
            ),
            _source(
                "https://sputniknews.com/world/202012131081445087-four-azerbaijani-soldiers-killed-in-nagorno-karabakh-since-november-defence-ministry-says/",
                "2021-01-31",
                "Sputnik: the Azerbaijani and Armenian defence ministries' accounts, 13 December 2020",
            ),
            _source(
                "https://nationalpost.com/pmn/news-pmn/russia-and-turkey-open-monitoring-center-for-nagorno-karabakh",
                "2021-01-31",
                "Reuters (National Post): Russia, Turkey open monitoring center for Nagorno-Karabakh",
            ),
        ),
        exclude=NOT_THE_CENTRE,
        every=True,
    ),
    DemoReport(
        CENTRE,
        "5",
        date(2021, 1, 30),
        date(2021, 1, 31),
        3,
        False,
        "The joint Russian-Turkish centre to monitor the ceasefire opened on 30 January 2021 in Aghdam "
        "district, staffed by up to 60 servicemen from each country. It collects and verifies information "
        "on the observance of the ceasefire, among other means with unmanned aerial vehicles.",
        (
            _source(
                "https://nationalpost.com/pmn/news-pmn/russia-and-turkey-open-monitoring-center-for-nagorno-karabakh",
                "2021-01-31",
                "Reuters (National Post): Russia, Turkey open monitoring center for Nagorno-Karabakh",
            ),
            _source(
                "https://en.trend.az/azerbaijan/politics/3373033.html",
                "2021-01-31",
                "Trend: opening ceremony of the Turkish-Russian Monitoring Center in Aghdam",
            ),
        ),
    ),
    DemoReport(
        CORRIDOR,
        "6",
        date(2022, 12, 12),
        date(2022, 12, 13),
        1,
        True,
        "Since the morning of 12 December 2022 the road through the Lachin corridor has been blocked by a "
        "group of Azerbaijani citizens described by Baku as environmental activists, who demand the "
        "inspection of mines in Nagorno-Karabakh. Hundreds of vehicles are stranded; civilian traffic between "
        "Armenia and Nagorno-Karabakh has stopped. Armenia's Foreign Ministry calls it a violation of the "
        "statement's guarantee of safe traffic; the Azerbaijani authorities describe the protest as civic.",
        (
            _source(
                "https://www.azatutyun.am/a/32174346.html",
                "2022-12-13",
                "RFE/RL Armenian Service: the Lachin corridor blocked by Azerbaijani protesters",
            ),
        ),
        exclude=NOT_THE_DISTRICT,
    ),
    DemoReport(
        CORRIDOR,
        "6",
        date(2023, 2, 22),
        date(2023, 2, 24),
        1,
        True,
        "On 22 February 2023 the International Court of Justice (Armenia v. Azerbaijan, CERD) indicated, by "
        "13 votes to 2, that Azerbaijan shall take all measures at its disposal to ensure unimpeded movement "
        "of persons, vehicles and cargo along the Lachin Corridor in both directions. The Court observed that "
        "the connection via the corridor has been disrupted since 12 December 2022. Azerbaijan's Foreign "
        "Ministry said that the Court did not find that the Azerbaijani government organised the blockade. "
        "Movement remains limited to the ICRC and the Russian peacekeepers.",
        (
            _source(
                "https://en.armradio.am/2023/02/22/un-court-azerbaijan-should-ensure-free-movement-along-lachin-corridor-in-both-directions/",
                "2023-02-22",
                "Public Radio of Armenia: the Court's order read out on 22 February 2023",
            ),
            _source(
                "https://www.azatutyun.am/a/32286784.html",
                "2023-02-24",
                "RFE/RL Armenian Service: reactions of Yerevan and Baku to the order",
            ),
            _source(
                "https://www.acaps.org/special-report/armenia-azerbaijan-nagorno-karabakh-blockade",
                "2023-02-24",
                "ACAPS special report: Nagorno-Karabakh blockade (20 January 2023)",
            ),
        ),
        exclude=NOT_THE_DISTRICT,
    ),
    DemoReport(
        CORRIDOR,
        "6",
        date(2023, 6, 15),
        date(2023, 6, 16),
        0,
        True,
        "After an incident at the Hakari bridge on 15 June 2023, the ICRC's transfer of patients to Armenia "
        "and the Russian peacekeepers' humanitarian transport were stopped at the checkpoint Azerbaijan set "
        "up in the corridor in April 2023, according to the authorities in Stepanakert and the Prime "
        "Minister of Armenia. Azerbaijan's Foreign Ministry disputed the Armenian account of the incident. "
        "No humanitarian transport passes.",
        (
            _source(
                "https://jam-news.net/azerbaijani-flag-hoisted-on-the-hakari-bridge/",
                "2023-06-16",
                "JAMnews: the Hakari bridge incident and both governments' accounts",
            ),
            _source(
                "https://mediamax.am/en/news/karabakh/51664/",
                "2023-06-16",
                "Mediamax: humanitarian transport through the corridor stopped",
            ),
        ),
        exclude=NOT_THE_DISTRICT,
        answer=DemoAnswer(
            "contest",
            date(2023, 6, 26),
            "The obligor contests that the corridor is closed: vehicles of the ICRC drove through the Lachin "
            "checkpoint towards Armenia on 25 June 2023. It states that the checkpoint was set up on its border "
            "on 23 April 2023 to stop the transport of military equipment, in response to a checkpoint set up "
            "by Armenia the day before.",
            (
                _source(
                    "https://news.az/news/icrc-vehicles-move-from-azerbaijans-khankendi-district-to-armenia-through-lachin-checkpoint",
                    "2023-06-26",
                    "News.az: ICRC vehicles move through the Lachin checkpoint",
                ),
            ),
        ),
    ),
    DemoReport(
        RETURN,
        "7",
        date(2023, 3, 20),
        date(2023, 3, 21),
        0,
        False,
        "No return of internally displaced persons and refugees to Nagorno-Karabakh and the adjacent areas "
        "under the supervision of the UNHCR, as point 7 provides, has been initiated. The UNHCR set out the "
        "conditions for such returns in November 2020, and Azerbaijan's State Committee for Refugees and IDPs "
        "discussed returns with the UNHCR's representative in February 2021; organisations of persons "
        "displaced from Nagorno-Karabakh stated on 20 March 2023 that the return under point 7 has not "
        "taken place.",
        (
            _source(
                "https://docslib.org/doc/1093492/key-considerations-for-returns-to-nagorno-karabakh-and-the-adjacent-districts-november-2020",
                "2023-03-21",
                "UNHCR: Key considerations for returns to Nagorno-Karabakh and the adjacent districts (November 2020)",
            ),
            _source(
                "http://www.today.az/news/politics/203203.html",
                "2023-03-21",
                "Today.az: Azerbaijani official and UNHCR representative discuss the return of IDPs (5 February 2021)",
            ),
            _source(
                "https://asbarez.com/displaced-artsakh-armenians-call-on-unhcr-pashinyan-putin-and-aliyev-to-organize-their-resettlement/",
                "2023-03-21",
                "Asbarez: statement of displaced Armenians of Nagorno-Karabakh (20 March 2023)",
            ),
        ),
        every=True,
    ),
)


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def find_commitments(commitments: list[Commitment], entry: DemoReport) -> list[Commitment]:
    """The commitments whose action matches ``entry`` (those on its point, when some are): all of
    them for an entry filed on ``every`` match, else the first."""
    pattern = re.compile(entry.pattern, re.IGNORECASE)
    exclude = re.compile(entry.exclude, re.IGNORECASE) if entry.exclude else None
    found = [c for c in commitments if pattern.search(c.action) and not (exclude and exclude.search(c.action))]
    # A point is labelled as the agreement labels it: "6", "6.", "p6".
    on_point = [c for c in found if re.sub(r"\D", "", c.clause) == entry.clause]
    chosen = on_point or found
    return chosen if entry.every else chosen[:1]


def _reporter(agreement: Agreement) -> User:
    for role in (AppointmentRole.MONITOR, AppointmentRole.GUARANTOR):
        appointment = (
            Appointment.objects.filter(process=agreement.process, role=role)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if appointment is not None:
            return appointment.user
    raise ValueError(f"appoint a monitor or a guarantor to {agreement.process} before loading its reports")


def _obligor_member(commitment: Commitment) -> User | None:
    membership = (
        DelegationMembership.objects.filter(
            party=commitment.obligor, role__in=[DelegationRole.HEAD, DelegationRole.DELEGATE]
        )
        .select_related("user")
        .order_by("role", "pk")
        .first()
    )
    return membership.user if membership is not None else None


def load_reports(agreement: Agreement) -> list[MonitoringReport]:
    """File the demo's reports (and the obligor's contest) on ``agreement``'s commitments."""
    reporter = _reporter(agreement)
    audience = "public" if agreement.audience == "public" else "plenary"
    commitments = list(agreement.commitments.select_related("obligor", "agreement__process").order_by("position"))
    filed: list[MonitoringReport] = []
    for entry in REPORTS:
        matched = find_commitments(commitments, entry)
        if not matched:
            logger.info("demo: %s has no commitment matching %r; its report is not filed", agreement, entry.pattern)
        for commitment in matched:
            filed.append(_file(entry, commitment, reporter, audience))
    return filed


def _file(entry: DemoReport, commitment: Commitment, reporter: User, audience: str) -> MonitoringReport:
    """File ``entry`` on ``commitment`` on the day it was filed (and the obligor's answer, when the
    entry has one and the obligor's delegation a member to give it)."""
    with clock.replaying(_noon(entry.filed)):
        report = report_file(
            actor=reporter,
            commitment=commitment,
            observed_on=entry.observed_on,
            status=entry.status,
            breach=entry.breach,
            summary=entry.summary,
            audience_name=audience,
            sources=entry.sources,
        )
    answerer = _obligor_member(commitment) if entry.answer else None
    if entry.answer is not None and answerer is not None:
        with clock.replaying(_noon(entry.answer.filed)):
            report_answer(
                actor=answerer,
                report=report,
                kind=entry.answer.kind,
                body=entry.answer.body,
                sources=entry.answer.sources,
            )
    return report


def demo_monitoring_load() -> list[MonitoringReport]:
    """Load the reports on the demo's 2020 statement, where the demo has it (the agreements demo makes
    it); nothing otherwise."""
    agreement = Agreement.objects.filter(title__contains="2020").order_by("pk").first()
    if agreement is None or MonitoringReport.objects.filter(commitment__agreement=agreement).exists():
        return []
    return load_reports(agreement)
