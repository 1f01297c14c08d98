"""The query engines' common ground: one ``Request`` in, one ``Answer`` out (prepare → guard → **run** → serialize).

Two engines take the same request and give the same answer: the embedded one (pyoxigraph in worker processes,
``qhfin.engine_embedded``) and an external SPARQL 1.1 endpoint (``qhfin.engine_external``). Both guard every text
the same way, remember the guard's decision per text (so the guard costs nothing on repeats) and keep answers in a
bounded cache (the graph does not change while the service runs). The embedded engine's default graph is the union
of the dataset's named graphs; the external engine gets the same union by naming them as the protocol's default
graphs.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from .config import Config
from .errors import QhfinError
from .guard import Decision, check_graphs
from .pool import Crashed, Deadline, Full, Pool
from .prefixes import GRAPHS as DATASET_GRAPHS
from .request import Request
from .serialize import Answer
from .shape import shaped
from .sparql import Busy, SparqlError, TimeLimit, TooLarge
from .version import Watch, graph_version
from .worker_process import StartFailed

log = logging.getLogger(__name__)


class Engine(Protocol):
    graphs: tuple[str, ...]

    def query(self, request: Request) -> Answer: ...

    def close(self) -> None: ...


class GraphFileError(QhfinError, ValueError):
    """The built graph does not parse; the message names the file and the line."""


class Cache:
    """Answers by request for one graph version (``qhfin.version``), least recently used out first, bounded in
    bytes; 0 bytes turns it off."""

    def __init__(self, max_bytes: int, version: Callable[[], str] = lambda: "") -> None:
        self.max_bytes, self.size = max_bytes, 0
        self._items: OrderedDict[Request, Answer] = OrderedDict()
        self._lock = threading.Lock()
        self._watch = Watch(version)

    def _current(self) -> None:
        """Forget every answer of an older graph version (held: the lock)."""
        if self._watch.moved():
            self._items.clear()
            self.size = 0

    def get(self, key: Request) -> Answer | None:
        if not self.max_bytes:
            return None
        with self._lock:
            self._current()
            answer = self._items.get(key)
            if answer is not None:
                self._items.move_to_end(key)
            return answer

    def put(self, key: Request, answer: Answer) -> None:
        if not self.max_bytes or _cost(key, answer) > self.max_bytes // 4:
            return
        with self._lock:
            self._current()
            old = self._items.pop(key, None)
            self.size += _cost(key, answer) - (_cost(key, old) if old else 0)
            self._items[key] = answer
            while self.size > self.max_bytes:
                self.size -= _cost(*self._items.popitem(last=False))


def _cost(key: Request, answer: Answer) -> int:
    """What one kept answer holds: its body and its key's text. Counted by the body alone, a stream of long texts
    with short answers (a 1 MB query, a 40-byte ASK answer) was kept a million times over before the bound saw it."""
    return len(answer.body) + len(key.text) + sum(map(len, key.default_graphs + key.named_graphs))


# Characters of a new text the service lexes itself, for the pool's key (its shape) and, on the embedded engine, the
# guard. A larger text — an integrator's long VALUES list, or a hostile one — is lexed only in a worker, under the
# time limit: lexing holds this process's GIL, 0.1 ms a kilobyte for a named query and up to 0.9 ms for a crafted
# text, so a 1 MB text lexed here would stall every other request for half a second or more. It goes to the
# pool with no key: unknown, so it never takes the last fast worker and waits at most ``Pool.UNKNOWN_WAIT``.
LEX_HERE = 16 * 1024
DECISIONS, DECISION_CHARS = 50_000, 16 * 1024 * 1024  # the guard's decisions kept: texts, and their characters


def shape_key(text: str) -> bytes | None:
    """The pool's key for a new text: its shape's digest, or None for a text too long to lex here (``LEX_HERE``)."""
    return shaped(text).digest() if len(text) <= LEX_HERE else None


class _Base:
    """What both engines share: size limit, dataset check, decisions per text, the answer cache, the pool."""

    graphs: tuple[str, ...] = DATASET_GRAPHS

    def __init__(self, config: Config, pool: Pool) -> None:
        self.config, self.pool = config, pool
        self.cache = Cache(config.result_cache_mb * 1024 * 1024, graph_version(config))
        self.decisions: dict[str, Decision | SparqlError] = {}
        self._decided = 0  # characters of the texts ``decisions`` holds

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
        """Remember the decision for ``text``, within ``DECISIONS`` entries and ``DECISION_CHARS`` characters of
        text: counted by entries alone, 50,000 texts of up to 1 MB each could be kept."""
        if len(self.decisions) >= DECISIONS or self._decided + len(text) > DECISION_CHARS:
            self.decisions.clear()
            self._decided = 0
        if len(text) <= DECISION_CHARS:
            self.decisions[text] = decision
            self._decided += len(text)

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


def open_engine(config: Config) -> Engine:
    """The embedded engine, or the external one when ``QHFIN_SPARQL_ENDPOINT`` is set. Each engine's module is
    imported here, not at the top: both import this one (for ``_Base``), and a service imports only the one it runs."""
    try:
        if config.sparql_endpoint:
            from .engine_external import ExternalEngine

            return ExternalEngine(config)
        from .engine_embedded import EmbeddedEngine

        return EmbeddedEngine(config)
    except StartFailed as exc:
        raise GraphFileError(str(exc)) from None
