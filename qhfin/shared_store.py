"""What the query workers' forkserver holds for every worker it forks: the modules they need and the built graph.

Each worker used to parse the TriG itself: two or three workers on two cores parsed it side by side at start, and
every worker that replaces one ended past the time limit parsed it again before it could answer (0.14 s at the
plan's size, seconds at 0.5 M quads). Forked from a process that holds the store, a worker shares its memory
copy-on-write and answers at once. Nothing here is shared between processes at run time: the store is read-only
in every worker, as the service is.

The forkserver imports this module first (a ``multiprocessing`` preload, ``MODULES``) with ``QHFIN_SHARED_GRAPH``
in its environment — naming the file, or empty for a worker that only guards (the external engine's) — and only
there, so no other process loads the graph by importing this. (The guard once needed rdflib's parser imported and
warmed here too, a third of a second; the guard of ``qhfin.guard`` needs neither.) The file is parsed while the
workers' modules are imported, on the other core. A worker takes the store only if the file is still the one
loaded (path, size, modification time, inode); otherwise, or if the load failed, the worker loads the file itself
and reports the line that does not parse — nothing here raises.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import threading
from collections.abc import Iterator

import pyoxigraph as ox

ENV = "QHFIN_SHARED_GRAPH"
# what the forkserver imports (``qhfin serve`` starts it before its own imports): this module first, then, while the
# graph loads, the workers' module and the command's entry point (multiprocessing runs the main script again in
# every worker it starts: imported here once, that costs each worker nothing)
MODULES = (__name__, "qhfin.workers", "qhfin.cli")

_loaded: tuple[tuple, ox.Store] | None = None


def _key(path: str) -> tuple:
    st = os.stat(path)
    return os.path.realpath(path), st.st_size, st.st_mtime_ns, st.st_ino


def store_for(path: str) -> ox.Store | None:
    """The store loaded from ``path`` before this process was forked, if the file has not changed since."""
    if _loaded is None:
        return None
    try:
        return _loaded[1] if _key(path) == _loaded[0] else None
    except OSError:
        return None


@contextlib.contextmanager
def announced(path: str | os.PathLike | None) -> Iterator[None]:
    """``path`` (or, for none, the empty string) in the environment while a forkserver is started inside the block,
    and only then: a process that imports this module later (this one, a test's subprocess) must not import the
    parser or load the graph on import."""
    before = os.environ.get(ENV)
    os.environ[ENV] = os.fspath(path or "")
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = before


def warm_forkserver(preload: tuple[str, ...], graph: str | os.PathLike | None = None) -> None:
    """Start the forkserver now, importing ``preload`` in it, while this process goes on with its own imports;
    the workers it forks later start from those modules already imported — and, with ``graph``, from that file
    already loaded. Once started, the forkserver stays as it is: a later call changes nothing, and a worker asked
    for another file loads that itself."""
    import multiprocessing
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(list(dict.fromkeys(preload)))
    with announced(graph):
        forkserver.ensure_running()


def _load_announced() -> None:
    global _loaded
    path = os.environ.pop(ENV, None)  # once: the workers forked from here inherit the store, not the task
    if not path:  # not the forkserver, or one for workers that only guard
        return
    box: list[tuple[tuple, ox.Store]] = []

    def load() -> None:
        try:
            key = _key(path)
            store = ox.Store()
            store.load(path=path, format=ox.RdfFormat.TRIG)
            box.append((key, store))
        except (OSError, SyntaxError, ValueError):
            pass  # each worker loads the file itself and names the line

    # pyoxigraph parses without the GIL: the workers' modules are imported meanwhile (a third of the start-up), and
    # the thread is joined before this module's import ends, so no fork ever sees it running
    loader = threading.Thread(target=load, name="qhfin-shared-graph")
    loader.start()
    try:
        for module in MODULES[1:]:
            importlib.import_module(module)
    finally:
        loader.join()
    _loaded = box[0] if box else None
    # what the forkserver holds is the workers' too, shared page by page until written: frozen, the workers' garbage
    # collections never walk it (a full collection wrote to every shared object's header, copying its page)
    gc.freeze()


_load_announced()
