"""Registers every blueprint; the one place that lists them."""

from __future__ import annotations

from importlib import import_module

from flask import Flask

MODULES = (
    "api.rest",  # /api/…: the JSON API and /api/openapi.json
    "api.linked_data",  # /id/…, /.well-known/void, /dumps/…
    "api.pages",  # pages for people: /, /measures, /matrix, …
    "api.explorer",  # /explorer and /api/impact, path, scenario, …, export
    "api.sparql",  # /sparql: SPARQL 1.1 Protocol and query editor
    "api.queries",  # /queries/…: named queries, .json and .csv twins
    "api.evaluation",  # /evaluation, /api/evaluation, the report downloads (issue 15)
)


def import_all() -> None:
    """Import the blueprints' modules (a second of openpyxl, networkx, Jinja …): ``qhfin serve`` does it while
    the query workers start, so that registering them later costs nothing."""
    for name in MODULES:
        import_module(name)


def register(app: Flask) -> None:
    for name in MODULES:
        app.register_blueprint(import_module(name).blueprint)
