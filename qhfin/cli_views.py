"""``qhfin measures`` and ``qhfin targets``: the measures page's and the targets page's answers on the command line,
read through the engine like the pages (``qhfin.views``), so that the CLI, the API and the pages cannot disagree.

    qhfin measures --theme 乡村振兴            # the measures, one a line
    qhfin measures --body 青海银行 --json       # the API's JSON
    qhfin measures --batch questions.txt       # one question a line, as a query string (theme=乡村振兴&role=lead);
                                               # one JSON answer a line, all from one engine

Exit codes: 0 answered, 2 a name that names nothing or a malformed question.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import fields
from pathlib import Path
from urllib.parse import parse_qsl

from . import views
from .config import Config
from .measures import Query
from .reader import Reader, opened
from .resolve import NotFound
from .terms import ROLE_NAME

TEXT_FIELDS = ("theme", "instrument", "body", "target", "group", "q", "role", "chapter")


class QuestionError(ValueError):
    """A question that is not one: an unknown parameter or role; message in Chinese and English."""


def question(text: str) -> Query:
    """``theme=乡村振兴&role=lead`` → Query, with the API's parameter names."""
    known = {f.name for f in fields(Query)}
    values: dict[str, str | bool] = {}
    for key, value in parse_qsl(text.strip(), keep_blank_values=True):
        if key not in known:
            raise QuestionError(f"未知参数 {key} / unknown parameter {key}")
        values[key] = value.strip().lower() in ("true", "1") if key == "direct" else value.strip()
    if values.get("role") and values["role"] not in ROLE_NAME.values():
        raise QuestionError(f"角色“{values['role']}”无效 / unknown role “{values['role']}”")
    return Query(**{k: v for k, v in values.items() if v != ""})  # type: ignore[arg-type]


def answer(reader: Reader, query: Query) -> dict:
    """The measures answer with its names read as IRIs first (so that the answer names what it found by IRI, as the
    API's does)."""
    names = views.resolver(reader)
    resolved = {k: str(names.resolve(k, v)) if v and k in ("theme", "instrument", "body", "target", "group") else v
                for k, v in ((f.name, getattr(query, f.name)) for f in fields(Query))}
    return views.measures(reader, Query(**resolved))


def _print(data: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(data, ensure_ascii=False))
        return
    count_of = data["count_of"]
    print(f"共 {data['count']} 项{count_of['zh']} / {data['count']} {count_of['en']}")
    for r in data["results"]:
        print(f"{r['notation']}\t{r['label']}")


def cmd_measures(args: argparse.Namespace) -> int:
    config = Config.from_env(root=args.root)
    try:
        if args.batch:
            lines = sys.stdin.read() if args.batch == "-" else Path(args.batch).read_text(encoding="utf-8")
            questions = [question(line) for line in lines.splitlines() if line.strip()]
        else:
            questions = [Query(**{k: getattr(args, k) for k in TEXT_FIELDS if getattr(args, k)}, direct=args.direct)]
    except QuestionError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    with opened(config) as reader:
        for query in questions:
            try:
                _print(answer(reader, query), args.json or bool(args.batch))
            except NotFound as exc:
                print(f"错误 / error: {exc}", file=sys.stderr)
                return 2
    return 0


def cmd_targets(args: argparse.Namespace) -> int:
    with opened(Config.from_env(root=args.root)) as reader:
        data = views.targets(reader)
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
        return 0
    for t in data["results"]:
        base = t["baseline"] or {}
        growth = t["required_annual_growth_percent"]
        print(f"{t['label']}\t{base.get('value', '—')}（{base.get('year', '—')}）→ {t['value']}（{t['year']}）"
              f"\t{'' if growth is None else f'{growth}%/年 per year'}\t{len(t['tasks'])} 项任务 / tasks")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    m = sub.add_parser("measures", help="措施：按主题、政策工具、单位、目标、服务对象或文字 / measures by theme, instrument, "
                       "body, target, group or text (as /api/measures)")
    for name, zh in (("theme", "主题"), ("instrument", "政策工具"), ("body", "单位"), ("target", "目标"),
                     ("group", "服务对象"), ("q", "文字"), ("chapter", "章节，如 5 或 5-6")):
        m.add_argument(f"--{name}", help=f"{zh} / {name} (name, alias or IRI)")
    m.add_argument("--role", choices=sorted(ROLE_NAME.values()), help="与 --body 同用：只取该角色 / with --body: only this role")
    m.add_argument("--direct", action="store_true", help="与 --body 同用：不含其所属单位组的任务 / with --body: not its groups' tasks")
    m.add_argument("--json", action="store_true", help="输出JSON（与API相同）/ print the API's JSON")
    m.add_argument("--batch", metavar="FILE", help="每行一个问题（查询串，- 为标准输入），每行一个JSON答案 / one question a "
                   "line (a query string; - for stdin), one JSON answer a line")
    m.set_defaults(func=cmd_measures)
    t = sub.add_parser("targets", help="2025年目标、基期值、所需年均增速及推动任务 / the 2025 targets (as /api/targets)")
    t.add_argument("--json", action="store_true", help="输出JSON（与API相同）/ print the API's JSON")
    t.set_defaults(func=cmd_targets)
