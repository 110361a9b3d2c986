"""A commitment from first report to escalation, on a real demo server with its worker: the monitor
files a report and the status changes; the obligor responds; the deadline passes and the worker's
escalation job runs; the guarantor is notified; the public register and its Atom feed show it.

The agreement is made in the demo's database as adoption would leave it (adoption is the agreements
app's). The escalation job is run as the worker runs it, at a moment after the deadline: the test
cannot wait days for the clock."""

import json
import subprocess
import sys
import textwrap
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from ..demo_server import clean_env, demo_server
from .test_journeys import sign_in

TITLE = "Arrangement on humanitarian convoys"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path_factory.mktemp("monitoring-demo")
    with demo_server(data_dir) as url:
        yield url, data_dir


def in_demo(data_dir: Path, script: str) -> str:
    """Run ``script`` with Django set up on the demo's own database, as a second process would."""
    env = clean_env(
        GOODOFFICES_DEMO="true", GOODOFFICES_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="goodoffices.settings"
    )
    code = "import django\ndjango.setup()\n" + textwrap.dedent(script)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture
def people(browser: Browser, demo: tuple[str, Path]) -> Iterator[dict[str, Page]]:
    url, _ = demo
    contexts = {name: browser.new_context() for name in ("monitor", "baku", "public")}
    pages = {name: context.new_page() for name, context in contexts.items()}
    for name in ("monitor", "baku"):
        sign_in(pages[name], url, name)
    yield pages
    for context in contexts.values():
        context.close()


def test_report_response_escalation_notice_register_and_feed(people: dict[str, Page], demo: tuple[str, Path]) -> None:
    url, data_dir = demo
    made = in_demo(
        data_dir,
        """
        import json
        from django.utils import timezone
        from tests.monitoring.factories import demo_agreement
        agreement, commitment = demo_agreement(days_to_deadline=3)
        print(json.dumps([agreement, commitment, timezone.now().date().isoformat()]))
        """,
    )
    agreement_id, commitment_id, today = json.loads(made)

    # The monitor files a report: the commitment's status changes.
    monitor = people["monitor"]
    monitor.goto(f"{url}/commitments/{commitment_id}/")
    expect(monitor.locator("#commitment-status")).to_contain_text("not initiated (0/3)")
    monitor.get_by_label("Observed on").fill(today)
    monitor.get_by_label("Status observed").select_option("1")
    monitor.get_by_label("Summary").fill("Two convoys of eight passed the checkpoint; six were turned back.")
    monitor.get_by_label("Who reads this report").select_option("public")
    monitor.get_by_label("Sources").fill(f"https://example.org/convoys {today} Convoy log of the day")
    monitor.get_by_role("button", name="File the report").click()
    expect(monitor.get_by_role("status").last).to_contain_text("Your report was filed.")
    expect(monitor.locator("#commitment-status")).to_contain_text("minimal (1/3)")

    # The obligor responds.
    baku = people["baku"]
    baku.goto(f"{url}/commitments/{commitment_id}/")
    expect(baku.get_by_text("Awaiting the answer of Baku")).to_be_visible()
    baku.get_by_text("Answer for Baku").click()
    baku.get_by_label("Respond or contest").select_option("response")
    baku.get_by_label("Your party's answer").fill(
        "The other convoys lacked the agreed papers; they will pass tomorrow."
    )
    baku.get_by_role("button", name="File the answer").click()
    expect(baku.get_by_role("status").last).to_contain_text("Your party's answer was filed.")
    expect(baku.get_by_text("Baku responds")).to_be_visible()

    # The deadline passes: the worker's escalation job runs four days on.
    ran = in_demo(
        data_dir,
        """
        from datetime import timedelta
        from django.utils import timezone
        from goodoffices.worker.jobs import JOBS
        job = next(j for j in JOBS if j.name == "escalation")
        print(job.run(timezone.now() + timedelta(days=4)) or "nothing")
        """,
    )
    assert ran.startswith("escalated 1 overdue"), ran

    # The guarantor (the demo's monitor is also its guarantor) is notified, in the app and by e-mail.
    monitor.goto(f"{url}/notifications/")
    expect(
        monitor.get_by_text(f"Escalated: clause 1 of {TITLE} is past its deadline without full implementation.")
    ).to_be_visible()
    log = data_dir / "server.log"
    # (A long subject is folded over lines in the printed message.)
    expected_subject = "Subject: Escalated: clause 1 of Arrangement on humanitarian convoys"
    for _ in range(100):
        if expected_subject in log.read_text():
            break
        monitor.wait_for_timeout(200)
    assert expected_subject in log.read_text(), "the worker never sent the escalation"
    assert "To: monitor@demo.invalid" in log.read_text()

    # The public register, without signing in, shows it, and links its feed, which shows it too.
    public = people["public"]
    public.goto(f"{url}/register/")
    feed_link = public.locator(
        'head link[rel="alternate"][type="application/atom+xml"][href="/register/commitments/feed.atom"]'
    )
    expect(feed_link).to_have_count(1)
    public.get_by_role("link", name=TITLE).click()
    row = public.locator(f"#register-commitments tr#commitment-{commitment_id}")
    expect(row).to_contain_text("minimal (1/3)")
    expect(row.locator(".flag-overdue")).to_have_text("overdue")
    expect(row.get_by_role("link", name="Convoy log of the day")).to_be_visible()
    expect(public.locator("#score")).to_have_text("33 %")
    expect(public.locator("svg.score-chart title")).to_have_count(1)
    with urllib.request.urlopen(f"{url}/register/commitments/feed.atom", timeout=30) as response:
        feed = response.read().decode()
    assert f"{TITLE}, clause 1: minimal, overdue" in feed
    assert "Two convoys of eight passed the checkpoint" in feed
    assert f"/register/agreements/{agreement_id}/" in public.url
