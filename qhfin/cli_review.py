"""``qhfin review kappa | precision | apply | packet``: the double review's agreement, its effect on the rules, and
its decisions as curated data (docs/review.md)."""

from __future__ import annotations

import argparse
import json

from .config import Config


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f} %"


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def cmd_kappa(config: Config, args: argparse.Namespace) -> int:
    from .review import agreement, read_jsonl
    from .review_apply import review_paths

    p = review_paths(config)
    items = {i["item"] for row in read_jsonl(p["packet"]) for i in row["items"]}
    table = agreement(read_jsonl(p["a"]), read_jsonl(p["b"]), items)
    if args.json:
        print(json.dumps(table, ensure_ascii=False, indent=1))
        return 0
    print("| 关联类别 link kind | 项 items (packet + added) | 一致 agree | 观察一致率 observed | κ (all items) "
          "| 仅清单项 packet only: observed | κ (packet only) |")
    print("|---|---|---|---|---|---|---|")
    for r in table:
        print(f"| {r['kind']} | {r['items']} ({r['packet_items']} + {r['added_items']}) | {r['agree']} "
              f"| {_pct(r['observed'])} | {_num(r['kappa'])} | {_pct(r['observed_packet'])} | {_num(r['kappa_packet'])} |")
    return 0


def _precision_table(rows: list[dict]) -> None:
    print("| 规则 rule | 提出 proposed | 保留 kept | 否决/替换 rejected/replaced | 未审 unjudged | 准确率 precision | |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        flag = "**< 90 %**" if r["precision"] is not None and r["precision"] < 0.9 else ""
        print(f"| {r['rule']} | {r['proposed']} | {r['kept']} | {r['rejected']} | {r['unjudged']} "
              f"| {_pct(r['precision'])} | {flag} |")


def cmd_precision(config: Config, args: argparse.Namespace) -> int:
    from .review import read_jsonl
    from .review_apply import decisions, precision, proposals_now, review_paths, unreviewed_graph

    final = decisions(config)
    packet = read_jsonl(review_paths(config)["packet"])
    before = [i for row in packet for i in row["items"]]
    now = proposals_now(unreviewed_graph(config), {row["task"] for row in packet})
    if args.json:
        print(json.dumps({"as_reviewed": precision(before, final), "now": precision(now, final)},
                         ensure_ascii=False, indent=1))
        return 0
    print("## 复审时的规则（清单所列）· Rules as reviewed (the packet)\n")
    _precision_table(precision(before, final))
    print("\n## 现行规则在已复审各行上的提议 · The current rules' proposals on the reviewed rows\n")
    _precision_table(precision(now, final))
    return 0


def cmd_apply(config: Config, args: argparse.Namespace) -> int:
    from .review_apply import apply, review_paths

    if not review_paths(config)["adjudication"].exists():
        print("注意：尚无裁定文件，仅写入两位复审人一致的决定 / note: no adjudication yet, only agreed decisions written")
    path, n = apply(config)
    print(f"已写入 / written: {path} ({n} 项决定 / decisions)")
    return 0


def cmd_packet(config: Config, args: argparse.Namespace) -> int:
    from .review import write_packet
    from .review_apply import review_paths, unreviewed_graph

    path = review_paths(config)["packet"] if args.output is None else args.output
    n = write_packet(unreviewed_graph(config), path)
    print(f"已写入 / written: {path} ({n} 行 / rows)")
    return 0


def cmd_narrow(config: Config, args: argparse.Namespace) -> int:
    from .review_rules import write

    path, record = write(config)
    print(f"已写入 / written: {path}\n")
    print("| 规则 rule | 保留 kept | 否决 rejected | 处理 action | 撤回的触发条件 withdrawn triggers (kept/judged) |")
    print("|---|---|---|---|---|")
    for r in record:
        print(f"| {r['rule']} | {r['kept']} | {r['rejected']} | {r['action']} | {'; '.join(r['withdrawn'])} |")
    return 0


ACTIONS = {"kappa": cmd_kappa, "precision": cmd_precision, "apply": cmd_apply, "packet": cmd_packet,
           "narrow": cmd_narrow}


def cmd_review(args: argparse.Namespace) -> int:
    return ACTIONS[args.action](Config.from_env(root=args.root), args)


def register(sub: argparse._SubParsersAction) -> None:
    from pathlib import Path

    r = sub.add_parser("review", help="任务分工表复审 / the double review: kappa, precision, apply, narrow, packet")
    r.add_argument("action", choices=sorted(ACTIONS))
    r.add_argument("--json", action="store_true", help="JSON 输出 / JSON output")
    r.add_argument("--output", "-o", type=Path, help="packet: 输出文件 / output file")
    r.set_defaults(func=cmd_review)
