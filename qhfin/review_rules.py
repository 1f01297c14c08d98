"""Rules narrowed by the review (graph/rules/review-narrowing.ttl, written by ``qhfin review narrow``).

A rule proposes; the review measured it. For every rule under 90 % precision on the reviewed rows each of its
triggers is measured on its own (a phrase, a heading unit, a concept): a trigger under 90 % is withdrawn, so the rule
is split into what held up and what did not; a rule left with no trigger is dropped. Instruments and target groups
pass their themes on (R-INSTRUMENT-THEME, R-GROUP-THEME) only where that held up: an inheritance under 90 % is
withdrawn. Target rules were rewritten by hand instead (graph/rules/target-rules.ttl: the sentence must act on the
indicator's own quantity). The measure is taken on the same rows the review judged, so it is an upper bound for new
rows: the fresh re-review the issue asks for is the real test.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from .concept_links import RULE_GROUP_THEME, RULE_INSTRUMENT_THEME
from .config import Config
from .namespaces import QHFIN, RULE
from .plan_tasks import leaf_tasks
from .review import item_nodes, read_jsonl
from .review_apply import decisions, review_paths, unreviewed_graph
from .vocabulary import Vocabulary

THRESHOLD = 0.9
NARROWED = (QHFIN.MandateRule, QHFIN.ScopeRule)


def _judged(d: dict | None) -> str | None:
    decided = (d or {}).get("decision")
    return "kept" if decided in ("keep", "add") else "rejected" if decided in ("reject", "replace") else None


def measure(config: Config) -> tuple[dict, dict, Graph]:
    """(per rule and trigger, per instrument-or-group and served theme): [kept, rejected] on the reviewed rows."""
    graph, final = unreviewed_graph(config), decisions(config)
    rows = {r["task"] for r in read_jsonl(review_paths(config)["packet"])}
    vocab = Vocabulary(graph)
    triggers: dict = defaultdict(lambda: [0, 0])
    inherit: dict = defaultdict(lambda: [0, 0])
    for task in leaf_tasks(graph):
        notation = str(graph.value(task, SKOS.notation))
        if notation not in rows:
            continue
        for node, item in item_nodes(graph, task, notation):
            verdict = _judged(final.get(item["item"]))
            rule = graph.value(node, QHFIN.rule)
            if verdict is None or rule is None:
                continue
            i = 0 if verdict == "kept" else 1
            via, obj = graph.value(node, QHFIN.viaConcept), graph.value(node, QHFIN.linkObject)
            if rule in (RULE_INSTRUMENT_THEME, RULE_GROUP_THEME) and via is not None:
                for theme in graph.objects(via, QHFIN.servesTheme):
                    if obj == theme or obj in vocab.ancestors(theme):
                        inherit[(via, theme)][i] += 1
            else:
                triggers[(rule, str(graph.value(node, QHFIN.evidence) or ""))][i] += 1
    return triggers, inherit, graph


def _triggers_of(graph: Graph, rule: URIRef, evidence: str) -> list[URIRef | Literal]:
    """Every trigger of a rule that quotes these words: a phrase, a heading unit, or a concept so labelled."""
    found: list[URIRef | Literal] = [p for p in graph.objects(rule, QHFIN.whenPhrase) if str(p) == evidence]
    own = graph.value(rule, QHFIN.evidence)
    found += [u for u in graph.objects(rule, QHFIN.whenWithin)
              if evidence in (str(own or ""), str(graph.value(u, QHFIN.heading) or ""), str(u))]
    for prop in (QHFIN.whenInstrument, QHFIN.whenTheme, QHFIN.whenBody):
        found += [c for c in graph.objects(rule, prop)
                  if any(str(x) == evidence for x in graph.objects(c, SKOS.prefLabel))]
    return sorted(found, key=str)


def narrowing(config: Config) -> tuple[str, list[dict]]:
    """The narrowing file's text and a record per rule of what was done (for docs/review.md)."""
    triggers, inherit, graph = measure(config)
    per_rule: dict = defaultdict(lambda: [0, 0])
    for (rule, _ev), (k, r) in triggers.items():
        per_rule[rule][0] += k
        per_rule[rule][1] += r
    lines, record = [HEADER], []
    for rule in sorted(per_rule, key=str):
        kept, rejected = per_rule[rule]
        if not any((rule, RDF.type, c) in graph for c in NARROWED) or kept / (kept + rejected) >= THRESHOLD:
            continue
        if all(str(t) in set(map(str, graph.objects(rule, QHFIN.withdrawnTrigger))) for t in _remaining(graph, rule, set())):
            continue
        out = []
        for (r, ev), (k, x) in sorted(triggers.items(), key=lambda t: str(t[0])):
            if r == rule and k / (k + x) < THRESHOLD:
                out += [(trig, ev, k, x) for trig in _triggers_of(graph, rule, ev)]
        left = _remaining(graph, rule, {str(t) for t, *_ in out})
        action = "dropped" if not left else "split" if out else "kept (no single trigger under 90 %)"
        record.append({"rule": f"rule:{str(rule).rsplit('/', 1)[1]}", "kept": kept, "rejected": rejected,
                       "action": action, "withdrawn": [f"{ev or '(heading)'} {k}/{k + x}" for _t, ev, k, x in out]})
        for trig, _ev, k, x in out:
            value = trig.n3() if isinstance(trig, Literal) else f"<{trig}>"
            lines.append(f"<{rule}> qhfin:withdrawnTrigger {value} .  # {k}/{k + x} kept")
    for (concept, theme), (k, x) in sorted(inherit.items(), key=lambda t: (str(t[0][0]), str(t[0][1]))):
        if k / (k + x) < THRESHOLD:
            lines.append(f"<{concept}> qhfin:withdrawnTheme <{theme}> .  # {k}/{k + x} kept")
            record.append({"rule": f"inherit {str(concept).rsplit('/', 1)[1]} → {str(theme).rsplit('/', 1)[1]}",
                           "kept": k, "rejected": x, "action": "withdrawn", "withdrawn": []})
    return "\n".join(lines), record


def _remaining(graph: Graph, rule: URIRef, withdrawn: set[str]) -> list:
    props = (QHFIN.whenPhrase, QHFIN.whenWithin, QHFIN.whenInstrument, QHFIN.whenTheme, QHFIN.whenBody)
    return [v for p in props for v in graph.objects(rule, p) if str(v) not in withdrawn]


HEADER = f"""# 复审后收窄的规则 · Rules narrowed after the review. GENERATED by `qhfin review narrow` from the final decisions:
# a trigger (or a theme inherited through an instrument or group) whose precision on the reviewed rows is under 90 %
# is withdrawn; a rule with no trigger left no longer fires. See qhfin/review_rules.py and docs/review.md.
PREFIX qhfin: <https://w3id.org/qhfin/ontology#>
PREFIX rule: <{RULE}>
"""


def write(config: Config, rounds: int = 4) -> tuple[str, list[dict]]:
    """Narrow until nothing more is withdrawn: withdrawing a heading default hands rows to the next rule down,
    which is then measured in its turn. Statements accumulate (one per line, sorted), so the file is stable."""
    out = config.graph_dir / "rules" / "review-narrowing.ttl"
    out.write_text(HEADER, encoding="utf-8")  # from scratch: the same decisions always give the same file
    records: list[dict] = []
    for n in range(1, rounds + 1):
        text, record = narrowing(config)
        old = _statements(out.read_text(encoding="utf-8")) if out.exists() else set()
        new = _statements(text)
        if new <= {line.split("  #")[0] for line in old} and n > 1:
            break
        merged = {line.split("  #")[0]: line for line in sorted(old | new)}
        out.write_text(HEADER + "\n" + "\n".join(merged[k] for k in sorted(merged)) + "\n", encoding="utf-8")
        records += [{**r, "round": n} for r in record]
    return str(out), records


def _statements(text: str) -> set[str]:
    return {line for line in text.splitlines() if line.startswith("<")}
