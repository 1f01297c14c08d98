"""``qhfin impact | path | scenario | rank | workload | crosstab | checks | export``: the explorer on the command line.

Each command resolves names as everywhere else (乡村振兴, 两权抵押, 省农担公司, an IRI, a task notation), calls one
``qhfin`` function and prints its answer as text (Chinese first) or, with ``--json``, as the same JSON the API
gives. Exit codes: 0 answered, 2 a name that names nothing or a bad argument.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from .checks import checks
from .config import Config
from .crosstab import AXES, crosstab
from .explore import DIRECTIONS, ExploreError, Explorer, impact, path
from .exports import FORMATS, export
from .rank import rank, workload
from .reader import opened
from .scenario import scenario
from .terms import KIND_ZH, ROLE_ZH
from .writers import write_out

TYPE_ZH = {**KIND_ZH, "chapter": "章"}


def _explorer(args: argparse.Namespace) -> Explorer:
    """The typed graph the service builds, from the same named query through an engine opened for this command
    (seconds faster than parsing the whole build into rdflib; see ``qhfin.reader.opened``)."""
    with opened(Config.from_env(root=args.root)) as reader:
        return Explorer.from_reader(reader)


def _name(item: dict) -> str:
    head = f"{item['notation']} " if item.get("notation") else ""
    return f"{TYPE_ZH.get(item['type'], item['type'])} {head}{item['label']}"


def _steps(path_steps: list[dict], indent: str = "      ") -> list[str]:
    return [f"{indent}{'→' if i else '·'} {s['zh']}" for i, s in enumerate(path_steps)]


def text_impact(r: dict, brief: bool = False) -> list[str]:
    way = {"downstream": "下游影响（若其停滞或撤出，受影响的）/ downstream impact",
           "upstream": "上游支撑（其所依靠的）/ upstream support"}[r["direction"]]
    counts = "，".join(f"{TYPE_ZH[t]}{n}" for t, n in r["by_type"].items())
    lines = [f"{_name(r['node'])}", f"{way}：共{r['count']}个 / {r['count']} nodes（{counts}）"]
    for kind in ("target", "task", "theme", "group", "instrument", "body"):
        items = [a for a in r["affected"] if a["type"] == kind]
        if items:
            lines.append(f"\n【{TYPE_ZH[kind]} / {kind}】{len(items)}")
            for a in items:
                lines.append(f"  [{a['distance']}] {_name(a)}")
                if not brief:
                    lines += _steps(a["path"])
    return lines


def text_path(r: dict) -> list[str]:
    if not r["connected"]:
        return [f"{_name(r['from'])} 与 {_name(r['to'])} 之间没有关联 / not connected"]
    way = {"downstream": "前者失效会影响后者 / a failure of the first reaches the second",
           "upstream": "后者失效会影响前者 / a failure of the second reaches the first",
           "undirected": "有关联但无影响方向 / linked, with no influence either way"}[r["direction"]]
    return [f"{_name(r['from'])} → {_name(r['to'])}：{r['distance']}步，{way}", *_steps(r["path"], "  ")]


def text_scenario(r: dict) -> list[str]:
    lines = ["移除 / removed: " + "；".join(_name(n) for n in r["removed"])]
    sections = (("targets_unsupported", "失去全部支撑的目标 / targets left with no supporting task"),
                ("tasks_without_lead", "失去牵头单位的任务 / tasks that lose their lead(s)"),
                ("themes_uncovered", "失去覆盖的主题 / themes left uncovered"),
                ("lost_tasks", "失去支撑的任务 / tasks lost"),
                ("targets_weakened", "支撑减弱的目标 / targets weakened"),
                ("themes_weakened", "覆盖减弱的主题 / themes weakened"))
    for key, title in sections:
        lines.append(f"\n【{title}】{len(r[key])}")
        for item in r[key]:
            extra = ""
            if "reasons" in item:
                extra = "：" + "；".join(f"{x['zh']}（{'、'.join(n['label'] for n in x['nodes'])}）" for x in item["reasons"])
            elif "supporting_tasks" in item:
                extra = f"：{len(item['lost'])}/{item['supporting_tasks']}项支撑任务失去"
            elif "leads" in item:
                extra = "：原牵头 " + "、".join(n["label"] for n in item["leads"])
            lines.append(f"  {_name(item)}{extra}")
    return lines


def text_rank(r: dict) -> list[str]:
    lines = [r["method"]["zh"], r["method"]["en"]]
    for key, title in (("tasks", "关键任务 / critical tasks"), ("instruments", "关键政策工具 / critical instruments"),
                       ("bridges", "主题间的桥梁 / bridges between themes")):
        lines.append(f"\n【{title}】")
        for i, m in enumerate(r[key], 1):
            themes = "、".join(t["label"] for t in m["themes"])
            lines.append(f"  {i}. {_name(m)}｜cut {len(m['targets_cut'])} · 目标 {m['targets_reached']} · "
                         f"任务 {m['tasks_reached']} · betweenness {m['betweenness']} · participation "
                         f"{m['participation']}" + (f" · 使用任务 {m['tasks_using']}" if m["tasks_using"] is not None else "")
                         + (f"｜{themes}" if themes else ""))
    return lines


def text_workload(r: dict, top: int) -> list[str]:
    roles = r["roles"]
    lines = [r["method"]["zh"], "", "单位 / body\t" + "\t".join(ROLE_ZH[x] for x in roles) + "\t唯一牵头 / sole lead"]
    for b in r["bodies"][:top]:
        lines.append(f"{b['label']}\t" + "\t".join(str(b[x]) for x in roles) + f"\t{b['sole_lead']}")
        for ch in r["chapters"]:
            if ch in b["by_chapter"]:
                per = b["by_chapter"][ch]
                lines.append(f"  第{ch}章\t" + "\t".join(str(per[x]) for x in roles))
    lines.append("\n【瓶颈 / bottlenecks】")
    for b in r["bottlenecks"]:
        lines.append(f"  {b['label']}：单独失效则{b['tasks_lost']}项任务失去支撑、{len(b['targets_cut'])}个目标失去全部支撑，"
                     f"唯一牵头{b['sole_lead']}项")
    return lines


def text_crosstab(r: dict) -> list[str]:
    lines = ["\t" + "\t".join(c["label"] for c in r["cols"])]
    lines += [f"{row['label']}\t" + "\t".join(str(n or "") for n in counts) for row, counts in zip(r["rows"], r["counts"], strict=True)]
    return lines


def text_checks(r: dict) -> list[str]:
    titles = {"dependency_cycles": "依赖环 / cycles in dependsOn", "tasks_without_target": "未关联目标的任务 / tasks with no target",
              "targets_without_task": "无任务推动的目标 / targets with no task", "isolated_concepts": "孤立概念 / isolated concepts"}
    lines = []
    for key, title in titles.items():
        lines.append(f"【{title}】{len(r[key])}")
        for item in r[key]:
            lines.append("  " + (" → ".join(_name(n) for n in item) if isinstance(item, list) else _name(item)))
    return lines


def _run(args: argparse.Namespace, answer: Callable[[Explorer], dict], text: Callable[[dict], list[str]]) -> int:
    try:
        result = answer(_explorer(args))
    except ExploreError as exc:
        print(f"错误 / error: {exc.zh} / {exc.en}", file=sys.stderr)
        for c in exc.candidates:
            print(f"  {_name(c)}  {c['id']}", file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=1) if args.json else "\n".join(text(result)))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    try:
        data = export(_explorer(args), args.format, args.node, args.depth)
    except ExploreError as exc:
        print(f"错误 / error: {exc.zh} / {exc.en}", file=sys.stderr)
        return 2
    write_out(data, args.output)
    return 0


def _depth(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError("须为正整数 / must be a positive integer")
    return int(value)


def register(sub: argparse._SubParsersAction) -> None:
    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--json", action="store_true", help="输出JSON（与API相同）/ print the API's JSON")
        return p

    p = command("impact", "影响分析：下游受影响者或上游支撑 / downstream impact or upstream support")
    p.add_argument("node", help="节点：名称、别名、任务编号或IRI / a name, alias, task notation or IRI")
    p.add_argument("--direction", choices=DIRECTIONS, default="downstream")
    p.add_argument("--depth", type=_depth, help="最多几步 / at most this many steps")
    p.add_argument("--brief", action="store_true", help="不列出逐步依据 / leave out the step-by-step reasons")
    p.set_defaults(func=lambda a: _run(a, lambda ex: impact(ex, a.node, a.direction, a.depth),
                                       lambda r: text_impact(r, a.brief)))
    p = command("path", "两节点之间的路径及逐步依据 / how A reaches B, step by step")
    p.add_argument("a")
    p.add_argument("b")
    p.set_defaults(func=lambda a: _run(a, lambda ex: path(ex, a.a, a.b), text_path))
    p = command("scenario", "情景：移除节点后失去支撑的目标、任务、主题 / what loses support when nodes are removed")
    p.add_argument("--remove", nargs="+", required=True, metavar="X", help="要移除的节点 / nodes to remove")
    p.set_defaults(func=lambda a: _run(a, lambda ex: scenario(ex, a.remove), text_scenario))
    p = command("rank", "关键任务、关键工具与主题桥梁 / critical tasks, instruments and bridges between themes")
    p.add_argument("--top", type=_depth, default=10)
    p.set_defaults(func=lambda a: _run(a, lambda ex: rank(ex, a.top), text_rank))
    p = command("workload", "各单位的任务量（按角色、章）与瓶颈 / workload per body by role and chapter, bottlenecks")
    p.add_argument("--top", type=_depth, default=15)
    p.set_defaults(func=lambda a: _run(a, lambda ex: workload(ex, a.top), lambda r: text_workload(r, a.top)))
    p = command("crosstab", "交叉表：如 theme instrument、chapter theme、body theme / cross-tabulation of the tasks")
    p.add_argument("rows", choices=sorted(AXES))
    p.add_argument("cols", choices=sorted(AXES))
    p.add_argument("--role", choices=sorted(ROLE_ZH), help="单位维度只计该角色 / count only this role of a body")
    p.set_defaults(func=lambda a: _run(a, lambda ex: crosstab(ex, a.rows, a.cols, a.role), text_crosstab))
    p = command("checks", "数据检查：依赖环、无目标任务、无任务目标、孤立概念 / data checks")
    p.set_defaults(func=lambda a: _run(a, checks, text_checks))
    p = sub.add_parser("export", help="导出图：graphml、gexf、cytoscape，或某节点邻域的 svg/png / export the graph")
    p.add_argument("format", choices=list(FORMATS))
    p.add_argument("--node", help="svg/png：中心节点 / the node a picture is centred on")
    p.add_argument("--depth", type=_depth, default=1)
    p.add_argument("--output", "-o")
    p.set_defaults(func=cmd_export)
