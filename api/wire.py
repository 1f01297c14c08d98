"""What the HTTP server itself answers, before the app sees a request: waitress's own parser and refusals.

Two things a user would trip over: a URL typed with its Chinese as it reads (``curl
'http://…/api/measures?theme=乡村振兴'``) arrives as raw UTF-8 in the request line, which waitress refuses with a
bare "Bad URI" — so non-ASCII bytes are percent-encoded first, as every browser does before sending; and waitress's
refusals (a malformed request line, headers or body too large, a chunked encoding it does not know) are plain
English text — so they carry the service's one error shape, zh + en, like every other 4xx.

And what slow or numerous clients could do to everyone else (issue 16: 260 connections sending a byte a second
held every slot for 40 s). waitress reads requests asynchronously, so a slow client costs no thread, only a
connection slot; the slots are guarded here:

- a request must arrive whole within ``REQUEST_DEADLINE`` seconds of its first byte (plus a second per
  ``BODY_RATE`` bytes of a declared body), else 408 and the connection is closed;
- one client address keeps at most ``PER_CLIENT`` connections: its next one first evicts its own oldest connection
  that is idle or still sending a request (a connection whose request is being answered is never evicted), and
  when the server as a whole nears its connection limit the oldest such connection of any client goes first, so
  a new, quick request is always read;
- after a refusal the connection is closed gracefully: this side stops sending, then reads and discards what the
  client is still sending for up to ``LINGER`` seconds, so the client reads the refusal instead of a reset
  (a 300 KB header got a reset, not its 431);
- a request with both Content-Length and Transfer-Encoding is refused (RFC 9112 §6.1: the framing of such a
  request is ambiguous; proxies that disagree on it are how requests are smuggled).
"""

from __future__ import annotations

import json
import re
import socket
import time

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.utilities import BadRequest, Error

from .errors import MESSAGES, error_body

_NON_ASCII = re.compile(rb"[\x80-\xff]")
REQUEST_DEADLINE = 10.0  # seconds for a request's headers (and a small body) to arrive once it has begun
BODY_RATE = 64 * 1024  # bytes of a declared body that buy one more second
PER_CLIENT = 64  # connections one client address may hold
HEADROOM = 32  # connections kept free below the server's limit by evicting the oldest idle or slow ones
LINGER = 2.0  # seconds spent reading and discarding after a refusal, so that the client reads it


def ascii_request_line(line: bytes) -> bytes:
    """The request line with every byte outside ASCII percent-encoded (RFC 3986 §2.1; WHATWG URL's UTF-8 step)."""
    return _NON_ASCII.sub(lambda m: b"%%%02X" % m[0][0], line)


class Refusal(Error):
    """One of waitress's refusals, in the service's error shape (its English text kept as the detail)."""

    def __init__(self, original: Error) -> None:
        super().__init__(original.body)
        self.code, self.reason = original.code, original.reason

    def to_response(self, ident: str | None = None) -> tuple[str, list[tuple[str, str]], bytes]:
        zh, en = MESSAGES.get(self.code, MESSAGES[400 if self.code < 500 else 500])
        code = self.reason.lower().replace(" ", "-")
        body = json.dumps(error_body(self.code, zh, en, code, str(self.body)), ensure_ascii=False).encode("utf-8")
        return f"{self.code} {self.reason}", [("Content-Type", "application/json; charset=utf-8")], body


class RequestTimeout(BadRequest):
    code = 408
    reason = "Request Timeout"


class Parser(HTTPRequestParser):
    """waitress's parser, reading a request line with raw UTF-8 as the percent-encoded URL it stands for, and
    refusing a request framed two ways."""

    _error: Error | None = None

    def parse_header(self, header_plus: bytes) -> None:
        end = header_plus.find(b"\r\n")
        line = header_plus if end < 0 else header_plus[:end]
        if not line.isascii():
            header_plus = ascii_request_line(line) + header_plus[len(line):]
        fields = header_plus.lower()
        if b"\ncontent-length:" in fields and b"\ntransfer-encoding:" in fields:
            raise ParsingError("Content-Length and Transfer-Encoding together (RFC 9112 section 6.1)")
        super().parse_header(header_plus)

    @property  # type: ignore[override]
    def error(self) -> Error | None:
        return self._error

    @error.setter
    def error(self, value: Error | None) -> None:  # set by the parser, and by the channel for a 500
        self._error = value if value is None or isinstance(value, Refusal) else Refusal(value)


class Channel(HTTPChannel):
    """waitress's channel with the service's parser, request deadlines, per-client limits and a lingering close."""

    parser_class = Parser
    request_deadline = REQUEST_DEADLINE  # `qhfin serve` sets it from Config.request_deadline
    receiving_since: float | None = None  # when the request now arriving began, None between requests
    linger_until: float | None = None  # set once a refusal has been sent and this side has stopped sending

    def __init__(self, server, sock, addr, adj, map=None) -> None:  # noqa: A002 (waitress's signature)
        super().__init__(server, sock, addr, adj, map)
        _make_room(server, self)

    def received(self, data: bytes) -> bool:
        if self.receiving_since is None:
            self.receiving_since = time.monotonic()
        done = super().received(data)
        if self.request is None:  # nothing half-received: the deadline waits for the next request's first byte
            self.receiving_since = None
        return done

    def deadline(self) -> float | None:
        if self.receiving_since is None or self.request is None:
            return None
        declared = getattr(self.request, "content_length", 0) or 0
        return self.receiving_since + self.request_deadline + declared / BODY_RATE

    def readable(self) -> bool:
        if self.linger_until is not None:
            if time.monotonic() > self.linger_until:
                self.linger_until = None
                self.handle_close()
                return False
            return True
        deadline = self.deadline()
        if deadline is not None and time.monotonic() > deadline:
            self._refuse_late()
        return super().readable()

    def _refuse_late(self) -> None:
        """Answer the half-received request with a 408 and close (as waitress does with its own refusals)."""
        with self.requests_lock:
            request, self.request = self.request, None
            self.receiving_since = None
            if request is None:
                return
            request.error = RequestTimeout(f"the request did not arrive whole within {self.request_deadline:g} s")
            request.completed = True
            self.requests.append(request)
            if len(self.requests) == 1:
                self.server.add_task(self)

    def handle_read(self) -> None:
        if self.linger_until is None:
            super().handle_read()
            return
        try:
            data = self.recv(65536)  # read and discard: the refusal has been sent
        except OSError:
            data = b""
        if not data:
            self.linger_until = None
            self.handle_close()

    def writable(self) -> bool:
        return False if self.linger_until is not None else super().writable()

    def handle_close(self) -> None:
        """After a refusal, stop sending and keep reading a little, so the client reads the refusal."""
        refused = any(getattr(r, "error", None) is not None for r in (self.request, *self.requests) if r)
        refused = refused or getattr(self, "_refused", False)
        if self.linger_until is None and refused and self.connected and not self.total_outbufs_len:
            self._refused = False
            try:
                self.socket.shutdown(socket.SHUT_WR)
            except OSError:
                return super().handle_close()
            self.linger_until = time.monotonic() + LINGER
            self.will_close = self.close_when_flushed = False
            return None
        return super().handle_close()

    def service(self) -> None:
        if any(getattr(r, "error", None) is not None for r in self.requests):
            self._refused = True  # before the refusal is sent: the close that follows it must linger
        super().service()

    def evictable(self) -> bool:
        """Idle, or still sending its request: nothing of it is being answered."""
        return not self.requests and self.linger_until is None

    def evict(self) -> None:
        if self.request is not None:
            self._refuse_late()
        else:
            self.will_close = True


def _make_room(server, newcomer: Channel) -> None:
    """Keep one client within PER_CLIENT connections and the server below its limit, evicting the oldest
    connections that are idle or still sending (so that a new, quick request is always read)."""
    channels = [c for c in server.active_channels.values() if isinstance(c, Channel) and c is not newcomer]
    peer = newcomer.addr[0] if isinstance(newcomer.addr, tuple) else newcomer.addr
    own = [c for c in channels if (c.addr[0] if isinstance(c.addr, tuple) else c.addr) == peer]
    limit = server.adj.connection_limit - HEADROOM
    victims = []
    if len(own) >= PER_CLIENT:
        victims += sorted((c for c in own if c.evictable()), key=lambda c: c.last_activity)[: len(own) - PER_CLIENT + 1]
    if len(channels) - len(victims) >= limit:
        rest = [c for c in channels if c.evictable() and c not in victims]
        victims += sorted(rest, key=lambda c: c.last_activity)[: len(channels) - len(victims) - limit + 1]
    for victim in victims:
        victim.evict()
