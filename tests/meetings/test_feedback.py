"""Feedback that says what happened (issue 10, item 10): after every act the page says what it
did and what comes next, in a region that is announced (errors as alerts) and that takes the
focus; a form refused shows a summary; the agenda's checkboxes are grouped under their label."""

import re

from goodoffices.meetings import services

from .conftest import confirm, hold, propose


def _messages(response) -> list[tuple[str, str]]:
    page = response.content.decode()
    region = re.search(r'<div id="messages" class="messages" tabindex="-1">(.*?)</div>', page, re.S)
    assert region, "the page has a focusable message region"
    return re.findall(r'<p class="[^"]*" role="(status|alert)">(.*?)</p>', region[1], re.S)


def test_each_act_on_the_communique_says_what_happened(world, client_for):
    meeting = hold(world, confirm(world, propose(world)))
    services.communique_draft(actor=world.mediator, meeting=meeting, text="Joint statement")
    url = f"/meetings/{meeting.pk}/communique/consent/"
    a = client_for("head_a").post(url, {"consent": "1", "version": "1"}, follow=True)
    assert _messages(a) == [
        (
            "status",
            "Your party&#x27;s consent to version 1 is recorded. The communiqué is published on the register once "
            "every party consents to this version.",
        )
    ]
    b = client_for("head_b").post(url, {"consent": "1", "version": "1"}, follow=True)
    assert _messages(b) == [("status", "The communiqué is published on the public register.")]


def test_minutes_and_holding_say_what_follows(world, client_for):
    meeting = hold(world, confirm(world, propose(world)))
    mediator = client_for("mediator")
    drafted = mediator.post(f"/meetings/{meeting.pk}/minutes/", {"minutes-text": "We met."}, follow=True)
    assert _messages(drafted) == [
        ("status", "Version 1 of the minutes is saved, and every party is asked to approve it.")
    ]
    empty = mediator.post(f"/meetings/{meeting.pk}/minutes/", {"minutes-text": ""}, follow=True)
    assert _messages(empty) == [("alert", "Write the minutes before saving them.")]
    approval = f"/meetings/{meeting.pk}/minutes/approval/"
    client_for("head_a").post(approval, {"approve": "1", "version": "1"})
    done = client_for("head_b").post(approval, {"approve": "1", "version": "1"}, follow=True)
    assert _messages(done) == [("status", "The minutes are approved by every party.")]


def test_a_refusal_is_an_alert(world, client_for):
    meeting = hold(world, confirm(world, propose(world)))
    services.communique_draft(actor=world.mediator, meeting=meeting, text="Joint statement")
    stale = client_for("head_a").post(
        f"/meetings/{meeting.pk}/communique/consent/", {"consent": "1", "version": "7"}, follow=True
    )
    [(role, text)] = _messages(stale)
    assert role == "alert"
    assert "the text changed since you read it" in text


def test_the_proposal_form_groups_the_agenda_and_summarises_what_to_correct(world, client_for):
    client = client_for("head_a")
    url = f"/processes/{world.process.pk}/meetings/propose/"
    form = client.get(url).content.decode()
    fieldset = re.search(r"<fieldset><legend>(.*?)</legend>(.*?)</fieldset>", form, re.S)
    assert fieldset
    assert fieldset[1] == "Agenda (within the mandate&#x27;s scope)"
    assert 'value="Gas supply"' in fieldset[2]
    assert 'value="Electricity line"' in fieldset[2]
    refused = client.post(url, {"format": "direct", "modality": "in_person", "delegation_size": "5"})
    page = refused.content.decode()
    assert refused.status_code == 422
    assert '<div class="form-errors" role="alert" tabindex="-1">' in page
    assert "The proposal was not sent: correct the" in page
    # The first field in error is marked for the focus to go to (site.js).
    assert 'aria-invalid="true"' in page
