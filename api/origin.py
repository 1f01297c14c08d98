"""Links the service generates name its configured public address, never the Host header a client sent.

A probe found ``Host: evil.example`` reflected into the service description, VoID, the OpenAPI ``servers`` and
redirects: with a shared cache in front, one request could poison every later user's links. The WSGI environ's
host, scheme and script name are set from ``Config.public_url`` before Flask sees the request, so ``url_for(…,
_external=True)``, ``request.url_root`` and redirects all speak of the configured address.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit


class PublicOrigin:
    """WSGI middleware: the request as if it had been sent to ``public_url``."""

    def __init__(self, app: Callable, public_url: str) -> None:
        self.app = app
        parts = urlsplit(public_url)
        self.scheme, self.host = parts.scheme or "http", parts.netloc
        self.prefix = parts.path.rstrip("/")

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        environ["HTTP_HOST"] = self.host
        environ["wsgi.url_scheme"] = self.scheme
        environ.pop("HTTP_X_FORWARDED_HOST", None)
        if self.prefix:
            environ["SCRIPT_NAME"] = self.prefix
        return self.app(environ, start_response)
