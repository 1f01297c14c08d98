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


def start(config: Config, meanwhile: Callable[[], T]) -> tuple[Engine, T]:
    """Check what will be served and start the query engine; the engine's processes load the graph while this
    process checks the named queries and runs ``meanwhile`` (the web layer's imports). Refusals are StartError."""
    box: dict[str, object] = {}

    def open_it() -> None:
        try:
            box["engine"] = open_engine(config)
        except GraphFileError as exc:
            box["error"] = exc

    opener = None
    if config.sparql_endpoint or (config.built_graph.exists() and not stale(config)):  # else: the gate first
        opener = threading.Thread(target=open_it, name="qhfin-engine-start")
        opener.start()
    try:
        prepare(config)
        result = meanwhile()
    finally:
        if opener is not None:
            opener.join()
    if opener is None:  # the graph was just built
        open_it()
    if "error" in box:
        raise StartError(str(box["error"]))
    return box["engine"], result  # type: ignore[return-value]


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


def run(app: Callable, config: Config, started: float, channel: type | None = None) -> None:
    """Serve ``app``: waitress unless ``debug`` (then Flask's reloading development server). ``channel``, a
    subclass of waitress's HTTPChannel, is how the web layer reads request lines and words waitress's refusals."""
    url = f"http://{config.host}:{config.port}/"
    print(f"qhfin 已就绪 / ready in {time.monotonic() - started:.2f} s: {url}  (SPARQL: {url}sparql)", flush=True)
    if config.debug:
        app.run(host=config.host, port=config.port, debug=True, use_reloader=False)  # type: ignore[attr-defined]
        return
    import waitress

    threads = max(16, 4 * config.workers)  # a thread waiting on a worker or a lane costs little; a missing one queues everyone
    sockets: dict = {}
    # outbuf_overflow: waitress spools an answer over 1 MB (its default) to a temporary file before sending it;
    # answers are bounded by the row limit, so they are kept in memory up to 32 MB
    # connection_limit: a slow client costs a slot, not a thread (waitress reads asynchronously); the channel evicts
    # idle and slow connections long before the limit (api.wire), so it is set high, well under the fd limit
    server = waitress.create_server(app, map=sockets, host=config.host, port=config.port, threads=threads,
                                    connection_limit=1024, channel_timeout=max(30, int(config.time_limit) + 5),
                                    cleanup_interval=5, outbuf_overflow=32 * 1024 * 1024, ident="qhfin")
    if channel is not None:
        channel = type(channel.__name__, (channel,), {"request_deadline": config.request_deadline})
    for listener in list(sockets.values()):  # one per address the host name resolves to
        if channel is not None and hasattr(listener, "channel_class"):
            listener.channel_class = channel
    server.run()
