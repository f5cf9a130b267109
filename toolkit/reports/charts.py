"""The report's charts as PNG: a partners × worksheets completion heatmap and a completion trend.

Drawn on matplotlib's Agg canvas without pyplot (no global state, no display needed). Deterministic:
fixed size and resolution, the default bundled font, and no software or time stamp in the PNG.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

from ..render import percent
from ..text import Language
from .model import InlineImage, Report
from .words import rw

DPI = 100
WIDTH_IN = 9.0
TREND_HEIGHT_IN = 3.6
ROW_IN = 0.42  # heatmap height per partner
HEATMAP_BASE_IN = 1.2  # title and axis labels
NAME_CHARS = 34
MISSING_COLOR = "#d9d9d9"
COMPLETION_COLORS = LinearSegmentedColormap.from_list("completion", ["#c0392b", "#f4d03f", "#27ae60"])
FONT_SIZE = 10


def heatmap_size(partners: int) -> tuple[int, int]:
    """Pixel size of the heatmap for `partners` rows."""
    return round(WIDTH_IN * DPI), round(_heatmap_height(partners) * DPI)


TREND_SIZE = (round(WIDTH_IN * DPI), round(TREND_HEIGHT_IN * DPI))


def heatmap_png(
    partners: Sequence[str],
    worksheets: Sequence[str],
    shares: Sequence[Sequence[float | None]],
    language: Language,
    received: Sequence[bool] = (),
) -> bytes:
    """Completion (0..1) of each partner (rows) in each worksheet (columns); None is shown grey,
    marked "not received" when `received` says the partner sent no copy, else "—" (nothing required)."""
    height = _heatmap_height(len(partners))
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    axes = figure.add_axes((0.38, 0.15 / height, 0.58, 1 - 0.95 / height))
    grid = [[float("nan") if v is None else v for v in row] for row in shares] or [[float("nan")]]
    colormap = COMPLETION_COLORS.with_extremes(bad=MISSING_COLOR)
    axes.imshow(grid, cmap=colormap, vmin=0.0, vmax=1.0, aspect="auto", interpolation="nearest")
    axes.set_xticks(range(len(worksheets)), [_short(w, 30) for w in worksheets], fontsize=FONT_SIZE)
    axes.xaxis.tick_top()
    axes.set_yticks(range(len(partners)), [_short(p, NAME_CHARS) for p in partners], fontsize=FONT_SIZE)
    axes.tick_params(length=0)
    for y, row in enumerate(shares):
        for x, value in enumerate(row):
            absent = y < len(received) and not received[y]
            text = percent(value, language) if value is not None else "—"
            text = rw("not_received_short", language) if absent else text
            dark = value is not None and (value < 0.25 or value > 0.8)
            axes.text(
                x, y, text, ha="center", va="center", fontsize=FONT_SIZE, color="white" if dark else "black"
            )
    for spine in axes.spines.values():
        spine.set_visible(False)
    figure.suptitle(rw("heatmap_title", language), fontsize=FONT_SIZE + 2, y=1 - 0.12 / height)
    return _png(figure)


def trend_png(moments: Sequence[str], shares: Sequence[float], language: Language) -> bytes:
    """Overall completion (0..1) at each past report (ISO times, oldest first)."""
    figure = Figure(figsize=(WIDTH_IN, TREND_HEIGHT_IN), dpi=DPI)
    axes = figure.add_axes((0.08, 0.18, 0.88, 0.68))
    labels = [dt.datetime.fromisoformat(m).date().isoformat() for m in moments]
    values = [s * 100 for s in shares]
    positions = list(range(len(values)))
    axes.plot(positions, values, marker="o", color="#1f4e78", linewidth=2)
    axes.fill_between(positions, values, color="#1f4e78", alpha=0.08)
    for x, value in zip(positions, values, strict=True):
        axes.annotate(
            f"{value:.0f}", (x, value), textcoords="offset points", xytext=(0, 7), ha="center", fontsize=9
        )
    step = max(1, len(labels) // 8)
    axes.set_xticks(positions[::step], labels[::step], fontsize=9)
    axes.set_xlim(-0.5, max(len(values) - 0.5, 0.5))
    axes.set_ylim(0, 105)
    axes.set_ylabel("%", fontsize=FONT_SIZE)
    axes.grid(axis="y", color="#e0e0e0")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.suptitle(rw("trend_title", language), fontsize=FONT_SIZE + 2, y=0.97)
    return _png(figure)


def report_images(report: Report) -> tuple[InlineImage, ...]:
    """The report's charts (completion heatmap, trend) as PNG images."""
    lang = report.language
    worksheets = report.initiative.kit.worksheets
    rows = report.partners
    shares = [[p.worksheets.get(w.id) if p.received else None for w in worksheets] for p in rows]
    names = [p.name or rw("unidentified", lang) for p in rows]
    tabs = [w.tab(lang) for w in worksheets]
    heatmap = heatmap_png(names, tabs, shares, lang, [p.received for p in rows])
    trend = trend_png([t.generated_at for t in report.trend], [t.completion for t in report.trend], lang)
    return (
        InlineImage("heatmap", "report-heatmap", "heatmap.png", heatmap, rw("heatmap_alt", lang)),
        InlineImage("trend", "report-trend", "trend.png", trend, rw("trend_alt", lang)),
    )


def _heatmap_height(partners: int) -> float:
    return HEATMAP_BASE_IN + ROW_IN * max(partners, 1)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
