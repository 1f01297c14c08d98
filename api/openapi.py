"""The OpenAPI 3.1 document at /api/openapi.json, written by hand and checked against the app.

Each route's description lives here, in one table; ``document(app)`` keeps the operations of the routes the app
really has, and tests/test_api_openapi.py fails when a route has no description (as datasette's test_docs does).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from flask import Flask

ROUTE_ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
SKIPPED_METHODS = {"HEAD", "OPTIONS"}


def openapi_path(rule: str) -> str:
    """/id/<path:rest> → /id/{rest}"""
    return ROUTE_ARG.sub(r"{\1}", rule)


def routes(app: Flask) -> set[tuple[str, str]]:
    """(path, method) for every route of the app, in OpenAPI spelling."""
    return {(openapi_path(rule.rule), method.lower())
            for rule in app.url_map.iter_rules() for method in rule.methods or () if method not in SKIPPED_METHODS}


def _param(name: str, where: str, zh: str, en: str, schema: dict | None = None, required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required or where == "path",
            "description": f"{zh} / {en}", "schema": schema or {"type": "string"}}


def _query(name: str, zh: str, en: str, schema: dict | None = None, required: bool = False) -> dict:
    return _param(name, "query", zh, en, schema, required)


NAME = ("（任一名称：全称、简称、俗称、改革前后名称、英文（英美拼写）、繁体、编号或IRI）"
        "/ (any name: full, short, colloquial, before or after the reforms, English in either spelling, traditional "
        "characters, a notation or an IRI)")
AXIS = {"enum": ["theme", "instrument", "body", "group", "target", "chapter"]}
P = {
    "theme": _query("theme", "主题" + NAME, "theme"),
    "instrument": _query("instrument", "政策工具" + NAME, "policy instrument"),
    "body": _query("body", "单位" + NAME, "body"),
    "target": _query("target", "2025年目标" + NAME, "2025 target"),
    "group": _query("group", "服务对象" + NAME, "target group"),
    "q": _query("q", "原文或标签中的文字", "text in the source or the label"),
    "role": _query("role", "与 body 同用：该单位的角色", "with body: the body's role",
                   schema={"enum": ["lead", "cooperating", "addressee", "per-duty", "mentioned"]}),
    "direct": _query("direct", "与 body 同用：true 只列本单位（及其前身）的任务，不含写给其所属群体的任务",
                     "with body: true leaves out the tasks addressed to the groups the body belongs to",
                     schema={"enum": ["true", "false"]}),
    "chapter": _query("chapter", "章节，如 5 或 5-6", "chapter or section, e.g. 5 or 5-6",
                      schema={"type": "string", "pattern": r"^[4-7](-\d{1,2}){0,4}$"}),
    "level": _query("level", "每行一句（task）或一段（paragraph）", "one row per task or per paragraph",
                    schema={"enum": ["task", "paragraph"], "default": "task"}),
    "era": _query("era", "机构名称按2021年或2023年改革后", "bodies as named in 2021 or after the 2023 reform",
                  schema={"enum": ["2021", "2023"], "default": "2021"}),
    "lang": _query("lang", "页面语言（记入 cookie）", "page language (remembered in a cookie)", schema={"enum": ["zh", "en"]}),
    "page_format": _query("format", "json 为页面的 JSON 孪生", "json gives the page's JSON twin",
                          schema={"enum": ["html", "json"]}),
    "rdf_format": _query("format", "覆盖内容协商", "overrides content negotiation",
                         schema={"enum": ["html", "json", "ttl", "nt", "jsonld"]}),
}
FILTERS = [P[k] for k in ("theme", "instrument", "body", "target", "group", "q", "role", "chapter", "direct")]
MATRIX_FILTERS = [P[k] for k in ("chapter", "theme", "body", "instrument", "level", "era", "direct")]


def _json(schema: str, zh: str, en: str) -> dict:
    return {"description": f"{zh} / {en}", "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


ERROR = {"$ref": "#/components/responses/Error"}
RDF_CONTENT = {t: {} for t in ("text/html", "text/turtle", "application/ld+json", "application/n-triples")}


def _op(tag: str, zh: str, en: str, params: Sequence[dict], ok: dict, errors: tuple[int, ...] = (400, 404)) -> dict:
    responses = {"200": ok, **{str(code): ERROR for code in errors}}
    if 404 in errors and any(p["name"] in ("theme", "body") for p in params):  # names: ambiguous ones list candidates
        responses["300"] = {"$ref": "#/components/responses/Ambiguous"}
    return {"tags": [tag], "summary": f"{zh} / {en}", "parameters": list(params), "responses": responses}


def _page(zh: str, en: str, params: Sequence[dict] = (), schema: str = "Page") -> dict:
    ok = {"description": "HTML 页面，或其 JSON 孪生 / the HTML page or its JSON twin",
          "content": {"text/html": {}, "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}
    return _op("pages", zh, en, [*params, P["lang"], P["page_format"]], ok, (400, 404, 406))


PATHS: dict[str, dict[str, dict]] = {
    "/api/measures": {"get": _op("api", "按主题、工具、单位、目标或文字查找措施，附匹配依据",
                                 "measures by theme, instrument, body, target or text, each with why it matched",
                                 [*FILTERS, _query("format", "json，或 csv/xlsx 供 Excel 使用（列同措施页）",
                                                   "json, or csv/xlsx for Excel (the measures page's columns)",
                                                   schema={"enum": ["json", "csv", "xlsx"], "default": "json"})],
                                 {"description": "匹配的措施 / the matching measures",
                                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Measures"}},
                                              "text/csv": {},
                                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}})},
    "/api/targets": {"get": _op("api", "2025年目标、2020年基期值、所需年均增速及相关任务",
                                "2025 targets, 2020 baselines, the annual growth required and the tasks behind them",
                                [], _json("Targets", "全部目标", "every target"), ())},
    "/api/matrix": {"get": _op("api", "任务分工表（json/csv/xlsx/html/md/docx 附件），可筛选", "the task-responsibility matrix, filtered",
                               [*MATRIX_FILTERS, _query("format", "导出格式", "format",
                                                        schema={"enum": ["json", "csv", "xlsx", "html", "md", "docx"], "default": "json"})],
                               {"description": "任务分工表（Content-Disposition 给出下载文件名）/ the matrix, with a download name",
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Matrix"}},
                                            "text/csv": {}, "text/html": {}, "text/markdown": {},
                                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                                            "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {}}})},
    "/api/concepts": {"get": _op("api", "按任一名称查找主题、政策工具、服务对象、单位", "themes, instruments, groups and bodies by any name",
                                 [P["q"], _query("kind", "类别，逗号分隔", "kinds, comma-separated",
                                                 schema={"type": "string", "example": "theme,instrument"})],
                                 _json("Concepts", "匹配的概念", "the matching concepts"), (400,))},
    "/api/tasks/{task_id}": {"get": _op("api", "一项任务：原文、所在段落、单位及角色、依据、依赖",
                                        "one task: its text, paragraph, bodies and roles, reasons, dependencies",
                                        [_param("task_id", "path", "任务编号（如 4-1-1-1-1）或IRI", "notation or IRI")],
                                        _json("Task", "任务", "the task"))},
    "/api/openapi.json": {"get": _op("api", "本文档", "this document", [],
                                     {"description": "OpenAPI 3.1", "content": {"application/json": {}}}, ())},
    "/id/{rest}": {"get": _op("linked-data", "关联数据：按内容协商返回 /id/ 下任一IRI的描述",
                              "Linked Data: any IRI under /id/, by content negotiation",
                              [_param("rest", "path", "IRI 中 /id/ 之后的部分", "the IRI after /id/"), P["rdf_format"], P["lang"]],
                              {"description": "HTML、Turtle、JSON-LD 或 N-Triples / HTML, Turtle, JSON-LD or N-Triples",
                               "content": RDF_CONTENT}, (404, 406))},
    "/.well-known/void": {"get": _op("linked-data", "数据集描述（DCAT + VoID）", "the dataset described in DCAT and VoID",
                                     [P["rdf_format"]], {"description": "DCAT + VoID", "content": RDF_CONTENT}, (406,))},
    "/dumps/{name}": {"get": _op("linked-data", "全量下载：qhfin.ttl、qhfin.nt、qhfin.trig、qhfin.nq、qhfin.jsonld",
                                 "full dumps: qhfin.ttl, .nt, .trig, .nq, .jsonld",
                                 [_param("name", "path", "文件名", "file name",
                                         {"enum": ["qhfin.ttl", "qhfin.nt", "qhfin.trig", "qhfin.nq", "qhfin.jsonld"]})],
                                 {"description": "整个图谱 / the whole graph",
                                  "content": {t: {} for t in ("text/turtle", "application/n-triples", "application/trig",
                                                              "application/n-quads", "application/ld+json")}}, (404,))},
    "/": {"get": _page("首页：常见问题与搜索框", "home: the questions people ask, and a search box", schema="Home")},
    "/search": {"get": _page("搜索：名称即概念时转到其措施，否则按文字查找", "search: a concept's name goes to its measures, "
                             "other text is looked up in the tasks", [P["q"]], "Measures")},
    "/measures": {"get": _page("措施列表，附分面与匹配依据", "measures with facets and why each matched", FILTERS, "Measures")},
    "/matrix": {"get": _page("任务分工表，可筛选、下载", "the task-responsibility matrix, filtered, with downloads",
                             MATRIX_FILTERS, "Matrix")},
    "/targets": {"get": _page("2025年目标：基期值→目标值，所需年均增速", "2025 targets: baseline → target, annual growth required",
                              schema="Targets")},
    "/favicon.ico": {"get": _op("pages", "网站图标", "the site's icon", [],
                                {"description": "图标 / the icon", "content": {"image/vnd.microsoft.icon": {}}}, ())},
    "/concepts": {"get": _page("概念：主题、政策工具、服务对象、单位", "concepts: themes, instruments, groups, bodies",
                               [P["q"]], "Concepts")},
    "/static/{filename}": {"get": _op("pages", "本站的样式与脚本（不引用任何外部资源）", "this site's own styles and scripts",
                                      [_param("filename", "path", "文件名", "file name")],
                                      {"description": "文件 / the file"}, (404,))},
    # the explorer (api/explorer.py): impact, paths, scenarios, ranking, workload, cross-tabulations, checks, exports
    "/api/impact": {"get": _op("explorer", "影响分析：某节点停滞或撤出时受影响的（下游），或其所依靠的（上游），逐步注明依据与原文",
                               "impact: what a node's failure reaches (downstream) or what it relies on (upstream), "
                               "each step with its basis and quote",
                               [_query("node", "节点" + NAME, "node", required=True),
                                _query("direction", "方向", "direction",
                                       schema={"enum": ["downstream", "upstream"], "default": "downstream"}),
                                _query("depth", "最多几步", "at most this many steps", schema={"type": "integer", "minimum": 1})],
                               _json("Impact", "受影响或所依靠的节点及路径", "the nodes reached and the paths"))},
    "/api/path": {"get": _op("explorer", "两节点之间的路径，逐步说明", "how one node reaches another, step by step",
                             [_query("from", "起点" + NAME, "from", required=True), _query("to", "终点" + NAME, "to", required=True)],
                             _json("Page", "路径", "the path"))},
    "/api/scenario": {"get": _op("explorer", "情景：移除节点后失去全部支撑的目标、失去牵头的任务、失去覆盖的主题",
                                 "scenario: targets left with no supporting task, tasks without their lead, themes "
                                 "left uncovered when nodes are removed",
                                 [_query("remove", "要移除的节点，可重复或以逗号分隔" + NAME, "nodes to remove, repeated or comma-separated",
                                         required=True)], _json("Page", "情景结果", "the scenario"))},
    "/api/rank": {"get": _op("explorer", "关键任务、关键政策工具与主题间的桥梁（附所用指标）",
                             "critical tasks, instruments and bridges between themes, with the measures used",
                             [_query("top", "每类列出几项", "how many of each", schema={"type": "integer", "minimum": 1})],
                             _json("Page", "排序", "the ranking"), (400,))},
    "/api/workload": {"get": _op("explorer", "各单位任务量（按角色、按章）与瓶颈", "workload per body by role and chapter, and bottlenecks",
                                 [_query("top", "瓶颈列出几项", "how many bottlenecks", schema={"type": "integer", "minimum": 1})],
                                 _json("Page", "任务量", "the workload"), (400,))},
    "/api/crosstab": {"get": _op("explorer", "交叉表：主题×政策工具、章×主题、单位×主题等", "cross-tabulations: theme × instrument, "
                                 "chapter × theme, body × theme and others",
                                 [_query("rows", "行", "rows", required=True, schema=AXIS), _query("cols", "列", "columns", required=True, schema=AXIS),
                                  P["role"]], _json("Page", "交叉表", "the table"), (400,))},
    "/api/checks": {"get": _op("explorer", "数据检查：依赖环、未关联目标的任务、无任务的目标、孤立概念",
                               "data checks: dependency cycles, tasks with no target, targets with no task, isolated concepts",
                               [], _json("Page", "检查结果", "the findings"), ())},
    "/api/export/{fmt}": {"get": _op("explorer", "导出：整图 GraphML/GEXF/Cytoscape.js JSON，或某节点邻域的 SVG/PNG 图",
                                     "exports: the whole graph as GraphML, GEXF or Cytoscape.js JSON, or a node's "
                                     "neighbourhood as SVG or PNG",
                                     [_param("fmt", "path", "格式", "format",
                                             {"enum": ["graphml", "gexf", "cytoscape", "svg", "png"]}),
                                      _query("node", "svg/png：中心节点" + NAME, "svg/png: the node at the centre"),
                                      _query("depth", "svg/png：几步之内", "svg/png: within this many steps",
                                             schema={"type": "integer", "minimum": 1, "maximum": 3}),
                                      _query("download", "作为附件下载", "send as a download")],
                                     {"description": "文件 / the file", "content": {t: {} for t in (
                                         "application/graphml+xml", "application/gexf+xml", "application/json",
                                         "image/svg+xml", "image/png")}})},
    "/explorer": {"get": _page("关联探索：可缩放、按类别筛选、点击节点高亮其影响的交互图", "explorer: an interactive graph — zoom, "
                               "filter by kind, click a node to light up its impact", schema="Page")},
    "/explorer/static/{filename}": {"get": _op("pages", "关联探索页的样式与脚本", "the explorer page's styles and scripts",
                                               [_param("filename", "path", "文件名", "file name")],
                                               {"description": "文件 / the file"}, (404,))},
}

SPARQL_RESULTS = {t: {} for t in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                                    "text/tab-separated-values", "text/turtle", "application/n-triples",
                                    "application/ld+json", "application/rdf+xml", "text/html")}
SPARQL_PARAMS = [
    _query("query", "SPARQL 1.1 查询（只读）；省略则返回服务描述", "a SPARQL 1.1 query (read-only); without it, the service description"),
    _query("default-graph-uri", "默认图（可重复）", "default graph (repeatable)", schema={"type": "array", "items": {"type": "string"}}),
    _query("named-graph-uri", "命名图（可重复）", "named graph (repeatable)", schema={"type": "array", "items": {"type": "string"}}),
]
NODE = _query("node", "节点：任务编号、名称、别名或IRI", "a node: task notation, name, alias or IRI", required=True)
TOP = _query("top", "返回前几名", "how many to return", schema={"type": "integer", "minimum": 1, "maximum": 500, "default": 10})
EXPLORE_OK = {"description": "JSON", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}
PATHS.update({  # routes of the other blueprints (api.sparql, api.queries, api.explorer), described here as well
    "/sparql": {
        "get": _op("sparql", "SPARQL 1.1 协议端点（GET）；无查询时返回服务描述或查询编辑器",
                   "SPARQL 1.1 Protocol endpoint (GET); without a query, the service description or the query editor",
                   SPARQL_PARAMS, {"description": "查询结果 / the results", "content": SPARQL_RESULTS}, (400, 403, 406, 413, 503)),
        "post": {**_op("sparql", "SPARQL 1.1 协议端点（POST 表单或 application/sparql-query）",
                       "SPARQL 1.1 Protocol endpoint (POST, form-encoded or application/sparql-query)",
                       SPARQL_PARAMS[1:], {"description": "查询结果 / the results", "content": SPARQL_RESULTS},
                       (400, 403, 406, 413, 415, 503)),
                 "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {
                     "type": "object", "properties": {"query": {"type": "string"}}}},
                     "application/sparql-query": {"schema": {"type": "string"}}}}},
    },
    "/queries": {"get": _page("具名查询列表", "the named queries", schema="Page")},
    "/queries/{name}": {"get": _page("具名查询：表单与结果（参数见该查询说明）", "a named query: its form and results (parameters as "
                                     "the query declares them)", [_param("name", "path", "查询名", "query name")])},
    "/queries/{name}.json": {"get": _op("sparql", "具名查询的结果（JSON）", "a named query's results as JSON",
                                        [_param("name", "path", "查询名", "query name")], EXPLORE_OK, (400, 404, 503))},
    "/queries/{name}.csv": {"get": _op("sparql", "具名查询的结果（CSV）", "a named query's results as CSV",
                                       [_param("name", "path", "查询名", "query name")],
                                       {"description": "CSV", "content": {"text/csv": {}}}, (400, 404, 503))},
    "/api/impact": {"get": _op("explorer", "影响分析：下游受影响或上游支撑，逐边说明", "impact: what a node reaches downstream, or "
                               "what supports it upstream, edge by edge",
                               [NODE, _query("direction", "方向", "direction", schema={"enum": ["downstream", "upstream"]}),
                                _query("depth", "最大距离", "greatest distance", schema={"type": "integer", "minimum": 1})],
                               EXPLORE_OK)},
    "/api/path": {"get": _op("explorer", "两节点间的路径，逐边附依据与原文", "how one node reaches another, each step with basis and quote",
                             [_query("from", "起点", "from", required=True), _query("to", "终点", "to", required=True)], EXPLORE_OK)},
    "/api/scenario": {"get": _op("explorer", "情景：移除节点后哪些目标、任务、主题失去支撑", "scenario: what loses support when nodes "
                                 "are removed", [_query("remove", "要移除的节点（可重复或逗号分隔）", "nodes to remove (repeat or "
                                                        "comma-separate)", required=True)], EXPLORE_OK)},
    "/api/rank": {"get": _op("explorer", "关键节点排名", "the key nodes, ranked", [TOP], EXPLORE_OK)},
    "/api/workload": {"get": _op("explorer", "各单位的任务量（牵头、配合、实施主体）", "each body's workload (lead, cooperating, "
                                 "addressed)", [TOP], EXPLORE_OK)},
    "/api/crosstab": {"get": _op("explorer", "交叉表：主题×工具、章节×主题、单位×主题等", "cross-tabulations: theme × instrument, "
                                 "chapter × theme, body × theme …",
                                 [_query("rows", "行维度", "row axis"), _query("cols", "列维度", "column axis"),
                                  _query("role", "单位角色", "body role")], EXPLORE_OK)},
    "/api/checks": {"get": _op("explorer", "数据检查：依赖环、无目标的任务、无任务的目标、孤立概念", "data checks: dependency cycles, "
                               "tasks without a target, targets without a task, isolated concepts", [], EXPLORE_OK, ())},
    "/api/export/{fmt}": {"get": _op("explorer", "导出：GraphML、GEXF、Cytoscape.js JSON，或节点邻域的 SVG/PNG",
                                     "exports: GraphML, GEXF, Cytoscape.js JSON, or a node's neighbourhood as SVG/PNG",
                                     [_param("fmt", "path", "格式", "format",
                                             {"enum": ["graphml", "gexf", "cytoscape", "svg", "png"]}),
                                      _query("node", "节点（svg/png）", "node (svg/png)"),
                                      _query("depth", "邻域深度", "neighbourhood depth", schema={"type": "integer"}),
                                      _query("download", "作为附件下载", "download as a file")],
                                     {"description": "文件 / the file", "content": {
                                         t: {} for t in ("application/graphml+xml", "application/gexf+xml",
                                                         "application/json", "image/svg+xml", "image/png")}})},
    "/explorer": {"get": _page("关联探索：交互式图谱", "the explorer: an interactive graph")},
    # the final evaluation (api/evaluation.py, issue 15)
    "/evaluation": {"get": _page("总结评估：各目标完成情况图、按章节/主题/牵头单位的任务进展、需关注事项",
                                 "final evaluation: attainment per target drawn, progress by chapter, theme and lead "
                                 "unit, what needs attention", schema="Evaluation")},
    "/api/evaluation": {"get": _op("evaluation", "总结评估：各目标的基期值、目标值、实际数（附来源与数据类型）与状态；各任务的进展、填报单位、日期与佐证",
                                   "final evaluation: targets with baseline, target, actual figures (with source and "
                                   "kind) and status; tasks with status, unit, date and evidence", [],
                                   _json("Evaluation", "总结评估", "the evaluation"), ())},
    "/api/evaluation/report": {"get": _op("evaluation", "总结评估报告下载：docx、xlsx 或 html",
                                          "the evaluation report as a download: docx, xlsx or html",
                                          [_query("format", "格式", "format", schema={"enum": ["docx", "xlsx", "html"],
                                                                                        "default": "docx"})],
                                          {"description": "报告 / the report", "content": {t: {} for t in (
                                              "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                              "text/html")}}, (400,))},
    "/explorer/static/{filename}": {"get": _op("explorer", "探索页的脚本与样式", "the explorer's scripts and styles",
                                               [_param("filename", "path", "文件名", "file name")],
                                               {"description": "文件 / the file"}, (404,))},
    "/explorer/vendor/cytoscape.min.js": {"get": _op("explorer", "本地提供的 Cytoscape.js", "Cytoscape.js, served locally", [],
                                                     {"description": "JavaScript"}, (503,))},
})

OBJ = {"type": "object"}
SUGGESTION = {"type": "object", "required": ["label", "kind", "link"], "properties": {  # inline: Error stands alone
    "label": {"type": "string"}, "kind": {"type": "string"}, "link": {"type": "string"}, "id": {"type": "string"},
    "matched": {"type": "string"}}}
SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["status", "code", "message"], "properties": {
            "status": {"type": "integer"}, "code": {"type": "string"}, "detail": {"type": "string"},
            "suggestions": {"type": "array", "items": SUGGESTION}, "candidates": {"type": "array", "items": SUGGESTION},
            "message": {"type": "object", "required": ["zh", "en"],
                        "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}}}}}},
    "Ref": {"type": "object", "required": ["id", "label"],
            "properties": {"id": {"type": "string", "format": "iri"}, "label": {"type": "string"}}},
    "Why": {"type": "object", "required": ["basis", "zh", "en"], "properties": {
        "basis": {"enum": ["stated", "rule", "curated", "text"]}, "evidence": {"type": ["string", "null"]},
        "zh": {"type": "string"}, "en": {"type": "string"}, "filter": {"type": "string"}}},
    "Measure": {"type": "object", "required": ["id", "label", "text", "path", "bodies", "instruments", "themes", "why"],
                "properties": {
                    "id": {"type": "string"}, "label": {"type": "string"}, "text": {"type": "string"},
                    "path": {"type": "array", "items": {"$ref": "#/components/schemas/Ref"}},
                    "bodies": {"type": "array", "items": {"type": "object", "required": ["id", "label", "role"],
                                                          "properties": {"id": {"type": "string"}, "label": {"type": "string"},
                                                                         "role": {"type": ["string", "null"]}}}},
                    "instruments": {"type": "array", "items": {"$ref": "#/components/schemas/Ref"}},
                    "themes": {"type": "array", "items": {"$ref": "#/components/schemas/Ref"}},
                    "why": {"type": "array", "items": {"$ref": "#/components/schemas/Why"}},
                    "match": {"type": "object", "required": ["how", "zh", "en"], "properties": {
                        "how": {"enum": ["direct", "succeeds", "via"]}, "zh": {"type": "string"}, "en": {"type": "string"}}}}},
    "CountOf": {"type": "object", "required": ["key", "zh", "en"], "description": "计数所计为何 / what a count counts",
                "properties": {"key": {"enum": ["measure", "row", "paragraph"]}, "zh": {"type": "string"},
                               "en": {"type": "string"}}},
    "Measures": {"type": "object", "required": ["query", "count", "count_of", "results"], "properties": {
        "query": OBJ, "count": {"type": "integer"}, "count_of": {"$ref": "#/components/schemas/CountOf"}, "results": {"type": "array", "items": {"$ref": "#/components/schemas/Measure"}},
        "facets": OBJ, "resolved": OBJ, "words": {"type": "array", "items": {"type": "string"}}}},
    "Targets": {"type": "object", "required": ["results"], "properties": {"results": {"type": "array", "items": {
        "type": "object", "required": ["id", "label", "value", "unit", "year", "baseline", "tasks"], "properties": {
            "id": {"type": "string"}, "label": {"type": "string"}, "value": {"type": ["number", "null"]},
            "unit": {"type": ["string", "null"]}, "year": {"type": ["integer", "null"]},
            "baseline": {"type": ["object", "null"], "properties": {"value": {"type": ["number", "null"]},
                                                                    "year": {"type": ["integer", "null"]}}},
            "required_annual_growth_percent": {"type": ["number", "null"]},
            "tasks": {"type": "array", "items": {"$ref": "#/components/schemas/Ref"}}}}}}},
    "Matrix": {"type": "object", "required": ["tasks", "bodies", "cells"], "properties": {
        "tasks": {"type": "array", "items": {"type": "object", "required": ["id", "label", "path"]}},
        "bodies": {"type": "array", "items": {"$ref": "#/components/schemas/Ref"}},
        "cells": {"type": "array", "items": {"type": "object", "required": ["task", "body", "role"]}},
        "rows": {"type": "array", "items": OBJ}, "count_of": {"$ref": "#/components/schemas/CountOf"}}},
    "Concepts": {"type": "object", "required": ["query", "count", "results"], "properties": {
        "query": OBJ, "count": {"type": "integer"}, "results": {"type": "array", "items": {
            "type": "object", "required": ["id", "kind", "label"], "properties": {
                "id": {"type": "string"}, "kind": {"type": "string"}, "label": {"type": "string"},
                "alt_labels": {"type": "array", "items": {"type": "string"}}, "measures": {"type": "string"}}}}}},
    "Task": {"type": "object", "required": ["id", "notation", "label", "text", "bodies", "paragraph", "depends_on",
                                            "depended_on_by"], "properties": {"paragraph": OBJ}},
    "Home": {"type": "object", "required": ["questions"], "properties": {"questions": {"type": "array", "items": OBJ}}},
    "Page": OBJ,
    "Evaluation": {"type": "object", "required": ["targets", "tasks", "progress", "carry_over", "sources"], "properties": {
        "targets": {"type": "array", "items": {"type": "object", "required": [
            "id", "label", "value", "baseline", "status", "status_label", "actuals"], "properties": {
            "id": {"type": "string"}, "label": {"type": "string"}, "value": {"type": ["number", "null"]},
            "baseline": {"type": ["object", "null"]},
            "status": {"enum": ["achieved", "not-achieved", "on-track", "behind", "undetermined", "no-data"]},
            "status_label": {"type": "string"},
            "actuals": {"type": "array", "items": {"type": "object", "required": [
                "id", "period", "value", "unit", "kind", "source", "quote", "decisive"], "properties": {
                "kind": {"enum": ["published", "derived", "secondary"]}, "value": {"type": "number"},
                "source": {"type": "object", "required": ["title"]}}}}}}},
        "tasks": {"type": "array", "items": {"type": "object", "required": [
            "id", "label", "leads", "status", "status_label", "date", "unit", "evidence"], "properties": {
            "status": {"enum": ["completed", "mostly-completed", "in-progress", "not-started", "not-applicable",
                                "not-reported"]}, "date": {"type": ["string", "null"]}, "unit": {"type": ["string", "null"]}}}},
        "indicators": {"type": "array", "items": OBJ}, "progress": OBJ, "carry_over": OBJ, "sources": {"type": "array"}}},
    "Impact": {"type": "object", "required": ["node", "affected"], "properties": {
        "node": {"$ref": "#/components/schemas/Ref"}, "direction": {"enum": ["downstream", "upstream"]},
        "affected": {"type": "array", "items": {"type": "object", "required": ["id", "label", "type", "distance", "path"],
                     "properties": {"id": {"type": "string"}, "label": {"type": "string"}, "type": {"type": "string"},
                                    "distance": {"type": "integer"}, "path": {"type": "array", "items": {
                                        "type": "object", "required": ["from", "to", "predicate", "basis", "zh", "en"]}}}}}}},
}


def document(app: Flask, server: str = "/") -> dict:
    """The operations of the routes this app has; a described route the app lacks is left out."""
    have = routes(app)
    paths: dict[str, dict] = {}
    for path, operations in PATHS.items():
        kept = {m: op for m, op in operations.items() if (path, m) in have}
        if kept:
            paths[path] = kept
    return {
        "openapi": "3.1.0",
        "info": {"title": "qhfin · 青海“十四五”金融规划任务知识图谱 API", "version": "1.0.0",
                 "description": "名称可用中文名、别名、编号或IRI（theme=乡村振兴）。错误统一为 Error 结构，中英文说明。\n"
                                "Names may be a Chinese name, an alias, a notation or an IRI (theme=乡村振兴). "
                                "Every error has the Error shape, with a message in Chinese and English.",
                 "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"}},
        "servers": [{"url": server.rstrip("/") or "/"}],
        "paths": paths,
        "components": {"schemas": SCHEMAS, "responses": {"Error": {
            "description": "错误（中英文）；未知名称附最接近的各类名称 suggestions / an error, in Chinese and English; "
                           "an unknown name comes with the closest names of every kind (suggestions)",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "Ambiguous": {
            "description": "名称可指多个概念，candidates 列出候选 / the name may mean several concepts, listed in candidates",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}},
    }
