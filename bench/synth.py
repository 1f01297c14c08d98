"""Synthetic corpora shaped like this plan, for the scale bench: many plans of many provinces, same ontology.

The real build (``build/qhfin.trig``) is the template. Each synthetic plan is a copy of it in which everything that
belongs to one plan — tasks and their clauses, document units, targets, observations, findings, repairs, events,
datasets and blank nodes — gets IRIs of its own (``…/id/task/<plan>/4-1-1-1-1``); bodies belong to a province
(``…/id/body/<province>/…``, labels with the province's name instead of 青海), while themes, instruments, target groups,
indicators, rules and the ontology are shared, as they would be in one national store. So texts keep the plan's real
Chinese lengths, and every plan has its bodies with roles, instruments, themes, targets with baselines and
dependencies. To make plans differ, each copy (after the first) maps the themes and the instruments its tasks use
through a permutation drawn from the seed: the same seed gives the same file, byte for byte.

    python bench/synth.py --triples 500000 --seed 1 -o build/synth-0.5M/qhfin.trig
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/qhfin/id/"
PER_PLAN = {"task", "plan", "obs", "target", "finding", "repair", "event", "dataset"}
PERMUTED = ("theme", "instrument")
PROVINCES = (("qh", "青海"), ("gs", "甘肃"), ("nx", "宁夏"), ("xj", "新疆"), ("xz", "西藏"), ("sc", "四川"),
             ("yn", "云南"), ("gz", "贵州"), ("sx", "陕西"), ("ln", "辽宁"), ("gx", "广西"), ("hn", "海南"))


def kind(iri: str) -> str:
    return iri[len(ID):].split("/", 1)[0] if iri.startswith(ID) else ""


def template(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))


def local(node: object) -> bool:
    """Does this term belong to one plan (or one province) rather than to the shared vocabulary?"""
    if isinstance(node, ox.BlankNode):
        return True
    return isinstance(node, ox.NamedNode) and (kind(node.value) in PER_PLAN or kind(node.value) == "body")


class Plan:
    """The renaming of one copy: plan ``index`` of province ``PROVINCES[index % len]``."""

    def __init__(self, index: int, concepts: dict[str, list[str]], rng: random.Random) -> None:
        self.index = index
        self.code, self.name = PROVINCES[index % len(PROVINCES)]
        self.plan = f"{self.code}{index // len(PROVINCES) + 1:02d}"
        self.swap: dict[str, str] = {}
        if index:
            for k in PERMUTED:
                shuffled = concepts[k][:]
                rng.shuffle(shuffled)
                self.swap.update(zip(concepts[k], shuffled, strict=True))
        self._terms: dict[object, object] = {}

    def term(self, node, subject_local: bool = False):
        if not self.index:
            return node
        found = self._terms.get(node)
        if found is not None:
            return found
        if isinstance(node, ox.BlankNode):
            found = ox.BlankNode(f"{node.value}p{self.index}")
        elif isinstance(node, ox.NamedNode):
            k = kind(node.value)
            rest = node.value[len(ID) + len(k) + 1:]
            if k in PER_PLAN:
                found = ox.NamedNode(f"{ID}{k}/{self.plan}/{rest}")
            elif k == "body" and self.code != "qh":
                found = ox.NamedNode(f"{ID}body/{self.code}/{rest}")
            else:
                found = node
        elif isinstance(node, ox.Literal) and "青海" in node.value and self.code != "qh":
            value = node.value.replace("青海", self.name)
            found = (ox.Literal(value, language=node.language) if node.language
                     else ox.Literal(value, datatype=node.datatype))
        else:
            found = node
        self._terms[node] = found
        return found

    def quad(self, q: ox.Quad) -> ox.Quad:
        s, o = self.term(q.subject), self.term(q.object)
        if self.index and local(q.subject) and not isinstance(q.object, ox.Literal):
            o = ox.NamedNode(self.swap.get(o.value, o.value)) if isinstance(o, ox.NamedNode) else o
        return ox.Quad(s, q.predicate, o, q.graph_name)


def generate(quads: list[ox.Quad], triples: int, seed: int) -> list[ox.Quad]:
    """About ``triples`` quads: the shared ones once, the per-plan ones once per plan; deterministic from ``seed``."""
    shared = [q for q in quads if not (local(q.subject) or local(q.object))]
    per_plan = [q for q in quads if local(q.subject) or local(q.object)]
    concepts = {k: sorted({t.value for q in quads for t in (q.subject, q.object)
                           if isinstance(t, ox.NamedNode) and kind(t.value) == k}) for k in PERMUTED}
    copies = max(1, math.ceil((triples - len(shared)) / max(1, len(per_plan))))
    rng = random.Random(seed)
    out = list(shared)
    for i in range(copies):
        plan = Plan(i, concepts, rng)
        out.extend(plan.quad(q) for q in per_plan)
    return out


def write(quads: list[ox.Quad], path: Path) -> int:
    """Write TriG (the format ``qhfin serve`` loads) with the dataset's prefixes; returns the quad count."""
    from qhfin.namespaces import PREFIXES

    path.parent.mkdir(parents=True, exist_ok=True)
    unique = sorted(set(quads), key=str)  # a fixed order: the same seed gives the same bytes
    ox.serialize(unique, output=str(path), format=ox.RdfFormat.TRIG,
                 prefixes={k: str(v) for k, v in PREFIXES.items()})
    return len(unique)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=500_000, help="about how many quads (default 500000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--template", type=Path, default=ROOT / "build" / "qhfin.trig")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    if not args.template.exists():
        sys.exit(f"{args.template} is missing: run `make build` first")
    n = write(generate(template(args.template), args.triples, args.seed), args.output)
    print(f"{args.output}: {n} quads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
