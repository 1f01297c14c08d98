"""The service commands: ``qhfin serve``, ``qhfin query NAME --param value`` and ``qhfin load --to URL``.

Exit codes: 0 success, 1 refused (the query was refused, the upstream store failed), 2 usage or input errors.
"""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from types import ModuleType

from .config import Config, settings_epilog
from .engine import Engine, open_engine
from .queries import ParameterError, QueryFileError, load_queries
from .reader import reader_for
from .request import Request
from .serialize import Formats
from .serve import StartError, process_start, start
from .sparql import SparqlError, with_bindings

QUERY_FORMATS = ("csv", "tsv", "json", "xml")


def _config(args: argparse.Namespace, **overrides: object) -> Config:
    return Config.from_env(root=getattr(args, "root", None), **overrides)


def cmd_serve(args: argparse.Namespace) -> int:
    config = _config(args, host=args.host, port=args.port, debug=True if args.debug else None)
    began = process_start()
    try:  # the CLI is the top layer: it may reach the web package, imported while the engine starts
        _, (api, app) = start(config, lambda engine: _web_app(config, engine))
    except StartError as exc:
        print(f"无法启动 / cannot start: {exc}", file=sys.stderr)
        return 2
    api.explorer.warm(app)  # a served app builds the explorer's typed graph ahead of the first picture
    api.server.run(app, config, began, channel=api.wire.Channel)
    return 0


def _web_app(config: Config, engine: Callable[[], Engine]) -> tuple[ModuleType, Callable]:
    """The ``api`` package with every blueprint's module and the HTTP server's side of it imported (here, not
    with this module: ``qhfin build`` and the other commands never load Flask), and the app, made while the
    engine starts: it takes the engine on its first query."""
    import api
    import api.blueprints
    import api.explorer
    import api.server
    import api.wire

    api.blueprints.import_all()
    return api, api.create_app(config, engine)


def cmd_query(args: argparse.Namespace) -> int:
    config = _config(args)
    try:
        queries = load_queries(config.queries_dir, cache=config.query_cache)
    except QueryFileError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    if args.name not in queries:
        print(f"没有名为“{args.name}”的查询 / no query is named “{args.name}”; available: {', '.join(queries)}",
              file=sys.stderr)
        return 2
    query = queries[args.name]
    values: dict[str, str] = {}
    fmt, rest = args.format, list(args.params)
    while rest:
        key = rest.pop(0)
        if not key.startswith("-") or not rest:
            print(f"参数应为 --名称 值 / parameters go as --name value: {key}", file=sys.stderr)
            return 2
        if key in ("-f", "--format") and rest[0] in QUERY_FORMATS:
            fmt = rest.pop(0)
        else:
            values[key.lstrip("-")] = rest.pop(0)
    from . import views

    engine = open_engine(config)
    try:  # names read through the engine's names view, values sent as a VALUES block, as the pages do
        resolver = views.resolver(reader_for(config, engine)) if any(p.type == "iri" for p in query.params) else None
        formats = Formats(select=fmt, ask=fmt if fmt in ("json", "xml") else "json", graph="nt")
        text = with_bindings(query.text, dict(query.bindings(values, resolver, config.query_defaults)))
        answer = engine.query(Request(text, formats))
    except ParameterError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    except SparqlError as exc:
        print(f"查询被拒绝 / refused: {exc.zh} / {exc.en} {exc.detail or ''}", file=sys.stderr)
        return 1
    finally:
        engine.close()
    sys.stdout.buffer.write(answer.body)
    sys.stdout.flush()
    if answer.truncated:
        print(f"# 结果已截断为 {answer.rows} 行（QHFIN_ROW_LIMIT）/ truncated to {answer.rows} rows", file=sys.stderr)
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    """Push every named graph of the built graph to an external store: Graph Store Protocol PUT per graph, or
    SPARQL Update (DROP SILENT GRAPH + INSERT DATA) with ``--update``."""
    config = _config(args)
    target = args.to or (config.sparql_update_endpoint if args.update else config.graph_store)
    if not target:
        print("须给出 --to URL（或 QHFIN_GRAPH_STORE / QHFIN_SPARQL_UPDATE_ENDPOINT）/ give --to URL", file=sys.stderr)
        return 2
    from .store import load

    ds = load(config)
    total = 0
    for graph in sorted(ds.graphs(), key=lambda g: str(g.identifier)):
        if not len(graph) or not str(graph.identifier).startswith("http"):
            continue
        data = graph.serialize(format="nt", encoding="utf-8")
        name = str(graph.identifier)
        if args.update:
            body = f"DROP SILENT GRAPH <{name}> ; INSERT DATA {{ GRAPH <{name}> {{ {data.decode('utf-8')} }} }}"
            request = urllib.request.Request(target, body.encode("utf-8"), method="POST",
                                             headers={"Content-Type": "application/sparql-update"})
        else:
            url = target + ("&" if "?" in target else "?") + urllib.parse.urlencode({"graph": name})
            request = urllib.request.Request(url, data, method="PUT", headers={"Content-Type": "application/n-triples"})
        try:
            with urllib.request.urlopen(request, timeout=max(60.0, config.time_limit)) as response:
                response.read()
        except (urllib.error.URLError, OSError) as exc:
            print(f"推送失败 / push failed: {name} → {target}: {exc}", file=sys.stderr)
            return 1
        total += len(graph)
        print(f"{name}: {len(graph)} triples")
    print(f"已推送 / pushed {total} triples to {target}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("serve", help="启动网站与SPARQL端点 / serve the pages, the JSON API and the SPARQL endpoint",
                       epilog=settings_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    s.add_argument("--host", help="监听地址 / address (QHFIN_HOST, default 127.0.0.1)")
    s.add_argument("--port", type=int, help="端口 / port (QHFIN_PORT, default 8000)")
    s.add_argument("--debug", action="store_true", help="Flask 开发服务器 / Flask's development server")
    s.set_defaults(func=cmd_serve)
    q = sub.add_parser("query", help="运行命名查询 / run a named query: qhfin query NAME --param value")
    q.add_argument("name", help="queries/NAME.rq")
    q.add_argument("--format", "-f", choices=QUERY_FORMATS, default="csv")
    q.add_argument("params", nargs=argparse.REMAINDER, help="--名称 值 / --name value …")
    q.set_defaults(func=cmd_query)
    ld = sub.add_parser("load", help="把图谱推送到外部存储 / push the graph to an external store")
    ld.add_argument("--to", help="图存储协议端点（或 --update 时的SPARQL更新端点）/ Graph Store URL (or update URL)")
    ld.add_argument("--update", action="store_true", help="用 SPARQL Update 而非图存储协议 / use SPARQL Update")
    ld.set_defaults(func=cmd_load)
