"""The graph version every cache is keyed by: what was answered for one version is never given for another.

The embedded engine serves the built file it loaded, which a running service never swaps: its identity is the
version. An external store may change under the service at any moment and reports no version SPARQL 1.1 could ask
for, so there the version is a time bucket of ``QHFIN_CACHE_SECONDS``: a change made in the store shows within it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from .config import Config


def file_version(path: Path) -> Callable[[], str]:
    """The built file's identity, fixed when the engine loads it."""
    try:
        stat = path.stat()
    except OSError:  # not built yet (an app made before its build, in tests): one version until it is
        return lambda: ""
    fixed = f"{path}:{stat.st_mtime_ns}:{stat.st_size}"
    return lambda: fixed


def time_version(seconds: float) -> Callable[[], str]:
    """A time bucket, so that what is kept lives ``seconds`` at most."""
    return lambda: f"t{int(time.monotonic() // max(seconds, 0.001))}"


def graph_version(config: Config) -> Callable[[], str]:
    """The version of the graph this configuration serves."""
    return time_version(config.cache_seconds) if config.sparql_endpoint else file_version(config.built_graph)


class Watch:
    """A graph version as a cache last saw it: ``moved()`` says, once, that it has changed since (the cache then
    forgets what it kept)."""

    def __init__(self, version: Callable[[], str]) -> None:
        self.version, self._seen = version, version()

    def moved(self) -> bool:
        now = self.version()
        if now == self._seen:
            return False
        self._seen = now
        return True
