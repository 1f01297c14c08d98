"""The prefixes and the named graphs as plain strings: what the query workers need of ``qhfin.namespaces`` without
rdflib, whose import (65 ms) would sit on the service's start, in the forkserver that loads the graph."""

BASE = "https://w3id.org/qhfin/"
_ID = BASE + "id/"

PREFIXES = {
    "qhfin": BASE + "ontology#",
    **{name: f"{_ID}{segment}/" for name, segment in (
        ("plan", "plan"), ("task", "task"), ("theme", "theme"), ("instrument", "instrument"), ("group", "group"),
        ("body", "body"), ("bodykind", "body-kind"), ("typology", "typology"), ("scheme", "scheme"),
        ("indicator", "indicator"), ("target", "target"), ("obs", "obs"), ("unit", "unit"), ("rule", "rule"),
        ("finding", "finding"), ("event", "event"), ("dataset", "dataset"))},
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# the named graphs, one per basis (so that "only what the plan itself says" is one GRAPH clause), and the staff's
# data of the final evaluation, each in its own graph
GRAPHS = tuple(f"{_ID}graph/{name}" for name in ("plan", "stated", "derived", "curated", "actuals", "progress"))
