"""Files replaced all at once or not at all, and the leftovers of an interrupted replacement never read.

An import writes its new files beside their places under hidden names (``.import-…``) and renames them over the
old ones only once every byte is on disk. Hidden names are never read by the build (``build.is_data_file``), so an
import killed at any point — SIGKILL included — leaves the graph as it was until the first rename, which is the
commit point; what it left behind is removed by ``clean_leftovers`` at the next build, import or start.
SIGTERM and SIGHUP are turned into ``SystemExit`` while an import runs (``interruptible``), so that its own
clean-up runs as it does for Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, TypeVar

from .config import Config

T = TypeVar("T")

PREFIX = ".import-"


def is_data_file(path: Path) -> bool:
    """A file the build reads: Turtle, and not hidden. Hidden names are work in progress (an import's temporary
    file, an editor's swap file): one left by an interrupted import must never be applied by the next build."""
    return path.suffix == ".ttl" and not path.name.startswith(".")


def stale(config: Config) -> bool:
    """The build is older than one of its inputs (a curator edited graph/…): answering from it would mislead."""
    built = config.built_graph.stat().st_mtime
    inputs = [config.source_file, config.ontology_file, *(p for p in config.graph_dir.rglob("*.ttl") if is_data_file(p))]
    return any(p.stat().st_mtime > built for p in inputs if p.exists())


def write_beside(path: Path, write: Callable[[BinaryIO], object]) -> Path:
    """A hidden temporary file next to ``path`` holding what ``write`` puts in it, flushed to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=PREFIX, suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(tmp)
        raise
    return Path(tmp)


def replace_all(files: list[tuple[Path, Callable[[BinaryIO], object]]]) -> None:
    """Write every file beside its place, then rename each over its place in the order given (the first rename
    is the commit point). A full or read-only disk, or an interruption, before that leaves every old file intact."""
    temps: list[Path] = []
    try:
        for path, write in files:
            temps.append(write_beside(path, write))
        with _signals_held():  # a SIGTERM between two renames would leave half an import applied
            for tmp, (path, _write) in zip(temps, files, strict=True):
                os.replace(tmp, path)
    finally:
        for tmp in temps:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    held = {signal.SIGTERM, signal.SIGHUP, signal.SIGINT}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def clean_leftovers(*directories: Path) -> list[Path]:
    """Remove what an interrupted import left in ``directories``; the paths removed."""
    removed = []
    for directory in directories:
        for leftover in directory.glob(PREFIX + "*") if directory.is_dir() else ():
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
                removed.append(leftover)
    return removed


def clean_project(graph_dir: Path, build_dir: Path) -> list[Path]:
    """``clean_leftovers`` over every folder of ``graph_dir`` and the build folder (``qhfin build``, ``serve``)."""
    folders = [p for p in graph_dir.iterdir() if p.is_dir()] if graph_dir.is_dir() else []
    return clean_leftovers(*folders, build_dir)


def guarded(call: Callable[[], T]) -> T:
    """Run an import so that SIGTERM, SIGHUP or Ctrl-C end it cleanly (its temporary files removed), saying that
    nothing changed; the exit status is the signal's."""
    try:
        with interruptible():
            return call()
    except (SystemExit, KeyboardInterrupt) as exc:
        print("导入被中断，未作任何修改 / import interrupted, nothing changed", file=sys.stderr)
        raise SystemExit(exc.code if isinstance(exc, SystemExit) else 130) from None


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """SIGTERM and SIGHUP raise SystemExit inside the block (as Ctrl-C raises KeyboardInterrupt), so that the
    block's clean-up runs; the previous handlers are restored after it."""

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
