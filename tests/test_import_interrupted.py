"""Issue 16, finding 2: an interrupted ``matrix import`` is never applied by a later build.

The import used to write its new curation to a hidden file in graph/curated/ and rename it after a trial build;
stopped in that window, the file stayed and the next build (which globbed ``*.ttl``, dot-files included) applied
the import the user had seen fail. Now hidden files are never read, leftovers are removed at the next build, and a
signal during the import leaves everything as it was.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qhfin.atomic import PREFIX, clean_project, replace_all
from qhfin.build import data_files
from qhfin.config import Config

QHFIN = str(Path(sys.executable).parent / "qhfin")


@pytest.fixture()
def project(tmp_path, config, graph):
    """A private copy of the data and an export of its matrix with one lead changed (a real change)."""
    from openpyxl import load_workbook

    from qhfin.matrix import matrix
    from qhfin.writers import SHEET, WRITERS

    for name in ("source", "ontology", "graph", "shapes", "queries"):
        shutil.copytree(config.root / name, tmp_path / name)
    shutil.copytree(config.build_dir, tmp_path / "build", ignore=shutil.ignore_patterns("npm", "comunica", "synth*"))
    path = tmp_path / "m.xlsx"
    path.write_bytes(WRITERS["xlsx"](matrix(graph)))
    wb = load_workbook(path)
    wb[SHEET]["F2"] = "青海银行"
    wb.save(path)
    return Config(root=tmp_path, build_dir=tmp_path / "build"), path


def _curated(config: Config) -> dict[str, bytes]:
    folder = config.graph_dir / "curated"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _env(config: Config) -> dict[str, str]:
    return {**os.environ, "QHFIN_ROOT": str(config.root), "QHFIN_BUILD_DIR": str(config.build_dir)}


def test_a_hidden_file_is_never_read_by_the_build(tmp_path):
    vocab = tmp_path / "graph" / "vocab"
    vocab.mkdir(parents=True)
    for name in ("themes.ttl", f"{PREFIX}x.ttl", ".#themes.ttl"):
        (vocab / name).write_text("", encoding="utf-8")
    assert [p.name for p in data_files(Config(root=tmp_path, build_dir=tmp_path / "build"))] == ["themes.ttl"]


def test_replace_all_interrupted_before_the_renames_changes_nothing(tmp_path):
    first, second = tmp_path / "a.ttl", tmp_path / "b.ttl"
    first.write_text("old a", encoding="utf-8")
    second.write_text("old b", encoding="utf-8")

    def interrupted(_handle):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        replace_all([(first, lambda h: h.write(b"new a")), (second, interrupted)])
    assert first.read_text(encoding="utf-8") == "old a" and second.read_text(encoding="utf-8") == "old b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ttl", "b.ttl"]


@pytest.mark.parametrize("sig", [
    pytest.param(signal.SIGKILL, id="kill"),
    pytest.param(signal.SIGTERM, id="term", marks=pytest.mark.slow),  # 25 s each: `make test-slow`
    pytest.param(signal.SIGINT, id="ctrl-c", marks=pytest.mark.slow),
])
def test_an_import_stopped_while_it_writes_is_not_applied_by_the_next_build(project, sig):
    """Stopped at the moment its temporary file exists (the window the probe used), by each kind of signal."""
    config, path = project
    before = _curated(config)
    folder = config.graph_dir / "curated"
    process = subprocess.Popen([QHFIN, "matrix", "import", str(path)], env=_env(config),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list(folder.glob(PREFIX + "*")) and not list(config.build_dir.glob(PREFIX + "*")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(sig)
    _out, err = process.communicate(timeout=60)
    assert process.returncode != 0
    if sig != signal.SIGKILL:
        assert "nothing changed" in err.decode() and not list(folder.glob(PREFIX + "*"))
    assert {k: v for k, v in _curated(config).items() if not k.startswith(".")} == before
    # what the next build reads is exactly what was there before (the leftover, if any, is not among it) …
    assert [p.name for p in data_files(config) if p.parent.name == "curated"] == sorted(before)
    # … and the next build or start removes the leftover
    clean_project(config.graph_dir, config.build_dir)
    assert _curated(config) == before
