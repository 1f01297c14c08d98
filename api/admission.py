"""Admission for work that holds a thread and the CPU for long: at most ``slots`` at once, the rest refused fast.

16 concurrent ``/api/export/png`` renders pushed ``/api/measures`` from 10 ms to 4–10 s (issue 16): each render
waited for matplotlib's process-wide lock while holding one of the server's threads, until no thread was left for
anyone. A lane admits its ``slots`` and lets a request wait ``wait`` seconds for a place; past that it answers 503
with the limit named and a ``Retry-After``, so light requests keep their threads and their latency.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from .errors import ApiError


class Lane:
    def __init__(self, name_zh: str, name_en: str, slots: int, wait: float) -> None:
        self.name_zh, self.name_en, self.slots, self.wait = name_zh, name_en, slots, wait
        self._places = threading.BoundedSemaphore(slots)

    @contextlib.contextmanager
    def admitted(self) -> Iterator[None]:
        if not self._places.acquire(timeout=self.wait):
            raise ApiError(503, f"服务繁忙：同时进行的{self.name_zh}已达上限（{self.slots}），请稍后再试",
                           f"busy: {self.slots} {self.name_en} at once is the limit; try again shortly", "busy",
                           f"retry-after: 2; {self.name_en}: {self.slots} at once")
        try:
            yield
        finally:
            self._places.release()


RENDERS = Lane("绘图", "picture renders", slots=1, wait=0.1)
