"""SPARQL's lexical layer: the text cut into tokens, and IRIs resolved as a SPARQL parser resolves them.

The guard (``qhfin.guard``) decides on these tokens, not on the raw text: a keyword is a keyword only where the
lexer finds a bare word, so ``SERVICE`` inside a string, an IRI, a comment, a prefixed name (``ex:SERVICE``), a
language tag (``"x"@service``) or a variable (``?service``) is not one. The lexer never fails: what it cannot read
becomes a one-character ``other`` token, and an unterminated string or IRI runs as far as it can — such a text is a
syntax error for pyoxigraph, which judges every text before it runs. ``docs/guard.md`` argues why that is sound.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

_HEX4, _HEX8 = r"[0-9A-Fa-f]{4}", r"[0-9A-Fa-f]{8}"
_UCHAR = rf"\\u{_HEX4}|\\U{_HEX8}"
_LOCAL_CHAR = r"[\w\-:\u00B7\u0300-\u036F\u203F\u2040]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
# Whitespace and comments are skipped inside the match, possessively (``*+``: never given back, so a long run of them
# is read once), before the token it precedes: half as many matches to walk in Python as when each was a match of its
# own. ``\Z`` ends a text that closes with whitespace or a comment. Order matters: a prefixed name before a bare word
# (``ex:SERVICE`` is one token), long strings before short ones.
_TOKEN = re.compile(r"(?:\s+|#[^\n\r]*)*+(?:" + "|".join((
    rf"(?P<iri><(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)",
    r'(?P<string>"""(?:[^"\\]|\\.|"(?!""))*(?:"""|$)|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*(?:\'\'\'|$)'
    r'|"(?:[^"\\\n\r]|\\.)*"?|\'(?:[^\'\\\n\r]|\\.)*\'?)',
    r"(?P<var>[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+)",
    r"(?P<blank>_:[\w\-.\u00B7]*)",
    rf"(?P<pname>(?:[^\W\d_](?:[\w\-.\u00B7]*[\w\-\u00B7])?)?:(?:(?:{_LOCAL_CHAR})(?:(?:{_LOCAL_CHAR}|\.)*(?:{_LOCAL_CHAR}))?)?)",
    r"(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)",
    r"(?P<word>[^\W\d_][\w]*)",
    r"(?P<number>\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)",
    r"(?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;*^|/!=<>+\-?$])",
    r"(?P<other>.)",
    r"\Z",
)) + ")", re.DOTALL)
OPEN, CLOSE = "{([", "})]"


class Token(NamedTuple):
    """One token: its kind (a group name of ``_TOKEN``), its text, where it starts in the text and how deeply it
    is nested in braces (``level``) and in any bracket at all (``depth``), both counted outside the token. A named
    tuple, made at C speed: a frozen dataclass set each field through ``object.__setattr__``, a third of the
    lexer's time (the guard lexes every new query text)."""

    kind: str
    text: str
    start: int
    level: int
    depth: int

    def keyword(self) -> str:
        """The upper-cased word if this is a bare word (SPARQL keywords are case-insensitive), else ''."""
        return self.text.upper() if self.kind == "word" else ""


def tokenize(text: str) -> Iterator[Token]:
    """The tokens of ``text``, whitespace and comments left out; never raises."""
    level = depth = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind is None:  # the end of the text, after whitespace or a comment
            return
        value = m.group(kind)
        if kind == "punct":
            if value in CLOSE:
                depth = max(0, depth - 1)
                level = max(0, level - 1) if value == "}" else level
            elif value in OPEN:
                yield Token(kind, value, m.start(kind), level, depth)
                depth += 1
                level += 1 if value == "{" else 0
                continue
        yield Token(kind, value, m.start(kind), level, depth)


def unescape_iri(token: str) -> str:
    """The IRI inside ``<…>``, its ``\\u`` / ``\\U`` escapes decoded."""
    return re.sub(rf"{_UCHAR}", lambda m: chr(int(m.group()[2:], 16)), token[1:-1])


def unescape_local(local: str) -> str:
    """A prefixed name's local part as the IRI takes it: ``\\.`` is ``.``; ``%2F`` stays as written."""
    return re.sub(r"\\(.)", r"\1", local)


# ---------------------------------------------------------------- RFC 3986 §5.2: relative IRIs against a base

_PARTS = re.compile(r"^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$", re.DOTALL)


def resolve(reference: str, base: str) -> str:
    """``reference`` resolved against ``base`` (RFC 3986 §5.2.2, strict), as pyoxigraph and the SPARQL
    specification resolve the IRIs of a query; an absolute IRI comes back with its dot segments removed."""
    scheme, authority, path, query, fragment = _split(reference)
    if scheme is None:
        b_scheme, b_authority, b_path, b_query, _ = _split(base)
        scheme = b_scheme
        if authority is None:
            authority = b_authority
            if not path:
                path, query = b_path, query if query is not None else b_query
            elif path.startswith("/"):
                path = _remove_dots(path)
            else:
                path = _remove_dots(_merge(b_authority, b_path, path))
        else:
            path = _remove_dots(path)
    else:
        path = _remove_dots(path)
    out = f"{scheme}:" if scheme is not None else ""
    out += f"//{authority}" if authority is not None else ""
    out += path
    out += f"?{query}" if query is not None else ""
    return out + (f"#{fragment}" if fragment is not None else "")


def _split(iri: str) -> tuple[str | None, str | None, str, str | None, str | None]:
    m = _PARTS.match(iri)
    assert m is not None  # every group is optional: it always matches
    return m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)


def _merge(base_authority: str | None, base_path: str, path: str) -> str:
    if base_authority is not None and not base_path:
        return "/" + path
    return base_path[: base_path.rfind("/") + 1] + path


def _remove_dots(path: str) -> str:
    out: list[str] = []
    while path:
        if path.startswith(("../", "./")):
            path = path[path.index("/") + 1:]
        elif path.startswith("/./") or path == "/.":
            path = "/" + path[3:]
        elif path.startswith("/../") or path == "/..":
            path = "/" + path[4:]
            if out:
                out.pop()
        elif path in (".", ".."):
            path = ""
        else:
            cut = path.find("/", 1)
            cut = len(path) if cut < 0 else cut
            out.append(path[:cut])
            path = path[cut:]
    return "".join(out)
