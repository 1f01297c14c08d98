"""Named queries: each ``queries/NAME.rq`` is plain SPARQL whose comment header describes it.

    #+ title_zh: 支持某一主题的措施
    #+ title_en: Measures supporting a theme
    #+ description: …
    #+ param: theme iri 主题 Theme = 乡村振兴

A param line gives name, type (``iri``, ``string``, ``integer``), Chinese and English labels and, after ``=``, a
default. An ``iri`` parameter named after a kind of thing (theme, instrument, body, group, target, task) is resolved
by ``qhfin.resolve.Resolver``, so 乡村振兴 works as a theme. Values go in as bindings, never into the text. A header
that does not parse, or a query that the guard refuses, is an error when the queries are loaded — not a warning.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from .errors import QhfinError
from .guard import Decision, guard
from .prefixes import GRAPHS as PREFIX_GRAPHS
from .resolve import KINDS, NotFound, Resolver
from .sparql import Binding, SparqlError

_PARSER_VERSION = "qhfin.guard 2 · pyoxigraph " + version("pyoxigraph")  # what decided a cached decision

TYPES = {"iri": "", "string": "http://www.w3.org/2001/XMLSchema#string",
         "integer": "http://www.w3.org/2001/XMLSchema#integer"}
KEYS = ("title_zh", "title_en", "description", "param")
HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*?)\s*$")
PARAM = re.compile(r"^([A-Za-z_]\w*)\s+(\w+)\s+(\S+)\s+(.+?)(?:\s*=\s*(.+))?$")
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# the dataset: the plan and its links by basis, and the evaluation's staff-entered graphs (issue 15)
GRAPHS = PREFIX_GRAPHS  # the named graphs a query may name (qhfin.prefixes)


class QueryFileError(QhfinError, ValueError):
    """A named query file is malformed; the message names the file and the line."""


class ParameterError(QhfinError, ValueError):
    """A parameter value is missing, malformed or names nothing."""

    code = "bad-parameter"


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    label_zh: str
    label_en: str
    default: str | None = None

    def binding(self, value: str, resolver: Resolver | None) -> Binding:
        value = value.strip()
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?\d+", value):
                raise ParameterError(f"参数 {self.name} 须为整数：“{value}”", f"parameter {self.name} must be an integer: “{value}”")
            return ("literal", str(int(value)), TYPES["integer"])
        if self.type == "string":
            return ("literal", value, TYPES["string"])
        if self.name in KINDS and resolver is not None:
            try:
                return ("iri", str(resolver.resolve(self.name, value)), "")
            except NotFound:
                raise ParameterError(f"未找到名为“{value}”的{self.label_zh}", f"no {self.label_en.lower()} is named “{value}”") from None
        if not re.fullmatch(r"https?://\S+", value):
            raise ParameterError(f"参数 {self.name} 须为IRI：“{value}”", f"parameter {self.name} must be an IRI: “{value}”")
        return ("iri", value, "")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title_zh: str
    title_en: str
    description: str
    params: tuple[Param, ...]
    text: str
    form: str

    def bindings(self, args: dict[str, str], resolver: Resolver | None,
                 defaults: dict[str, str] | None = None) -> tuple[tuple[str, Binding], ...]:
        """Each parameter's value (given, else the service's own default — ``plan`` is ``QHFIN_PLAN`` — else the
        file's) as a binding; unknown names are an error."""
        unknown = sorted(set(args) - {p.name for p in self.params})
        if unknown:
            raise ParameterError(f"未知参数：{', '.join(unknown)}", f"unknown parameter(s): {', '.join(unknown)}")
        out = []
        for p in self.params:
            value = args.get(p.name) or (defaults or {}).get(p.name) or p.default
            if not value:
                raise ParameterError(f"缺少参数 {p.name}（{p.label_zh}）", f"missing parameter {p.name} ({p.label_en})")
            out.append((p.name, p.binding(value, resolver)))
        return tuple(out)


def parse(path: Path, graphs: tuple[str, ...] = GRAPHS, decided: dict[str, list] | None = None) -> NamedQuery:
    """One ``.rq`` file; raises QueryFileError naming the file and line of the first fault."""
    name = path.stem
    if not NAME.match(name):
        raise QueryFileError(f"{path}: 名称须为小写字母、数字和连字符 / the name must be lower-case letters, digits and hyphens")
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    params: list[Param] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#+"):
            continue
        where = f"{path}:{number}"
        m = HEADER.match(line)
        if not m or m.group(1) not in KEYS:
            raise QueryFileError(f"{where}: 无法解析的头部行 / header line does not parse "
                                 f"(expected '#+ key: value' with key in {', '.join(KEYS)}): {line}")
        key, value = m.groups()
        if key == "param":
            p = PARAM.match(value)
            if not p or p.group(2) not in TYPES:
                raise QueryFileError(f"{where}: 参数行应为 'name type 中文名 English [= default]'，type 为 "
                                     f"{'|'.join(TYPES)} / param line must be 'name type label_zh label_en [= default]': {value}")
            if not re.search(r"\?" + p.group(1) + r"\b", text):
                raise QueryFileError(f"{where}: 查询中没有变量 ?{p.group(1)} / the query has no variable ?{p.group(1)}")
            params.append(Param(*p.groups()))
        elif key in header:
            raise QueryFileError(f"{where}: 重复的 {key} / {key} given twice")
        else:
            header[key] = value
    missing = [k for k in ("title_zh", "title_en") if not header.get(k)]
    if missing:
        raise QueryFileError(f"{path}:1: 缺少 {', '.join(missing)} / missing {', '.join(missing)}")
    key = hashlib.sha256("\0".join((_PARSER_VERSION, *graphs, text)).encode("utf-8")).hexdigest()
    known = (decided or {}).get(key)
    if known is not None:
        decision = Decision(known[0], tuple(known[1]), tuple(known[2]),
                            None if known[3] is None else tuple(known[3]), bool(known[4]))
    else:
        try:
            decision = guard(text, graphs)
        except SparqlError as exc:
            raise QueryFileError(f"{path}: {exc.zh} / {exc.en}: {exc.detail or ''}") from None
        if decided is not None:
            decided[key] = [decision.form, list(decision.from_graphs), list(decision.from_named),
                            None if decision.projection is None else list(decision.projection), decision.open_ended]
    # a parameter need not be selected: it goes in as a BIND and, an IRI, as a constant (``sparql.with_bindings``)
    return NamedQuery(name, header["title_zh"], header["title_en"], header.get("description", ""),
                      tuple(params), text, decision.form)


def load_queries(directory: Path, graphs: tuple[str, ...] = GRAPHS, cache: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query of ``directory``, by name, in name order.

    The guard's decisions are kept in ``cache`` (a JSON file in the build directory, keyed by the text, the
    dataset's graphs and the guard's version) and, within a process, the result is remembered by the files' names,
    sizes and modification times. With rdflib's parser (~40 ms a query, half a second to import) that was most of
    the service's start; the guard of ``qhfin.guard`` takes well under a millisecond, so the file is now only a
    record of what was decided."""
    files = sorted(directory.glob("*.rq"))
    key = (graphs, tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files))
    if key not in _LOADED:
        decided = _read_cache(cache)
        before = dict(decided)
        queries = {q.name: q for q in (parse(p, graphs, decided) for p in files)}
        if cache is not None and decided != before:
            _write_cache(cache, {k: decided[k] for k in sorted(decided)})
        if len(_LOADED) > 16:
            _LOADED.clear()
        _LOADED[key] = queries
    return dict(_LOADED[key])


def _read_cache(cache: Path | None) -> dict[str, list]:
    try:
        data = json.loads(cache.read_text(encoding="utf-8")) if cache is not None else {}
    except (OSError, ValueError):  # absent or damaged: decided anew and rewritten
        return {}
    return data if isinstance(data, dict) else {}


def _write_cache(cache: Path, decided: dict[str, list]) -> None:
    with contextlib.suppress(OSError):  # a read-only build directory only costs the next start its half second
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(".partial")
        partial.write_text(json.dumps(decided, ensure_ascii=False), encoding="utf-8")
        partial.replace(cache)


_LOADED: dict[tuple, dict[str, NamedQuery]] = {}
