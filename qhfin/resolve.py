"""A name → the IRI it means, the same way everywhere (CLI, API, pages, matrix filters, import).

Every name a concept answers to is data: its labels, the names people use (sub-properties of ``skos:altLabel`` /
``skos:hiddenLabel`` in ``ontology/qhfin.ttl``, each a kind of name), its notation and IRI. A name shared by several
concepts of one kind is answered by the best kind of name (a full name before a colloquial one); when the best are
equal the name is ambiguous and the candidates are listed, never one picked at random. A name that means nothing gets
the closest names of every kind (``suggest``), so that no question ends in a bare "not found".
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .errors import QhfinError
from .namespaces import BASE, QHFIN
from .text import words

KINDS = {
    "theme": (QHFIN.Theme,),
    "instrument": (QHFIN.Instrument,),
    "group": (QHFIN.TargetGroup,),
    "body": (QHFIN.Body, QHFIN.BodyGroup),
    "target": (QHFIN.Target,),
    "task": (QHFIN.Task,),
}
SUGGEST_KINDS = ("theme", "instrument", "group", "body", "target")
LINKS = {"theme": QHFIN.supportsTheme, "instrument": QHFIN.usesInstrument, "group": QHFIN.targetsGroup,
         "body": QHFIN.responsibleBody, "target": QHFIN.contributesTo}
# kind of name → (rank: lower answers first, zh, en); the sub-properties' own labels come from the ontology
BUILT_IN = {"id": (0, "编号", "identifier"), "full": (1, "正式名称", "full name"),
            "plan": (2, "别称", "other name"), "indicator": (3, "指标名称", "indicator name"),
            "hidden": (5, "匹配用写法", "matching form")}
RANKS = {QHFIN.shortName: 3, QHFIN.alsoStyled: 3, QHFIN.formerName: 4, QHFIN.englishVariant: 4,
         QHFIN.colloquialName: 6, QHFIN.traditionalForm: 7}
BUILT_IN_PROPS = {SKOS.prefLabel: "full", RDFS.label: "full", SKOS.altLabel: "plan", SKOS.hiddenLabel: "hidden",
                  SKOS.notation: "id"}


class NotFound(QhfinError, LookupError):
    """No concept of that kind has that name; ``suggestions`` holds the closest names of every kind."""

    status, code = 404, "not-found"

    def __init__(self, kind: str, name: str, suggestions: list[Suggestion] | None = None) -> None:
        super().__init__(f"未找到{kind}“{name}”", f"no {kind} named “{name}”")
        self.kind, self.name, self.suggestions = kind, name, suggestions or []

    def __reduce__(self):
        return (type(self), (self.kind, self.name, self.suggestions))


class Ambiguous(NotFound):
    """Several concepts answer equally well to the name; ``candidates`` lists them (a NotFound for old callers)."""

    def __init__(self, kind: str, name: str, candidates: list[Suggestion]) -> None:
        super().__init__(kind, name, candidates)
        self.args = (f"“{name}”可指多个{kind} / “{name}” may mean several: "
                     + "、".join(c.label for c in candidates),)
        self.candidates = candidates


@dataclass(frozen=True)
class Suggestion:
    """A concept offered for a name: what it is called, what kind it is, and the name that brought it up."""

    iri: URIRef
    kind: str
    label: str
    label_en: str
    matched: str
    name_kind: str


@dataclass(frozen=True)
class Resolution:
    """What a name was taken to mean, and by which of the concept's names."""

    kind: str
    name: str
    iri: URIRef
    matched: str
    name_kind: str
    name_kind_zh: str
    name_kind_en: str


@dataclass(frozen=True)
class _Entry:
    iri: URIRef
    rank: int
    name_kind: str
    text: str


def normalise_name(text: str) -> str:
    return "".join(ch for ch in text.strip().lower() if ch not in "“”\"'‘’ 　")


class Resolver:
    """Index of every name of every typed thing, built once per graph.

    ``graph`` needs only the named things' classes and names (``queries/view-names.rq``); ``linked``, when given,
    counts the tasks linked to each concept (``queries/view-linked.rq``), so that the suggestions' ranking does
    not need every link of the graph in memory."""

    def __init__(self, graph: Graph, linked: Callable[[], dict[URIRef, int]] | None = None) -> None:
        self.graph = graph
        self._count_links = linked
        self.index: dict[tuple[str, str], list[_Entry]] = {}
        self.name_kinds = dict(BUILT_IN)
        props = dict(BUILT_IN_PROPS)
        for parent in (SKOS.altLabel, SKOS.hiddenLabel):
            for prop in sorted(graph.subjects(RDFS.subPropertyOf, parent)):
                key = str(prop).rsplit("#", 1)[-1]
                props[prop] = key
                self.name_kinds[key] = (RANKS.get(prop, 5), label(graph, prop), label(graph, prop, "en"))
        for kind, classes in KINDS.items():
            for iri in sorted({s for c in classes for s in graph.subjects(RDF.type, c) if isinstance(s, URIRef)}):
                for prop, name_kind in props.items():
                    for value in graph.objects(iri, prop):
                        self._add(kind, str(value), iri, name_kind)
                self._add(kind, str(iri), iri, "id")
                self._add(kind, str(iri).rsplit("/", 1)[-1], iri, "id")
                indicator = graph.value(iri, QHFIN.indicator) if kind == "target" else None
                for prop in (SKOS.prefLabel, SKOS.altLabel, RDFS.label) if indicator is not None else ():
                    for value in graph.objects(indicator, prop):  # a target answers to its indicator: target=保险深度
                        self._add(kind, str(value), iri, "indicator")
        for entries in self.index.values():
            entries.sort(key=lambda e: (e.rank, str(e.iri)))

    def _add(self, kind: str, text: str, iri: URIRef, name_kind: str) -> None:
        entries = self.index.setdefault((kind, normalise_name(text)), [])
        rank = self.name_kinds[name_kind][0]
        for i, e in enumerate(entries):
            if e.iri == iri:
                if rank < e.rank:
                    entries[i] = _Entry(iri, rank, name_kind, text)
                return
        entries.append(_Entry(iri, rank, name_kind, text))

    def lookup(self, kind: str, name: str) -> Resolution:
        """The concept the name means and by which name; raises Ambiguous or NotFound (with suggestions)."""
        name = name.strip()
        if name.startswith(BASE) and (URIRef(name), RDF.type, None) in self.graph:
            return self._resolution(kind, name, _Entry(URIRef(name), 0, "id", name))
        entries = self.index.get((kind, normalise_name(name)))
        if not entries:
            raise NotFound(kind, name, self.suggest(name, prefer=kind))
        best = [e for e in entries if e.rank == entries[0].rank]
        if len(best) > 1 and best[0].rank > 0:
            raise Ambiguous(kind, name, [self._suggestion(kind, e) for e in best])
        return self._resolution(kind, name, entries[0])

    def resolve(self, kind: str, name: str) -> URIRef:
        """The IRI the name means; raises NotFound (Ambiguous being one)."""
        return self.lookup(kind, name).iri

    def _resolution(self, kind: str, name: str, entry: _Entry) -> Resolution:
        _rank, zh, en = self.name_kinds[entry.name_kind]
        return Resolution(kind, name, entry.iri, entry.text, entry.name_kind, zh, en)

    def _suggestion(self, kind: str, entry: _Entry) -> Suggestion:
        return Suggestion(entry.iri, kind, label(self.graph, entry.iri), label(self.graph, entry.iri, "en"),
                          entry.text, entry.name_kind)

    def names(self, iri: URIRef) -> list[dict]:
        """Every name a concept answers to, with its kind, best kinds first (the concept pages list them)."""
        if not hasattr(self, "_by_iri"):
            by_iri: dict[URIRef, dict[tuple[str, str], _Entry]] = {}
            for entries in self.index.values():
                for e in entries:
                    if e.name_kind != "id":
                        by_iri.setdefault(e.iri, {}).setdefault((e.text, e.name_kind), e)
            self._by_iri = by_iri
        return [{"name": e.text, "kind": e.name_kind, "kind_zh": self.name_kinds[e.name_kind][1],
                 "kind_en": self.name_kinds[e.name_kind][2]}
                for e in sorted(self._by_iri.get(iri, {}).values(), key=lambda e: (e.rank, e.text))]

    def suggest(self, name: str, kinds: tuple[str, ...] = SUGGEST_KINDS, per_kind: int = 3, limit: int = 10,
                prefer: str | None = None) -> list[Suggestion]:
        """The closest names of every kind (the asked kind first): shared words (segmented, not single characters),
        then spelling; when nothing is close, the concepts most measures concern, so that there is always a way on."""
        needle = normalise_name(name)
        tokens = [w for w in words(name) if len(w) > 1] or ([needle] if needle else [])
        best: dict[URIRef, tuple[float, str, _Entry]] = {}
        for (kind, text), entries in self.index.items():
            if kind not in kinds or not needle or entries[0].name_kind in ("id", "traditionalForm"):
                continue
            score = _closeness(needle, tokens, text)
            if score >= 0.5:
                for e in entries:
                    if e.name_kind not in ("id", "traditionalForm") and score > best.get(e.iri, (0.0,))[0]:
                        best[e.iri] = (score, kind, e)
        ranked = sorted(best.values(), key=lambda x: (x[1] != prefer, -x[0], x[2].rank, str(x[2].iri)))
        if not ranked:
            ranked = [(0.0, kind, _Entry(iri, 1, "full", label(self.graph, iri))) for kind, iri in self.most_linked(kinds)]
        taken: dict[str, int] = {}
        result = []
        for _score, kind, entry in ranked:
            if taken.get(kind, 0) < per_kind and len(result) < limit:
                taken[kind] = taken.get(kind, 0) + 1
                result.append(self._suggestion(kind, entry))
        return result

    def most_linked(self, kinds: tuple[str, ...], per_kind: int = 2) -> list[tuple[str, URIRef]]:
        """The concepts of each kind that the most tasks link to."""
        if not hasattr(self, "_linked"):
            self._linked = self._count_links() if self._count_links is not None else self._counted()
        found = []
        for kind in kinds:
            members = {s for c in KINDS[kind] for s in self.graph.subjects(RDF.type, c)}
            found += [(kind, iri) for iri in sorted(members, key=lambda i: (-self._linked.get(i, 0), str(i)))[:per_kind]]
        return found

    def _counted(self) -> dict[URIRef, int]:
        counts: dict[URIRef, int] = {}
        for prop in LINKS.values():
            for _task, concept in self.graph.subject_objects(prop):
                counts[concept] = counts.get(concept, 0) + 1
        return counts

    def search(self, text: str, kinds: tuple[str, ...] = ("theme", "instrument", "group", "body")) -> list[tuple[str, URIRef]]:
        """Every concept any of whose names contains the text."""
        needle = normalise_name(text)
        found: dict[URIRef, str] = {}
        for (kind, name), entries in sorted(self.index.items()):
            if kind in kinds and needle and needle in name:
                for e in entries:
                    found.setdefault(e.iri, kind)
        return sorted(((k, i) for i, k in found.items()), key=lambda x: (x[0], str(x[1])))


def _closeness(needle: str, tokens: list[str], name: str) -> float:
    """1 for the same name; a name containing the asked one or its words scores high; else spelling similarity."""
    if needle == name:
        return 1.0
    if len(needle) > 1 and len(name) > 1 and (needle in name or name in needle):
        return 0.8 + 0.2 * min(len(needle), len(name)) / max(len(needle), len(name))
    shared = [t for t in tokens if t in name]
    if shared:
        return 0.5 + 0.3 * sum(map(len, shared)) / max(len(needle), 1)
    return difflib.SequenceMatcher(None, needle, name).ratio() if abs(len(needle) - len(name)) < 12 else 0.0


def label(graph: Graph, iri: URIRef, lang: str = "zh") -> str:
    for prop in (SKOS.prefLabel, RDFS.label):
        for value in graph.objects(iri, prop):
            if isinstance(value, Literal) and value.language == lang:
                return str(value)
    return str(iri).rsplit("/", 1)[-1]
