"""The embedded engine: pyoxigraph in worker processes, each query under a deadline that is really enforced.

The workers are forked from the forkserver with the built graph already loaded (``qhfin.shared_store``), or each
loads it when the forkserver holds another file. The guard runs in the worker too, next to the store.
"""

from __future__ import annotations

import logging

from .config import Config
from .engine import _Base
from .guard import Decision
from .pool import Pool, warm_forkserver
from .request import Request
from .serialize import Answer
from .shape import shape
from .shared_store import MODULES
from .workers import embedded_worker

log = logging.getLogger(__name__)


class EmbeddedEngine(_Base):
    """pyoxigraph in worker processes, forked with the built graph loaded (``qhfin.shared_store``), or each
    loading it when the forkserver holds another file."""

    def __init__(self, config: Config) -> None:
        warm_forkserver(MODULES, config.built_graph)  # unless already running (``qhfin serve`` starts it first)
        pool = Pool(embedded_worker, (str(config.built_graph), config.row_limit, config.worker_memory_mb),
                    config.workers, config.heavy_workers, config.heavy_after, preload=MODULES)
        super().__init__(config, pool)
        graphs, self.shared_graph = pool.info  # type: ignore[misc]
        self.graphs = tuple(graphs)
        log.info("query workers ready (%s)", "sharing the forkserver's graph" if self.shared_graph else "each loaded the graph")

    def _run(self, request: Request, decision: Decision | None) -> tuple[Decision, Answer]:
        return self._call((request, decision, self.graphs), key=(shape(request.text), request.bindings))  # type: ignore[return-value]
