"""What the application holds in memory: the built graph, its resolver, and the query engine.

The graph in rdflib (for the REST calls, the pages and Linked Data) is loaded in a background thread, so that the
SPARQL endpoint — whose engine has the graph already, in its own processes — answers from the first moment; a
page asked for meanwhile waits for the load, it is never answered from half a graph.
"""

from __future__ import annotations

import threading

from rdflib import Dataset, Graph

from qhfin.config import Config
from qhfin.engine import Engine, open_engine
from qhfin.resolve import Resolver
from qhfin.store import load_with_union


class State:
    def __init__(self, config: Config, dataset: Dataset | None = None, graph: Graph | None = None,
                 resolver: Resolver | None = None, engine: Engine | None = None) -> None:
        self.config = config
        self._model: tuple[Dataset, Graph, Resolver] | None = None
        self._error: BaseException | None = None
        self._loaded = threading.Event()
        if dataset is not None and graph is not None:
            self._model = (dataset, graph, resolver or Resolver(graph))
            self._loaded.set()
        self._engine = engine
        self._engine_lock = threading.Lock()

    @classmethod
    def load(cls, config: Config, engine: Engine | None = None) -> State:
        """A state whose graph is being loaded; ``engine``, when given, is one already started."""
        state = cls(config, engine=engine)
        threading.Thread(target=state._load, name="qhfin-graph-load", daemon=True).start()
        return state

    def _load(self) -> None:
        try:
            dataset, graph = load_with_union(self.config)
            self._model = (dataset, graph, Resolver(graph))
        except BaseException as exc:  # kept, and raised to every request that needs the graph
            self._error = exc
        finally:
            self._loaded.set()

    def wait(self, timeout: float | None = None) -> bool:
        """True once the graph is loaded (or its load failed)."""
        return self._loaded.wait(timeout)

    def _get(self) -> tuple[Dataset, Graph, Resolver]:
        self._loaded.wait()
        if self._model is None:
            raise RuntimeError(f"the built graph could not be loaded: {self._error}")
        return self._model

    @property
    def dataset(self) -> Dataset:
        return self._get()[0]

    @property
    def graph(self) -> Graph:
        return self._get()[1]

    @property
    def resolver(self) -> Resolver:
        return self._get()[2]

    @property
    def engine(self) -> Engine:
        """The SPARQL engine, started on first use unless handed in: an app that never queries starts no workers."""
        with self._engine_lock:
            if self._engine is None:
                self._engine = open_engine(self.config)
            return self._engine

    def close(self) -> None:
        with self._engine_lock:
            if self._engine is not None:
                self._engine.close()
                self._engine = None
