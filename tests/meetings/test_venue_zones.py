"""Venue time zones (issue 10, item 7): chosen from a searchable list of the zones of places (no
Factory, localtime or POSIX rules), filled in from a venue whose zone is known, otherwise asked
for: nothing is silently defaulted."""

import json
import re

from goodoffices.meetings.models import Proposal

from .conftest import propose
from .test_refusals import _venue_time


def _form(client, world) -> str:
    return str(client.get(f"/processes/{world.process.pk}/meetings/propose/").content.decode())


def test_the_zone_is_searched_in_a_list_of_places(world, client_for):
    page = _form(client_for("head_a"), world)
    field = re.search(r'<input type="text" name="timezone"[^>]*>', page)
    assert field
    assert 'list="venue-zones"' in field[0]
    assert "value=" not in field[0]  # nothing is chosen for the proposer
    zones = re.findall(
        r'<option value="([^"]+)">', page.split('<datalist id="venue-zones">', 1)[1].split("</datalist>")[0]
    )
    assert {"Europe/Zurich", "Asia/Baku", "America/New_York", "UTC"} <= set(zones)
    assert not {"Factory", "localtime", "EST5EDT", "Zulu", "posix/Europe/Zurich", "Etc/GMT+3"} & set(zones)
    assert zones == sorted(zones)


def test_known_venues_carry_their_zone(world, client_for):
    propose(world, venue="Geneva", timezone="Europe/Zurich")
    page = _form(client_for("head_a"), world)
    known = json.loads(
        page.split('<script id="known-venue-zones" type="application/json">', 1)[1].split("</script>")[0]
    )
    assert known["geneva"] == "Europe/Zurich"  # an earlier proposal's venue
    assert known["baku"] == "Asia/Baku"  # a city that names a zone
    assert known["new york"] == "America/New_York"
    assert "stepanakert" not in known  # unknown: the proposer is asked


def test_without_a_zone_the_proposer_is_asked(world, client_for):
    response = client_for("head_a").post(
        f"/processes/{world.process.pk}/meetings/propose/",
        {
            "title": "Talks",
            "format": "direct",
            "modality": "in_person",
            "venue": "Stepanakert",
            "timezone": "",
            "agenda": ["Gas supply"],
            "delegation_size": "5",
            "slot0_start": _venue_time(10, 10),
            "slot0_end": _venue_time(10, 12),
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["timezone"] == ["choose the venue's time zone"]
    assert not Proposal.objects.exists()
