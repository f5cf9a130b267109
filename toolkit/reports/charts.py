"""The report's charts as PNG: a partners × worksheets completion heatmap and a completion trend.

Up to SMALL_PARTNERS partners the heatmap shows every one of them. Beyond, a chart of every partner is no
longer a chart (and a 5,000-row image weighs tens of megabytes): the heatmap shows the WORST least complete
copies received, next to the distribution of completion and the average completion of each worksheet.
Every image then has a size bounded whatever the number of partners; the report's table lists them all.

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

from ..render import percent, printable
from ..text import Language
from .model import InlineImage, PartnerRow, Report
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
SMALL_PARTNERS = 30  # up to this many, the heatmap shows every partner
WORST = 30  # beyond, it shows this many least complete copies received
SUMMARY_CHARTS = ("distribution", "worksheets", "heatmap")  # shown above the partner table, in this order


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
    *,
    title: str | None = None,
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
    title = title or rw("heatmap_title", language)
    figure.suptitle(title, fontsize=FONT_SIZE + 2, y=1 - 0.12 / height)
    return _png(figure)


def distribution_png(shares: Sequence[float | None], language: Language) -> bytes:
    """How many partners fall in each tenth of completion (0..1); None counts as "not received"."""
    counts = [0] * 11  # 0–9 %, …, 90–99 %, 100 %
    for share in shares:
        if share is not None:
            counts[min(10, int(share * 10 + 1e-9))] += 1
    labels = [f"{10 * i}–{10 * i + 9}" for i in range(10)] + ["100"]
    missing = sum(1 for share in shares if share is None)
    if missing:
        counts.insert(0, missing)
        labels.insert(0, rw("not_received_short", language))
    figure = Figure(figsize=(WIDTH_IN, TREND_HEIGHT_IN), dpi=DPI)
    axes = figure.add_axes((0.08, 0.2, 0.88, 0.66))
    positions = list(range(len(counts)))
    colors = [MISSING_COLOR] * bool(missing) + [COMPLETION_COLORS(i / 10) for i in range(11)]
    axes.bar(positions, counts, color=colors, edgecolor="#808080", linewidth=0.5)
    for x, count in zip(positions, counts, strict=True):
        axes.annotate(str(count), (x, count), textcoords="offset points", xytext=(0, 3), ha="center",
                      fontsize=9)  # fmt: skip
    axes.set_xticks(positions, [_short(label, 12) for label in labels], fontsize=8)
    axes.set_xlabel("%", fontsize=9)
    axes.set_ylabel(rw("partners_axis", language), fontsize=9)
    axes.set_ylim(0, max(counts) * 1.15 + 1)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    title = rw("distribution_title", language, total=len(shares))
    figure.suptitle(title, fontsize=FONT_SIZE + 2, y=0.97)
    return _png(figure)


def worksheets_png(worksheets: Sequence[str], shares: Sequence[float | None], language: Language) -> bytes:
    """Average completion (0..1) of each worksheet; None (nothing required, no copy) is left out."""
    shown = [(w, s) for w, s in zip(worksheets, shares, strict=True) if s is not None]
    height = _heatmap_height(len(shown))
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    axes = figure.add_axes((0.38, 0.3 / height, 0.54, 1 - 0.95 / height))
    positions = list(range(len(shown)))
    values = [s * 100 for _, s in shown]
    axes.barh(positions, values, color=[COMPLETION_COLORS(s) for _, s in shown], height=0.6)
    for y, value in zip(positions, values, strict=True):
        axes.text(value + 1, y, percent(value / 100, language), va="center", fontsize=FONT_SIZE)
    axes.set_yticks(positions, [_short(w, NAME_CHARS) for w, _ in shown], fontsize=FONT_SIZE)
    axes.invert_yaxis()
    axes.set_xlim(0, 115)
    axes.set_xticks([0, 25, 50, 75, 100])
    axes.set_xlabel("%", fontsize=9)
    axes.tick_params(length=0)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.suptitle(rw("by_worksheet_title", language), fontsize=FONT_SIZE + 2, y=1 - 0.12 / height)
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


def summarised(report: Report) -> bool:
    """True when the report has too many partners for a chart of each: the charts summarise."""
    return len(report.partners) > SMALL_PARTNERS


def worst_rows(rows: Sequence[PartnerRow], count: int = WORST) -> list[PartnerRow]:
    """The `count` least complete copies received, least complete first (ties in the report's order)."""
    received = [(p.completion or 0.0, i) for i, p in enumerate(rows) if p.received]
    return [rows[i] for _, i in sorted(received)[:count]]


def report_images(report: Report) -> tuple[InlineImage, ...]:
    """The report's charts (completion heatmap, trend; distribution and worksheets when summarised)."""
    lang = report.language
    worksheets = report.initiative.kit.worksheets
    tabs = [w.tab(lang) for w in worksheets]
    trend = trend_png([t.generated_at for t in report.trend], [t.completion for t in report.trend], lang)
    trend_image = InlineImage("trend", "report-trend", "trend.png", trend, rw("trend_alt", lang))
    if not summarised(report):
        rows = report.partners
        shares = [[p.worksheets.get(w.id) if p.received else None for w in worksheets] for p in rows]
        names = [p.name or rw("unidentified", lang) for p in rows]
        heatmap = heatmap_png(names, tabs, shares, lang, [p.received for p in rows])
        return (
            InlineImage("heatmap", "report-heatmap", "heatmap.png", heatmap, rw("heatmap_alt", lang)),
            trend_image,
        )
    worst = worst_rows(report.partners)
    title = rw("worst_title", lang, n=len(worst), total=sum(1 for p in report.partners if p.received))
    heatmap = heatmap_png(
        [p.name or rw("unidentified", lang) for p in worst],
        tabs,
        [[p.worksheets.get(w.id) for w in worksheets] for p in worst],
        lang,
        [True] * len(worst),
        title=title,
    )
    received = [p for p in report.partners if p.received]
    averages: list[float | None] = []
    for w in worksheets:
        values = [v for p in received if (v := p.worksheets.get(w.id)) is not None]
        averages.append(sum(values) / len(values) if values else None)
    distribution = distribution_png([p.completion if p.received else None for p in report.partners], lang)
    return (
        InlineImage("heatmap", "report-heatmap", "heatmap.png", heatmap, rw("worst_alt", lang, n=len(worst))),
        trend_image,
        InlineImage(
            "distribution",
            "report-distribution",
            "distribution.png",
            distribution,
            rw("distribution_alt", lang),
        ),
        InlineImage(
            "worksheets",
            "report-worksheets",
            "worksheets.png",
            worksheets_png(tabs, averages, lang),
            rw("by_worksheet_alt", lang),
        ),
    )


def _heatmap_height(partners: int) -> float:
    return HEATMAP_BASE_IN + ROW_IN * max(partners, 1)


def _short(text: str, limit: int) -> str:
    """A label as shown: cut to `limit`, and literal (a partner id like '$x$' is not TeX to matplotlib)."""
    text = printable(text) if len(text) <= limit else printable(text[: limit - 1]).rstrip() + "…"
    return text.replace("$", r"\$")


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
