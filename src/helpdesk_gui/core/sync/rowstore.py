"""The checked rows of a data sheet, kept in bounded memory whatever the size of the file.

A batch is written in one transaction only after every row of it has been read and checked, so
its rows must be kept somewhere between the reading and the writing. ``RowStore`` is an
append-only sequence of row tuples: the first ``SPILL_AT`` rows stay in memory (every real county
batch); past that, rows are kept in blocks of ``BLOCK`` rows, pickled into an anonymous temporary
file that the operating system removes when it is closed (or when the program dies), with the last
few blocks read kept in memory. Reading in order (every check, the plan and the write do) reads
each block once. ``Picked`` is a view of some of a store's rows, in order, read on demand, and
``Grouped`` the rows of a store grouped by their first value (a household's members), so that the
rows handed to ``core.sync.apply`` are never all in memory at once either.
"""

from __future__ import annotations

import pickle
import tempfile
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import IO, Any, overload

#: Rows a store keeps in memory before it starts keeping blocks on disk.
SPILL_AT = 40_000
#: Rows per block on disk, and blocks read kept in memory.
BLOCK = 1_024
CACHED = 4

Row = tuple[Any, ...]


class RowStore(Sequence[Row]):
    """An append-only sequence of rows that moves full blocks to a temporary file past ``SPILL_AT``."""

    def __init__(self, rows: Iterable[Row] = ()) -> None:
        self._tail: list[Row] = []        # the rows not (yet) on disk
        self._offsets = array("q")        # where each block on disk starts
        self._sizes = array("q")
        self._file: IO[bytes] | None = None
        self._cache: OrderedDict[int, list[Row]] = OrderedDict()
        self.extend(rows)

    # ---------------------------------------------------------------- writing
    def append(self, row: Row) -> None:
        self._tail.append(row)
        self._spill()

    def extend(self, rows: Iterable[Row]) -> None:
        self._tail.extend(rows)
        self._spill()

    def _spill(self) -> None:
        if self._file is None and len(self._tail) <= SPILL_AT:
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="helpdesk-rows-")  # noqa: SIM115 (closed by close()/__del__)
        while len(self._tail) >= BLOCK:
            data = pickle.dumps(self._tail[:BLOCK], protocol=pickle.HIGHEST_PROTOCOL)
            self._file.seek(0, 2)
            self._offsets.append(self._file.tell())
            self._sizes.append(len(data))
            self._file.write(data)
            del self._tail[:BLOCK]

    @property
    def spilled(self) -> bool:
        return self._file is not None

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._offsets = array("q")
        self._sizes = array("q")
        self._tail = []
        self._cache.clear()

    # ---------------------------------------------------------------- reading
    def __len__(self) -> int:
        return len(self._offsets) * BLOCK + len(self._tail)

    def _block(self, b: int) -> list[Row]:
        rows = self._cache.get(b)
        if rows is not None:
            self._cache.move_to_end(b)
            return rows
        rows = self._read(b)
        self._cache[b] = rows
        if len(self._cache) > CACHED:
            self._cache.popitem(last=False)
        return rows

    def _read(self, b: int) -> list[Row]:
        assert self._file is not None
        self._file.seek(self._offsets[b])
        rows: list[Row] = pickle.loads(self._file.read(self._sizes[b]))
        return rows

    @overload
    def __getitem__(self, n: int) -> Row: ...

    @overload
    def __getitem__(self, n: slice) -> list[Row]: ...

    def __getitem__(self, n: int | slice) -> Row | list[Row]:
        if isinstance(n, slice):
            return [self[k] for k in range(*n.indices(len(self)))]
        size = len(self)
        if n < 0:
            n += size
        if not 0 <= n < size:
            raise IndexError(n)
        on_disk = len(self._offsets) * BLOCK
        if n >= on_disk:
            return self._tail[n - on_disk]
        return self._block(n // BLOCK)[n % BLOCK]

    def __iter__(self) -> Iterator[Row]:
        for b in range(len(self._offsets)):
            if b in self._cache:
                yield from self._cache[b]
            else:   # read in order once, without pushing the blocks being looked up out of the cache
                yield from self._read(b)
        yield from self._tail

    def __bool__(self) -> bool:
        return len(self) > 0

    def __del__(self) -> None:
        file = getattr(self, "_file", None)
        if file is not None:
            file.close()


class Picked(Sequence[Any]):
    """The rows ``rows[n]`` for n in ``indexes``, in that order, read when asked for; ``make(k, row)``
    turns the k-th into what the caller wants (an update's ``(household id, values)``)."""

    def __init__(self, rows: Sequence[Row], indexes: Iterable[int],
                 make: Callable[[int, Row], Any] | None = None) -> None:
        self.rows = rows
        self.indexes = indexes if isinstance(indexes, array) else array("q", indexes)
        self.make = make

    def __len__(self) -> int:
        return len(self.indexes)

    @overload
    def __getitem__(self, k: int) -> Any: ...

    @overload
    def __getitem__(self, k: slice) -> list[Any]: ...

    def __getitem__(self, k: int | slice) -> Any:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        row = self.rows[self.indexes[k]]
        return self.make(k % len(self), row) if self.make is not None else row

    def __iter__(self) -> Iterator[Any]:
        for k, n in enumerate(self.indexes):
            row = self.rows[n]
            yield self.make(k, row) if self.make is not None else row

    def only(self, keep: Sequence[bool]) -> Picked:
        """The view without the rows whose ``keep`` is false."""
        kept = array("q", (n for n, ok in zip(self.indexes, keep, strict=True) if ok))
        if self.make is None:
            return Picked(self.rows, kept)
        make, old = self.make, [k for k, ok in enumerate(keep) if ok]
        return Picked(self.rows, kept, lambda k, row: make(old[k], row))


class Lazy(Mapping[str, Sequence[Any]]):
    """A mapping whose values are made when asked for: ``make(key, found[key])``."""

    def __init__(self, found: Mapping[str, Any], make: Callable[[str, Any], Sequence[Any]]) -> None:
        self._found = found
        self._make = make

    def __getitem__(self, key: str) -> Sequence[Any]:
        return self._make(key, self._found[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._found)

    def __len__(self) -> int:
        return len(self._found)


def grouped(rows: Sequence[Row], wanted: Iterable[Any]) -> Lazy:
    """The rows of ``rows`` whose first value is in ``wanted``, grouped by it (in order of appearance),
    each group read when asked for (a household's members)."""
    keep = set(wanted)
    groups: dict[Any, array[int]] = {}
    if keep:
        for n, values in enumerate(rows):
            if values[0] in keep:
                groups.setdefault(values[0], array("q")).append(n)
    return Lazy(groups, lambda _key, found: Picked(rows, found))


def renamed(mapping: Mapping[str, Any], names: Mapping[str, str]) -> Lazy:
    """``mapping`` with each key ``k`` found under ``names.get(k, k)`` instead (nothing is copied)."""
    back = {names.get(k, k): k for k in mapping}
    return Lazy(back, lambda _new, old: mapping[old])


def keep_only(rows: Sequence[Any], keep: Sequence[bool]) -> Sequence[Any]:
    """``rows`` without the ones whose ``keep`` is false (a view stays a view)."""
    if isinstance(rows, Picked):
        return rows.only(keep)
    return [r for r, ok in zip(rows, keep, strict=True) if ok]
