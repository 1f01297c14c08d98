"""What the HTTP server itself answers, before the app sees a request: waitress's own parser and refusals.

Two things a user would trip over: a URL typed with its Chinese as it reads (``curl
'http://…/api/measures?theme=乡村振兴'``) arrives as raw UTF-8 in the request line, which waitress refuses with a
bare "Bad URI" — so non-ASCII bytes are percent-encoded first, as every browser does before sending; and waitress's
refusals (a malformed request line, headers or body too large, a chunked encoding it does not know) are plain
English text — so they carry the service's one error shape, zh + en, like every other 4xx.
"""

from __future__ import annotations

import json
import re

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.utilities import Error

from .errors import MESSAGES, error_body

_NON_ASCII = re.compile(rb"[\x80-\xff]")


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


class Parser(HTTPRequestParser):
    """waitress's parser, reading a request line with raw UTF-8 as the percent-encoded URL it stands for."""

    _error: Error | None = None

    def parse_header(self, header_plus: bytes) -> None:
        end = header_plus.find(b"\r\n")
        line = header_plus if end < 0 else header_plus[:end]
        if not line.isascii():
            header_plus = ascii_request_line(line) + header_plus[len(line):]
        super().parse_header(header_plus)

    @property  # type: ignore[override]
    def error(self) -> Error | None:
        return self._error

    @error.setter
    def error(self, value: Error | None) -> None:  # set by the parser, and by the channel for a 500
        self._error = value if value is None or isinstance(value, Refusal) else Refusal(value)


class Channel(HTTPChannel):
    parser_class = Parser
