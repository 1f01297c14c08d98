"""A query's shape: its text with what does not change its cost taken out, so that heavy work is recognised by
what it does, not by its exact text.

The pool remembers which queries were quick and which were heavy, so that a heavy one goes straight to the heavy
lane (refused at once when the lane is full) instead of taking a fast worker for ``heavy_after`` seconds. Keyed on
the exact text, that memory was defeated by a unique comment per request (issue 16: 16 such queries made
``ASK {}`` and cached answers take 2–4 s). The shape drops comments and layout and replaces every constant —
IRI, prefixed name, string, number — by a placeholder and every variable by its order of first use, so the same
query with another comment, another literal or renamed variables has the same shape. It is a lexical pass only
(no parse): cheap, and used for nothing but this estimate, never to decide what a query may do.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\s]*>)
      | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
      | (?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
      | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
      | (?P<name>[A-Za-z_\u00C0-\uFFFF][\w\u00B7\u00C0-\uFFFF.-]*:[\w\u00B7\u00C0-\uFFFF.%-]*|:[\w\u00B7\u00C0-\uFFFF.%-]*)
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<space>\s+)
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


def shape(text: str) -> str:
    """The query's shape (see the module's docstring); two texts with one shape cost about the same."""
    variables: dict[str, str] = {}
    out = []
    for match in _TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        if kind in ("comment", "space"):
            continue
        if kind == "string":
            out.append('"s"')
        elif kind in ("iri", "name"):
            out.append("<i>")
        elif kind == "number":
            out.append("0")
        elif kind == "lang":
            continue
        elif kind == "var":
            out.append(variables.setdefault(token[1:], f"?v{len(variables)}"))
        elif kind == "word":
            out.append(token.upper())
        else:
            out.append(token)
    return " ".join(out)
