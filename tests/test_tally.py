"""The whole store's counts (VoID's): counted once however many ask, the last count given while the next is made,
and a store that cannot count is not asked again on every request."""

from __future__ import annotations

import threading
import time

import pytest

from qhfin.tally import Tally


class SlowCount:
    """A count that takes ``seconds`` and says how often it was made."""

    def __init__(self, seconds: float, value: object = 42) -> None:
        self.seconds, self.value, self.calls = seconds, value, 0

    def __call__(self) -> object:
        self.calls += 1
        time.sleep(self.seconds)
        if isinstance(self.value, Exception):
            raise self.value
        return self.value


def test_sixteen_pages_asking_at_once_make_one_count():
    tally, count = Tally(), SlowCount(0.3)
    answers: list = []
    threads = [threading.Thread(target=lambda: answers.append(tally.get("n", "v1", count, None))) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert count.calls == 1 and {a.value for a in answers} == {42}


def test_a_page_that_cannot_wait_answers_at_once_and_finds_the_count_later():
    tally, count = Tally(), SlowCount(0.3)
    started = time.monotonic()
    assert tally.get("n", "v1", count, 0.05) is None
    assert time.monotonic() - started < 0.25
    assert tally.get("n", "v1", count, None).value == 42 and count.calls == 1


def test_the_last_count_is_given_while_the_store_changed_is_counted_again():
    tally = Tally()
    tally.get("n", "v1", SlowCount(0, 1), None)
    recount = SlowCount(0.3, 2)
    stale = tally.get("n", "v2", recount, 0.0)
    assert stale.value == 1 and stale.version == "v1"  # a figure a bucket old, said to be so
    fresh = tally.get("n", "v2", recount, None)
    assert fresh.value == 2 and fresh.version == "v2" and fresh.at >= stale.at


def test_a_count_the_store_refused_is_not_asked_again_for_that_version():
    tally, count = Tally(), SlowCount(0, TimeoutError("ran past the time limit"))
    assert tally.get("n", "v1", count, 1.0) is None
    assert tally.get("n", "v1", count, 1.0) is None
    assert isinstance(tally.failed("n", "v1"), TimeoutError) and count.calls == 1
    with pytest.raises(TimeoutError):  # a caller that must have the figure hears why it has none
        tally.get("n", "v1", count, None)
    assert tally.get("n", "v2", SlowCount(0, 7), None).value == 7  # the next version is counted afresh
