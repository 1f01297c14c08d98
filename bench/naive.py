"""The floor of the benchmark: a naive Flask + rdflib SPARQL endpoint (no guards, no time limit, no cache).

Run as ``python bench/naive.py TRIG PORT``; serves /sparql (GET query= or POST form) as SPARQL JSON.
"""

from __future__ import annotations

import sys
import threading

import waitress
from flask import Flask, Response, request
from rdflib import Dataset


def make_app(path: str) -> Flask:
    dataset = Dataset(default_union=True)
    dataset.parse(path, format="trig")
    app = Flask(__name__)
    lock = threading.Lock()  # rdflib's SPARQL evaluation is not safe to run from several threads at once

    @app.route("/sparql", methods=["GET", "POST"])
    def sparql() -> Response:
        query = request.values.get("query", "")
        with lock:
            result = dataset.query(query)
            if result.type in ("CONSTRUCT", "DESCRIBE"):  # a graph, as N-Triples (what the bench asks a graph in)
                return Response(result.serialize(format="nt"), content_type="application/n-triples")
            body = result.serialize(format="json")
        return Response(body, content_type="application/sparql-results+json")

    return app


if __name__ == "__main__":
    waitress.serve(make_app(sys.argv[1]), host="127.0.0.1", port=int(sys.argv[2]), threads=8, _quiet=True)
