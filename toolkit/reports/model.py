"""The weekly report as data (what build_report computes and every renderer reads)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from ..files import atomic_write
from ..gaps import GapReport
from ..guard import check_output
from ..initiative import Initiative
from ..text import Language, safe_text
from .changes import Changes, RoundChanges

ImageMode = Literal["data", "cid"]


@dataclass(frozen=True)
class Headline:
    """The figures at the top of the report."""

    expected: int  # partners in the initiative
    received: int  # of them, with a copy
    on_time: int | None  # copies received by the deadline; None without a deadline
    deadline: dt.date | None
    completion: float  # overall, 0..1
    ownerless_roles: int
    unreadable: int

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["deadline"] = self.deadline.isoformat() if self.deadline else None
        return data


@dataclass(frozen=True)
class PartnerRow:
    """One partner's line in the report: copy received, on time, completion, what is left."""

    partner: str | None  # None: a copy nobody could attribute
    name: str
    received: bool
    file: str | None
    modified: str | None
    on_time: bool | None
    completion: float | None
    worksheets: Mapping[str, float | None] = field(default_factory=dict)
    missing_cells: int = 0
    problems: int = 0  # invalid values, unknown people, structure changes


@dataclass(frozen=True)
class TrendPoint:
    """Overall completion at one past run, for the trend chart."""

    run_id: int | None
    generated_at: str
    completion: float


@dataclass(frozen=True)
class InlineImage:
    """A chart for HTML: `cid` names it in a multipart email (Content-ID: <cid>)."""

    name: str
    cid: str
    filename: str
    data: bytes
    alt: str
    mime: str = "image/png"


@dataclass(frozen=True)
class Report:
    """One run of the weekly report: gaps, headline figures, changes since last run, partners, trend."""

    initiative: Initiative
    gaps: GapReport
    headline: Headline
    changes: Changes
    partners: tuple[PartnerRow, ...]
    trend: tuple[TrendPoint, ...]
    generated: dt.datetime
    run_id: int | None = None  # the run recorded in the history
    rounds: RoundChanges | None = None  # since the previous round's master, when the history knows one
    history_failures: tuple[str, ...] = ()  # why the history could not be read or written (disk full…)
    rounds_problem: str | None = None  # why last round's master, which the history names, could not be read

    @property
    def language(self) -> Language:
        return self.initiative.language

    def to_dict(self) -> dict[str, Any]:
        """The gaps JSON contract plus `headline`, `changes`, `partners` and `trend`."""
        return {
            **self.gaps.to_dict(),
            "run_id": self.run_id,
            "headline": self.headline.to_dict(),
            "changes": self.changes.to_dict(),
            "partners": [{**asdict(p), "worksheets": dict(p.worksheets)} for p in self.partners],
            "trend": [asdict(t) for t in self.trend],
            "rounds": self.rounds.to_dict() if self.rounds else None,
            "rounds_problem": self.rounds_problem,
        }

    def json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @cached_property
    def _images(self) -> tuple[InlineImage, ...]:
        from .charts import report_images

        return report_images(self)

    def images(self) -> tuple[InlineImage, ...]:
        """The charts (heatmap, trend) as PNG, for inline display or email attachment by cid."""
        return self._images

    def cid_images(self) -> dict[str, bytes]:
        """Content-ID -> PNG, matching the `cid:` references of `html(images="cid")`."""
        return {image.cid: image.data for image in self._images}

    def html(self, *, images: ImageMode = "data") -> str:
        """Self-contained HTML; charts as data: URIs, or as cid: references to `images()`."""
        from .render_html import render_html

        return render_html(self, images=images)

    def text(self) -> str:
        from .render_text import render_text

        return render_text(self)

    def markdown(self) -> str:
        from .render_text import render_markdown

        return render_markdown(self)

    def xlsx(self) -> bytes:
        from .render_xlsx import render_xlsx

        return render_xlsx(self)

    def render(self, fmt: str, *, images: ImageMode = "data") -> bytes:
        """The report in a registered format (reports/formats.py); an unknown one is an error."""
        from .formats import report_format

        return report_format(fmt).render(self, images)

    def write(self, path: Path | str, fmt: str | None = None) -> Path:
        """Write atomically; the format follows the suffix when not given (.html, .txt, .md, .json, .xlsx)."""
        from .formats import format_for_path

        target = Path(path)
        sources = [s.source for s in self.gaps.submissions] + [e.source for e in self.gaps.errors]
        check_output(target, "report", sources=sources, initiative=self.initiative)  # never over a copy
        atomic_write(target, self.render(fmt or format_for_path(target, self.language).name), self.language)
        return target


def json_bytes(report: Report, images: ImageMode) -> bytes:
    """The report as the JSON contract (gaps plus headline, changes, partners, trend)."""
    return safe_text(report.json()).encode("utf-8")
