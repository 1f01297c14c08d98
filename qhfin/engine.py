"""The query engines: the embedded one (pyoxigraph in worker processes) and an external SPARQL 1.1 endpoint.

Both take the same ``Request`` and give the same ``Answer``; both guard every text the same way, remember the
guard's decision per text (so the guard costs nothing on repeats) and keep answers in a bounded cache (the graph
does not change while the service runs). The embedded engine loads ``build/qhfin.trig`` with its named graphs; its
default graph is their union. The external engine forwards over HTTP with a client-side timeout and gets the same
union by naming the dataset's graphs as the protocol's default graphs.
"""

from __future__ import annotations

import http.client
import logging
import resource
import threading
import traceback
import urllib.parse
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox

from .config import Config
from .errors import QhfinError
from .namespaces import PREFIXES
from .pool import Crashed, Deadline, Full, Pool, StartFailed, warm_forkserver
from .queries import GRAPHS as DATASET_GRAPHS
from .shape import shape
from .shared_store import MODULES, store_for
from .sparql import (
    QUERY_BASE,
    Answer,
    Binding,
    Busy,
    Decision,
    Formats,
    QueryFailed,
    QuerySyntaxError,
    SparqlError,
    TimeLimit,
    TooLarge,
    Upstream,
    UpstreamTimeout,
    based,
    capped,
    check_graphs,
    guard,
    parse_answer,
    render,
    select_json,
    syntax_error,
    term,
    with_bindings,
)

log = logging.getLogger(__name__)
TURTLE_PREFIXES = {k: str(v) for k, v in PREFIXES.items()}


@dataclass(frozen=True)
class Request:
    """One query as the protocol gives it; hashable, so it is its own cache key."""

    text: str
    formats: Formats = Formats()
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    bindings: tuple[tuple[str, Binding], ...] = ()
    row_limit: int = 0  # 0: the service's (QHFIN_ROW_LIMIT); the pages' own reads (``qhfin.reader``) ask for more


class Engine(Protocol):
    graphs: tuple[str, ...]

    def query(self, request: Request) -> Answer: ...

    def close(self) -> None: ...


class GraphFileError(QhfinError, ValueError):
    """The built graph does not parse; the message names the file and the line."""


def _line(exc: SyntaxError) -> str:
    return str(exc.lineno) if exc.lineno else str(exc).split(":")[0].removeprefix("error at ")


class Cache:
    """Answers by request, least recently used out first, bounded in bytes; 0 bytes turns it off."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes, self.size = max_bytes, 0
        self._items: OrderedDict[Request, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Request) -> Answer | None:
        if not self.max_bytes:
            return None
        with self._lock:
            answer = self._items.get(key)
            if answer is not None:
                self._items.move_to_end(key)
            return answer

    def put(self, key: Request, answer: Answer) -> None:
        if not self.max_bytes or len(answer.body) > self.max_bytes // 4:
            return
        with self._lock:
            old = self._items.pop(key, None)
            self.size += len(answer.body) - (len(old.body) if old else 0)
            self._items[key] = answer
            while self.size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self.size -= len(dropped.body)


class _Base:
    """What both engines share: size limit, dataset check, decisions per text, the answer cache, the pool."""

    graphs: tuple[str, ...] = DATASET_GRAPHS

    def __init__(self, config: Config, pool: Pool) -> None:
        self.config, self.pool = config, pool
        self.cache = Cache(config.result_cache_mb * 1024 * 1024)
        self.decisions: dict[str, Decision | SparqlError] = {}

    def query(self, request: Request) -> Answer:
        size = len(request.text.encode("utf-8"))
        if size > self.config.query_size_limit:
            raise TooLarge("查询文本过大（上限由 QHFIN_QUERY_SIZE_LIMIT 设定）",
                           "The query text is too large (the limit is set by QHFIN_QUERY_SIZE_LIMIT)",
                           f"{size} > {self.config.query_size_limit} bytes")
        check_graphs((*request.default_graphs, *request.named_graphs), self.graphs)
        cached = self.cache.get(request)
        if cached is not None:
            return cached
        decision = self.decisions.get(request.text)
        if isinstance(decision, SparqlError):
            raise type(decision)(decision.zh, decision.en, decision.detail)
        try:
            decision, answer = self._run(request, decision)
        except SparqlError as exc:
            if exc.status in (400, 403):  # the text's own fault: the same text gets the same answer
                self._decide(request.text, exc)
            raise
        self._decide(request.text, decision)
        self.cache.put(request, answer)
        return answer

    def _decide(self, text: str, decision: Decision | SparqlError) -> None:
        if len(self.decisions) > 50_000:
            self.decisions.clear()
        self.decisions[text] = decision

    def _call(self, message: object, key: object) -> object:
        """Run ``message`` in a worker under the time limit; map the pool's outcomes to refusals."""
        limit = self.config.time_limit
        try:
            kind, payload = self.pool.call(message, limit, key=key)  # type: ignore[misc]
        except Deadline:
            raise TimeLimit(f"查询超过时限（{limit:g} 秒，由 QHFIN_TIME_LIMIT 设定），已终止",
                            f"The query ran past the time limit ({limit:g} s, set by QHFIN_TIME_LIMIT) and was stopped",
                            "time_limit") from None
        except Full:
            raise Busy("长查询过多，服务繁忙，请稍后再试（QHFIN_HEAVY_WORKERS、QHFIN_WORKERS）",
                       "Too many long-running queries; try again later (QHFIN_HEAVY_WORKERS, QHFIN_WORKERS)",
                       "heavy_workers") from None
        except Crashed:
            raise Busy("查询使工作进程终止（可能超出内存上限 QHFIN_WORKER_MEMORY_MB）",
                       "The query ended its worker process (perhaps past QHFIN_WORKER_MEMORY_MB)",
                       "worker_memory_mb") from None
        if kind == "refused":
            raise payload
        if kind == "bug":
            raise RuntimeError(payload)
        return payload

    def _run(self, request: Request, decision: Decision | None) -> tuple[Decision, Answer]:
        raise NotImplementedError

    def close(self) -> None:
        self.pool.close()


# ---------------------------------------------------------------- embedded


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


def _limit_memory(megabytes: int) -> None:
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _serve(conn, handle) -> None:
    """The worker's loop: one message in, ("ok", value) / ("refused", error) / ("bug", traceback) out."""
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        try:
            conn.send(("ok", handle(*message)))
        except SparqlError as exc:
            conn.send(("refused", exc))
        except MemoryError:
            conn.send(("refused", Busy("查询超出内存上限（QHFIN_WORKER_MEMORY_MB）",
                                       "The query went past the memory limit (QHFIN_WORKER_MEMORY_MB)")))
        except Exception:  # a bug: reported as such (500), never as the client's fault
            conn.send(("bug", traceback.format_exc()))


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


def guard_worker(conn, memory_mb: int) -> None:
    """For the external engine: the guard alone, in a process, under the same time limit."""
    _limit_memory(memory_mb)
    conn.send(("ready", list(DATASET_GRAPHS)))
    _serve(conn, guard)


# ---------------------------------------------------------------- external


class ExternalEngine(_Base):
    """Forwards guarded queries to ``QHFIN_SPARQL_ENDPOINT``; a down, slow or garbled upstream is a 502/504 for
    that request only — the next request tries again, so the service recovers without a restart."""

    def __init__(self, config: Config) -> None:
        warm_forkserver(MODULES)  # unless already running; the guard's parser imported once, for every worker
        pool = Pool(guard_worker, (config.worker_memory_mb,), config.workers, config.heavy_workers, config.heavy_after,
                    preload=MODULES)
        super().__init__(config, pool)
        self.endpoint = urllib.parse.urlsplit(config.sparql_endpoint)
        self._local = threading.local()
        self._union: bool | None = None

    def _run(self, request: Request, decision: Decision | None) -> tuple[Decision, Answer]:
        if decision is None:
            decision = self._call((request.text, self.graphs), key=shape(request.text))  # type: ignore[assignment]
        assert decision is not None
        fmt = request.formats.for_form(decision.form)
        text = based(with_bindings(request.text, dict(request.bindings)))
        limit = request.row_limit or self.config.row_limit
        params = [("query", capped(text, decision, limit))]
        if request.default_graphs or request.named_graphs:
            params += [("default-graph-uri", g) for g in request.default_graphs]
            params += [("named-graph-uri", g) for g in request.named_graphs]
        elif not decision.has_dataset and not self._union_default():
            # the union of the dataset's graphs, as the embedded engine's default graph, named graph by graph
            params += [("default-graph-uri", g) for g in self.graphs] + [("named-graph-uri", g) for g in self.graphs]
        accept = "application/n-triples" if decision.form in ("CONSTRUCT", "DESCRIBE") else "application/sparql-results+json"
        status, media_type, body = self._ask(params, accept)
        try:
            if decision.form == "SELECT" and fmt == "json" and "json" in media_type:
                return decision, select_json(body, limit)  # as it came, once counted
            result = parse_answer(body, decision.form, media_type)
            return decision, render(result, decision.form, fmt, limit, TURTLE_PREFIXES)
        except (SyntaxError, ValueError, OSError) as exc:
            raise Upstream("上游SPARQL服务返回无法解析的应答", "The upstream SPARQL service answered with something unreadable",
                           str(exc)[:500]) from None

    def dataset_quads(self, timeout: float = 600.0) -> Iterator[ox.Quad]:
        """Every quad of the dataset's graphs as the upstream holds them (for the pages, which read the graph
        in memory): one CONSTRUCT per graph, plain SPARQL 1.1 that any store answers, parsed as it is consumed
        (at 5 M quads a list of them all would cost gigabytes). Upstream errors as usual."""
        for graph in self.graphs:
            query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
            _, media, body = self._ask([("query", query)], "application/n-triples", timeout)
            fmt = ox.RdfFormat.TURTLE if "turtle" in media else ox.RdfFormat.N_TRIPLES
            try:
                for t in ox.parse(body, format=fmt):
                    yield ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
            except SyntaxError as exc:
                raise Upstream("上游SPARQL服务返回无法解析的应答",
                               "The upstream SPARQL service answered with something unreadable", str(exc)[:500]) from None

    def _ask(self, params: list[tuple[str, str]], accept: str, timeout: float | None = None) -> tuple[int, str, bytes]:
        status, media_type, body = self._post(urllib.parse.urlencode(params).encode(), accept, timeout)
        if 400 <= status < 500:
            raise syntax_error(f"upstream {status}: {body[:500].decode('utf-8', 'replace')}")
        if status >= 400:
            raise Upstream("上游SPARQL服务返回错误", "The upstream SPARQL service answered with an error",
                           f"{status}: {body[:500].decode('utf-8', 'replace')}")
        return status, media_type, body

    def _union_default(self) -> bool:
        """Whether the upstream's default graph already is the union of the dataset's graphs (``QHFIN_UPSTREAM_UNION``).

        Naming every graph as a default graph gives the same answers on any store, but costs Oxigraph two to three
        times the time of its own union; so ``auto`` asks once whether a triple of each graph shows in the default
        graph, and remembers the answer once the upstream has given one."""
        setting = self.config.upstream_union.strip().lower()
        if setting in ("yes", "true", "1", "on"):
            return True
        if setting != "auto":
            return False
        if self._union is None:
            try:
                self._union = all(self._shows_in_default(graph) for graph in self.graphs)
            except QuerySyntaxError:  # the upstream cannot take the probe: name the graphs, as any store takes
                self._union = False
            except (SyntaxError, ValueError, TypeError, KeyError) as exc:
                raise Upstream("上游SPARQL服务返回无法解析的应答",
                               "The upstream SPARQL service answered with something unreadable", str(exc)[:500]) from None
            log.info("upstream default graph is%s the union of its named graphs", "" if self._union else " not")
        return self._union

    def _shows_in_default(self, graph: str) -> bool:
        """True if the graph is empty or a triple of it is in the upstream's default graph."""
        _, media, body = self._ask([("query", f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} LIMIT 1")],
                                   "application/sparql-results+json")
        solutions = parse_answer(body, "SELECT", media)
        if not isinstance(solutions, ox.QuerySolutions):  # an odd answer: take the way every store takes
            return False
        sample = list(solutions)
        if not sample:
            return True
        triple = " ".join(str(sample[0][v]) for v in ("s", "p", "o"))
        _, media, body = self._ask([("query", f"ASK {{ {triple} }}")], "application/sparql-results+json")
        answer = parse_answer(body, "ASK", media)
        return isinstance(answer, ox.QueryBoolean) and bool(answer)

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            cls = http.client.HTTPSConnection if self.endpoint.scheme == "https" else http.client.HTTPConnection
            conn = self._local.conn = cls(self.endpoint.hostname or "localhost", self.endpoint.port, timeout=timeout)
        conn.timeout = timeout
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        return conn

    def _post(self, body: bytes, accept: str, timeout: float | None = None) -> tuple[int, str, bytes]:
        path = self.endpoint.path or "/"
        if self.endpoint.query:
            path += "?" + self.endpoint.query
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        for attempt in (1, 2):  # a kept-alive connection the upstream closed meanwhile is retried once
            conn = self._connection(timeout or self.config.time_limit)
            try:
                conn.request("POST", path, body, headers)
                response = conn.getresponse()
                return response.status, response.getheader("Content-Type", ""), response.read()
            except TimeoutError:
                conn.close()
                self._local.conn = None
                raise UpstreamTimeout("上游SPARQL服务超时（QHFIN_TIME_LIMIT）",
                                      "The upstream SPARQL service did not answer in time (QHFIN_TIME_LIMIT)",
                                      self.config.sparql_endpoint) from None
            except (http.client.HTTPException, OSError) as exc:
                conn.close()
                self._local.conn = None
                if attempt == 2 or isinstance(exc, ConnectionRefusedError):
                    raise Upstream("无法连接上游SPARQL服务", "The upstream SPARQL service cannot be reached",
                                   f"{self.config.sparql_endpoint}: {exc}") from None
        raise AssertionError("unreachable")


def open_engine(config: Config) -> Engine:
    """The embedded engine, or the external one when ``QHFIN_SPARQL_ENDPOINT`` is set."""
    try:
        return ExternalEngine(config) if config.sparql_endpoint else EmbeddedEngine(config)
    except StartFailed as exc:
        raise GraphFileError(str(exc)) from None
