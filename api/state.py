"""What the application holds: the query engine, the reader of named queries through it, and — only for the
consumers not yet ported to the reader — a copy of the whole graph in rdflib.

The pages, the REST API and the name resolver read bounded views through ``reader`` (issue 14, ``qhfin.views``);
nothing of theirs needs the whole graph. The rdflib copy (``graph``, ``dataset``: Linked Data, the explorer and the
evaluation still walk it) is loaded on its first use only, in a background thread, so that a service whose pages
never need it never holds it; a request that needs it meanwhile waits for the load (then, past the time limit,
gets a 503 saying so), it is never answered from half a graph.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import sys
import threading
from collections.abc import Iterator

from rdflib import Dataset, Graph

from qhfin import views
from qhfin.config import Config
from qhfin.engine import Engine, open_engine
from qhfin.reader import Reader, reader_for
from qhfin.resolve import Resolver
from qhfin.sparql import SparqlError
from qhfin.store import from_quads, load_with_union

from .errors import ApiError

log = logging.getLogger(__name__)


_SWITCH = sys.getswitchinterval()
_loads = 0
_loads_lock = threading.Lock()


@contextlib.contextmanager
def _quick_switching() -> Iterator[None]:
    """The GIL's switch interval at 0.5 ms while any graph load runs, as it was once none does."""
    global _loads
    with _loads_lock:
        _loads += 1
        sys.setswitchinterval(min(_SWITCH, 0.0005))
    try:
        yield
    finally:
        with _loads_lock:
            _loads -= 1
            if not _loads:
                sys.setswitchinterval(_SWITCH)


@contextlib.contextmanager
def _for_good(permanent: bool) -> Iterator[None]:
    """For a graph kept until the process ends (``qhfin serve``): the cyclic garbage collector paused while it is
    built, and what it built moved out of the collector's sight afterwards (``gc.freeze``).

    The load makes millions of objects that all live on, yet the collector walks them all again and again as they
    are made (a third of the load's time at 0.5 M quads: 32 s → 22 s), and afterwards every full collection walks
    them once more — two seconds at 0.5 M quads (measured; at 5 M, ten times as many objects), with every request
    stopped meanwhile. Not for a graph that may be dropped (the tests' apps): frozen objects in a reference cycle
    are never freed."""
    if not permanent:
        yield
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()  # only what a load that succeeded built
    finally:
        if enabled:
            gc.enable()


class State:
    def __init__(self, config: Config, dataset: Dataset | None = None, graph: Graph | None = None,
                 resolver: Resolver | None = None, engine: Engine | None = None, permanent: bool = False) -> None:
        self.config = config
        self._model: tuple[Dataset, Graph] | None = None
        self._error: BaseException | None = None
        self._loaded = threading.Event()
        self._started = False  # the whole graph's load: begun on its first use (``_start``)
        if dataset is not None and graph is not None:
            self._model = (dataset, graph)  # ``resolver``: accepted for old callers; names come from the names view
            self._loaded.set()
            self._started = True
        self._engine = engine
        self._engine_lock = threading.Lock()
        self._reader: Reader | None = None
        self._closed = threading.Event()
        self.permanent = permanent  # the graph is kept until the process ends (``_for_good``)

    @classmethod
    def load(cls, config: Config, engine: Engine | None = None, permanent: bool = False) -> State:
        """A state whose whole graph will be loaded when first asked for; ``engine``, when given, is one already
        started; ``permanent``: the graph will be kept until the process ends (``qhfin serve``), so the garbage
        collector may stop looking at it."""
        return cls(config, engine=engine, permanent=permanent)

    def _start(self) -> None:
        """Begin loading the whole graph, once: on the first request of a consumer that walks it."""
        with self._engine_lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._load, name="qhfin-graph-load", daemon=True).start()

    def _load(self) -> None:
        """From the built file; or, on an external engine, from the external store itself (so that the pages show
        what the SPARQL endpoint answers from, and the service needs no build of its own), retried until the
        store answers.

        The load is seconds of pure Python holding the GIL; a request thread waits up to the switch interval
        (5 ms) for it at each of the dozen hand-overs of a request, so while it runs the interval is cut to
        0.5 ms: SPARQL answered meanwhile takes a few milliseconds more, not fifty."""
        with _quick_switching():
            try:
                self._load_retrying()
            finally:
                self._loaded.set()

    def _load_retrying(self) -> None:
        delay = 1.0
        while True:
            try:
                with _for_good(self.permanent):
                    if self.config.sparql_endpoint:
                        dataset, graph = from_quads(self.engine.dataset_quads())  # type: ignore[attr-defined]
                    else:
                        dataset, graph = load_with_union(self.config)
                    self._model = (dataset, graph)
                break
            except SparqlError as exc:  # the external store is down or odd: the pages wait, and say so
                self._error = exc
                log.warning("the pages' graph cannot be read from %s yet (%s); retrying in %.0f s",
                            self.config.sparql_endpoint, exc.en, delay)
                if self._closed.wait(delay):
                    break
                delay = min(delay * 2, 30.0)
            except BaseException as exc:  # kept, and raised to every request that needs the graph
                self._error = exc
                break

    def wait(self, timeout: float | None = None) -> bool:
        """True once the graph is loaded (or its load failed); begins the load if nothing has yet."""
        self._start()
        return self._loaded.wait(timeout)

    def _get(self) -> tuple[Dataset, Graph]:
        self._start()
        # a load under way is waited for; a store known to be down is said at once
        if not self._loaded.wait(0 if self._error is not None else self.config.time_limit + 60) or self._model is None:
            error = self._error
            raise ApiError(503, "页面所需的数据尚未载入，请稍后再试", "The data the pages read is not loaded yet; try again shortly",
                           "graph-loading", f"{type(error).__name__}: {getattr(error, 'en', error)}" if error else None)
        return self._model

    @property
    def dataset(self) -> Dataset:
        return self._get()[0]

    @property
    def graph(self) -> Graph:
        return self._get()[1]

    @property
    def resolver(self) -> Resolver:
        """Every name of every named thing, from the names view through the engine (``qhfin.views.resolver``): no
        copy of the whole graph is needed to read a name."""
        return views.resolver(self.reader)

    @property
    def engine(self) -> Engine:
        """The SPARQL engine, started on first use unless handed in: an app that never queries starts no workers."""
        with self._engine_lock:
            if self._engine is None:
                self._engine = open_engine(self.config)
            return self._engine

    @property
    def reader(self) -> Reader:
        """The graph read through the engine by named queries (``qhfin.reader``): what the pages show."""
        with self._engine_lock:
            reader = self._reader
        if reader is None:
            reader = reader_for(self.config, self.engine)
            with self._engine_lock:
                self._reader = self._reader or reader
        return self._reader

    def close(self) -> None:
        self._closed.set()
        with self._engine_lock:
            if self._engine is not None:
                self._engine.close()
                self._engine = None
