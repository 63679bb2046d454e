"""Sliding-window rate limits that hold across every process and machine sharing the cache.

A limit of ``N`` per window is ``N`` slots per key: an event takes a free slot, which frees
itself a window later (the cache entry expires) or when it is given back. Slots are taken
with ``cache.add``, which is atomic in Redis and in Django's database cache alike (an insert
on a unique key), so requests sent at once to several workers cannot share a slot. Counting
instead would need an atomic increment, which the database cache does not have, and DRF's
own throttles keep a list of times that each request reads and writes back whole.
"""

import math
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RateLimited(Exception):
    """No slot is free; ``retry_after`` is the number of seconds until one is."""

    def __init__(self, retry_after: int, message: str = "Rate limit reached."):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Rate:
    events: int
    seconds: int

    @classmethod
    def parse(cls, rate: str, *, setting: str) -> "Rate":
        """``"20/min"``, ``"5/s"``, ``"100/hour"``, ``"500/day"``, as DRF's throttle rates."""
        try:
            count, period = rate.split("/")
            events, seconds = int(count), PERIODS[period.strip()[0].lower()]
        except (ValueError, KeyError, IndexError):
            raise ImproperlyConfigured(f"{setting} must look like 20/min, not {rate!r}.") from None
        if events < 1:
            raise ImproperlyConfigured(f"{setting} must allow at least one event.")
        return cls(events, seconds)


def take_slots(keys: list[str], rate: Rate) -> list[str]:
    """Take one slot under each key, or none: raises ``RateLimited`` if one key is full."""
    now = time.time()
    slots = {key: [f"{key}:{n}" for n in range(rate.events)] for key in keys}
    held = cache.get_many([slot for names in slots.values() for slot in names])
    taken = []
    for names in slots.values():
        # A slot's value is when it frees, for Retry-After.
        free = (name for name in names if name not in held)
        slot = next(
            (name for name in free if cache.add(name, now + rate.seconds, rate.seconds)), None
        )
        if slot is None:
            give_back(taken)
            frees_at = min((held[name] for name in names if name in held), default=now + 1)
            raise RateLimited(retry_after=max(1, math.ceil(frees_at - now)))
        taken.append(slot)
    return taken


def give_back(slots: list[str]) -> None:
    cache.delete_many(slots)
