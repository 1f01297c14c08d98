"""Starting the service: check what it will serve, then hand a WSGI app to a production server.

The checks come first and fail loudly: a missing graph is built (and validated) once; a graph file that does not
parse, or a named query whose header does not parse, stops the start with a message naming the file and line.
The WSGI app is handed in (``api.create_app``), so this module never imports Flask.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from .atomic import clean_project, stale
from .config import Config
from .engine import Engine, GraphFileError, open_engine
from .errors import QhfinError
from .queries import QueryFileError, load_queries

log = logging.getLogger(__name__)
T = TypeVar("T")


class StartError(QhfinError, RuntimeError):
    """The service cannot start; the message says what to fix, naming the file (and line)."""


def prepare(config: Config) -> None:
    """Make sure the graph to serve has passed the gate (a missing or stale build goes through ``store.gate``, the
    same as ``qhfin build``) and the named queries load."""
    path = config.built_graph
    clean_project(config.graph_dir, config.build_dir)
    if not config.sparql_endpoint and (not path.exists() or stale(config)):
        from .build import BuildError
        from .store import GateError, gate

        log.warning("%s is %s: building it through the gate (qhfin build)", path, "stale" if path.exists() else "missing")
        try:
            gate(config)
        except BuildError as exc:
            raise StartError(f"{path} 无法构建 / cannot be built: {exc}") from None
        except GateError as exc:
            raise StartError(f"{path}: {exc}") from None
    try:
        load_queries(config.queries_dir, cache=config.query_cache)  # the graph file: each embedded worker checks it as it loads it
    except QueryFileError as exc:
        raise StartError(str(exc)) from None


def start(config: Config, meanwhile: Callable[[Callable[[], Engine]], T]) -> tuple[Engine, T]:
    """Check what will be served and start the query engine; the engine's processes load the graph while this
    process checks the named queries and runs ``meanwhile`` (the web layer's imports, the app made). ``meanwhile``
    is handed a function that waits for the engine, for what will need it later (the app's first query).
    Refusals are StartError."""
    box: dict[str, object] = {}
    lock = threading.Lock()

    def open_it() -> None:
        try:
            box["engine"] = open_engine(config)
        except GraphFileError as exc:
            box["error"] = exc

    opener = None
    if config.sparql_endpoint or (config.built_graph.exists() and not stale(config)):  # else: the gate first
        opener = threading.Thread(target=open_it, name="qhfin-engine-start")
        opener.start()

    def engine() -> Engine:
        with lock:
            if opener is not None:
                opener.join()
            elif not box:  # the graph was just built
                open_it()
        if "error" in box:
            raise StartError(str(box["error"]))
        return box["engine"]  # type: ignore[return-value]

    try:
        prepare(config)
        result = meanwhile(engine)
    finally:
        if opener is not None:
            opener.join()
    return engine(), result


def process_start() -> float:
    """When this process started, on the ``time.monotonic`` clock: "ready in" then counts the interpreter's start
    and the imports before ``qhfin serve`` runs (a third of a second), as a user timing the command would. Linux's
    /proc gives it; elsewhere, now."""
    try:
        with open("/proc/self/stat", "rb") as stat:
            ticks = int(stat.read().rpartition(b")")[2].split()[19])  # field 22, starttime (after the command name)
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return time.monotonic()
    return time.monotonic() - max(0.0, age)
