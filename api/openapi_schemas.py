"""The OpenAPI document's schemas (components/schemas): the shapes of the JSON answers and of the one error.

Operations refer to them by name (``#/components/schemas/…``), from ``api.openapi_paths``.
"""

from __future__ import annotations

OBJ = {"type": "object"}
SUGGESTION = {"type": "object", "required": ["label", "kind", "link"], "properties": {  # inline: Error stands alone
    "label": {"type": "string"}, "kind": {"type": "string"}, "link": {"type": "string"}, "id": {"type": "string"},
    "matched": {"type": "string"}}}
SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["status", "code", "message"], "properties": {
            "status": {"type": "integer"}, "code": {"type": "string"}, "detail": {"type": "string"},
            "suggestions": {"type": "array", "items": SUGGESTION}, "candidates": {"type": "array", "items": SUGGESTION},
            "message": {"type": "object", "required": ["zh", "en"],
                        "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}}}}}},
    "Ref": {"type": "object", "required": ["id", "label"],
            "properties": {"id": {"type": "string", "format": "iri"}, "label": {"type": "string"}}},
    "Why": {"type": "object", "required": ["basis", "zh", "en"], "properties": {
        "basis": {"enum": ["stated", "rule", "curated", "text"]}, "evidence": {"type": ["string", "null"]},
        "zh": {"type": "string"}, "en": {"type": "string"}, "filter": {"type": "string"}}},
    "Measure": {"type": "object", "required": ["id", "label", "text", "path", "bodies", "instruments", "themes", "why"],
                "properties": {
                    "id": {"type": "string"}, "label": {"type": "string"}, "text": {"type": "string"},
                    "path": {"type": "array", "items": {"$ref": "#/components/schemas/Ref"}},
                    "bodies": {"type": "array", "items": {"type": "object", "required": ["id", "label", "role"],
                                                          "properties": {"id": {"type": "string"}, "label": {"type": "string"},
                                                                         "role": {"type": ["string", "null"]}}}},
                    "instruments": {"type": "array", "items": {"$ref": "#/components/schemas/Ref"}},
                    "themes": {"type": "array", "items": {"$ref": "#/components/schemas/Ref"}},
                    "why": {"type": "array", "items": {"$ref": "#/components/schemas/Why"}},
                    "match": {"type": "object", "required": ["how", "zh", "en"], "properties": {
                        "how": {"enum": ["direct", "succeeds", "via"]}, "zh": {"type": "string"}, "en": {"type": "string"}}}}},
    "CountOf": {"type": "object", "required": ["key", "zh", "en"], "description": "计数所计为何 / what a count counts",
                "properties": {"key": {"enum": ["measure", "row", "paragraph"]}, "zh": {"type": "string"},
                               "en": {"type": "string"}}},
    "Measures": {"type": "object", "required": ["query", "count", "count_of", "results"], "properties": {
        "query": OBJ, "count": {"type": "integer"}, "count_of": {"$ref": "#/components/schemas/CountOf"},
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Measure"}},
        "facets": OBJ, "resolved": OBJ, "words": {"type": "array", "items": {"type": "string"}}}},
    "Targets": {"type": "object", "required": ["results"], "properties": {"results": {"type": "array", "items": {
        "type": "object", "required": ["id", "label", "value", "unit", "year", "baseline", "tasks"], "properties": {
            "id": {"type": "string"}, "label": {"type": "string"}, "value": {"type": ["number", "null"]},
            "unit": {"type": ["string", "null"]}, "year": {"type": ["integer", "null"]},
            "baseline": {"type": ["object", "null"], "properties": {"value": {"type": ["number", "null"]},
                                                                    "year": {"type": ["integer", "null"]}}},
            "required_annual_growth_percent": {"type": ["number", "null"]},
            "tasks": {"type": "array", "items": {"$ref": "#/components/schemas/Ref"}}}}}}},
    "Matrix": {"type": "object", "required": ["tasks", "bodies", "cells"], "properties": {
        "tasks": {"type": "array", "items": {"type": "object", "required": ["id", "label", "path"]}},
        "bodies": {"type": "array", "items": {"$ref": "#/components/schemas/Ref"}},
        "cells": {"type": "array", "items": {"type": "object", "required": ["task", "body", "role"]}},
        "rows": {"type": "array", "items": OBJ}, "count_of": {"$ref": "#/components/schemas/CountOf"}}},
    "Concepts": {"type": "object", "required": ["query", "count", "results"], "properties": {
        "query": OBJ, "count": {"type": "integer"}, "results": {"type": "array", "items": {
            "type": "object", "required": ["id", "kind", "label"], "properties": {
                "id": {"type": "string"}, "kind": {"type": "string"}, "label": {"type": "string"},
                "alt_labels": {"type": "array", "items": {"type": "string"}}, "measures": {"type": "string"}}}}}},
    "Task": {"type": "object", "required": ["id", "notation", "label", "text", "bodies", "paragraph", "depends_on",
                                            "depended_on_by"], "properties": {"paragraph": OBJ}},
    "Home": {"type": "object", "required": ["questions"], "properties": {"questions": {"type": "array", "items": OBJ}}},
    "Page": OBJ,
    "Evaluation": {"type": "object", "required": ["targets", "tasks", "progress", "carry_over", "sources"], "properties": {
        "targets": {"type": "array", "items": {"type": "object", "required": [
            "id", "label", "value", "baseline", "status", "status_label", "actuals"], "properties": {
            "id": {"type": "string"}, "label": {"type": "string"}, "value": {"type": ["number", "null"]},
            "baseline": {"type": ["object", "null"]},
            "status": {"enum": ["achieved", "not-achieved", "on-track", "behind", "undetermined", "no-data"]},
            "status_label": {"type": "string"},
            "actuals": {"type": "array", "items": {"type": "object", "required": [
                "id", "period", "value", "unit", "kind", "source", "quote", "decisive"], "properties": {
                "kind": {"enum": ["published", "derived", "secondary"]}, "value": {"type": "number"},
                "source": {"type": "object", "required": ["title"]}}}}}}},
        "tasks": {"type": "array", "items": {"type": "object", "required": [
            "id", "label", "leads", "status", "status_label", "date", "unit", "evidence"], "properties": {
            "status": {"enum": ["completed", "mostly-completed", "in-progress", "not-started", "not-applicable",
                                "not-reported"]}, "date": {"type": ["string", "null"]}, "unit": {"type": ["string", "null"]}}}},
        "indicators": {"type": "array", "items": OBJ}, "progress": OBJ, "carry_over": OBJ, "sources": {"type": "array"}}},
    "Impact": {"type": "object", "required": ["node", "affected"], "properties": {
        "node": {"$ref": "#/components/schemas/Ref"}, "direction": {"enum": ["downstream", "upstream"]},
        "affected": {"type": "array", "items": {"type": "object", "required": ["id", "label", "type", "distance", "path"],
                     "properties": {"id": {"type": "string"}, "label": {"type": "string"}, "type": {"type": "string"},
                                    "distance": {"type": "integer"}, "path": {"type": "array", "items": {
                                        "type": "object", "required": ["from", "to", "predicate", "basis", "zh", "en"]}}}}}}},
}
