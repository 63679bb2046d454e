"""Failed sign-ins are limited per client address and per username, across every process.

Each of the two gets ``N`` slots per window (``FACTCHECK_LOGIN_RATE``, ``"20/min"``; see
``annotations.rate_limits``). An attempt takes a slot of each before the password is
checked; a failed one keeps them until the window has passed since it, a successful one
gives them back. With no free slot the attempt is refused without looking at the password,
so guessing stays at ``N`` per window however the attempts are spread over workers and
machines, or sent at once.
"""

import hashlib
import ipaddress
from contextlib import contextmanager

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from annotations import messages, rate_limits


class TooManyLoginAttempts(rate_limits.RateLimited):
    def __init__(self, retry_after: int):
        super().__init__(retry_after, messages.TOO_MANY_LOGIN_ATTEMPTS)


def client_address(request) -> str:
    """The caller's address as the throttles see it (``NUM_PROXIES``); IPv6 by /64.

    One IPv6 subscriber usually holds a whole /64, so single addresses would be free.
    """
    ident = BaseThrottle().get_ident(request) or "unknown"
    try:
        address = ipaddress.ip_address(ident)
    except ValueError:
        return ident
    if address.version == 6 and address.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _keys(request, username: str) -> list[str]:
    def digest(value: str) -> str:
        return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:40]

    # Case-folded: "Anna" and "anna" share their slots whatever the user model does.
    return [
        f"login-fail:address:{digest(client_address(request))}",
        f"login-fail:username:{digest(username.casefold())}",
    ]


@contextmanager
def login_attempt(request, username: str):
    """Wrap checking a password: raises ``TooManyLoginAttempts`` before it when over the limit.

    The block fails (raises) on a wrong password; only then are the slots kept.
    """
    rate = rate_limits.Rate.parse(settings.FACTCHECK_LOGIN_RATE, setting="THROTTLE_LOGIN")
    try:
        taken = rate_limits.take_slots(_keys(request, username), rate)
    except rate_limits.RateLimited as exc:
        raise TooManyLoginAttempts(exc.retry_after) from None
    yield
    rate_limits.give_back(taken)
