"""Chinese first, English on request: ``?lang=en`` switches and is remembered in a cookie; ``?lang=zh`` switches back."""

from __future__ import annotations

from flask import Response, request

LANGS = ("zh", "en")
COOKIE = "lang"


def current_lang() -> str:
    """The language of this request: the query string wins over the cookie, which wins over Chinese."""
    for value in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if value in LANGS:
            return value
    return "zh"


def t(zh: str, en: str) -> str:
    """The text in the page's language."""
    return en if current_lang() == "en" else zh


def pick(item: dict, key: str = "label") -> str:
    """``item[key]`` in the page's language, falling back to Chinese when there is no English."""
    if current_lang() == "en" and item.get(f"{key}_en"):
        return str(item[f"{key}_en"])
    return str(item.get(key) or "")


def remember_lang(response: Response) -> Response:
    """Keep an explicit choice for the next pages (a year; the cookie carries nothing else)."""
    chosen = request.args.get("lang")
    if chosen in LANGS and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
