"""What the application holds in memory: the built graph, its resolver, and (later) the query engine."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Dataset, Graph

from qhfin.build import union
from qhfin.config import Config
from qhfin.resolve import Resolver
from qhfin.store import load


@dataclass
class State:
    config: Config
    dataset: Dataset
    graph: Graph
    resolver: Resolver

    @classmethod
    def load(cls, config: Config) -> State:
        dataset = load(config)
        graph = union(dataset)
        return cls(config, dataset, graph, Resolver(graph))
