"""The pages' graph as `qhfin serve` holds it: built with the garbage collector paused and then kept out of its
sight, so that no full collection later stops every request for seconds to walk millions of objects that live as
long as the process."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from api.state import _for_good

SERVE_LIKE = """
import gc, sys
import api
from qhfin.config import Config

if __name__ == "__main__":
    app = api.create_app(Config.from_env(), permanent=True)
    state = app.extensions["qhfin"]
    assert state.wait(300)
    quads = len(state.dataset)
    response = app.test_client().get("/api/tasks/4-1-1-1-1", headers={"Accept": "application/json"})
    print(gc.isenabled(), gc.get_freeze_count() >= quads, len(gc.get_objects()) < gc.get_freeze_count(),
          response.status_code)
    state.close()
"""


def test_the_served_graph_is_kept_out_of_the_collectors_sight(tmp_path):
    """A fresh interpreter: freezing in this one would keep every test's leftovers for good."""
    script = tmp_path / "serve_like.py"
    script.write_text(SERVE_LIKE, encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    # collector on again; the graph frozen; a full collection walks fewer objects than were frozen; pages answer
    assert out.stdout.split() == ["True", "True", "True", "200"]


def test_a_failed_load_leaves_the_collector_as_it_was():
    """An external store that is down makes the load fail (and retry): nothing of it is frozen, and the collector
    runs again meanwhile."""
    frozen = gc.get_freeze_count()
    with pytest.raises(OSError), _for_good(True):
        assert not gc.isenabled()
        raise OSError("the store is down")
    assert gc.isenabled() and gc.get_freeze_count() == frozen
