"""Worker processes that run queries under a deadline that is really enforced.

Neither rdflib nor pyoxigraph can cancel a running query, so each query runs in a worker process and a query past
its deadline is ended by ending its process; a fresh worker takes its place. Two lanes keep simple queries answered
during a burst of heavy ones: every query starts in the fast lane; one still running after ``heavy_after`` seconds
moves to the heavy lane — its process is given a lower CPU priority and a fresh worker replaces it in the fast lane —
and when the heavy lane is full it is ended at once. A text that was heavy before goes straight to the heavy lane,
and a text known to be quick is served before unknown ones and is never moved (if it is slow now, the machine is
busy, not the query heavy).

"Text" here is the caller's key: the engine passes the query's shape (``qhfin.shape``), so a unique comment or
literal does not make a heavy query new again. And queries not known to be quick never hold the last fast worker
(it stays free for the known-quick ones: ``ASK {}``, the pages' queries) and wait at most ``unknown_wait`` seconds
for a worker before they are refused as busy, so a burst of new heavy texts cannot queue in front of everything.

A process or thread put to sleep, and the core it ran on, take 0.1–0.25 ms to wake (measured on this project's
2-core virtual machine), and a small query crosses two such sleeps: the worker's, waiting for it, and the service
thread's, waiting for its answer. So while no query is running, the worker the next one will most likely go to is
told to stay awake while its text is guarded (``wake``: it polls its pipe for a few milliseconds instead of
sleeping), and a query alone in the pool is waited for by polling its pipe for up to ``SPIN`` seconds before
sleeping on it (``_answered``). Only then, and only on a machine with a core to spare: with other queries running,
the cores are theirs.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable

from .worker_process import WAKE, StartFailed, Worker, polled

log = logging.getLogger(__name__)


def _cores() -> int:
    """The cores this process may run on (a cpuset or ``taskset`` counted, unlike ``os.cpu_count``)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Deadline(Exception):
    """The query was still running when its time ran out; its worker was ended."""


class Full(Exception):
    """No worker could take the query in time, or the heavy lane was full."""


class Crashed(Exception):
    """The worker died while running the query (out of memory, or a crash in the engine)."""


class Pool:
    """``size`` fast-lane workers and at most ``heavy`` long-running ones, each running ``target(conn, *args)``."""

    KNOWN_LIMIT = 50_000  # texts remembered as quick or heavy
    SPIN = 0.001  # seconds a query alone in the pool is polled for before its thread sleeps (``_answered``)
    UNKNOWN_WAIT = 2.0  # seconds a query not known to be quick waits for a worker before it is refused as busy

    def __init__(self, target: Callable, args: tuple, size: int, heavy: int, heavy_after: float,
                 start_timeout: float = 120.0, preload: tuple[str, ...] = ()) -> None:
        self._ctx = multiprocessing.get_context("forkserver")
        # imported once, inherited by every worker
        self._ctx.set_forkserver_preload(list(dict.fromkeys((*preload, target.__module__))))
        self._target, self._args = target, args
        self._heavy_after, self._start_timeout = heavy_after, start_timeout
        self._cond = threading.Condition()
        self._idle: list[Worker] = []
        self._waiting: list[tuple[int, int]] = []
        self._tickets = itertools.count()
        self._heavy = threading.BoundedSemaphore(max(0, heavy)) if heavy > 0 else None
        self._known: dict[object, bool] = {}  # key → True when it was quick last time, False when heavy
        self._unproven = 0  # fast workers now running a query not known to be quick
        self._running = 0  # queries now in a worker, in either lane
        self._spin = self.SPIN if _cores() > 1 else 0.0  # on one core, a poll would take the worker's time
        self._closed = False
        self.size = size
        # all at once (each loads the graph in its own process, so they load side by side); a failure is loud here,
        # before anything listens
        starting = [Worker(self._ctx, self._target, self._args) for _ in range(max(1, size))]
        try:
            for worker in starting:
                worker.wait_ready(self._start_timeout)
        except StartFailed:
            for worker in starting:
                if worker.info is None:
                    worker.kill()
                else:
                    worker.retire()
            raise
        self.info = starting[0].info
        self._idle.extend(starting)

    def _start_worker(self) -> Worker:
        worker = Worker(self._ctx, self._target, self._args)
        worker.wait_ready(self._start_timeout)
        return worker

    def _replace(self) -> None:
        """Start a fresh fast-lane worker in the background, so the caller does not wait for it."""

        def start() -> None:
            try:
                worker = self._start_worker()
            except StartFailed:
                log.exception("a replacement worker failed to start")
                return
            with self._cond:
                if self._closed:
                    worker.retire()
                    return
                self._idle.append(worker)
                self._cond.notify_all()

        threading.Thread(target=start, name="qhfin-worker-start", daemon=True).start()

    def wake(self) -> None:
        """Tell the worker the next query will most likely go to (the last one freed: ``_acquire`` takes it) to stay
        awake for it, when no query is running (see the module's docstring). Sent under the lock, to a worker
        that is idle, so no query is being sent to it at the same time; it answers nothing."""
        if self._spin and self._running == 0:
            with self._cond:
                if self._idle and self._running == 0:
                    with contextlib.suppress(OSError):
                        self._idle[-1].conn.send(WAKE)

    def _acquire(self, priority: int, deadline: float) -> Worker:
        """A fast worker; ``priority`` 1 (not known to be quick) never takes the last one and waits less."""
        unproven = priority > 0
        if unproven:
            deadline = min(deadline, time.monotonic() + self.UNKNOWN_WAIT)
        with self._cond:
            ticket = (priority, next(self._tickets))
            heapq.heappush(self._waiting, ticket)
            try:
                while True:
                    while not (self._idle and self._waiting[0] == ticket
                               and not (unproven and self.size > 1 and self._unproven >= self.size - 1)):
                        remaining = deadline - time.monotonic()
                        if remaining <= 0 or self._closed:
                            raise Full("no worker became free in time")
                        self._cond.wait(remaining)
                    worker = self._idle.pop()
                    if not worker.ended():
                        break
                    # killed while it waited (the OOM killer, an operator): never the query's fault, which waits
                    # for the next worker, as any query does
                    log.warning("query worker %s had ended while idle; starting another", worker.process.pid)
                    self._end(worker)
                if unproven:
                    self._unproven += 1
                self._running += 1
                return worker
            finally:
                self._waiting.remove(ticket)
                heapq.heapify(self._waiting)
                self._cond.notify_all()

    def _release(self, worker: Worker) -> None:
        with self._cond:
            self._idle.append(worker)
            self._cond.notify_all()

    def _remember(self, key: object, quick: bool) -> None:
        if key is None:
            return
        if len(self._known) >= self.KNOWN_LIMIT:
            self._known.clear()
        self._known[key] = quick

    def call(self, message: object, time_limit: float, key: object = None) -> object:
        """Send ``message`` to a worker and return its answer, or raise Deadline / Full / Crashed."""
        deadline = time.monotonic() + time_limit
        known = self._known.get(key)
        lane = False  # holding a place in the heavy lane
        if known is False:  # heavy before: refused at once when its lane is full, before it takes (and costs) a worker
            if self._heavy is None or not self._heavy.acquire(blocking=False):
                raise Full("the heavy lane is full")
            lane = True
        try:
            return self._call(message, deadline, key, known, lane)
        finally:
            if lane:
                self._heavy.release()  # type: ignore[union-attr]

    def _call(self, message: object, deadline: float, key: object, known: bool | None, lane: bool) -> object:
        worker = self._acquire(0 if known else 1, deadline)
        try:
            return self._run(worker, message, deadline, key, known, lane)
        finally:
            with self._cond:
                self._running -= 1
                if not known:
                    self._unproven -= 1
                    self._cond.notify_all()

    def _run(self, worker: Worker, message: object, deadline: float, key: object, known: bool | None,
             lane: bool) -> object:
        try:
            worker.conn.send(message)
        except OSError:
            worker.kill()
            self._replace()
            raise Crashed("worker gone") from None
        if known is not False and self._answered(worker, max(0.0, min(self._heavy_after, deadline - time.monotonic()))):
            return self._receive(worker, key, quick=True, demoted=False)
        if known:  # quick before, so slow now only because the machine is busy: it keeps its place until its deadline
            if worker.conn.poll(max(0.0, deadline - time.monotonic())):
                return self._receive(worker, key, quick=True, demoted=False)
            self._end(worker)
            raise Deadline()
        if time.monotonic() >= deadline:
            self._end(worker)
            raise Deadline()
        if not lane and (self._heavy is None or not self._heavy.acquire(blocking=False)):
            self._end(worker)
            self._remember(key, False)
            raise Full("the heavy lane is full")
        try:
            self._demote(worker)
            self._remember(key, False)
            if worker.conn.poll(max(0.0, deadline - time.monotonic())):
                return self._receive(worker, key, quick=False, demoted=True)
            worker.kill()
            raise Deadline()
        finally:
            if not lane:
                self._heavy.release()  # type: ignore[union-attr]

    def _answered(self, worker: Worker, timeout: float) -> bool:
        """Whether ``worker`` answers within ``timeout`` seconds: polled for the first ``SPIN`` of them when its
        query is the only one running (see the module's docstring), then slept on."""
        if self._spin and self._running == 1:
            if polled(worker.conn, min(self._spin, timeout)):
                return True
            timeout = max(0.0, timeout - self._spin)
        return worker.conn.poll(timeout)

    def _receive(self, worker: Worker, key: object, quick: bool, demoted: bool) -> object:
        try:
            answer = worker.conn.recv()
        except (EOFError, OSError):
            worker.kill()
            if not demoted:
                self._replace()
            raise Crashed("worker died") from None
        if demoted:
            worker.retire()  # its replacement already runs in the fast lane
        else:
            self._remember(key, quick)
            self._release(worker)
        return answer

    def _demote(self, worker: Worker) -> None:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, worker.process.pid, 10)
        self._replace()

    def _end(self, worker: Worker) -> None:
        worker.kill()
        self._replace()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._cond.notify_all()
        for worker in idle:
            worker.retire()
