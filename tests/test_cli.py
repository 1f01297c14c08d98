"""The qhfin command as a user runs it: exit codes and what it prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qhfin.cli import main

EXAMPLES = Path(__file__).parent / "examples"


def test_validate_exits_0_on_a_valid_example(capsys):
    assert main(["validate", str(EXAMPLES / "00-valid-task.ttl")]) == 0


def test_validate_exits_1_and_names_the_shape(capsys):
    assert main(["validate", str(EXAMPLES / "01-invalid-no-lead.ttl")]) == 1
    out = capsys.readouterr().out
    assert "shapes#TaskLead" in out and "牵头单位" in out and "lead body" in out


def test_validate_exits_2_on_a_file_that_does_not_parse(tmp_path, capsys):
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle .", encoding="utf-8")
    assert main(["validate", str(bad)]) == 2
    assert "bad.ttl" in capsys.readouterr().err


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """qhfin build into a private build directory."""
    import os

    out = tmp_path_factory.mktemp("build")
    os.environ["QHFIN_BUILD_DIR"] = str(out)
    try:
        assert main(["build"]) == 0
        yield out
    finally:
        del os.environ["QHFIN_BUILD_DIR"]


def test_build_then_stats(built, capsys, monkeypatch):
    monkeypatch.setenv("QHFIN_BUILD_DIR", str(built))
    capsys.readouterr()
    assert main(["stats"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["tasks_by_chapter"] == {"ch4": 112, "ch5": 82, "ch6": 59, "ch7": 26}
    assert stats["coverage"] == {"ch4": 1.0, "ch5": 1.0, "ch6": 1.0, "ch7": 1.0}


@pytest.mark.parametrize("fmt", ["nt", "trig",  # rdflib's Turtle and JSON-LD writers and parsers: 12 s each, in make test-slow
                                 pytest.param("turtle", marks=pytest.mark.slow), pytest.param("jsonld", marks=pytest.mark.slow)])
def test_dump_formats_parse_back(built, fmt, tmp_path, monkeypatch):
    from rdflib import Dataset, Graph

    monkeypatch.setenv("QHFIN_BUILD_DIR", str(built))
    out = tmp_path / f"dump.{fmt}"
    assert main(["dump", "--format", fmt, "--output", str(out)]) == 0
    target = Dataset() if fmt == "trig" else Graph()
    target.parse(out, format={"turtle": "turtle", "nt": "nt", "trig": "trig", "jsonld": "json-ld"}[fmt])
    assert len(target) > 10000 if fmt != "trig" else sum(len(g) for g in target.graphs()) > 10000
