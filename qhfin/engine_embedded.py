"""The embedded engine: pyoxigraph in worker processes, each query under a deadline that is really enforced.

The workers are forked from the forkserver with the built graph already loaded (``qhfin.shared_store``), or each
loads it when the forkserver holds another file. The guard's tokens are read here, in the service; the syntax is
judged in the worker, by the store's own parse of the text it runs.
"""

from __future__ import annotations

import logging

from .config import Config
from .engine import LEX_HERE, _Base
from .guard import Decision, guard
from .pool import Pool
from .request import Request
from .serialize import Answer
from .shared_store import MODULES, warm_forkserver
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
        """A new text is guarded here, on its tokens alone (unless it is too long to lex here: ``LEX_HERE``); the
        worker's store parses it as it runs it, and that parse judges its syntax (``guard(…, judged=False)``,
        ``docs/guard.md``). The guard's one pass over the text also gives its shape, the pool's key, so a text is
        lexed once, and no text its tokens refuse — SERVICE, too deep, too long — reaches a worker."""
        judged = decision is not None  # a decision the service kept: the text parsed when it was made
        if decision is None and len(request.text) <= LEX_HERE:
            self.pool.wake()  # the worker wakes while the text is guarded here (``Pool.wake``)
            decision = guard(request.text, self.graphs, judged=False)
        key = None if decision is None else (decision.shape, request.bindings)
        return self._call((request, decision, judged, self.graphs), key=key)  # type: ignore[return-value]
