"""Registers every blueprint; the one place that lists them."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Blueprints are added here as they are built (sparql, rest, pages, linked_data)."""
    return None
