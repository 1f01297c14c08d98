"""What runs inside the query worker processes: the embedded engine's worker (pyoxigraph over the built graph) and
the external engine's (the guard alone), each one message in, one answer out.

The service side — caches, the pool, settings — stays in ``qhfin.engine`` and its two engines. The workers are
forked from a forkserver that imports this module while it loads the graph (``qhfin.shared_store``), so what this
imports is what every start pays before the first answer: pyoxigraph, the guard, the serializers, nothing more.
"""

from __future__ import annotations

import resource
import traceback

import pyoxigraph as ox

from .guard import Decision, guard, judge
from .prefixes import GRAPHS as DATASET_GRAPHS
from .prefixes import PREFIXES
from .request import Request
from .serialize import Answer, render
from .shared_store import store_for
from .sparql import QUERY_BASE, Busy, QueryFailed, SparqlError, capped, syntax_error, term
from .worker_process import AWAKE, WAKE, polled

TURTLE_PREFIXES = dict(PREFIXES)


def line_of(exc: SyntaxError) -> str:
    """The line a parser's error names."""
    return str(exc.lineno) if exc.lineno else str(exc).split(":")[0].removeprefix("error at ")


def limit_memory(megabytes: int) -> None:
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def serve(conn, handle) -> None:
    """The worker's loop: one message in, ("ok", value) / ("refused", error) / ("bug", traceback) out."""
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        if message == WAKE:  # a query is on its way: polled for, instead of sleeping until it comes
            polled(conn, AWAKE)
            continue
        try:
            conn.send(("ok", handle(*message)))
        except SparqlError as exc:
            conn.send(("refused", exc))
        except MemoryError:
            conn.send(("refused", Busy("查询超出内存上限（QHFIN_WORKER_MEMORY_MB）",
                                       "The query went past the memory limit (QHFIN_WORKER_MEMORY_MB)")))
        except Exception:  # a bug: reported as such (500), never as the client's fault
            conn.send(("bug", traceback.format_exc()))


def guard_worker(conn, memory_mb: int) -> None:
    """For the external engine: the guard alone, in a process, under the same time limit."""
    limit_memory(memory_mb)
    conn.send(("ready", list(DATASET_GRAPHS)))
    serve(conn, guard)


def embedded_worker(conn, path: str, row_limit: int, memory_mb: int) -> None:
    """For the embedded engine: pyoxigraph over the built graph — the forkserver's copy, shared copy-on-write,
    unless the file changed since it was loaded. The service guarded the text on its tokens (a long one is guarded
    here); this store's parse judges its syntax (``judge`` words the refusal of a text it does not take)."""
    try:
        store = store_for(path)  # loaded before this process was forked, shared with the other workers
        shared = store is not None
        if store is None:
            store = ox.Store()
            store.load(path=path, format=ox.RdfFormat.TRIG)
        graphs = sorted({*DATASET_GRAPHS, *(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))})
    except SyntaxError as exc:
        conn.send(("failed", f"{path}:{line_of(exc)}: 无法解析 / does not parse: {exc}"))
        return
    except OSError as exc:
        conn.send(("failed", f"{path}: {exc}"))
        return
    limit_memory(memory_mb)
    conn.send(("ready", (graphs, shared)))

    def handle(request: Request, decision: Decision | None, judged: bool,
               graphs: tuple[str, ...]) -> tuple[Decision, Answer]:
        """``decision``: the guard's, made in the service on the text's tokens, or None for a text too long to lex
        there (then here); ``judged``: the text parsed when it was made (a decision the service kept), else the
        run's own parse judges the syntax."""
        decision = decision or guard(request.text, graphs, judged=False)
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
                if not judged:  # the refusal the text deserves (an update is 403), on the text as it came
                    judge(request.text)
                raise syntax_error(str(exc)) from None
            except (RuntimeError, OSError) as exc:  # the engine refuses to evaluate this text (a bad substitution)
                raise QueryFailed("查询无法执行", "The query cannot be evaluated", str(exc)) from None

        fmt = request.formats.for_form(decision.form)
        return decision, render(run(), decision.form, fmt, limit, TURTLE_PREFIXES, rerun=run)

    serve(conn, handle)
