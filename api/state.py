"""What the application holds in memory: the built graph, its resolver, and (later) the query engine."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from rdflib import Dataset, Graph

from qhfin.config import Config
from qhfin.engine import Engine, open_engine
from qhfin.resolve import Resolver
from qhfin.store import load_with_union


@dataclass
class State:
    config: Config
    dataset: Dataset
    graph: Graph
    resolver: Resolver
    _engine: Engine | None = field(default=None, repr=False)
    _engine_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def engine(self) -> Engine:
        """The SPARQL engine, started on first use: an app that never queries starts no worker processes."""
        with self._engine_lock:
            if self._engine is None:
                self._engine = open_engine(self.config)
            return self._engine

    def close(self) -> None:
        with self._engine_lock:
            if self._engine is not None:
                self._engine.close()
                self._engine = None

    @classmethod
    def load(cls, config: Config) -> State:
        dataset, graph = load_with_union(config)
        return cls(config, dataset, graph, Resolver(graph))
