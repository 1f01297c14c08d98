"""SPARQL answers replayed before Flask sees the request: the same request bytes get the same response bytes.

The engine already keeps answers by request (``qhfin.engine.Cache``), but reaching that cache costs a request's
whole way through Flask — routing, parsing the protocol's parameters, content negotiation, the error handlers —
about 0.6 ms, more than the query itself for the small lookups users and programs make most (a task, its
dependencies) and twice what the Oxigraph server takes to answer them. Answers are kept for one *graph version*
(``qhfin.reader``: the build on the embedded engine, which does not change while the service runs; a time bucket of
``QHFIN_CACHE_SECONDS`` on an external store, which may), so an answer the engine gave (a 200 carrying ``Qhfin-Rows``) is stored here with its status and
headers, keyed by everything it was computed from — method, path, query string, ``Accept``, ``Content-Type`` and the
body — and given back as it was. Everything else (errors, the service description, which names the host; pages)
goes through the app every time. The bodies are the engine cache's own bytes objects, so the two share memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from io import BytesIO

from qhfin.version import Watch

Key = tuple[str, str, str, str, str, bytes]
Stored = tuple[str, list[tuple[str, str]], bytes]
MAX_BODY = 64 * 1024  # a request body larger than this is not worth keeping as a key


class Replay:
    """WSGI middleware: ``paths`` answered from memory when the same request came before, ``max_bytes`` at most."""

    def __init__(self, app: Callable, max_bytes: int, paths: tuple[str, ...] = ("/sparql",),
                 version: Callable[[], str] = lambda: "") -> None:
        self.app, self.max_bytes, self.paths, self.size = app, max_bytes, paths, 0
        self._items: OrderedDict[Key, Stored] = OrderedDict()
        self._lock = threading.Lock()
        self._watch = Watch(version)

    def _current(self) -> None:
        """Forget every answer of an older graph version (held: the lock)."""
        if self._watch.moved():
            self._items.clear()
            self.size = 0

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        key = self._key(environ) if self.max_bytes else None
        if key is None:
            return self.app(environ, start_response)
        with self._lock:
            self._current()
            stored = self._items.get(key)
            if stored is not None:
                self._items.move_to_end(key)
        if stored is not None:
            status, headers, body = stored
            start_response(status, list(headers))
            return [body]
        seen: dict[str, object] = {}

        def remember(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> Callable:
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        chunks = self.app(environ, remember)
        headers = seen.get("headers") or []
        if seen.get("status") != "200 OK" or not any(name == "Qhfin-Rows" for name, _ in headers):  # type: ignore[union-attr]
            return chunks
        body = _whole(chunks)
        self._put(key, (str(seen["status"]), list(headers), body))  # type: ignore[arg-type]
        return [body]

    def _key(self, environ: dict) -> Key | None:
        method = environ.get("REQUEST_METHOD", "")
        if method not in ("GET", "POST") or environ.get("PATH_INFO") not in self.paths:
            return None
        body = b""
        if method == "POST":
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return None
            if length > MAX_BODY:
                return None
            body = environ["wsgi.input"].read(length) if length > 0 else b""
            environ["wsgi.input"] = BytesIO(body)  # the app reads it again, as it was sent
        return (method, environ["PATH_INFO"], environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT", ""),
                environ.get("CONTENT_TYPE", ""), body)

    def _put(self, key: Key, stored: Stored) -> None:
        if _cost(key, stored) > self.max_bytes // 4:
            return
        with self._lock:
            self._current()
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= _cost(key, old)
            self._items[key] = stored
            self.size += _cost(key, stored)
            while self.size > self.max_bytes:
                dropped = self._items.popitem(last=False)
                self.size -= _cost(*dropped)


def _cost(key: Key, stored: Stored) -> int:
    """Bytes held for one answer: its body (shared with the engine's cache while both keep it) and its key."""
    return len(stored[2]) + sum(map(len, key[2:5])) + len(key[5])


def _whole(chunks: Iterable[bytes]) -> bytes:
    try:
        parts = list(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return parts[0] if len(parts) == 1 else b"".join(parts)
