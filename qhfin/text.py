"""Words of a Chinese (or English) text, from jieba, the maintained segmenter on PyPI, rather than single characters.

Used where a name means nothing: the closest names share its words, and free text falls back to the sentences that
contain them. jieba loads its dictionary on first use (about half a second), so it is imported only then.
"""

from __future__ import annotations

import re
from functools import lru_cache

STOP = frozenset(["的", "和", "与", "及", "等", "在", "对", "为", "了", "是", "有", "并", "或", "将", "把", "被", "由", "从", "以", "其", "之", "中", "上", "下", "各", "个", "the", "of", "and", "for", "in", "on", "to", "a", "an"])


@lru_cache(maxsize=1)
def _tokenizer():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba.Tokenizer()


@lru_cache(maxsize=1024)
def words(text: str) -> tuple[str, ...]:
    """The words of ``text`` (search mode: long words and the shorter words inside them), lower-cased, without
    punctuation and the commonest function words."""
    text = text.strip().lower()
    if not text:
        return ()
    if not re.search(r"[\u4e00-\u9fff]", text):
        return tuple(w for w in re.findall(r"[a-z0-9]+", text) if w not in STOP)
    found = []
    for word in _tokenizer().cut_for_search(text):
        word = word.strip()
        if word and word not in STOP and re.search(r"[\w\u4e00-\u9fff]", word) and word not in found:
            found.append(word)
    return tuple(found)


def quoted(text: str) -> str:
    """“text”, quoted once: a label or an excerpt that already carries its own quotation marks keeps them alone
    (the plan writes “三农三牧” with its marks; wrapping it again gave ““三农三牧””), inner ones become ‘ ’."""
    text = text.strip()
    if text.startswith("“") and text.endswith("”") and text.count("“") == 1:
        return text
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"  # nested quotes, as Chinese prints them: “‘两权’抵押贷款”
