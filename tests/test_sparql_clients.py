"""Standard SPARQL clients work unchanged against /sparql: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from qhfin.config import ROOT

COUNT_TASKS = """PREFIX qhfin: <https://w3id.org/qhfin/ontology#>
SELECT (COUNT(?t) AS ?n) WHERE { ?t a qhfin:Task }"""


@pytest.mark.parametrize("fmt", [JSON, XML, CSV], ids=["json", "xml", "csv"])
def test_sparqlwrapper_select_in_every_result_format(live_server, fmt):
    client = SPARQLWrapper(f"{live_server}/sparql")
    client.setQuery(COUNT_TASKS)
    client.setReturnFormat(fmt)
    result = client.query().convert()
    if fmt == JSON:
        assert int(result["results"]["bindings"][0]["n"]["value"]) > 400
    elif fmt == CSV:
        assert int(result.decode("utf-8").splitlines()[1]) > 400
    else:
        assert b"Task" not in result.toxml().encode() and "literal" in result.toxml()


def test_sparqlwrapper_post_and_construct(live_server):
    client = SPARQLWrapper(f"{live_server}/sparql")
    client.setMethod("POST")
    client.setQuery("CONSTRUCT { ?t ?p ?o } WHERE { BIND(<https://w3id.org/qhfin/id/task/4-1-1-1-1> AS ?t) ?t ?p ?o }")
    client.setReturnFormat(TURTLE)
    g = Graph().parse(data=client.query().convert(), format="turtle")
    assert (URIRef("https://w3id.org/qhfin/id/task/4-1-1-1-1"), None, None) in g


def test_sparqlwrapper_update_is_refused_with_403(live_server):
    from urllib.error import HTTPError

    client = SPARQLWrapper(f"{live_server}/sparql")
    client.setMethod("POST")
    client.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(HTTPError) as caught:
        client.query()
    caught.value.close()  # the error holds the response and its socket, else left to the collector
    assert caught.value.code == 403


@pytest.mark.parametrize("attempt", range(5))
def test_rdflib_sparqlstore_repeatedly(live_server, attempt):
    """SPARQLStore's Accept header order varies between runs; every run must get an answer it can read."""
    store = SPARQLStore(f"{live_server}/sparql")
    rows = list(store.query(COUNT_TASKS))
    assert int(rows[0][0]) > 400
    ask = store.query("ASK { <https://w3id.org/qhfin/id/task/7-5-0-1-4> ?p ?o }")
    assert ask.askAnswer is True


COMUNICA = ROOT / "build" / "comunica" / "node_modules" / ".bin" / "comunica-sparql"


def test_comunica_command_line(live_server):
    """The Comunica command line (npm @comunica/query-sparql 4.x, installed by `make comunica`)."""
    if not COMUNICA.exists():
        if os.environ.get("QHFIN_REQUIRE_BROWSER"):
            pytest.fail("comunica-sparql is not installed: run `make comunica`")
        pytest.skip("comunica-sparql is not installed (make comunica)")
    query = "SELECT (COUNT(?t) AS ?n) WHERE { ?t a <https://w3id.org/qhfin/ontology#Task> }"
    run = subprocess.run([str(COMUNICA), f"sparql@{live_server}/sparql", query],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert int(json.loads(run.stdout)[0]["n"].strip('"').split('"')[0]) > 400
