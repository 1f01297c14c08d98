"""``qhfin matrix`` (export, read through the engine like the matrix page) and ``qhfin matrix import`` (all-or-nothing
re-import)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import views
from .cli_import import run_import
from .config import Config
from .curate import import_matrix
from .matrix import LEVELS
from .matrix_filters import Filters, MatrixError
from .matrix_row import ERAS
from .reader import opened
from .writers import WRITERS, write_out


def cmd_matrix(args: argparse.Namespace) -> int:
    config = Config.from_env(root=args.root)
    if args.action == "import":
        if not args.file:
            print("用法 / usage: qhfin matrix import FILE.xlsx", file=sys.stderr)
            return 2
        return run_import(lambda: import_matrix(config, Path(args.file)),
                          lambda done: f"已导入 {done[1]} 行，审定记录 {done[0]} 条 / imported {done[1]} rows, {done[0]} curation records")
    fmt = args.format or (Path(args.output).suffix.lstrip(".") if args.output else "md")
    if fmt not in WRITERS:
        print(f"未知格式 / unknown format: {fmt} ({', '.join(WRITERS)})", file=sys.stderr)
        return 2
    filters = Filters(args.chapter, args.theme, args.body, args.instrument)
    try:
        with opened(config) as reader:  # through the engine, as the matrix page reads it
            data = WRITERS[fmt](views.matrix(reader, filters, args.level, args.era))
    except (MatrixError, LookupError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    write_out(data, args.output)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    m = sub.add_parser("matrix", help="任务分工表 / task-responsibility matrix (export, or: matrix import FILE)")
    m.add_argument("action", nargs="?", choices=["export", "import"], default="export")
    m.add_argument("file", nargs="?", help="导入文件 / file to import (xlsx or csv)")
    m.add_argument("--format", "-f", choices=sorted(WRITERS))
    m.add_argument("--output", "-o")
    m.add_argument("--chapter", help="章节，如 4 或 4-1 / chapter or section, e.g. 4 or 4-1")
    m.add_argument("--theme", help="主题 / theme (name, alias or IRI)")
    m.add_argument("--body", help="单位 / body")
    m.add_argument("--instrument", help="政策工具 / instrument")
    m.add_argument("--level", choices=LEVELS, default="task")
    m.add_argument("--era", choices=ERAS, default="2021", help="机构名称年代 / body names as of 2021 or after the 2023 reform")
    m.set_defaults(func=cmd_matrix)
