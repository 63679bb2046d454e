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


# Up to this many slots a key's slots are all read at once (one ``get_many``); above it a
# ring pointer says where to look, so a limit of 10,000/min does not read 10,000 entries.
SCAN_ALL_UP_TO = 64
RING_PROBES = 8  # concurrent takers that can miss the pointer before the full scan


def take_slots(keys: list[str], rate: Rate) -> list[str]:
    """Take one slot under each key, or none: raises ``RateLimited`` if one key is full."""
    now = time.time()
    taken = []
    try:
        for key in keys:
            taken.append(_take_slot(key, rate, now))
    except RateLimited:
        give_back(taken)
        raise
    return taken


def _take_slot(key: str, rate: Rate, now: float) -> str:
    if rate.events > SCAN_ALL_UP_TO:
        slot = _take_at_pointer(key, rate, now)
        if slot is not None:
            return slot
    names = [f"{key}:{n}" for n in range(rate.events)]
    held = cache.get_many(names)
    # A slot's value is when it frees, for Retry-After.
    for name in names:
        if name not in held and cache.add(name, now + rate.seconds, rate.seconds):
            return name
    frees_at = min(held.values(), default=now + 1)
    raise RateLimited(retry_after=max(1, math.ceil(frees_at - now)))


def _take_at_pointer(key: str, rate: Rate, now: float) -> str | None:
    """Slots are taken round a ring, so the one after the last taken is the oldest: free
    unless the window is full. None when the probes all find held slots (near the limit,
    or after slots were given back out of order): the caller then looks at every slot."""
    pointer = f"{key}:next"
    start = cache.get(pointer) or 0
    for n in range(RING_PROBES):
        index = (start + n) % rate.events
        name = f"{key}:{index}"
        if cache.add(name, now + rate.seconds, rate.seconds):
            cache.set(pointer, (index + 1) % rate.events, rate.seconds)
            return name
    return None


def give_back(slots: list[str]) -> None:
    cache.delete_many(slots)
