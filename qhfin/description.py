"""The SPARQL Service Description of the endpoint (what ``GET /sparql`` without a query answers)."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, VOID

from . import media
from .namespaces import DATASET

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
# media type → rdflib serializer, in order of preference (qhfin.media: the one table)
SD_TYPES = {media.BY_NAME[n].bare: media.BY_NAME[n].rdflib for n in ("turtle", "jsonld", "rdfxml", "nt")}
RESULT_FORMATS = tuple(s.w3c for s in (*media.RESULTS, *media.RDF) if not s.quads)


def service_description(endpoint: str, graphs: tuple[str, ...], media_type: str) -> bytes:
    g = Graph()
    g.bind("sd", SD)
    service, dataset, default = URIRef(endpoint), BNode("dataset"), BNode("default")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for fmt in RESULT_FORMATS:
        g.add((service, SD.resultFormat, FORMATS[fmt]))
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, VOID.inDataset, DATASET["qhfin"]))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    for name in graphs:
        node = BNode("g" + str(abs(hash(name))))
        g.add((dataset, SD.namedGraph, node))
        g.add((node, RDF.type, SD.NamedGraph))
        g.add((node, SD.name, URIRef(name)))
    g.add((service, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
           Literal("只读SPARQL 1.1端点；默认图为全部命名图之并。Read-only SPARQL 1.1 endpoint; the default graph is the "
                   "union of the named graphs.", lang="zh")))
    return g.serialize(format=SD_TYPES[media_type], encoding="utf-8")
