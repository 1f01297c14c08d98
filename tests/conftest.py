"""One build of the real graph per test session; tests read it, none changes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from qhfin.build import build, union
from qhfin.config import Config
from qhfin.source import parse, read_source

EXAMPLES = Path(__file__).parent / "examples"


@pytest.fixture(scope="session")
def config() -> Config:
    return Config.from_env()


@pytest.fixture(scope="session")
def source(config: Config) -> str:
    return read_source(config.source_file)


@pytest.fixture(scope="session")
def dataset(config: Config) -> Dataset:
    return build(config)


@pytest.fixture(scope="session")
def graph(dataset: Dataset) -> Graph:
    return union(dataset)


@pytest.fixture(scope="session")
def plan(source: str, graph: Graph):
    from qhfin.namespaces import QHFIN

    run_in = [str(graph.value(r, QHFIN.originalText)) for r in graph.subjects(QHFIN.repairKind, QHFIN.RunInParagraph)]
    return parse(source, run_in)
