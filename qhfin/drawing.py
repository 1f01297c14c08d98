"""Drawing a picture of a node's neighbourhood (``exports.scene``) with matplotlib, in a child process when served.

matplotlib holds the interpreter for the whole of a drawing (0.3–1 s) and keeps growing caches: drawn inside the
service, 16 concurrent renders took every other request from 10 ms to 1–10 s and grew the process by 370 MB for
good (issue 16). ``Renderer`` draws in one child process instead — the service's threads only wait on a pipe,
without the interpreter lock — and replaces that child after ``RECYCLE`` pictures, so its caches never grow
without bound. A drawing past the time limit ends the child, and so does a pause of ``IDLE`` seconds: pictures
come in bursts, and between them the service's memory is what it was before the first.
"""

from __future__ import annotations

import io
import multiprocessing
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "SimHei", "Microsoft YaHei")
RECYCLE = 50  # pictures one child draws before it is replaced
IDLE = 5.0  # seconds without a drawing after which the child is ended (its 100+ MB given back)
_DRAWING = threading.Lock()  # matplotlib's settings are process-wide: one picture at a time per process


def cjk_font() -> str | None:
    """The first installed font that has Chinese glyphs, or None (labels would then draw as empty boxes)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in CJK_FONTS if f in installed), None)


def draw(scene: dict, fmt: str) -> bytes:
    """The scene as SVG (labels kept as text) or PNG."""
    import networkx as nx
    from matplotlib import rc_context
    from matplotlib.figure import Figure  # no pyplot: no global figure manager, no GUI backend

    font = cjk_font()
    pos = {box["id"]: (box["x"], box["y"]) for box in scene["boxes"]}
    with _DRAWING, rc_context({"svg.fonttype": "none", "font.family": [font] if font else ["sans-serif"],
                               "font.sans-serif": [*CJK_FONTS, "DejaVu Sans"]}):
        fig = Figure(figsize=tuple(scene["size"]))
        ax = fig.subplots()
        arrows = nx.DiGraph()
        arrows.add_nodes_from(pos)
        for a, b, label in scene["edges"]:
            arrows.add_edge(a, b, label=label)
        nx.draw_networkx_edges(arrows, pos, ax=ax, edge_color="#999999", arrows=True, arrowsize=10,
                               node_size=600, connectionstyle="arc3,rad=0.05")
        nx.draw_networkx_edge_labels(arrows, pos, ax=ax, edge_labels=nx.get_edge_attributes(arrows, "label"),
                                     font_size=6, font_color="#666666", font_family=font or "sans-serif")
        for box in scene["boxes"]:
            ax.text(box["x"], box["y"], box["text"], ha="center", va="center", fontsize=9 if box["focus"] else 8,
                    fontweight="bold" if box["focus"] else "normal",
                    bbox={"boxstyle": "round,pad=0.3", "fc": box["colour"] + "33", "ec": box["colour"],
                          "lw": 2 if box["focus"] else 1})
        ax.set_title(scene["title"], fontsize=10)
        ax.margins(0.12)
        ax.axis("off")
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, dpi=150, bbox_inches="tight", metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


class RenderTimeout(Exception):
    """The drawing ran past its time; its process was ended."""


class Renderer:
    """One child process that draws, replaced after RECYCLE pictures, or when a drawing runs past ``timeout``."""

    def __init__(self, idle: float = IDLE) -> None:
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._idle, self._last = idle, time.monotonic()
        self._busy = 0

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            self._busy += 1
            if self._pool is None:
                self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver"),
                                                 max_tasks_per_child=RECYCLE)
                threading.Thread(target=self._reaper, args=(self._pool,), name="qhfin-render-reaper", daemon=True).start()
            return self._pool

    def _done(self) -> None:
        with self._lock:
            self._busy -= 1
            self._last = time.monotonic()

    def _reaper(self, pool: ProcessPoolExecutor) -> None:
        """End the child once no drawing has been asked for IDLE seconds."""
        while True:
            time.sleep(min(1.0, self._idle))
            with self._lock:
                if self._pool is not pool:
                    return
                if self._busy or time.monotonic() - self._last < self._idle:
                    continue
                self._pool = None
            pool.shutdown(wait=True)
            return

    def _reset(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            for process in list(getattr(pool, "_processes", {}).values()):  # a drawing cannot be cancelled: end it
                process.kill()
            pool.shutdown(wait=False, cancel_futures=True)

    def draw(self, scene: dict, fmt: str, timeout: float) -> bytes:
        try:
            future = self._executor().submit(draw, scene, fmt)
            return future.result(timeout)
        except FutureTimeout:
            self._reset()
            raise RenderTimeout(f"drawing took over {timeout:g} s") from None
        except BrokenProcessPool:
            self._reset()
            raise
        finally:
            self._done()

    def close(self) -> None:
        self._reset()
