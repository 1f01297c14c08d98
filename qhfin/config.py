"""Settings, declared once; read from arguments or ``QHFIN_*`` variables, never at import time."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    """One setting as ``--help``, the README and the tests show it (``QHFIN_<NAME>``)."""

    name: str
    default: str
    help_zh: str
    help_en: str

    @property
    def variable(self) -> str:
        return f"QHFIN_{self.name.upper()}"


def setting(default: object, help_zh: str, help_en: str) -> Any:
    """A ``Config`` field with its help in both languages: the one place a setting is declared."""
    return field(default=default, metadata={"zh": help_zh, "en": help_en})


def _typed(kind: object, value: object) -> object:
    """A setting's text as the field's type; "1", "true", "yes", "on" are true."""
    if kind in ("bool", bool):
        return value if isinstance(value, bool) else str(value).strip().lower() in ("1", "true", "yes", "on")
    if kind in ("int", int):
        return int(value)  # type: ignore[arg-type]
    if kind in ("float", float):
        return float(value)  # type: ignore[arg-type]
    return str(value)


@dataclass(frozen=True)
class Config:
    root: Path = setting(ROOT, '项目根目录（含 source/、graph/、ontology/、shapes/）',
                         'project root (holds source/, graph/ …)')
    build_dir: Path = setting(ROOT / "build", '构建产物目录，默认 <root>/build',
                              'where built artefacts go; default <root>/build')
    host: str = setting('127.0.0.1', 'qhfin serve 监听的地址',
                        'address qhfin serve listens on')
    port: int = setting(8000, 'qhfin serve 监听的端口',
                        'port qhfin serve listens on')
    debug: bool = setting(False, '调试模式：使用Flask开发服务器而非waitress',
                          "debug: Flask's development server instead of waitress")
    time_limit: float = setting(10.0, '每个SPARQL查询的时限（秒），超时返回503',
                                'time limit of each SPARQL query in seconds; past it: 503')
    row_limit: int = setting(10000, 'SPARQL结果的最大行数，超出则截断并标明 truncated',
                             'most rows a SPARQL answer carries; beyond it: cut and marked truncated')
    query_size_limit: int = setting(1048576, 'SPARQL查询文本的最大字节数（413）',
                                    'largest SPARQL query text in bytes (413 beyond)')
    workers: int = setting(2, '执行查询的工作进程数',
                           'worker processes that run queries')
    heavy_workers: int = setting(1, '同时运行的长查询上限（其余返回503）',
                                 'long-running queries allowed at once (others get 503)')
    heavy_after: float = setting(0.5, '查询运行超过该秒数即视为长查询，移出快速通道',
                                 'seconds after which a running query counts as long and leaves the fast lane')
    worker_memory_mb: int = setting(2048, '每个工作进程的内存上限（MB）',
                                    'memory limit of each worker process in MB')
    result_cache_mb: int = setting(64, 'SPARQL结果缓存大小（MB），0为关闭',
                                   'size of the SPARQL result cache in MB; 0 turns it off')
    cache_seconds: float = setting(30.0, '外部存储上的页面与API缓存有效期（秒）：存储中的改动至迟在此时间后可见',
                                   'how long the pages and the API keep what they read from an external store, in seconds: a change made in the store shows within this time')
    void_wait: float = setting(1.0, 'VoID 等待全库计数的最长时间（秒）：未及计完的统计项暂缺，并注明仍在计数',
                               "seconds VoID waits for the whole store's counts: a figure not counted by then is left out, and the answer says it is still being counted")
    sparql_endpoint: str = setting('', '外部SPARQL查询端点；为空则使用内嵌引擎',
                                   'external SPARQL query endpoint; empty: the embedded engine')
    plan: str = setting('https://w3id.org/qhfin/id/plan/qh-fin-14fyp',
                        '页面、API与导出所示的规划（IRI）：一个存有多部规划的存储中，只读这一部',
                        'the plan the pages, the API and the exports show (its IRI): in a store of many plans, only this one is read')
    upstream_union: str = setting('auto', '外部存储的默认图是否已是全部命名图之并（如 oxigraph serve --union-default-graph）：yes、no 或 auto（启动后探测一次）',
                                  "whether the external store's default graph already is the union of its named graphs (as with oxigraph serve --union-default-graph): yes, no, or auto (asked once)")
    sparql_update_endpoint: str = setting('', '外部SPARQL更新端点（qhfin load 使用）',
                                          'external SPARQL update endpoint (used by qhfin load)')
    graph_store: str = setting('', '外部图存储协议端点（qhfin load 使用）',
                               'external Graph Store Protocol endpoint (used by qhfin load)')
    request_deadline: float = setting(10.0, '请求（请求头及小型请求体）须在开始发送后多少秒内送达，否则返回408',
                                      'seconds within which a request (headers and a small body) must arrive once begun; past it: 408')
    base_url: str = setting('', '本服务的公开地址，生成的链接（服务描述、VoID、OpenAPI、跳转）据此而不取请求的Host头；默认 http://host:port/',
                            "the service's public address: generated links (service description, VoID, OpenAPI, redirects) use it, never the request's Host header; default http://host:port/")

    @property
    def public_url(self) -> str:
        """Where the service is reached from outside, ending in a slash."""
        url = self.base_url or f"http://{self.host}:{self.port}/"
        return url if url.endswith("/") else url + "/"

    @property
    def query_defaults(self) -> dict[str, str]:
        """The service's own values for named queries' parameters not given: ``plan`` is the plan it shows."""
        return {"plan": self.plan}

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Config:
        """Arguments win over ``QHFIN_*`` variables, which win over the defaults."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, object] = {}
        for f in fields(cls):
            if f"QHFIN_{f.name.upper()}" in environ:
                values[f.name] = environ[f"QHFIN_{f.name.upper()}"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        root = Path(str(values.get("root", ROOT)))
        build_dir = Path(str(values["build_dir"])) if values.get("build_dir") else root / "build"
        typed = {f.name: _typed(f.type, values[f.name]) for f in fields(cls)
                 if f.name in values and f.name not in ("root", "build_dir")}
        return cls(root=root, build_dir=build_dir, **typed)

    @property
    def source_file(self) -> Path:
        return self.root / "source" / "qinghai-14fyp-finance-plan.txt"

    @property
    def ontology_file(self) -> Path:
        return self.root / "ontology" / "qhfin.ttl"

    @property
    def graph_dir(self) -> Path:
        return self.root / "graph"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def built_graph(self) -> Path:
        return self.build_dir / "qhfin.trig"

    @property
    def query_cache(self) -> Path:
        """The guard's decisions on the named queries, kept between starts (``queries.load_queries``)."""
        return self.build_dir / "named-queries.json"


def _shown(value: object) -> str:
    return str(value.relative_to(ROOT.parent)) if isinstance(value, Path) and value.is_relative_to(ROOT.parent) else str(value)


SETTINGS = tuple(Setting(f.name, _shown(f.default), f.metadata["zh"], f.metadata["en"]) for f in fields(Config))


def settings_table() -> str:
    """The README's table of settings (between its ``settings`` markers; a test keeps the two equal)."""
    rows = ["| 变量 · variable | 默认 · default | 说明 · meaning |", "|---|---|---|"]
    for s in SETTINGS:
        default = "<root>/build" if s.name == "build_dir" else "the checkout" if s.name == "root" else s.default
        meaning = f"{s.help_zh}<br>{s.help_en}".replace("<root>", "&lt;root&gt;").replace("|", "\\|")
        rows.append(f"| `{s.variable}` | `{default}` | {meaning} |".replace("``", "(empty)"))
    return "\n".join(rows)


def settings_epilog() -> str:
    """Every setting for ``--help``: its variable, default and meaning in both languages."""
    lines = ["设置（环境变量）/ settings (environment variables):"]
    for s in SETTINGS:
        lines.append(f"  {s.variable} = {s.default!r}\n      {s.help_zh}\n      {s.help_en}")
    return "\n".join(lines)
