"""What the application holds: the query engine, the reader over it, and nothing of the graph itself.

Every page, REST answer, Linked Data description and the explorer read what they show through the engine
(``qhfin.reader``: named queries, values as bindings), and what is built from an answer is remembered per graph
version (``qhfin.version``). So the service's memory does not grow with the store, a page answers from the first
moment the engine does, and a change made in an external store shows within ``QHFIN_CACHE_SECONDS``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from qhfin import views
from qhfin.config import Config
from qhfin.engine import Engine, open_engine
from qhfin.reader import Reader, reader_for
from qhfin.resolve import Resolver


class State:
    def __init__(self, config: Config, engine: Engine | Callable[[], Engine] | None = None) -> None:
        """``engine``, when given, is one already started (tests share theirs), or a function that gives it once
        it has (``qhfin serve`` starts it while the app is made)."""
        self.config = config
        self._opening = engine if callable(engine) else None
        self._engine = None if callable(engine) else engine
        self._lock = threading.Lock()
        self._reader: Reader | None = None

    @property
    def engine(self) -> Engine:
        """The SPARQL engine, started on first use unless handed in: an app that never queries starts no workers."""
        with self._lock:
            if self._engine is None:
                self._engine = self._opening() if self._opening else open_engine(self.config)
            return self._engine

    @property
    def reader(self) -> Reader:
        """The graph read through the engine by named queries (``qhfin.reader``): what the pages show."""
        with self._lock:
            reader = self._reader
        if reader is None:
            reader = reader_for(self.config, self.engine)
            with self._lock:
                self._reader = reader = self._reader or reader
        return reader

    @property
    def resolver(self) -> Resolver:
        """Every name of every named thing, from the names view through the engine (``qhfin.views.resolver``): no
        copy of the whole graph is needed to read a name."""
        return views.resolver(self.reader)

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.close()
                self._engine = None
