"""Rate-limit slots: taken atomically, freed by time or given back, shared by all callers."""

import threading
import time

import pytest
from django.db import connection

from annotations import rate_limits
from annotations.rate_limits import Rate


@pytest.mark.django_db(transaction=True)
def test_callers_racing_for_slots_never_take_more_than_the_limit():
    """Twelve threads, each with its own database connection, at once, for five slots."""
    rate, barrier, outcomes = Rate(5, 60), threading.Barrier(12), []

    def attempt():
        try:
            barrier.wait(timeout=10)
            rate_limits.take_slots(["race"], rate)
            outcomes.append("taken")
        except rate_limits.RateLimited:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["refused"] * 7 + ["taken"] * 5


@pytest.mark.django_db
def test_a_slot_given_back_is_free_again_and_retry_after_counts_down_the_window():
    rate = Rate(2, 60)
    first = rate_limits.take_slots(["k"], rate)
    rate_limits.take_slots(["k"], rate)
    with pytest.raises(rate_limits.RateLimited) as refused:
        rate_limits.take_slots(["k"], rate)
    assert 50 <= refused.value.retry_after <= 60  # the window, counted from the first slot

    rate_limits.give_back(first)

    assert rate_limits.take_slots(["k"], rate)


@pytest.mark.django_db
def test_several_keys_take_a_slot_each_or_none():
    rate = Rate(1, 60)
    rate_limits.take_slots(["full"], rate)

    with pytest.raises(rate_limits.RateLimited):
        rate_limits.take_slots(["free", "full"], rate)

    assert rate_limits.take_slots(["free"], rate)  # the refused call gave its slot back


@pytest.mark.django_db
def test_a_slot_frees_itself_when_its_window_has_passed():
    # The database cache keeps expiry times in whole seconds: a 3 s slot lasts over 2 s.
    rate = Rate(1, 3)
    rate_limits.take_slots(["short"], rate)
    with pytest.raises(rate_limits.RateLimited):
        rate_limits.take_slots(["short"], rate)

    time.sleep(3.2)

    assert rate_limits.take_slots(["short"], rate)


@pytest.mark.django_db
@pytest.mark.parametrize("events", [100, 10_000])
def test_a_high_limit_costs_what_a_low_one_does_and_still_holds(
    django_assert_max_num_queries, events
):
    """A limit of 10,000 a minute (the peers' export setting) does not read 10,000 slots."""
    rate = Rate(events, 60)
    with django_assert_max_num_queries(12):
        rate_limits.take_slots(["wide"], rate)


@pytest.mark.django_db
def test_a_ring_of_slots_refuses_at_its_limit_and_reuses_what_was_given_back():
    rate = Rate(rate_limits.SCAN_ALL_UP_TO + 1, 60)
    slots = [rate_limits.take_slots(["ring"], rate)[0] for _ in range(rate.events)]
    assert len(set(slots)) == rate.events
    with pytest.raises(rate_limits.RateLimited):
        rate_limits.take_slots(["ring"], rate)

    rate_limits.give_back([slots[3]])  # out of the ring's order: found by the full scan

    assert rate_limits.take_slots(["ring"], rate) == [slots[3]]
