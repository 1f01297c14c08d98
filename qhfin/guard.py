"""The guard: what a query text is, and whether it may run (prepare → **guard** → run → serialize).

pyoxigraph's parser judges the syntax, as the store that runs the text will: text that parses as a query may run;
text that does not, but parses as an update, is refused (403); anything else is a syntax error (400) with
pyoxigraph's message. The rest is decided on tokens (``qhfin.tokens``): ``SERVICE`` anywhere is refused before
the text reaches anything that evaluates; ``FROM``/``FROM NAMED`` may name only this dataset's graphs, after
prefixes are expanded and relative IRIs resolved; the form, a SELECT's projection and whether it set its own
limit. Nothing here imports rdflib's parser: a new text costs a fraction of a millisecond, not 20–45 ms, and
there is no parser to warm at start-up. ``docs/guard.md`` argues why each refusal is sound, and
``tests/test_guard.py`` compares every decision with the rdflib guard this one replaced.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from .shape import Shaped
from .sparql import QUERY_BASE, OutsideRefused, QuerySyntaxError, UpdateRefused, syntax_error
from .tokens import Token, resolve, tokenize, unescape_iri, unescape_local

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
# pyoxigraph's parser and planner recurse once per nesting level and once per link of a chain (``!!!…``, ``1 + 1 + …``,
# ``?o, ?o, …``, ``{} UNION {} …``): at ~5,000 brackets, or ~10,000 links, a worker's stack overflows and the process
# dies. Texts past these bounds are refused before pyoxigraph sees them; a VALUES block's data (a flat list) is not
# counted, so a long list of values goes through (tests/test_sparql_safety.py sends 3,500).
MAX_DEPTH = 256
MAX_TOKENS = 4096
_SENTINEL = "urn:qhfin:guard:never-present"  # a graph no store of the guard's ever holds
_EMPTY = ox.Store()  # in memory, never written: the parser's judge


@dataclass(frozen=True)
class Decision:
    """What the guard learnt about a query: its form and the graphs its own dataset clause names."""

    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()
    projection: tuple[str, ...] | None = None  # a SELECT's variables; None for SELECT * and the other forms
    open_ended: bool = False  # a SELECT with no LIMIT, OFFSET or trailing VALUES: it may be capped (``capped``)
    shape: bytes = field(default=b"", compare=False)  # its shape's digest (``qhfin.shape``), from the same tokens

    @property
    def has_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named)


def guard(text: str, graphs: Collection[str], judged: bool = True) -> Decision:
    """Decide on ``text``; raises the refusal it deserves. The order matters: nesting and SERVICE are decided on
    tokens first, so that no text deep enough to overflow the parser's stack, and no SERVICE, ever reaches
    pyoxigraph (which evaluates an ASK, or a SELECT's first row, as it parses). ``judged`` False: the caller runs
    the text on pyoxigraph next, whose parse then judges it — one parse, not two (the embedded engine); a text
    that parse refuses goes to ``judge`` for the refusal it deserves."""
    tokens, key = _read(text)
    if judged:
        judge(text, tokens)
    base, prefixes, body = _prologue(tokens)
    form = body[0].keyword() if body else ""
    if form not in FORMS:  # not a query (an update, nothing, a syntax error): the judge says which; if it took the
        if not judged:  # text as a query, this cannot happen, and the text is refused rather than guessed
            judge(text, tokens)
        raise syntax_error(f"no query form where the lexer expected one: {form or 'nothing'}")
    defaults, named = _dataset(body, base, prefixes)
    check_graphs([*defaults, *named], graphs)
    projection = _projection(body) if form == "SELECT" else None
    open_ended = form == "SELECT" and not any(t.level == 0 and t.keyword() in ("LIMIT", "OFFSET", "VALUES")
                                              for t in body)
    return Decision(form, defaults, named, projection, open_ended, key)


def _read(text: str) -> tuple[list[Token], bytes]:
    """The one pass of the lexer over ``text``: its tokens outside VALUES data (what the decision is made on) and
    its shape; raises, in this order, for a text nested too deeply, with too many tokens outside its VALUES data, or
    with SERVICE. A VALUES block's data (the terms between its braces) is lexed — for the nesting and the shape —
    but not kept, and tokens past the limit are not kept either: what this holds is bounded whatever the text."""
    kept: list[Token] = []
    shaped = Shaped()
    service = values = False
    outside, data_level = 0, -1  # data_level: the level of the VALUES block's braces while inside its data
    for token in tokenize(text):
        shaped.add(token)
        if token.depth >= MAX_DEPTH:  # the first refusal in order: nothing further can change the answer
            raise syntax_error("query nested too deeply")
        if data_level >= 0:
            if token.level > data_level or token.text != "}":
                continue
            data_level = -1  # its closing brace counts, as its opening one did
        outside += 1
        if outside <= MAX_TOKENS:
            kept.append(token)
        if token.kind == "word":
            word = token.text.upper()
            service = service or word == "SERVICE"
            values = values or word == "VALUES"
        elif values and token.text == "{":
            values, data_level = False, token.level
    if outside > MAX_TOKENS:
        raise syntax_error(f"query too long: more than {MAX_TOKENS} tokens outside its VALUES blocks")
    if service:
        raise OutsideRefused("本服务不执行 SERVICE 联邦查询，不访问任何外部地址",
                             "SERVICE is refused: this service never calls out to other addresses")
    return kept, shaped.digest()


def judge(text: str, tokens: list[Token] | None = None) -> None:
    """pyoxigraph's parser on ``text`` (a text whose tokens the guard has passed): returns when it parses as a
    query; raises 403 for an update and 400, with pyoxigraph's message, for anything else."""
    try:
        _EMPTY.query(text, base_iri=QUERY_BASE)
    except SyntaxError as exc:
        _refuse_update(text, tokens if tokens is not None else list(tokenize(text)), str(exc))
        raise syntax_error(str(exc)) from None
    except (RuntimeError, OSError):  # it parsed; evaluating it on nothing failed, and the real run will say why
        pass


def check_graphs(names: Iterable[str], graphs: Collection[str]) -> None:
    """FROM, FROM NAMED, default-graph-uri and named-graph-uri may name only graphs of this dataset."""
    outside = [n for n in names if n not in graphs]
    if outside:
        raise OutsideRefused("只能指定本数据集中的命名图，本服务不读取外部图或文件",
                             "Only graphs of this dataset may be named; this service never reads other graphs or files",
                             f"{', '.join(outside)} ∉ {{{', '.join(sorted(graphs))}}}")


def _refuse_update(text: str, tokens: list[Token], message: str) -> None:
    """Raise the refusal for a text that is not a query but parses as an update: 403, or, when it holds no
    operation at all (nothing, comments, only a prologue), the empty-query 400. Returns for anything else.

    pyoxigraph has no parse-only call, and an update that parses is run — LOAD would fetch. So the text goes to
    an empty in-memory store with an operation that always fails (DROP of a graph that is not there) placed right
    after its prologue: pyoxigraph parses the whole request before it runs any of it, and stops at that first
    failing operation, so none of the text's own operations ever runs."""
    _, _, body = _prologue(tokens)
    at = body[0].start if body else len(text)
    probe = f"{text[:at]}\nDROP GRAPH <{_SENTINEL}> ;\n{text[at:]}"
    try:
        _EMPTY.update(probe, base_iri=QUERY_BASE)
    except SyntaxError:
        return
    except (RuntimeError, OSError) as exc:
        if _SENTINEL not in str(exc):  # not our operation's failure: never read as "it parsed"
            return
    else:  # the sentinel did not fail: refuse whatever it was rather than guess
        raise AssertionError("the guard's sentinel graph exists")
    if not body:
        raise QuerySyntaxError("查询为空：没有 SELECT、ASK、CONSTRUCT 或 DESCRIBE",
                               "The query is empty: no SELECT, ASK, CONSTRUCT or DESCRIBE", message)
    raise UpdateRefused("本服务只读，拒绝SPARQL更新（INSERT、DELETE、LOAD、CLEAR……）",
                        "This service is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR …) are refused")


def _prologue(tokens: list[Token]) -> tuple[str, dict[str, str], list[Token]]:
    """The base IRI and prefixes the prologue declares (each resolved against the base so far), and the tokens
    after it. A malformed prologue ends where it stops making sense; pyoxigraph has refused such a text already."""
    base, prefixes, i = QUERY_BASE, {}, 0
    while i < len(tokens):
        word = tokens[i].keyword()
        if word == "BASE" and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            base = resolve(unescape_iri(tokens[i + 1].text), base)
            i += 2
        elif (word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 1].kind == "pname"
              and tokens[i + 2].kind == "iri"):
            prefixes[tokens[i + 1].text[:-1]] = resolve(unescape_iri(tokens[i + 2].text), base)
            i += 3
        else:
            break
    return base, prefixes, tokens[i:]


def _iri(token: Token, base: str, prefixes: dict[str, str]) -> str:
    """An IRI or prefixed name token as the full IRI the parser makes of it."""
    if token.kind == "iri":
        return resolve(unescape_iri(token.text), base)
    prefix, _, local = token.text.partition(":")
    return prefixes[prefix] + unescape_local(local)  # an undeclared prefix was a syntax error for pyoxigraph


def _dataset(body: list[Token], base: str, prefixes: dict[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The graphs of the query's FROM and FROM NAMED clauses. In a text pyoxigraph parsed as a query, the bare
    word FROM occurs only in the dataset clause; every one is read, wherever it stands."""
    defaults: list[str] = []
    named: list[str] = []
    for i, token in enumerate(body):
        if token.keyword() != "FROM":
            continue
        is_named = i + 1 < len(body) and body[i + 1].keyword() == "NAMED"
        target = body[i + 2] if is_named else body[i + 1]
        (named if is_named else defaults).append(_iri(target, base, prefixes))
    return tuple(defaults), tuple(named)


def _projection(body: list[Token]) -> tuple[str, ...] | None:
    """A SELECT's variables in order (``?v`` and ``(expr AS ?v)``), or None for ``SELECT *``."""
    variables: list[str] = []
    depth = body[0].depth
    tokens = iter(body[1:])
    for token in tokens:
        word = token.keyword()
        if word in ("DISTINCT", "REDUCED"):
            continue
        if token.depth == depth and (word in ("FROM", "WHERE") or token.text == "{"):
            break
        if token.text == "*" and token.depth == depth:
            return None
        if token.kind == "var" and token.depth == depth:
            variables.append(token.text[1:])
        elif word == "AS" and token.depth == depth + 1:
            variables.append(next(tokens).text[1:])
    return tuple(variables)
