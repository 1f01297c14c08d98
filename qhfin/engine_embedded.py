"""The embedded engine: pyoxigraph in worker processes, each query under a deadline that is really enforced.

The workers are forked from the forkserver with the built graph already loaded (``qhfin.shared_store``), or each
loads it when the forkserver holds another file. The guard runs in the worker too, next to the store.
"""

from __future__ import annotations

import logging

import pyoxigraph as ox

from .config import Config
from .engine import TURTLE_PREFIXES, Request, _Base, _limit_memory, _line, _serve
from .guard import Decision, guard
from .pool import Pool, warm_forkserver
from .prefixes import GRAPHS as DATASET_GRAPHS
from .serialize import Answer, render
from .shape import shape
from .shared_store import MODULES, store_for
from .sparql import QUERY_BASE, QueryFailed, capped, syntax_error, term

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


def embedded_worker(conn, path: str, row_limit: int, memory_mb: int) -> None:
    try:
        store = store_for(path)  # loaded before this process was forked, shared with the other workers
        shared = store is not None
        if store is None:
            store = ox.Store()
            store.load(path=path, format=ox.RdfFormat.TRIG)
        graphs = sorted({*DATASET_GRAPHS, *(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))})
    except SyntaxError as exc:
        conn.send(("failed", f"{path}:{_line(exc)}: 无法解析 / does not parse: {exc}"))
        return
    except OSError as exc:
        conn.send(("failed", f"{path}: {exc}"))
        return
    _limit_memory(memory_mb)
    conn.send(("ready", (graphs, shared)))

    def handle(request: Request, decision: Decision | None, graphs: tuple[str, ...]) -> tuple[Decision, Answer]:
        decision = decision or guard(request.text, graphs)
        options: dict = {"base_iri": QUERY_BASE}
        if request.default_graphs or request.named_graphs:  # the protocol's dataset replaces the query's own
            options["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs] or ox.DefaultGraph()
            options["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
        elif not decision.has_dataset:
            options["use_default_graph_as_union"] = True
        if request.bindings:
            options["substitutions"] = {ox.Variable(name): term(b) for name, b in request.bindings}

        limit = request.row_limit or row_limit

        def run() -> object:
            try:
                return store.query(capped(request.text, decision, limit), **options)
            except SyntaxError as exc:
                raise syntax_error(str(exc)) from None
            except (RuntimeError, OSError) as exc:  # the engine refuses to evaluate this text (a bad substitution)
                raise QueryFailed("查询无法执行", "The query cannot be evaluated", str(exc)) from None

        fmt = request.formats.for_form(decision.form)
        return decision, render(run(), decision.form, fmt, limit, TURTLE_PREFIXES, rerun=run)

    _serve(conn, handle)
