"""Linked Data: every IRI under /id/ dereferences here, by content negotiation; the dataset is described in DCAT and
VoID at /.well-known/void; the whole graph is downloadable under /dumps/.

People get HTML (the pages of ``api.pages``), programs get Turtle, JSON-LD or N-Triples, chosen by werkzeug from the
Accept header or forced with ``?format=``. Every answer comes from the engine through named queries (``describe``,
``graph-sizes``, ``dataset-counts``, ``properties``, and the dumps' ``graph-triples`` / ``union-triples``); nothing
here holds the whole graph. Nothing reads the file system either: an IRI is looked up by the engine, a dump is a name
from a fixed table, so no path can reach a file.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, request, stream_with_context
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, VOID, XSD

from qhfin.dumps import dump, etag
from qhfin.media import FORMATS
from qhfin.namespaces import BASE, DATASET, PLAN_IRI, PREFIXES
from qhfin.sparql import QuerySyntaxError
from qhfin.void import Statistics, graph_sizes, properties, statistics

from .details import ID_BASE, kind_of
from .errors import ApiError
from .i18n import remember_lang
from .params import state
from .render import negotiate
from .resources import resource_page, source_page, task_page

blueprint = Blueprint("linked_data", __name__)
blueprint.after_request(remember_lang)

RDF_TYPES = {  # media type → rdflib serializer
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
}
OFFERED = ["text/html", *RDF_TYPES, "application/json"]
FORMAT_PARAM = {"html": "text/html", "json": "application/json", "ttl": "text/turtle", "turtle": "text/turtle",
                "jsonld": "application/ld+json", "nt": "application/n-triples"}
DUMPS = {f"qhfin.{suffix}": name for name, (_ser, suffix, _media) in FORMATS.items()}  # qhfin.ttl → turtle
IANA = "https://www.iana.org/assignments/media-types/"


def chosen_type(offered: list[str]) -> str:
    """``?format=`` wins; otherwise the Accept header decides, 406 when nothing offered is acceptable."""
    fmt = request.args.get("format")
    if fmt:
        if FORMAT_PARAM.get(fmt) not in offered:
            raise ApiError(400, f"不支持的格式“{fmt}”", f"unsupported format “{fmt}”", "bad-format",
                           "format=" + "|".join(k for k, v in FORMAT_PARAM.items() if v in offered))
        return FORMAT_PARAM[fmt]
    return negotiate(offered)


def rdf_response(graph: Graph, media_type: str) -> Response:
    serializer = RDF_TYPES[media_type]
    if serializer == "json-ld":
        context = {p: str(ns) for p, ns in PREFIXES.items()}
        data = graph.serialize(format="json-ld", context=context, auto_compact=True)
    else:
        data = graph.serialize(format=serializer)
    response = Response(data, mimetype=media_type)
    response.headers["Vary"] = "Accept"
    return response


def alternates(path: str) -> str:
    """A Link header naming the other representations, so that a client can find them without guessing."""
    return ", ".join(f'<{path}?format={fmt}>; rel="alternate"; type="{FORMAT_PARAM[fmt]}"'
                     for fmt in ("html", "ttl", "jsonld", "nt"))


@blueprint.get("/id/<path:rest>")
def resource(rest: str) -> Response:
    """Any IRI of the dataset: a page for people, its triples for programs."""
    iri = URIRef(ID_BASE + rest)
    about = described(iri)
    named = (iri, None, None) not in about
    # the named graphs are resources too: GRAPH <…/graph/stated> can be looked up
    graph = named_graph(iri) if named else about
    if graph is None:
        raise ApiError(404, f"图谱中没有“{ID_BASE + rest}”", f"“{ID_BASE + rest}” is not in the graph", "unknown-iri")
    media_type = chosen_type(OFFERED)
    if media_type in RDF_TYPES:
        response = rdf_response(graph, media_type)
    elif kind_of(graph, iri) == "task":
        response = task_page(iri, as_json=media_type == "application/json")
    else:  # a named graph's page shows its description; any other resource's, what describe.rq gave of it
        response = resource_page(iri, as_json=media_type == "application/json", graph=graph)
    response.headers["Link"] = alternates(request.path)
    return response


def described(iri: URIRef) -> Graph:
    """What ``iri`` is, as one CONSTRUCT through the engine (``queries/describe.rq``): its triples, those of the
    nodes it owns, the links pointing at it and the labels of all it mentions. Empty when the graph does not name it."""
    try:
        out = state().reader.graph("describe", resource=iri)
    except QuerySyntaxError:  # not an IRI at all (/id/task/<script>…): nothing in the graph is called that
        out = Graph()
    for prefix, ns in PREFIXES.items():
        out.bind(prefix, ns)
    return out


def named_graph(iri: URIRef) -> Graph | None:
    """A description of one of the dataset's named graphs (its size, what it is part of), or None."""
    size = graph_sizes(state().reader).get(iri)
    if not size:
        return None
    out = Graph()
    out.add((iri, RDF.type, VOID.Dataset))
    out.add((iri, RDFS.label, Literal(str(iri).rsplit("/", 1)[-1])))
    out.add((iri, VOID.triples, Literal(size)))
    out.add((iri, DCTERMS.isPartOf, DATASET["qhfin"]))
    return out


STILL_COUNTING = ("规模统计仍在计数（大型存储上需数秒至数分钟），暂缺的数字稍后再问即有",
                  "The size statistics are still being counted (seconds to minutes on a large store); the figures "
                  "left out are given when asked again shortly")
NOT_COUNTED = ("存储未能在时限内计完规模统计（QHFIN_TIME_LIMIT），故暂缺",
               "The store could not count the size statistics within the time limit (QHFIN_TIME_LIMIT); they are left out")


def void(root: str) -> tuple[Graph, Statistics]:
    """DCAT + VoID for the dataset as this service publishes it: sizes, subsets, dumps and the SPARQL endpoint.
    Every figure is a count the engine made (``qhfin.void``), counted in the background once per graph version;
    the document waits for them ``QHFIN_VOID_WAIT`` seconds at most, and its description (a
    ``void:DatasetDescription``) says when they were counted and which are still being counted."""
    reader, ds, here = state().reader, DATASET["qhfin"], root + ".well-known/void"
    description = URIRef(here)
    stats = statistics(reader, state().config.void_wait)
    out = Graph()
    for prefix, ns in PREFIXES.items():
        out.bind(prefix, ns)
    for p, o in properties(reader, ds):
        out.add((ds, p, o))
    out.add((description, RDF.type, VOID.DatasetDescription))
    out.add((description, FOAF.primaryTopic, ds))
    if stats.as_of is not None:
        counted_at = datetime.fromtimestamp(stats.as_of, UTC).replace(microsecond=0)
        out.add((description, DCTERMS.modified, Literal(counted_at.isoformat(), datatype=XSD.dateTime)))
    for zh, en in ((STILL_COUNTING,) if stats.pending else ()) + ((NOT_COUNTED,) if stats.failed else ()):
        out.add((description, RDFS.comment, Literal(zh, lang="zh")))
        out.add((description, RDFS.comment, Literal(en, lang="en")))
    for name, prop in (("triples", VOID.triples), ("entities", VOID.entities), ("subjects", VOID.distinctSubjects),
                       ("classes", VOID.classes)):
        if name in stats.counts:
            out.add((ds, prop, Literal(stats.counts[name])))
    out.add((ds, VOID.rootResource, PLAN_IRI))
    for example in (URIRef(ID_BASE + "task/4-1-1-1-1"), URIRef(ID_BASE + "theme/rural-revitalization")):
        if properties(reader, example):
            out.add((ds, VOID.exampleResource, example))
    if any(rule.rule == "/sparql" for rule in current_app.url_map.iter_rules()):
        endpoint = URIRef(root + "sparql")
        out.add((ds, VOID.sparqlEndpoint, endpoint))
        service = URIRef(here + "#sparql")
        out.add((ds, DCAT.distribution, URIRef(here + "#sparql-distribution")))
        out.add((URIRef(here + "#sparql-distribution"), RDF.type, DCAT.Distribution))
        out.add((URIRef(here + "#sparql-distribution"), DCAT.accessService, service))
        out.add((URIRef(here + "#sparql-distribution"), DCAT.accessURL, endpoint))
        out.add((service, RDF.type, DCAT.DataService))
        out.add((service, DCAT.endpointURL, endpoint))
        out.add((service, DCAT.servesDataset, ds))
        out.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    for name, fmt in sorted(DUMPS.items()):
        url, dist, media = URIRef(root + "dumps/" + name), URIRef(here + "#" + name), FORMATS[fmt][2]
        out.add((ds, VOID.dataDump, url))
        out.add((ds, DCAT.distribution, dist))
        out.add((dist, RDF.type, DCAT.Distribution))
        out.add((dist, DCAT.downloadURL, url))
        out.add((dist, DCAT.accessURL, url))
        out.add((dist, DCAT.mediaType, URIRef(IANA + media)))
        out.add((dist, DCTERMS.title, Literal(f"全量下载（{fmt}）", lang="zh")))
        out.add((dist, DCTERMS.title, Literal(f"Full dump ({fmt})", lang="en")))
    for named, size in stats.graphs.items():
        if str(named).startswith(BASE):
            subset = URIRef(here + "#" + str(named).rsplit("/", 1)[-1])
            out.add((ds, VOID.subset, subset))
            out.add((subset, RDF.type, VOID.Dataset))
            out.add((subset, DCTERMS.identifier, Literal(str(named), datatype=XSD.anyURI)))
            out.add((subset, RDFS.label, Literal(str(named).rsplit("/", 1)[-1])))
            out.add((subset, VOID.triples, Literal(size)))
    return out, stats


@blueprint.get("/.well-known/void")
def well_known_void() -> Response:
    """The dataset described in DCAT and VoID (RFC 5785 / VoID §6.2)."""
    graph, stats = void(request.url_root)
    media_type = chosen_type(["text/turtle", "application/ld+json", "application/n-triples", "text/html"])
    if media_type == "text/html":
        response = source_page("VoID / DCAT", graph.serialize(format="turtle"))
    else:
        response = rdf_response(graph, media_type)
    if stats.pending:  # not to be kept: the figures left out are counted by the next time it is asked
        response.headers["Retry-After"] = "5"
        response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/dumps/<path:name>")
def dumps(name: str) -> Response:
    """qhfin.ttl, .nt, .trig, .nq, .jsonld — and nothing else, whatever the path says. Streamed from the engine graph
    by graph (``qhfin.dumps``), never held whole; the ETag names the graph version, so an unchanged dump is not sent
    again."""
    if name not in DUMPS:
        raise ApiError(404, f"没有名为“{name}”的下载文件", f"no dump named “{name}”", "unknown-dump",
                       "可下载 / available: " + ", ".join(sorted(DUMPS)))
    reader, fmt = state().reader, DUMPS[name]
    response = Response(stream_with_context(dump(reader, fmt)), mimetype=FORMATS[fmt][2])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.set_etag(etag(reader, fmt))
    return response.make_conditional(request)
