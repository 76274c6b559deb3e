"""Keep Python 3.11 alive under PySide6 6.12, whose void methods drop a reference to None.

PySide6 6.12's bindings return None from void calls (QPainter.setPen, save,
drawText ...) without taking a reference, as is right only where None is
immortal (CPython 3.12+, PEP 683). On 3.11 each call lowers None's count by
one, and after some thousands of calls (a page of a printed atlas makes a few
hundred) the interpreter aborts with "Fatal Python error: none_dealloc". Measured
here: 1,000 `QPainter.setPen` calls take 911-1,000 off `sys.getrefcount(None)`.

The guard gives None a reserve of references once, so the count can never reach
zero in a process's life (2**40 calls). None is never freed anyway; on 3.12+ it
is immortal and nothing is done. Remove this module when 3.11 support ends or
PySide6 fixes its returns.
"""

from __future__ import annotations

import ctypes
import sys

RESERVE = 1 << 40
_done: list[bool] = []


def reserve_none_references() -> None:
    """Add `RESERVE` to None's reference count on CPython < 3.12 (once per process)."""
    if _done or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    ctypes.c_ssize_t.from_address(id(None)).value += RESERVE
    _done.append(True)


reserve_none_references()
