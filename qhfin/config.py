"""Settings, declared once; read from arguments or ``QHFIN_*`` variables, never at import time."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help_zh: str
    help_en: str


SETTINGS = (
    Setting("root", str(ROOT), "项目根目录（含 source/、graph/、ontology/、shapes/）", "project root (holds source/, graph/ …)"),
    Setting("build_dir", "", "构建产物目录，默认 <root>/build", "where built artefacts go; default <root>/build"),
    Setting("host", "127.0.0.1", "qhfin serve 监听的地址", "address qhfin serve listens on"),
    Setting("port", "8000", "qhfin serve 监听的端口", "port qhfin serve listens on"),
    Setting("debug", "false", "调试模式：使用Flask开发服务器而非waitress", "debug: Flask's development server instead of waitress"),
    Setting("time_limit", "10", "每个SPARQL查询的时限（秒），超时返回503", "time limit of each SPARQL query in seconds; past it: 503"),
    Setting("row_limit", "10000", "SPARQL结果的最大行数，超出则截断并标明 truncated", "most rows a SPARQL answer carries; beyond it: cut and marked truncated"),
    Setting("query_size_limit", "1048576", "SPARQL查询文本的最大字节数（413）", "largest SPARQL query text in bytes (413 beyond)"),
    Setting("workers", "2", "执行查询的工作进程数", "worker processes that run queries"),
    Setting("heavy_workers", "1", "同时运行的长查询上限（其余返回503）", "long-running queries allowed at once (others get 503)"),
    Setting("heavy_after", "0.5", "查询运行超过该秒数即视为长查询，移出快速通道", "seconds after which a running query counts as long and leaves the fast lane"),
    Setting("worker_memory_mb", "2048", "每个工作进程的内存上限（MB）", "memory limit of each worker process in MB"),
    Setting("result_cache_mb", "64", "SPARQL结果缓存大小（MB），0为关闭", "size of the SPARQL result cache in MB; 0 turns it off"),
    Setting("cache_seconds", "30", "外部存储上的页面与API缓存有效期（秒）：存储中的改动至迟在此时间后可见",
            "how long the pages and the API keep what they read from an external store, in seconds: a change made in "
            "the store shows within this time"),
    Setting("sparql_endpoint", "", "外部SPARQL查询端点；为空则使用内嵌引擎", "external SPARQL query endpoint; empty: the embedded engine"),
    Setting("upstream_union", "auto", "外部存储的默认图是否已是全部命名图之并（如 oxigraph serve --union-default-graph）：yes、no 或 auto（启动后探测一次）",
            "whether the external store's default graph already is the union of its named graphs (as with oxigraph serve --union-default-graph): yes, no, or auto (asked once)"),
    Setting("sparql_update_endpoint", "", "外部SPARQL更新端点（qhfin load 使用）", "external SPARQL update endpoint (used by qhfin load)"),
    Setting("graph_store", "", "外部图存储协议端点（qhfin load 使用）", "external Graph Store Protocol endpoint (used by qhfin load)"),
    Setting("request_deadline", "10", "请求（请求头及小型请求体）须在开始发送后多少秒内送达，否则返回408",
            "seconds within which a request (headers and a small body) must arrive once begun; past it: 408"),
    Setting("base_url", "", "本服务的公开地址，生成的链接（服务描述、VoID、OpenAPI、跳转）据此而不取请求的Host头；默认 http://host:port/",
            "the service's public address: generated links (service description, VoID, OpenAPI, redirects) use it, never "
            "the request's Host header; default http://host:port/"),
)


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
    root: Path = ROOT
    build_dir: Path = field(default=ROOT / "build")
    host: str = "127.0.0.1"
    port: int = 8000
    debug: bool = False
    time_limit: float = 10.0
    row_limit: int = 10000
    query_size_limit: int = 1048576
    workers: int = 2
    heavy_workers: int = 1
    heavy_after: float = 0.5
    worker_memory_mb: int = 2048
    result_cache_mb: int = 64
    cache_seconds: float = 30.0
    sparql_endpoint: str = ""
    upstream_union: str = "auto"
    sparql_update_endpoint: str = ""
    graph_store: str = ""
    request_deadline: float = 10.0
    base_url: str = ""

    @property
    def public_url(self) -> str:
        """Where the service is reached from outside, ending in a slash."""
        url = self.base_url or f"http://{self.host}:{self.port}/"
        return url if url.endswith("/") else url + "/"

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
