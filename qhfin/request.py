"""One query as the SPARQL protocol gives it: what the service hands the engine, and the engine a worker.

It has a module of its own because the query workers unpickle it: they import this, not the engine's service
side (``qhfin.engine``: caches, the pool, settings), so the forkserver that starts them imports little.
"""

from __future__ import annotations

from dataclasses import dataclass

from .serialize import Formats
from .sparql import Binding


@dataclass(frozen=True)
class Request:
    """One query as the protocol gives it; hashable, so it is its own cache key."""

    text: str
    formats: Formats = Formats()
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    bindings: tuple[tuple[str, Binding], ...] = ()
    row_limit: int = 0  # 0: the service's (QHFIN_ROW_LIMIT); the pages' own reads (``qhfin.reader``) ask for more
