"""The Qt binding the program runs on: a signal emitted many times (a worker's progress, say) must not eat
Python's own objects. PySide6 6.12.0 drops a reference to ``True`` on every ``emit()``, and the program dies
with ``Fatal Python error: bool_dealloc`` after a few hundred progress steps; pyproject.toml excludes it."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    progress = Signal(int, int)
    done = Signal(object)


def test_emitting_signals_keeps_python_intact(qtbot):
    emitter = _Emitter()
    seen: list[int] = []
    emitter.progress.connect(lambda i, _n: seen.append(i))
    before = sys.getrefcount(True)
    for i in range(2_000):
        emitter.progress.emit(i, 2_000)
        emitter.done.emit(None)
    assert len(seen) == 2_000
    assert abs(sys.getrefcount(True) - before) < 50
