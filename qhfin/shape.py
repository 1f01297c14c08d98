"""A query's shape: its text with what does not change its cost taken out, so that heavy work is recognised by
what it does, not by its exact text.

The pool remembers which queries were quick and which were heavy, so that a heavy one goes straight to the heavy
lane (refused at once when the lane is full) instead of taking a fast worker for ``heavy_after`` seconds. Keyed on
the exact text, that memory was defeated by a unique comment per request (issue 16: 16 such queries made
``ASK {}`` and cached answers take 2–4 s). The shape drops comments and layout and replaces every constant —
IRI, prefixed name, string, number — by a placeholder and every variable by its order of first use, so the same
query with another comment, another literal or renamed variables has the same shape. It is read from the guard's
own tokens (``qhfin.tokens``), in the guard's one pass over a new text (``Decision.shape``): a query is lexed
once. It is used for nothing but this estimate, never to decide what a query may do.
"""

from __future__ import annotations

from .tokens import Token, tokenize

_PLACEHOLDERS = {"string": '"s"', "iri": "<i>", "pname": "<i>", "number": "0"}


class Shaped:
    """A shape built token by token, as a lexer's pass goes (the guard's: ``qhfin.guard``)."""

    __slots__ = ("_pieces", "_variables")

    def __init__(self) -> None:
        self._pieces: list[str] = []
        self._variables: dict[str, str] = {}

    def add(self, token: Token) -> None:
        kind = token.kind
        if kind == "word":
            self._pieces.append(token.text.upper())
        elif kind == "var":
            self._pieces.append(self._variables.setdefault(token.text[1:], f"?v{len(self._variables)}"))
        elif kind != "lang":
            self._pieces.append(_PLACEHOLDERS.get(kind, token.text))

    def __str__(self) -> str:
        return " ".join(self._pieces)

    def digest(self) -> bytes:
        """The shape as the pool remembers it: 16 bytes whatever the text's length. The shape itself, kept for up
        to 50,000 texts (``Pool.KNOWN_LIMIT``), held up to twice each text; a collision costs an estimate, never
        a refusal the text did not deserve, since the guard decides on the text itself. hashlib is imported here:
        the service has it already, and the forkserver, which imports this module while the graph loads, does not
        need OpenSSL's 10 ms of start."""
        import hashlib

        return hashlib.blake2b(str(self).encode("utf-8"), digest_size=16).digest()


def shaped(text: str) -> Shaped:
    """The query's shape (see the module's docstring); two texts with one shape cost about the same."""
    built = Shaped()
    for token in tokenize(text):
        built.add(token)
    return built
