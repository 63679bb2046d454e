"""DRF throttles that hold across workers: counted in ``annotations.rate_limits`` slots."""

from rest_framework import throttling

from annotations import rate_limits


class ScopedRateThrottle(throttling.ScopedRateThrottle):
    """DRF's scoped throttle (``throttle_scope``, rates in ``DEFAULT_THROTTLE_RATES``).

    DRF's own keeps each client's request times as one cached list that every request
    reads and writes back, so requests arriving together at several workers can all see
    room; slots taken with ``cache.add`` cannot be shared.
    """

    retry_after = None

    def allow_request(self, request, view):
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        rate = rate_limits.Rate.parse(self.rate, setting=f"the {self.scope!r} throttle rate")
        try:
            rate_limits.take_slots([key], rate)
        except rate_limits.RateLimited as exc:
            self.retry_after = exc.retry_after
            return False
        return True

    def wait(self):
        return self.retry_after
