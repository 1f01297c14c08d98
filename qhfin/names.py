"""Names derived at build time: the traditional-character form of every Chinese name of every concept.

People in Hong Kong, Macao and Taiwan, and texts quoted from them, write 鄉村振興 for 乡村振兴. The forms are generated
from the simplified names with zhconv (a maintained converter on PyPI), never from a table kept in code, and recorded as
``qhfin:traditionalForm`` (a sub-property of ``skos:hiddenLabel``): for look-up only, never matched in the plan's text.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .namespaces import QHFIN

CONCEPT_CLASSES = (QHFIN.Theme, QHFIN.Instrument, QHFIN.TargetGroup, QHFIN.Body, QHFIN.BodyGroup, QHFIN.Target,
                   QHFIN.Indicator)


def chinese_names(graph: Graph, iri: URIRef) -> set[str]:
    """Every simplified-Chinese name of a concept: labels and the names people use (sub-properties of altLabel)."""
    props = {SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel, RDFS.label}
    props |= set(graph.subjects(RDFS.subPropertyOf, SKOS.altLabel))
    return {str(v) for p in props for v in graph.objects(iri, p)
            if isinstance(v, Literal) and v.language == "zh"}


def traditional_forms(graph: Graph) -> Graph:
    """``qhfin:traditionalForm`` triples for every Chinese name whose traditional form differs from it."""
    import zhconv

    # its dictionary read through a file closed after (zhconv's own default path leaves the file open)
    zhconv.loaddict(str(Path(zhconv.__file__).with_name("zhcdict.json")))
    convert = zhconv.convert
    out = Graph()
    concepts = sorted({s for c in CONCEPT_CLASSES for s in graph.subjects(RDF.type, c) if isinstance(s, URIRef)})
    for iri in concepts:
        for name in sorted(chinese_names(graph, iri)):
            hant = convert(name, "zh-hant")
            if hant != name:
                out.add((iri, QHFIN.traditionalForm, Literal(hant, lang="zh-Hant")))
    return out
