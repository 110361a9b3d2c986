"""Where a sign-in comes from, for the throttle (django-axes counts failures per account and
source address together).

Behind reverse proxies the connection comes from the nearest proxy; each proxy appends the
address it saw to X-Forwarded-For, so with GOODOFFICES_TRUSTED_PROXY_COUNT = N the client is the
N-th address from the right. Addresses further left are whatever the client claimed, and are
never believed."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    direct = str(request.META.get("REMOTE_ADDR") or "")
    count = settings.TRUSTED_PROXY_COUNT
    if count == 0:
        return direct
    forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        # Fewer hops than configured: the request did not come through all the proxies.
        return direct
    claimed = forwarded[-count]
    try:
        return str(ipaddress.ip_address(claimed))
    except ValueError:
        return direct
