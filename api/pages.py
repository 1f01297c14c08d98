"""Pages for policy staff, Chinese first (``?lang=en`` for English), every one with a JSON twin (``?format=json``).

Each view is: parse the request (``api.params``) → call ``qhfin`` → ``render.page``. The pages use only this app's
own CSS; nothing is fetched from elsewhere, so they work air-gapped.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, redirect, request, send_from_directory, url_for
from markupsafe import Markup, escape
from rdflib import URIRef

from qhfin import views
from qhfin.matrix import LEVELS
from qhfin.matrix_row import ERAS
from qhfin.measures_table import columns as measure_columns
from qhfin.resolve import NotFound
from qhfin.terms import BASIS_EN, BASIS_ZH, ROLE_EN, ROLE_ZH
from qhfin.writers import WRITERS

from .answers import CONCEPT_KINDS, concept_kinds, concept_list, matrix_of, measures_of
from .details import local_href, ref
from .i18n import current_lang, pick, remember_lang, t
from .params import MEASURE_FILTERS, matrix_arguments, measures_query, resolved, state
from .render import page
from .resources import KIND_NAMES

blueprint = Blueprint("pages", __name__)
blueprint.after_request(remember_lang)
SEARCH_ORDER = ("theme", "instrument", "group", "body", "target")
NOTATION = re.compile(r"^[4-7](-\d{1,2}){4}(\.\d{1,2})?$")
CHAPTERS = {"4": ("第四章", "Chapter 4"), "5": ("第五章", "Chapter 5"), "6": ("第六章", "Chapter 6"), "7": ("第七章", "Chapter 7")}
# what each of the home page's numbers counts: tasks and measures differ (a sentence split into clauses is one
# measure and several tasks), and the matrix's rows are a third thing (qhfin.matrix.COUNT_OF)
COUNT_OF = {"task": ("任务（含分句）", "tasks (clauses included)"),
            "measure": ("项措施（句级任务，分句计入其句子）", "measures (sentence-level tasks; a clause counts for its sentence)")}
QUESTIONS = [  # (zh, en, page, arguments): what policy staff ask, each answered by one page
    ("哪些措施支持乡村振兴？", "Which measures support rural revitalisation?", "pages.measures_page", {"theme": "乡村振兴"}),
    ("青海银行要做哪些事？", "What does the Bank of Qinghai have to do?", "pages.measures_page", {"body": "青海银行"}),
    ("用到“两权”抵押贷款的措施有哪些？", "Which measures use 'two rights' mortgage loans?", "pages.measures_page",
     {"instrument": "两权抵押"}),
    ("省农担公司参与哪些任务？", "Which tasks involve the provincial agricultural credit guarantee company?",
     "pages.measures_page", {"body": "省农担公司"}),
    ("人民银行西宁中心支行牵头哪些任务？", "Which tasks does the PBOC Xining Central Sub-branch lead?", "pages.measures_page",
     {"body": "人民银行西宁中心支行", "role": "lead"}),
    ("哪些措施服务小微企业？", "Which measures serve micro and small enterprises?", "pages.measures_page", {"group": "小微企业"}),
    ("绿色金融有哪些措施？", "What are the green-finance measures?", "pages.measures_page", {"theme": "绿色金融"}),
    ("保险深度目标靠哪些措施实现？", "Which measures drive the insurance-depth target?", "pages.measures_page",
     {"target": "insurance-depth-2025"}),
    ("到2025年各项指标要达到多少？每年要增长多快？", "What must each indicator reach by 2025, and how fast must it grow?",
     "pages.targets_page", {}),
    ("第五章的任务由谁牵头、谁配合？", "Who leads and who cooperates on Chapter 5's tasks?", "pages.matrix_page", {"chapter": "5"}),
]


def _href(endpoint: str, **args: str) -> str:
    return url_for(endpoint, **args)


def with_args(**changes: str | None) -> str:
    """The current page's URL with some arguments set (or removed, with None)."""
    args = {k: v for k, v in request.args.items() if k not in ("format", "lang")}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return request.path + ("?" + urlencode(args) if args else "")


def mark(text: str, needle: str | None) -> Markup:
    """The text with every occurrence of ``needle`` marked; both are escaped first."""
    if not needle:
        return escape(text)
    parts = str(text).split(needle)
    return Markup("<mark>{}</mark>").format(needle).join(escape(p) for p in parts)


def role_name(role: str | None) -> str:
    return t(ROLE_ZH.get(role or "", role or ""), ROLE_EN.get(role or "", role or ""))


def number(value: float | None) -> str:
    """15000.0 → 15000, 3.80 → 3.8: figures as the plan prints them."""
    if value is None:
        return "—"
    return f"{value:.4f}".rstrip("0").rstrip(".")


def unit_text(label: str | None) -> str:
    return "%" if label in ("百分比", "per cent") else (label or "")


def basis_name(basis: str | None) -> str:
    return t(BASIS_ZH.get(basis or "", basis or ""), BASIS_EN.get(basis or "", basis or ""))


@blueprint.app_context_processor
def helpers() -> dict:
    """What every template may use; registered app-wide so that other blueprints' pages can extend base.html."""
    return {"t": t, "pick": pick, "with_args": with_args, "mark": mark, "role_name": role_name,
            "basis_name": basis_name, "local": local_href, "number": number, "unit_text": unit_text,
            "lang": current_lang(), "has_route": has_route}


def has_route(path: str) -> bool:
    """Whether the app serves ``path`` (the menu links to the SPARQL editor and the explorer only when they exist)."""
    return any(rule.rule == path for rule in current_app.url_map.iter_rules())


@blueprint.get("/")
def home() -> Response:
    """The questions people ask, and one search box."""
    questions = [{"zh": zh, "en": en, "href": _href(endpoint, **args)} for zh, en, endpoint, args in QUESTIONS]
    return page("home.html", {"questions": questions, "counts": views.counts(state().reader), "count_of": COUNT_OF,
                              "search": _href("pages.search")})


@blueprint.get("/search")
def search() -> Response:
    """A task's notation goes to its page, a concept's own name to its measures (乡村振兴 → theme); any other text is
    looked up in the tasks."""
    q = request.args.get("q", "").strip()
    keep = {k: v for k, v in request.args.items() if k in ("format", "lang")}
    if not q:
        return redirect(_href("pages.home", **keep))
    if NOTATION.match(q):
        try:
            return redirect(local_href(str(state().resolver.resolve("task", q))) or "/")
        except NotFound:
            pass
    for kind in SEARCH_ORDER:
        try:
            state().resolver.resolve(kind, q)
        except NotFound:
            continue
        return redirect(_href("pages.measures_page", **{kind: q}, **keep))
    return redirect(_href("pages.measures_page", q=q, **keep))


def _facet(name: str, counts: Counter, labels: dict[str, dict], active: str | None) -> list[dict]:
    return [{**labels[key], "count": n, "href": with_args(**{name: key}), "active": key == active}
            for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], labels[kv[0]]["label"]))]


def facets(results: list[dict], query: dict) -> dict:
    """Counts of theme, instrument, body, chapter and (with a body) role over the results, each a link that narrows."""
    found: dict[str, Counter] = {k: Counter() for k in ("theme", "instrument", "body", "chapter", "role")}
    labels: dict[str, dict] = {}
    for r in results:
        for name, key in (("theme", "themes"), ("instrument", "instruments"), ("body", "bodies")):
            for item in {c["id"]: c for c in r[key]}.values():
                found[name][item["id"]] += 1
                labels[item["id"]] = {"id": item["id"], "label": item["label"], "label_en": item.get("label_en")}
        chapter = r["notation"].split("-")[0]
        found["chapter"][chapter] += 1
        labels[chapter] = {"id": chapter, "label": CHAPTERS[chapter][0], "label_en": CHAPTERS[chapter][1]}
        if query.get("body"):
            for role in {b["role"] for b in r["bodies"] if b["id"] == query["body"] and b["role"]}:
                found["role"][role] += 1
                labels[role] = {"id": role, "label": ROLE_ZH[role], "label_en": ROLE_EN[role]}
    return {name: _facet(name, counts, labels, query.get(name)) for name, counts in found.items()}


@blueprint.get("/measures")
def measures_page() -> Response:
    """Measures with facets and the why of each; the filters name things by any name people use. Downloads for
    Excel carry the same filters and the columns shown here."""
    data = dict(measures_of(measures_query()))  # a copy: the shared answer stays as the API gives it
    data["resolved"] = resolved()
    data["facets"] = facets(data["results"], data["query"])
    names = views.names(state().reader)
    data["filters"] = [{"kind": kind, **ref(names, URIRef(value)), "remove": with_args(**{kind: None})}
                       for kind in MEASURE_FILTERS if (value := data["query"].get(kind))]
    data["columns"] = {c["key"]: c for c in measure_columns(data)}
    args = {k: v for k, v in request.args.items() if k not in ("format", "lang")}
    data["downloads"] = {fmt: _href("rest.measures", format=fmt, **args) for fmt in ("xlsx", "csv")}
    q = data["query"].get("q")
    found = state().resolver.search(q, SEARCH_ORDER) if q else []
    close = [(s.kind, s.iri) for s in state().resolver.suggest(q)] if q and not data["count"] else []
    data["suggestions"] = [{"kind": kind, **ref(names, iri), "href": _href("pages.measures_page", **{kind: str(iri)})}
                           for kind, iri in dict.fromkeys(found + close)][:12]
    return page("measures.html", data, kind_names=KIND_NAMES)


@blueprint.get("/matrix")
def matrix_page() -> Response:
    """The 任务分工表 with its filters; each download link carries the same filters."""
    filters, level, era = matrix_arguments()
    data = dict(matrix_of(filters, level, era))
    args = {k: v for k, v in request.args.items() if k in ("chapter", "theme", "body", "instrument", "level", "era", "direct") and v}
    data["downloads"] = {fmt: _href("rest.matrix", format=fmt, **args) for fmt in WRITERS}
    data["filters"] = {**{k: request.args.get(k, "") for k in ("chapter", "theme", "body", "instrument")},
                       "level": level, "era": era, "direct": filters.direct}
    return page("matrix.html", data, levels=LEVELS, eras=ERAS, chapters=CHAPTERS,
                names={kind: concept_list("", (kind,))["results"] for kind in ("theme", "instrument", "body")})


@blueprint.get("/targets")
def targets_page() -> Response:
    """2020 baseline → 2025 target, and the annual growth that requires."""
    shared = views.targets(state().reader)
    data = {**shared, "results": [{**target, "href": local_href(target["id"]),
                                   "tasks": [{**task, "href": local_href(task["id"])} for task in target["tasks"]]}
                                  for target in shared["results"]]}
    return page("targets.html", data)


@blueprint.get("/favicon.ico")
def favicon() -> Response:
    """The site's icon, so that no page's first request is a 404."""
    return send_from_directory(current_app.static_folder or "", "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=7 * 24 * 3600)


@blueprint.get("/concepts")
def concepts_page() -> Response:
    """Every theme, instrument, target group and body, or those whose names contain the text."""
    data = concept_list(request.args.get("q", "").strip(), concept_kinds())
    return page("concepts.html", data, kind_names=KIND_NAMES, kinds=CONCEPT_KINDS)


__all__ = ["blueprint"]
