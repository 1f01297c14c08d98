"""How every import command ends: applied and said so, refused with every bad cell named, or interrupted — and in
the last two cases nothing changed. Shared by ``qhfin matrix import``, ``qhfin actuals import`` and
``qhfin progress import``, so that a curator reads the same words whatever the file."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

from .atomic import guarded
from .sheets import ImportRefused

T = TypeVar("T")


def run_import(call: Callable[[], T], success: Callable[[T], str]) -> int:
    """Exit status of an import: 0 applied, 1 refused or unwritable (nothing changed); a signal ends it cleanly."""
    try:
        result = guarded(call)
    except ImportRefused as exc:
        print("导入被拒绝，未作任何修改 / import refused, nothing changed:", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"无法写入，未作任何修改 / cannot write, nothing changed: {exc}", file=sys.stderr)
        return 1
    print(success(result))
    return 0
