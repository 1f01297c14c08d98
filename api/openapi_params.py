"""The OpenAPI document's parameters: how one is written, and the ones many operations share.

Each parameter is described in Chinese and English; the names a request may use for a concept (``NAME``) are
spelt out once, here, for every parameter that takes one.
"""

from __future__ import annotations


def param(name: str, where: str, zh: str, en: str, schema: dict | None = None, required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required or where == "path",
            "description": f"{zh} / {en}", "schema": schema or {"type": "string"}}


def query(name: str, zh: str, en: str, schema: dict | None = None, required: bool = False) -> dict:
    return param(name, "query", zh, en, schema, required)


NAME = ("（任一名称：全称、简称、俗称、改革前后名称、英文（英美拼写）、繁体、编号或IRI）"
        "/ (any name: full, short, colloquial, before or after the reforms, English in either spelling, traditional "
        "characters, a notation or an IRI)")
AXIS = {"enum": ["theme", "instrument", "body", "group", "target", "chapter"]}
P = {
    "theme": query("theme", "主题" + NAME, "theme"),
    "instrument": query("instrument", "政策工具" + NAME, "policy instrument"),
    "body": query("body", "单位" + NAME, "body"),
    "target": query("target", "2025年目标" + NAME, "2025 target"),
    "group": query("group", "服务对象" + NAME, "target group"),
    "q": query("q", "原文或标签中的文字", "text in the source or the label"),
    "role": query("role", "与 body 同用：该单位的角色", "with body: the body's role",
                  schema={"enum": ["lead", "cooperating", "addressee", "per-duty", "mentioned"]}),
    "direct": query("direct", "与 body 同用：true 只列本单位（及其前身）的任务，不含写给其所属群体的任务",
                    "with body: true leaves out the tasks addressed to the groups the body belongs to",
                    schema={"enum": ["true", "false"]}),
    "chapter": query("chapter", "章节，如 5 或 5-6", "chapter or section, e.g. 5 or 5-6",
                     schema={"type": "string", "pattern": r"^[4-7](-\d{1,2}){0,4}$"}),
    "level": query("level", "每行一句（task）或一段（paragraph）", "one row per task or per paragraph",
                   schema={"enum": ["task", "paragraph"], "default": "task"}),
    "era": query("era", "机构名称按2021年或2023年改革后", "bodies as named in 2021 or after the 2023 reform",
                 schema={"enum": ["2021", "2023"], "default": "2021"}),
    "lang": query("lang", "页面语言（记入 cookie）", "page language (remembered in a cookie)", schema={"enum": ["zh", "en"]}),
    "page_format": query("format", "json 为页面的 JSON 孪生", "json gives the page's JSON twin",
                         schema={"enum": ["html", "json"]}),
    "rdf_format": query("format", "覆盖内容协商", "overrides content negotiation",
                        schema={"enum": ["html", "json", "ttl", "nt", "jsonld"]}),
}
FILTERS = [P[k] for k in ("theme", "instrument", "body", "target", "group", "q", "role", "chapter", "direct")]
MATRIX_FILTERS = [P[k] for k in ("chapter", "theme", "body", "instrument", "level", "era", "direct")]
SPARQL_PARAMS = [
    query("query", "SPARQL 1.1 查询（只读）；省略则返回服务描述", "a SPARQL 1.1 query (read-only); without it, the service description"),
    query("default-graph-uri", "默认图（可重复）", "default graph (repeatable)", schema={"type": "array", "items": {"type": "string"}}),
    query("named-graph-uri", "命名图（可重复）", "named graph (repeatable)", schema={"type": "array", "items": {"type": "string"}}),
]
NODE = query("node", "节点：任务编号、名称、别名或IRI", "a node: task notation, name, alias or IRI", required=True)
TOP = query("top", "返回前几名", "how many to return", schema={"type": "integer", "minimum": 1, "maximum": 500, "default": 10})
