"""A name, alias, notation or IRI → the IRI it means, the same way everywhere (CLI, API, matrix filters, import)."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .namespaces import BASE, QHFIN

LABEL_PROPS = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel, RDFS.label, SKOS.notation)
KINDS = {
    "theme": (QHFIN.Theme,),
    "instrument": (QHFIN.Instrument,),
    "group": (QHFIN.TargetGroup,),
    "body": (QHFIN.Body, QHFIN.BodyGroup),
    "target": (QHFIN.Target,),
    "task": (QHFIN.Task,),
}


class NotFound(LookupError):
    """No concept of that kind has that name."""


def normalise_name(text: str) -> str:
    return "".join(ch for ch in text.strip().lower() if ch not in "“”\"'‘’ 　")


class Resolver:
    """Index of every label of every typed thing, built once per graph."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.index: dict[tuple[str, str], list[URIRef]] = {}
        for kind, classes in KINDS.items():
            members = sorted({s for c in classes for s in graph.subjects(RDF.type, c) if isinstance(s, URIRef)})
            for iri in members:
                for prop in LABEL_PROPS:
                    for label in graph.objects(iri, prop):
                        self._add(kind, str(label), iri, prop == SKOS.prefLabel)
                self._add(kind, str(iri), iri, True)
                if kind == "target":  # a target answers to its indicator's names too: target=保险深度
                    indicator = graph.value(iri, QHFIN.indicator)
                    for prop in LABEL_PROPS:
                        for label in graph.objects(indicator, prop) if indicator is not None else ():
                            self._add(kind, str(label), iri, False)
                self._add(kind, str(iri).rsplit("/", 1)[-1], iri, False)

    def _add(self, kind: str, label: str, iri: URIRef, preferred: bool) -> None:
        bucket = self.index.setdefault((kind, normalise_name(label)), [])
        if iri not in bucket:
            bucket.insert(0, iri) if preferred else bucket.append(iri)

    def resolve(self, kind: str, name: str) -> URIRef:
        """The best match: exact IRI, then a preferred label, then any alias; raises NotFound."""
        if name.startswith(BASE) and (URIRef(name), RDF.type, None) in self.graph:
            return URIRef(name)
        hits = self.index.get((kind, normalise_name(name)))
        if not hits:
            raise NotFound(f"未找到{kind}“{name}” / no {kind} named “{name}”")
        return hits[0]

    def search(self, text: str, kinds: tuple[str, ...] = ("theme", "instrument", "group", "body")) -> list[tuple[str, URIRef]]:
        """Every concept any of whose names contains the text."""
        needle = normalise_name(text)
        found: dict[URIRef, str] = {}
        for (kind, label), iris in sorted(self.index.items()):
            if kind in kinds and needle and needle in label:
                for iri in iris:
                    found.setdefault(iri, kind)
        return sorted(((k, i) for i, k in found.items()), key=lambda x: (x[0], str(x[1])))


def label(graph: Graph, iri: URIRef, lang: str = "zh") -> str:
    for prop in (SKOS.prefLabel, RDFS.label):
        for value in graph.objects(iri, prop):
            if isinstance(value, Literal) and value.language == lang:
                return str(value)
    return str(iri).rsplit("/", 1)[-1]
