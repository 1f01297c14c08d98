"""The one error class every refusal of qhfin's derives from: an HTTP status, a code, the message in Chinese and
English, and a detail. The web layer has one handler for it (``api.errors``); the CLI prints the same words.

A domain error says *what* is wrong in both languages and which status it deserves; where it is raised decides
nothing about how it is shown. A bug is never one of these: it is a 500 (or a traceback), not the user's fault.
"""

from __future__ import annotations


class QhfinError(Exception):
    """A refusal: ``status`` (an HTTP status), ``code`` (a stable machine name), ``zh`` and ``en``, ``detail``."""

    status = 400
    code = "error"

    def __init__(self, zh: str, en: str | None = None, detail: str | None = None) -> None:
        if en is None:  # one message already written in both languages: "中文 / English"
            zh, _, en = zh.partition(" / ") if " / " in zh else (zh, "", zh)
        super().__init__(f"{zh} / {en}" if zh != en else en)
        self.zh, self.en, self.detail = zh, en, detail
        self.extra: dict = {}

    def __reduce__(self):  # crosses the pipe from a worker process intact
        return (type(self), (self.zh, self.en, self.detail))
