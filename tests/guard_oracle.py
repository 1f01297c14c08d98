"""The oracle of ``tests/test_guard.py``: qhfin's SPARQL guard as it was before issue 14, on rdflib's parser.

Kept here only, for the differential test; no request path imports it (rdflib stays a dependency for the pages).
"""

from __future__ import annotations

from qhfin.guard import Decision, check_graphs
from qhfin.sparql import OutsideRefused, QuerySyntaxError, UpdateRefused, syntax_error


def old_guard(text: str, graphs: tuple[str, ...]) -> Decision:
    """qhfin.sparql.guard before issue 14, verbatim but for its imports."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree = parseQuery(text)
    except ParseBaseException as exc:
        try:
            update = parseUpdate(text)
        except (ParseBaseException, RecursionError):
            raise syntax_error(str(exc)) from None
        if not isinstance(update.get("request"), list):
            raise QuerySyntaxError("查询为空：没有 SELECT、ASK、CONSTRUCT 或 DESCRIBE",
                                   "The query is empty: no SELECT, ASK, CONSTRUCT or DESCRIBE", str(exc)) from None
        raise UpdateRefused("本服务只读，拒绝SPARQL更新（INSERT、DELETE、LOAD、CLEAR……）",
                            "This service is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR …) are refused") from None
    except RecursionError:
        raise syntax_error("query nested too deeply") from None
    query = tree[1]
    if _contains(query, "ServiceGraphPattern"):
        raise OutsideRefused("本服务不执行 SERVICE 联邦查询，不访问任何外部地址",
                             "SERVICE is refused: this service never calls out to other addresses")
    defaults = tuple(str(c["default"]) for c in query.get("datasetClause") or [] if "default" in c)
    named = tuple(str(c["named"]) for c in query.get("datasetClause") or [] if "named" in c)
    check_graphs([*defaults, *named], graphs)
    projection = None
    if query.name == "SelectQuery" and "projection" in query:
        projection = tuple(str(v.get("var") or v.get("evar")) for v in query["projection"])
    open_ended = query.name == "SelectQuery" and "limitoffset" not in query and "valuesClause" not in query
    forms = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
    return Decision(forms[query.name], defaults, named, projection, open_ended)


def _contains(node: object, name: str) -> bool:
    if getattr(node, "name", None) == name:
        return True
    if isinstance(node, dict):
        return any(_contains(v, name) for v in node.values())
    if isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        return any(_contains(v, name) for v in node)
    return False
