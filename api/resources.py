"""The pages of the dataset's resources — a task, a body, a concept, a named graph — shared by the pages and by
Linked Data (whose /id/ IRIs answer people with these pages): each from its own bounded view, never the whole graph."""

from __future__ import annotations

from flask import Response, url_for
from rdflib import Graph, URIRef

from qhfin import views

from .details import kind_of, resource_view, task_detail
from .params import MEASURE_FILTERS, state
from .render import json_response, page

KIND_NAMES = {"theme": ("主题", "Themes"), "instrument": ("政策工具", "Policy instruments"),
              "group": ("服务对象", "Target groups"), "body": ("单位", "Bodies"), "target": ("目标", "Targets"),
              "task": ("任务", "Task")}


def task_page(iri: URIRef, as_json: bool) -> Response:
    """The task page (at its IRI under /id/task/): the sentence in its paragraph, bodies, links and their reasons."""
    data = task_detail(views.tasks(state().reader, iri), iri)
    return json_response(data) if as_json else page("task.html", data, as_json=False)


def resource_page(iri: URIRef, as_json: bool, graph: Graph) -> Response:
    """Any other resource: what it is, its properties, what points at it (``graph``: at least the triples about
    it); concepts link to their measures, a body's profile comes from its own view."""
    data = resource_view(graph, iri)
    kind = kind_of(graph, iri)
    if kind in MEASURE_FILTERS:
        data["measures"] = url_for("pages.measures_page", **{kind: str(iri)})
    template = "resource.html"
    if kind == "body":  # a body in plain language, the raw RDF one click away
        data.update(profile=views.profile(state().reader, iri), names=state().resolver.names(iri))
        template = "body.html"
    return json_response(data) if as_json else page(template, data, kind_names=KIND_NAMES, as_json=False)


def source_page(title: str, text: str) -> Response:
    """A document shown as text (the VoID description, for people who open it in a browser)."""
    return page("source.html", {"title": title, "text": text}, as_json=False, json_twin=False)
