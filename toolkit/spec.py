"""What a workbook contains, for any writer: the layout, the copy's identity, cover, values, extra tabs.

Built by the core (a partner's copy in `generate.py`, the master in `master.py`); written by a
backend (`backends/xlsx.py`, `backends/gsheets/build.py`), which makes no content decisions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .cover import Line
from .layout import WorkbookLayout
from .metadata import CopyInfo


class Rows(Protocol):
    """A table's rows, as a writer takes them: counted, then walked once (a tuple, or LazyRows)."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Sequence[object]]: ...


@dataclass(frozen=True)
class LazyRows:
    """Rows made only when walked, each time anew: the master's tens of thousands of Contributions
    rows are never all in memory, nor made twice (spec, then writer). `count` rows, each at most
    `width` values."""

    count: int
    width: int
    make: Callable[[], Iterator[Sequence[object]]]

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Sequence[object]]:
        return self.make()


@dataclass(frozen=True)
class ExtraTab:
    """A plain table tab appended after the worksheets (the master's Contributions tab)."""

    title: str
    header: tuple[str, ...]
    rows: Rows
    widths: tuple[float, ...] = ()
    read_only: bool = False  # protected (e.g. the other partners' answers on a partner's copy)


@dataclass(frozen=True)
class WorkbookSpec:
    """Everything one copy (or the master) needs."""

    layout: WorkbookLayout
    info: CopyInfo
    cover: Sequence[Line]
    people: Sequence[str] = ()
    password: str | None = None
    values: Mapping[tuple[str, str, str], object] = field(default_factory=dict)
    extra_tabs: Sequence[ExtraTab] = ()
    # A workbook to read, not to fill (the master): no fill-in hints or input prompts, and every row as
    # tall as its text. A copy's rows keep their fixed heights (partners type into them).
    reading: bool = False
