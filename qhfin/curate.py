"""Re-import an edited 任务分工表: all of it or nothing.

The spreadsheet's 牵头单位 / 配合单位 columns are compared with what the graph says without earlier imports; the
differences become curated links and rejections in ``graph/curated/matrix-import.ttl`` — a human-readable file,
reviewable as a diff. Before anything is written the whole file is checked (unknown tasks or bodies, empty leads),
then a trial build with the new curation must pass the shapes; only then is the file replaced, atomically.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, URIRef

from .atomic import clean_leftovers, replace_all
from .build import BuildError, build, union
from .config import Config
from .duties import moved_name
from .matrix_row import COLUMNS, ERAS, row, text_of
from .namespaces import ORG, QHFIN
from .plan_tasks import leaf_tasks
from .resolve import Resolver
from .sheets import CellError, ImportRefused, read_table
from .store import write_build
from .validate import check
from .writers import SHEET

IMPORT_FILE = "matrix-import.ttl"
ID_HEADER, LEAD_HEADER, COOP_HEADER = "任务编号", "牵头单位", "配合单位"
MARK_RE = re.compile(r"（[^（）]*）")  # notes the export adds to a name: "（2023年改革后名称，推导）"
# columns the import does not apply: an edit there is refused, naming the cell, never dropped in silence
READ_ONLY = ("chapter", "key_task", "measure", "addressees", "deadline", "targets", "instruments", "source")
MAX_CELL = 2000
NOTE = ('"由任务分工表导入的人工审定。"@zh, "Curated through an imported task-responsibility matrix."@en')


RowError = CellError  # one bad cell, named by sheet, row and column (the same for every import)


class MatrixImportError(ImportRefused):
    """The file is refused as a whole; ``errors`` names every bad row."""


def read_rows(path: Path) -> tuple[str, list[tuple[int, dict[str, object]]]]:
    """(sheet name, [(row number, {header: value})]) from an xlsx or a csv file, bounded before it is parsed
    (``sheets.read_table``, as for every import); a refusal is this import's own error type."""
    try:
        return read_table(path, SHEET, (ID_HEADER, LEAD_HEADER, COOP_HEADER))
    except ImportRefused as exc:
        raise MatrixImportError(exc.errors) from exc


def _names(cell: object) -> list[tuple[str, str]]:
    """(name, the export's note on it) per body of a cell: split on 、，,；; and line breaks outside （…）, since the
    notes hold "，" themselves (“（2023年改革承接金融消费者保护职责，推导）”)."""
    pieces, depth, current = [], 0, ""
    for ch in str(cell):
        depth += (ch == "（") - (ch == "）")
        if depth <= 0 and ch in "、，,；;\n":
            pieces.append(current)
            current, depth = "", 0
        else:
            current += ch
    pieces.append(current)
    return [(MARK_RE.sub("", p).strip(), "".join(MARK_RE.findall(p))) for p in pieces if MARK_RE.sub("", p).strip()]


def _same(a: object, b: object) -> bool:
    return " ".join(str(a).split()) == " ".join(str(b).split())


def _read_only_edits(graph: Graph, sheet: str, number: int, task: URIRef, cells: dict) -> list[RowError]:
    """A cell of a read-only column that differs from what the export wrote (in either era's names)."""
    headers = {zh: key for key, zh, _en in COLUMNS if key in READ_ONLY}
    # 重点任务 is merged down its rows in xlsx: the cells under the first read back empty
    present = [h for h in cells if h in headers and not (headers[h] == "key_task" and str(cells[h]).strip() == "")]
    if not present:
        return []
    exported = [row(graph, task, era) for era in ERAS]
    return [RowError(sheet, number, header, "此列只读，修改不会导入；请只修改牵头单位、配合单位",
                     "this column is read-only and an edit to it cannot be imported; edit only 牵头单位 and 配合单位")
            for header in present
            if not any(_same(cells[header], text_of(e[headers[header]])) for e in exported)]


def _as_in_plan(graph: Graph, task: URIRef, body: URIRef, role: URIRef) -> URIRef:
    """The body as the 2021 graph has it: a 2023 export names the new owner of a duty the reform moved (the cell then
    stands for the body the duty moved from, one in the same role first) or a successor (its predecessor)."""
    nodes = sorted(graph.objects(task, QHFIN.involvement), key=lambda n: (graph.value(n, QHFIN.role) != role, str(n)))
    for node in nodes:
        original = graph.value(node, QHFIN.body)
        moved = moved_name(graph, task, original) if original is not None else None
        if moved and moved[1] == str(body):
            return original
    return _predecessor(graph, body)


def _predecessor(graph: Graph, body: URIRef) -> URIRef:
    """A successor's name (2023 export) stands for the body the plan named."""
    for event in graph.objects(body, ORG.resultedFrom):
        original = graph.value(event, ORG.originalOrganization)
        if original is not None:
            return original
    return body


def _exported_unchanged(current: Graph, task: URIRef, cells: dict) -> tuple[list, list] | None:
    """The row's (leads, cooperating) as the graph has them when its two body cells are exactly what an export of
    either era wrote. A 2023 export merges bodies (a duty the reform moved, a renamed regulator) and so cannot be
    read back body by body; an unchanged row must still change nothing."""
    for era in ERAS:
        exported = row(current, task, era)
        if _same(cells.get(LEAD_HEADER, ""), text_of(exported["lead"])) and \
                _same(cells.get(COOP_HEADER, ""), text_of(exported["cooperating"])):
            roles = _roles(current, task)
            return ([b for b, r in roles.items() if QHFIN.Lead in r],
                    [b for b, r in roles.items() if r & {QHFIN.Cooperating, QHFIN.PerDuty}])
    return None


def parse_rows(graph: Graph, sheet: str, rows: list[tuple[int, dict[str, object]]],
               current: Graph | None = None) -> dict[URIRef, tuple[list, list]]:
    """Every row checked; the desired (leads, cooperating) per task, or an MatrixImportError naming every bad cell.
    ``graph`` is the graph without earlier imports, ``current`` the one the file was exported from (default: the same)."""
    current = graph if current is None else current
    resolver = Resolver(graph)
    tasks = {str(graph.value(t, URIRef("http://www.w3.org/2004/02/skos/core#notation"))): t for t in leaf_tasks(graph)}
    errors: list[RowError] = []
    desired: dict[URIRef, tuple[list, list]] = {}
    for number, cells in rows:
        for header, value in cells.items():
            text = str(value)
            if text.startswith("=") and header in (ID_HEADER, LEAD_HEADER, COOP_HEADER):
                errors.append(RowError(sheet, number, header, "不接受公式", "formulas are not accepted"))
            if len(text) > MAX_CELL:
                errors.append(RowError(sheet, number, header, f"单元格超过{MAX_CELL}字", f"cell longer than {MAX_CELL} characters"))
        task = tasks.get(str(cells.get(ID_HEADER, "")).strip())
        if task is None:
            errors.append(RowError(sheet, number, ID_HEADER, f"未知任务编号“{cells.get(ID_HEADER)}”",
                                   f"unknown task ID “{cells.get(ID_HEADER)}”"))
            continue
        if task in desired:
            errors.append(RowError(sheet, number, ID_HEADER, "任务编号重复", "duplicate task ID"))
        errors += _read_only_edits(graph, sheet, number, task, cells)
        if (kept := _exported_unchanged(current, task, cells)) is not None:
            desired[task] = kept
            continue
        resolved: list[list[URIRef]] = [[], []]
        for slot, header in enumerate((LEAD_HEADER, COOP_HEADER)):
            for name, note in _names(cells.get(header, "")):
                try:
                    body = resolver.resolve("body", name)
                    resolved[slot].append(_as_in_plan(graph, task, body, (QHFIN.Lead, QHFIN.Cooperating)[slot])
                                          if "承接" in note else _predecessor(graph, body))
                except LookupError:
                    errors.append(RowError(sheet, number, header, f"未知单位“{name}”", f"unknown body “{name}”"))
        if not resolved[0]:
            errors.append(RowError(sheet, number, LEAD_HEADER, "牵头单位不能为空", "the lead unit cannot be empty"))
        desired[task] = (list(dict.fromkeys(resolved[0])), list(dict.fromkeys(resolved[1])))
    if errors:
        raise MatrixImportError(errors)
    return desired


def _roles(graph: Graph, task: URIRef) -> dict[URIRef, set[URIRef]]:
    found: dict[URIRef, set[URIRef]] = {}
    for node in graph.objects(task, QHFIN.involvement):
        found.setdefault(graph.value(node, QHFIN.body), set()).add(graph.value(node, QHFIN.role))
    return found


def records(baseline: Graph, desired: dict[URIRef, tuple[list, list]]) -> list[tuple[URIRef, str, URIRef, URIRef]]:
    """(task, "add"|"reject", body, role): what turns the baseline into the spreadsheet."""
    out = []
    for task, (leads, cooperating) in desired.items():
        roles = _roles(baseline, task)
        current_leads = {b for b, r in roles.items() if QHFIN.Lead in r}
        current_coop = {b for b, r in roles.items() if r & {QHFIN.Cooperating, QHFIN.PerDuty}}
        for body in leads:
            if body not in current_leads:
                out.append((task, "add", body, QHFIN.Lead))
        for body in sorted(current_leads - set(leads)):
            out.append((task, "reject", body, QHFIN.Lead))
        for body in cooperating:
            if body not in current_coop and body not in leads:
                out.append((task, "add", body, QHFIN.Cooperating))
        for body in sorted(current_coop - set(cooperating)):
            for role in sorted(roles[body] & {QHFIN.Cooperating, QHFIN.PerDuty}):
                out.append((task, "reject", body, role))
    return out


def render(recs: list[tuple[URIRef, str, URIRef, URIRef]], graph: Graph) -> str:
    """The curation file, one block per record in plan order: stable text, readable diffs."""
    lines = [
        "# 由任务分工表导入的人工审定（qhfin matrix import 生成；可人工编辑）。",
        "# Curation imported from an edited task-responsibility matrix (written by `qhfin matrix import`; editable).",
        "PREFIX qhfin: <https://w3id.org/qhfin/ontology#>",
        "",
    ]
    order = {t: i for i, t in enumerate(leaf_tasks(graph))}
    for task, action, body, role in sorted(recs, key=lambda r: (order.get(r[0], 0), r[1], str(r[3]), str(r[2]))):
        prop = "qhfin:curatedLink" if action == "add" else "qhfin:rejectedLink"
        lines += [
            f"<{task}> {prop} [",
            "    qhfin:linkProperty qhfin:responsibleBody ;",
            f"    qhfin:linkObject <{body}> ;",
            f"    qhfin:role <{role}> ;",
            f"    qhfin:curationNote {NOTE}",
            "] .",
            "",
        ]
    return "\n".join(lines)


def import_matrix(config: Config, path: Path) -> tuple[int, int]:
    """Apply the spreadsheet or nothing. Returns (records written, tasks in the file)."""
    target = config.graph_dir / "curated" / IMPORT_FILE
    clean_leftovers(target.parent, config.build_dir)
    sheet, rows = read_rows(path)  # the file first: a hostile one is refused before any build
    baseline = union(build(config, {target: ""}))
    current = union(build(config)) if target.exists() else baseline  # what the file was exported from
    desired = parse_rows(baseline, sheet, rows, current)
    previous = Graph().parse(target, format="turtle") if target.exists() else Graph()
    recs = records(baseline, desired)
    kept = _kept(previous, set(desired))
    text = render(recs + kept, baseline)
    try:
        rebuilt = build(config, {target: text})
        trial = union(rebuilt)
    except BuildError as exc:
        raise MatrixImportError([f"{path.name}: {exc}"]) from exc
    violations = [f for f in check(trial, config.shapes_dir) if f.severity == "Violation"]
    if violations:
        raise MatrixImportError([f"{f.focus}: {f.message_zh} / {f.message_en}" for f in violations[:20]])
    _commit(target, text, rebuilt, config)
    return len(recs) + len(kept), len(desired)


def _kept(previous: Graph, replaced: set[URIRef]) -> list[tuple[URIRef, str, URIRef, URIRef]]:
    """Earlier imported records for tasks that this spreadsheet does not contain (a filtered export)."""
    kept = []
    for prop, action in ((QHFIN.curatedLink, "add"), (QHFIN.rejectedLink, "reject")):
        for task, node in previous.subject_objects(prop):
            if task not in replaced:
                kept.append((task, action, previous.value(node, QHFIN.linkObject), previous.value(node, QHFIN.role)))
    return kept


def _commit(target: Path, text: str, ds, config: Config) -> None:
    """The curation file, then the rebuilt graph, each replaced whole (``atomic.replace_all``)."""
    replace_all([(target, lambda handle: handle.write(text.encode("utf-8"))),
                 (config.built_graph, lambda handle: write_build(ds, handle))])


__all__ = ["MatrixImportError", "RowError", "import_matrix", "read_rows"]
