"""``qhfin actuals import``, ``qhfin progress export|import``, ``qhfin evaluation [report]``: the final evaluation.

Each command parses its arguments, calls ``qhfin.*`` and prints; a refused import changes nothing and prints every
bad row and column (exit 1), as ``qhfin matrix import`` does.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .cli_import import run_import
from .config import Config


def cmd_actuals(args: argparse.Namespace) -> int:
    from .actuals import import_actuals

    config = Config.from_env(root=args.root)
    return run_import(lambda: import_actuals(config, Path(args.file)),
                      lambda done: f"已导入实际数 {done[0]} 条，现共 {done[1]} 条 / imported {done[0]} figures, {done[1]} in all")


def cmd_progress(args: argparse.Namespace) -> int:
    from .build import union
    from .progress import export_sheet, import_progress
    from .store import load
    from .writers import write_out

    config = Config.from_env(root=args.root)
    if args.action == "export":
        if not args.lead:
            print("用法 / usage: qhfin progress export --lead 单位 -o 进展填报.xlsx", file=sys.stderr)
            return 2
        try:
            data = export_sheet(union(load(config)), args.lead)
        except LookupError as exc:
            print(f"错误 / error: {exc}", file=sys.stderr)
            return 2
        write_out(data, args.output)
        return 0
    if not args.files:
        print("用法 / usage: qhfin progress import FILE.xlsx [FILE.xlsx …]", file=sys.stderr)
        return 2
    return run_import(lambda: import_progress(config, [Path(f) for f in args.files]),
                      lambda done: f"已导入进展报告 {done[0]} 条，现共 {done[1]} 条 / imported {done[0]} progress reports, {done[1]} in all")


def cmd_evaluation(args: argparse.Namespace) -> int:
    """The evaluation as the service computes it: one named query through an engine opened for this command
    (``qhfin.reader.opened``), not the whole build parsed into rdflib."""
    from .evaluation import evaluation_from
    from .reader import opened
    from .report import REPORT_WRITERS, attainment_lines
    from .writers import write_out

    with opened(Config.from_env(root=args.root)) as reader:
        data = evaluation_from(reader)
    if args.action == "report":
        fmt = args.format or (Path(args.output).suffix.lstrip(".") if args.output else "html")
        if fmt not in REPORT_WRITERS:
            print(f"未知格式 / unknown format: {fmt} ({', '.join(REPORT_WRITERS)})", file=sys.stderr)
            return 2
        write_out(REPORT_WRITERS[fmt](data), args.output)
        return 0
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return 0
    print("\n".join(attainment_lines(data)))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    a = sub.add_parser("actuals", help="实际数导入 / import actual figures (csv or xlsx, all or nothing)")
    a.add_argument("action", choices=["import"])
    a.add_argument("file", help="导入文件 / file to import (csv or xlsx)")
    a.set_defaults(func=cmd_actuals)
    p = sub.add_parser("progress", help="任务进展填报 / progress reports: export a lead unit's sheet, import filled ones")
    p.add_argument("action", choices=["export", "import"])
    p.add_argument("files", nargs="*", help="导入文件 / filled-in files to import (xlsx or csv)")
    p.add_argument("--lead", help="牵头单位（名称、别名或IRI）/ the lead unit (name, alias or IRI)")
    p.add_argument("--output", "-o")
    p.set_defaults(func=cmd_progress)
    e = sub.add_parser("evaluation", help="总结评估 / the final evaluation: attainment table, or: evaluation report")
    e.add_argument("action", nargs="?", choices=["table", "report"], default="table")
    e.add_argument("--format", "-f", help="报告格式 / report format: docx, xlsx or html")
    e.add_argument("--output", "-o")
    e.add_argument("--json", action="store_true", help="整个评估为JSON / the whole evaluation as JSON")
    e.set_defaults(func=cmd_evaluation)
