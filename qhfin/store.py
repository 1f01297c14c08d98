"""The one place that knows where the built graph lives and how to get it into memory."""

from __future__ import annotations

from rdflib import Dataset

from .build import build
from .config import Config
from .namespaces import PREFIXES

FORMATS = {  # format name → (rdflib serializer, file suffix, media type)
    "trig": ("trig", "trig", "application/trig"),
    "turtle": ("turtle", "ttl", "text/turtle"),
    "nt": ("nt", "nt", "application/n-triples"),
    "nquads": ("nquads", "nq", "application/n-quads"),
    "jsonld": ("json-ld", "jsonld", "application/ld+json"),
}


def load(config: Config, *, rebuild: bool = False) -> Dataset:
    """The built dataset: read from ``build/qhfin.trig``, building it first when missing or asked to."""
    path = config.built_graph
    if rebuild or not path.exists():
        ds = build(config)
        save(ds, config)
        return ds
    ds = Dataset()
    ds.parse(path, format="trig")
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    return ds


def save(ds: Dataset, config: Config) -> None:
    config.build_dir.mkdir(parents=True, exist_ok=True)
    ds.serialize(config.built_graph, format="trig")
