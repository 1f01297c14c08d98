"""The ``qhfin`` command: each sub-command parses its arguments, calls ``qhfin.*`` and prints.

Exit codes: 0 success (a graph that conforms), 1 violations or refused input, 2 usage or input errors.
"""

from __future__ import annotations

import sys
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config

if TYPE_CHECKING:
    import argparse

# The commands import what they use: `qhfin serve` must not wait for the build, SHACL and explorer machinery
# (pyshacl, networkx, openpyxl: a second and a half of imports) before it starts its query workers — nor for
# argparse, imported once the workers' forkserver is on its way (a few hundredths of its start).


def _config(args: argparse.Namespace) -> Config:
    return Config.from_env(root=getattr(args, "root", None))


def cmd_build(args: argparse.Namespace) -> int:
    from .build import union
    from .store import GateError, gate

    config = _config(args)
    try:
        ds, findings = gate(config)
    except GateError as exc:
        for f in exc.findings:
            print(f.readable(exc.graph), file=sys.stderr)
        print("构建失败：图谱未通过SHACL校验，未保存 / build failed: the graph violates the shapes, nothing saved",
              file=sys.stderr)
        return 1
    graph = union(ds)
    for f in findings:
        print(f.readable(graph), file=sys.stderr)
    print(f"已写入 / written: {config.built_graph} ({len(graph)} triples)")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from rdflib import Graph

    from .build import union
    from .store import load
    from .validate import check, exit_code

    config = _config(args)
    if args.file:
        data = Graph()
        for name in args.file:
            try:
                data.parse(name, format="trig" if name.endswith(".trig") else None)
            except Exception as exc:  # any parser error is an input error
                print(f"{name}: 无法解析 / cannot parse: {exc}", file=sys.stderr)
                return 2
        if not any(name.endswith(".trig") for name in args.file):
            data.parse(config.ontology_file)
    else:
        data = union(load(config))
    findings = check(data, config.shapes_dir)
    for f in findings:
        print(f.line())
    violations = sum(f.severity == "Violation" for f in findings)
    print(f"# {violations} violation(s), {len(findings) - violations} warning(s)/info", file=sys.stderr)
    return exit_code(findings)


def cmd_stats(args: argparse.Namespace) -> int:
    from .build import union
    from .source import read_source
    from .stats import counts, coverage
    from .store import load

    config = _config(args)
    graph = union(load(config))
    result = counts(graph)
    result["coverage"] = {f"ch{k}": round(v, 4) for k, v in coverage(read_source(config.source_file), graph).items()}
    import json

    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def cmd_dump(args: argparse.Namespace) -> int:
    from .build import union
    from .media import FORMATS
    from .store import load

    config = _config(args)
    ds = load(config)
    serializer, _suffix, _media = FORMATS[args.format]
    target = ds if args.format in ("trig", "nquads") else union(ds)
    data = target.serialize(format=serializer)
    if args.output:
        Path(args.output).write_text(data, encoding="utf-8")
    else:
        sys.stdout.write(data)
    return 0


def parser() -> argparse.ArgumentParser:
    import argparse

    p = argparse.ArgumentParser(prog="qhfin", description="青海“十四五”金融规划知识图谱 / Qinghai financial plan knowledge graph")
    p.add_argument("--root", help="项目根目录 / project root (default: the checkout)")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="构建并校验图谱 / build and validate the graph").set_defaults(func=cmd_build)
    v = sub.add_parser("validate", help="SHACL校验 / validate against the shapes (exit 0/1/2)")
    v.add_argument("file", nargs="*", help="要校验的文件（默认为构建结果）/ files to validate (default: the built graph)")
    v.set_defaults(func=cmd_validate)
    sub.add_parser("stats", help="统计 / counts and coverage").set_defaults(func=cmd_stats)
    from .media import FORMATS

    d = sub.add_parser("dump", help="导出 / dump the graph")
    d.add_argument("--format", choices=sorted(FORMATS), default="turtle")
    d.add_argument("--output", "-o")
    d.set_defaults(func=cmd_dump)
    _more_commands(sub)
    return p


def _more_commands(sub: argparse._SubParsersAction) -> None:
    """Commands of the later layers register here (matrix, curation)."""
    from . import cli_matrix

    cli_matrix.register(sub)
    import_module("qhfin.cli_views").register(sub)  # measures, targets: through the engine, as the pages
    import_module("qhfin.cli_explore").register(sub)  # impact, path, scenario, rank, workload, crosstab, checks, export
    import_module("qhfin.cli_service").register(sub)  # serve, query, load
    import_module("qhfin.cli_evaluation").register(sub)  # actuals, progress, evaluation (issue 15)
    import_module("qhfin.cli_review").register(sub)  # review kappa, precision, apply, packet


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["serve"]:  # the service alone: its own parser, none of the other commands' imports
        from .shared_store import MODULES, warm_forkserver

        config = Config.from_env()
        # the embedded engine's workers will be forked with the graph loaded (an external store: only the guard)
        warm_forkserver(MODULES, None if config.sparql_endpoint else config.built_graph)
        import argparse

        p = argparse.ArgumentParser(prog="qhfin")
        import_module("qhfin.cli_service").register(p.add_subparsers(dest="command", required=True))
        args = p.parse_args(argv)
        return args.func(args)
    from .build import BuildError
    from .source import SourceError
    from .staff_graphs import StaffDataError

    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (BuildError, SourceError, StaffDataError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
