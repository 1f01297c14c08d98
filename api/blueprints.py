"""Registers every blueprint; the one place that lists them."""

from __future__ import annotations

from importlib import import_module

from flask import Flask


def register(app: Flask) -> None:
    """Blueprints are added here as they are built (sparql, rest, pages, linked_data)."""
    app.register_blueprint(import_module("api.rest").blueprint)  # /api/…: the JSON API and /api/openapi.json
    app.register_blueprint(import_module("api.linked_data").blueprint)  # /id/…, /.well-known/void, /dumps/…
    app.register_blueprint(import_module("api.pages").blueprint)  # pages for people: /, /measures, /matrix, …
    app.register_blueprint(import_module("api.explorer").blueprint)  # /explorer and /api/impact, path, scenario, …, export
    app.register_blueprint(import_module("api.sparql").blueprint)  # /sparql: SPARQL 1.1 Protocol and query editor
    app.register_blueprint(import_module("api.queries").blueprint)  # /queries/…: named queries, .json and .csv twins
