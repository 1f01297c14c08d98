"""Build the knowledge graph from the source of record and the hand-written data in ``graph/``.

Deterministic: the same inputs give an isomorphic dataset (no clocks, no blank nodes in the output, sorted
iteration), so a rebuild can be compared with what was shipped.

The pipeline, one module a step: ``inputs`` (read) → ``annotate`` (every task's links, sub-tasks, deadlines) →
``emit`` (the RDF). ``BuildError``, ``read_inputs`` and ``data_files`` are imported here for the many callers that
know them as ``qhfin.build``'s.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef

from . import names
from .annotate import add_deadline, add_sub_task, annotate_task, leads_from_clauses, sub_tasks, task_text
from .config import Config
from .document import structure_graph, task_graph, tasks
from .emit import add_dataset_description, add_repairs, copy_hand, emit_link
from .inputs import BuildError, data_files, read_inputs
from .links import Link
from .namespaces import GRAPH_PLAN, PREFIXES, QHFIN
from .source import parse
from .staff_graphs import add_staff_graphs
from .vocabulary import Vocabulary


def build(config: Config, overrides: dict[Path, str] | None = None) -> Dataset:
    inputs = read_inputs(config, overrides)
    source = inputs.source
    run_in = [str(inputs.hand.value(r, QHFIN.originalText))
              for r in inputs.hand.subjects(QHFIN.repairKind, QHFIN.RunInParagraph)]
    plan_unit = parse(source, run_in)
    records = tasks(plan_unit, source)
    vocab = Vocabulary(inputs.hand)

    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    plan = ds.graph(GRAPH_PLAN)
    plan += structure_graph(plan_unit, source)
    plan += task_graph(records)
    copy_hand(ds, inputs)
    plan += names.traditional_forms(inputs.hand)  # look-up only: the matching above never reads them
    add_dataset_description(ds, config)
    add_staff_graphs(ds, config)  # actual figures and progress reports, each in its own named graph

    texts = {r.iri: task_text(source, r) for r in records}
    subs = list(sub_tasks(inputs, texts))
    all_links: dict[URIRef, list[Link]] = {}
    for record in records:
        all_links[record.iri] = annotate_task(inputs, vocab, texts[record.iri], None)
    for sub in subs:
        all_links[sub.iri] = annotate_task(inputs, vocab, sub, all_links[sub.parent])
        add_sub_task(plan, sub, inputs.hand)
    leads_from_clauses(all_links, subs)
    for task in [*texts.values(), *subs]:
        links = all_links[task.iri]
        for link in sorted(links, key=lambda lk: (str(lk.prop), lk.order or 0, str(lk.obj), str(lk.basis))):
            emit_link(ds, link)
        add_deadline(plan, inputs, vocab, task)
        if not any(lk.role == QHFIN.Lead for lk in links):
            plan.add((task.iri, QHFIN.needsCuration, Literal("无规则可确定牵头单位，须人工审定", lang="zh")))
            plan.add((task.iri, QHFIN.needsCuration, Literal("No rule gives a lead; a curator must decide", lang="en")))
    add_repairs(ds, inputs, plan_unit, [*texts.values(), *subs])
    return ds


def union(ds: Dataset) -> Graph:
    """All named graphs as one graph, for validation and for the Turtle dump."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for quad_graph in ds.graphs():
        g += quad_graph
    return g


__all__ = ["BuildError", "build", "data_files", "read_inputs", "union"]
