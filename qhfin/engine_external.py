"""The external engine: guarded queries forwarded to any SPARQL 1.1 endpoint (``QHFIN_SPARQL_ENDPOINT``).

The guard runs in worker processes under the same time limit as the embedded engine's queries; the upstream is
asked over HTTP with a client-side timeout, and its answer is parsed back into pyoxigraph terms so that it is cut
and written exactly as the embedded engine's.
"""

from __future__ import annotations

import http.client
import logging
import threading
import urllib.parse
import weakref

import pyoxigraph as ox

from .config import Config
from .engine import _Base, shape_key
from .guard import Decision
from .pool import Pool
from .request import Request
from .serialize import Answer, parse_answer, render, select_json
from .shared_store import MODULES, warm_forkserver
from .sparql import QuerySyntaxError, Upstream, UpstreamTimeout, based, capped, syntax_error, with_bindings
from .workers import TURTLE_PREFIXES, guard_worker

log = logging.getLogger(__name__)


class _Held:
    """A thread's kept-alive connection to the upstream, closed when the thread ends (its thread-local goes with
    it): the threads that count VoID's figures in the background (``qhfin.tally``) come and go."""

    def __init__(self, conn: http.client.HTTPConnection) -> None:
        self.conn = conn

    def __del__(self) -> None:
        self.conn.close()


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
        self._opened: weakref.WeakSet[http.client.HTTPConnection] = weakref.WeakSet()  # every thread's, to close
        self._union: bool | None = None

    def close(self) -> None:
        """The workers, and the kept-alive connection of every thread that asked the upstream."""
        super().close()
        for conn in list(self._opened):
            conn.close()

    def _run(self, request: Request, decision: Decision | None) -> tuple[Decision, Answer]:
        if decision is None:
            decision = self._call((request.text, self.graphs), key=shape_key(request.text))  # type: ignore[assignment]
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
        held = getattr(self._local, "conn", None)
        if held is None:
            cls = http.client.HTTPSConnection if self.endpoint.scheme == "https" else http.client.HTTPConnection
            held = self._local.conn = _Held(cls(self.endpoint.hostname or "localhost", self.endpoint.port,
                                                timeout=timeout))
            self._opened.add(held.conn)
        conn = held.conn
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
