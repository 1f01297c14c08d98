"""A default run that stays under ten minutes, and every case in ``make test-slow``.

Tests that walk every theme, instrument, body and task (hundreds of cases, minutes each file) keep an evenly spread
sample in the default run; the rest carry the ``slow`` mark, so ``pytest -m slow`` (``make test-slow``) runs them.
The sample is fixed (every n-th case in IRI order), so a failure is reproducible.
"""

from __future__ import annotations

import pytest


def sampled(params: list, keep: int) -> list:
    """``params`` with all but ``keep`` evenly spread ones marked slow (the first and the last always kept)."""
    if len(params) <= keep:
        return params
    step = (len(params) - 1) / (keep - 1)
    chosen = {round(i * step) for i in range(keep)}
    return [p if i in chosen else pytest.param(*p.values, marks=(*p.marks, pytest.mark.slow), id=p.id)
            for i, p in enumerate(params)]
