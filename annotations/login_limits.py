"""Failed sign-ins are limited per client address and per username, across every process.

Each of the two gets ``N`` slots per window (``FACTCHECK_LOGIN_RATE``, ``"20/min"``). An
attempt takes a slot of each before the password is checked; a failed one keeps them until
the window has passed since it, a successful one gives them back. With no free slot the
attempt is refused without looking at the password, so guessing stays at ``N`` per window
however the attempts are spread over workers and machines, or sent at once.

Slots are cache keys taken with ``cache.add``, which is atomic in Redis and in the database
cache alike (an insert on a unique key); a counter would need an atomic increment, which
Django's database cache does not have.
"""

import hashlib
import ipaddress
import math
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from rest_framework.throttling import BaseThrottle

from annotations import messages

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class TooManyLoginAttempts(Exception):
    """No slot is free; ``retry_after`` is the number of seconds until one is."""

    def __init__(self, retry_after: int):
        super().__init__(messages.TOO_MANY_LOGIN_ATTEMPTS)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Rate:
    attempts: int
    seconds: int

    @classmethod
    def parse(cls, rate: str) -> "Rate":
        """``"20/min"``, ``"5/s"``, ``"100/hour"``, ``"500/day"`` (as DRF's throttle rates)."""
        try:
            count, period = rate.split("/")
            attempts, seconds = int(count), PERIODS[period.strip()[0].lower()]
        except (ValueError, KeyError, IndexError):
            raise ImproperlyConfigured(
                f"THROTTLE_LOGIN must look like 20/min, not {rate!r}."
            ) from None
        if attempts < 1:
            raise ImproperlyConfigured("THROTTLE_LOGIN must allow at least one attempt.")
        return cls(attempts, seconds)


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


def _slot_prefixes(request, username: str) -> list[str]:
    def digest(value: str) -> str:
        return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:40]

    # Case-folded: "Anna" and "anna" share their slots whatever the user model does.
    return [
        f"login-fail:address:{digest(client_address(request))}",
        f"login-fail:username:{digest(username.casefold())}",
    ]


def _take_slots(prefixes: list[str], rate: Rate) -> list[str]:
    now = time.time()
    slots = {prefix: [f"{prefix}:{n}" for n in range(rate.attempts)] for prefix in prefixes}
    held = cache.get_many([key for keys in slots.values() for key in keys])
    taken = []
    for keys in slots.values():
        # A slot's value is when it frees, for Retry-After.
        free = (key for key in keys if key not in held)
        key = next((key for key in free if cache.add(key, now + rate.seconds, rate.seconds)), None)
        if key is None:
            cache.delete_many(taken)
            frees_at = min((held[key] for key in keys if key in held), default=now + 1)
            raise TooManyLoginAttempts(retry_after=max(1, math.ceil(frees_at - now)))
        taken.append(key)
    return taken


@contextmanager
def login_attempt(request, username: str):
    """Wrap checking a password: raises ``TooManyLoginAttempts`` before it when over the limit.

    The block fails (raises) on a wrong password; only then are the slots kept.
    """
    rate = Rate.parse(settings.FACTCHECK_LOGIN_RATE)
    taken = _take_slots(_slot_prefixes(request, username), rate)
    yield
    cache.delete_many(taken)
