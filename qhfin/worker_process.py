"""One worker process and its end of the pipe to it: started, waited for, asked whether it is still there, ended.

The pool (``qhfin.pool``) decides which worker runs what and when one is ended; this is the process itself. What
runs inside it is ``qhfin.workers``.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import time
from collections.abc import Callable


class StartFailed(Exception):
    """A worker could not start; the message says why (e.g. the graph file does not parse, with its line)."""


WAKE = "wake"  # to an idle worker: a query is on its way (``Pool.wake``); it polls for it for AWAKE seconds
AWAKE = 0.002
ANSWER_BUFFER = 4 * 1024 * 1024  # bytes the pipe to a worker holds: a large answer crosses in one write


def _buffered(end) -> None:
    """Give the pipe's socket (a Unix socket pair) buffers an answer fits in: with the default 208 KB, a 600 KB
    answer crossed in a dozen turns of writer and reader, 0.5–1 ms of its time. The kernel caps the size
    (``net.core.wmem_max``); what it grants is enough either way."""
    with contextlib.suppress(OSError):
        sock = socket.socket(fileno=os.dup(end.fileno()))
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, ANSWER_BUFFER)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, ANSWER_BUFFER)
        finally:
            sock.close()


def polled(conn, seconds: float) -> bool:
    """Whether ``conn`` has something to read within ``seconds``, found by polling it without sleeping: a sleeping
    thread or process, and its core, take a tenth of a millisecond or more to wake (``qhfin.pool``)."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        if select.select((conn,), (), (), 0)[0]:
            return True
    return False


class Worker:
    """One process and its end of a pipe. The process sends ("ready", info) or ("failed", message) first."""

    def __init__(self, ctx, target: Callable, args: tuple) -> None:
        self.conn, child = ctx.Pipe()
        for end in (self.conn, child):
            _buffered(end)
        self.process = ctx.Process(target=target, args=(child, *args), daemon=True)
        self.process.start()
        child.close()
        self.info: object = None

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise StartFailed(f"worker did not start within {timeout:.0f} s")
        try:
            kind, payload = self.conn.recv()
        except EOFError:
            self.kill()
            raise StartFailed("worker exited while starting") from None
        if kind != "ready":
            self.kill()
            raise StartFailed(str(payload))
        self.info = payload

    def ended(self) -> bool:
        """An idle worker whose end of the pipe is readable has ended — killed while it waited (the kernel's OOM
        killer, an operator) — for an idle worker sends nothing. One non-blocking ``select``: a few microseconds."""
        return bool(select.select([self.conn], [], [], 0)[0])

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()

    def retire(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.process.join(1)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()
