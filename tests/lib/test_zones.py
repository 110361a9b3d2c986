import zoneinfo

from goodoffices.lib import zones


def test_every_real_zone_and_no_file_that_is_not_a_place():
    assert "Asia/Yerevan" in zones.available()
    assert "Asia/Baku" in zones.available()
    assert {"Factory", "localtime", "posixrules"}.isdisjoint(zones.available())
    assert zones.available() <= zoneinfo.available_timezones()
    assert list(zones.choices()) == sorted(zones.available())


def test_the_zone_database_is_read_once_per_process():
    assert zones.available() is zones.available()
