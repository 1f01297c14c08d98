"""Counts of a whole store that may take longer than a page may wait.

VoID gives the dataset's size: its triples (each once), entities, subjects and classes, and each named graph's
triples. On the plan's graph all of that is counted in a tenth of a second; on an external store of 5 M quads the
distinct triples alone take seven seconds, and the VoID page, which waited for them, answered 12.5 s after it was
asked (bench/facade-5M-2026-12-06.md). So a tally is counted in the background, once per graph version however many
ask at once, and a page waits for it at most as long as it chooses: what is not counted by then is left out of the
answer, which says so, and the next request finds it counted. A count of an earlier version is kept until the next
is in: on an external store the version is a time bucket (``QHFIN_CACHE_SECONDS``), and a count a bucket old is a
better answer than none. A count that fails (the store refused it, or it ran past ``QHFIN_TIME_LIMIT``) is not
tried again for that version: a store too large to count is not asked to count on every request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Count(Generic[T]):
    """A tally's value, the graph version it counted and when the count began (seconds since the epoch): what
    the store held then."""

    value: T
    version: str
    at: float


class Tally:
    """Tallies by key, each counted in a thread of its own (see the module's docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done: dict[Hashable, Count] = {}
        self._running: dict[Hashable, tuple[str, threading.Event]] = {}
        self._failed: dict[Hashable, tuple[str, BaseException]] = {}

    def get(self, key: Hashable, version: str, count: Callable[[], T], wait: float | None) -> Count[T] | None:
        """The count of ``version`` if it is in within ``wait`` seconds (None: as long as it takes); else the last
        count of an earlier version, or None. With ``wait`` None a failed count raises its error."""
        with self._lock:
            done = self._done.get(key)
            if done is not None and done.version == version:
                return done
            failed = self._failed.get(key)
            if failed is not None and failed[0] == version:
                if wait is None:
                    raise failed[1]
                return done
            running = self._running.get(key)
            if running is None or running[0] != version:
                running = self._running[key] = (version, threading.Event())
                threading.Thread(target=self._count, args=(key, version, count, running[1]), daemon=True,
                                 name=f"qhfin-tally-{key}").start()
        running[1].wait(wait)
        with self._lock:
            done = self._done.get(key)
            failed = self._failed.get(key)
        if wait is None and (done is None or done.version != version) and failed is not None and failed[0] == version:
            raise failed[1]
        return done

    def failed(self, key: Hashable, version: str) -> BaseException | None:
        """Why the count of ``version`` failed, if it did."""
        with self._lock:
            failed = self._failed.get(key)
        return failed[1] if failed is not None and failed[0] == version else None

    def _count(self, key: Hashable, version: str, count: Callable[[], T], finished: threading.Event) -> None:
        began = time.time()
        try:
            value = count()
        except Exception as exc:  # noqa: BLE001 — said to whoever waits; a page leaves the figure out
            log.warning("counting %s failed: %s", key, exc)
            with self._lock:
                self._failed[key] = (version, exc)
        else:
            with self._lock:
                done = self._done.get(key)
                if done is None or done.at <= began:  # a count begun later (of a newer version) may have landed first
                    self._done[key] = Count(value, version, began)
        finally:
            with self._lock:
                if self._running.get(key, (None,))[0] == version:
                    del self._running[key]
            finished.set()


__all__ = ["Count", "Tally"]
