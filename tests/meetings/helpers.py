from datetime import timedelta

from django.utils import timezone


def slot(days: int, hours: int = 2) -> dict[str, str]:
    start = (timezone.now() + timedelta(days=days)).replace(microsecond=0)
    return {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=hours)).isoformat()}


def proposal_body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "title": "Talks on the gas supply",
        "format": "direct",
        "venue": "Geneva",
        "timezone": "Europe/Zurich",
        "slots": [slot(10), slot(11)],
        "agenda": ["Gas supply"],
    }
    body.update(overrides)
    return body
