"""The report as a workbook: Summary (figures and native Excel charts), Partners, Gaps.

Every string goes through the backend's write_text: a value starting with '=' stays inert, characters
XML forbids are escaped, and text longer than a cell is cut with a visible mark (never silently).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet as Sheet

from .. import style
from ..backends.openpyxl_cells import HEADER_FILL, WRAP_TOP, font, write_text
from ..backends.xlsx import cell_text
from ..cells import column_letter
from ..merge import quiet_gc
from ..render import HEADINGS
from .charts import summarised, worst_rows
from .model import ImageMode, Report
from .view import Labels, build_view
from .words import rw

PERCENT = "0%"
TREND_ROW = 3  # where the trend table starts on the summary sheet, column E
WORST_COLUMN = 8  # many partners: the least complete copies, charted from a table in H:I


@quiet_gc()  # many partners: millions of cells and glyphs (see merge.quiet_gc)
def render_xlsx(report: Report) -> bytes:
    """The report as a workbook: summary, partners, gaps, and a native completion chart."""
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    lang = report.language
    summary.title = rw("summary_tab", lang)
    partners = wb.create_sheet(rw("partners_tab", lang))
    gaps = wb.create_sheet(rw("gaps_tab", lang))
    _partners(partners, report)
    _summary(summary, report, partners)
    _gaps(gaps, report)
    wb.properties.creator = "toolkit"
    wb.properties.title = cell_text(build_view(report).title)
    stamp = report.generated.replace(tzinfo=None)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _summary(ws: Sheet, report: Report, partners: Sheet) -> None:
    view = build_view(report)
    lang = report.language
    write_text(ws["A1"], view.title, lang)
    ws["A1"].font = font(style.SHEET_TITLE)
    write_text(ws["A2"], view.subtitle, lang)
    _header(ws, 3, [rw("figure", lang), rw("value", lang)])
    for i, figure in enumerate(view.figures, start=4):
        write_text(ws.cell(row=i, column=1), figure.label, lang)
        write_text(ws.cell(row=i, column=2), figure.value, lang)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 44
    # trend table (E:F), the line chart's data
    _header(ws, TREND_ROW, [rw("report_date", lang), rw("completion", lang)], first_column=5)
    for i, point in enumerate(report.trend, start=TREND_ROW + 1):
        write_text(ws.cell(row=i, column=5), point.generated_at[:10], lang)
        ws.cell(row=i, column=6, value=point.completion).number_format = PERCENT
    ws.column_dimensions["E"].width = 14
    ws.column_dimensions["F"].width = 14
    anchor_row = max(len(view.figures) + 6, TREND_ROW + len(report.trend) + 3)
    bar = BarChart()
    bar.type = "bar"
    bar.title = rw("completion", lang)
    bar.y_axis.scaling.min = 0
    bar.y_axis.scaling.max = 1
    bar.y_axis.number_format = PERCENT
    bar.legend = None
    count = len(report.partners)
    if summarised(report):  # one bar per partner is no chart: the least complete copies, from a table
        worst = worst_rows(report.partners)
        _header(
            ws, TREND_ROW, [rw("worst_tab_title", lang), rw("completion", lang)], first_column=WORST_COLUMN
        )
        for i, row in enumerate(worst, start=TREND_ROW + 1):
            write_text(ws.cell(row=i, column=WORST_COLUMN), row.name or rw("unidentified", lang), lang)
            ws.cell(row=i, column=WORST_COLUMN + 1, value=row.completion).number_format = PERCENT
        ws.column_dimensions[column_letter(WORST_COLUMN)].width = 40
        ws.column_dimensions[column_letter(WORST_COLUMN + 1)].width = 14
        data = Reference(ws, min_col=WORST_COLUMN + 1, min_row=TREND_ROW, max_row=TREND_ROW + len(worst))
        labels = Reference(ws, min_col=WORST_COLUMN, min_row=TREND_ROW + 1, max_row=TREND_ROW + len(worst))
        count = len(worst)
    else:
        data = Reference(partners, min_col=5, min_row=1, max_row=count + 1)
        labels = Reference(partners, min_col=1, min_row=2, max_row=count + 1)
    bar.add_data(data, titles_from_data=True)
    bar.set_categories(labels)
    bar.height, bar.width = max(7.5, 0.8 * count + 3), 18
    ws.add_chart(bar, f"A{anchor_row}")
    line = LineChart()
    line.title = rw("trend_title", lang)
    line.y_axis.scaling.min = 0
    line.y_axis.scaling.max = 1
    line.y_axis.number_format = PERCENT
    line.legend = None
    last = TREND_ROW + len(report.trend)
    line.add_data(Reference(ws, min_col=6, min_row=TREND_ROW, max_row=last), titles_from_data=True)
    line.set_categories(Reference(ws, min_col=5, min_row=TREND_ROW + 1, max_row=last))
    line.height, line.width = 7.5, 18
    ws.add_chart(line, f"A{anchor_row + int(bar.height * 2) + 2}")


def _partners(ws: Sheet, report: Report) -> None:
    lang = report.language
    worksheets = report.initiative.kit.worksheets
    view = build_view(report)
    table = next(s for s in view.sections if s.key == "partners").blocks[0].table
    assert table is not None
    header = [
        rw("partner", lang),
        rw("copy", lang),
        rw("file", lang),
        rw("modified", lang),
        HEADINGS[lang]["completion"],
        *(w.tab(lang) for w in worksheets),
        rw("missing_cells_count", lang),
        rw("problems", lang),
    ]
    _header(ws, 1, header)
    for i, (p, shown) in enumerate(zip(report.partners, table.rows, strict=True), start=2):
        values: list[object] = [
            shown[0],
            shown[1],
            p.file,
            (p.modified or "")[:16].replace("T", " "),
            p.completion,
        ]
        values += [p.worksheets.get(w.id) for w in worksheets]
        values += [p.missing_cells if p.received else None, p.problems if p.received else None]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=i, column=col)
            write_text(cell, value, lang)
            if col == 5 or 5 < col <= 5 + len(worksheets):
                cell.number_format = PERCENT
    _finish(ws, len(header), len(report.partners), [40, 18, 36, 18, 12] + [16] * len(worksheets) + [12, 12])


def _gaps(ws: Sheet, report: Report) -> None:
    lang = report.language
    h = HEADINGS[lang]
    labels = Labels(report)
    header = [
        h["severity"],
        h["kind"],
        rw("partner", lang),
        rw("worksheet", lang),
        rw("row", lang),
        rw("column", lang),
        h["message"],
    ]
    _header(ws, 1, header)
    rows: list[Sequence[object]] = [
        (
            h[g.severity],
            g.kind,
            labels.partner(g.partner) if g.partner else "",
            labels.tab(g.worksheet),
            labels.row(g.worksheet, g.row) if g.row else "",
            labels.column(g.worksheet, g.column) if g.column else "",
            g.message,
        )
        for g in report.gaps.gaps
    ]
    rows += [
        (h["error"], "unreadable_source", "", "", "", "", f"{e.source}: {e.message}")
        for e in report.gaps.errors
    ]
    for i, row in enumerate(rows, start=2):
        for col, value in enumerate(row, start=1):
            write_text(ws.cell(row=i, column=col), value, lang)
            ws.cell(row=i, column=col).alignment = WRAP_TOP
    _finish(ws, len(header), len(rows), [14, 20, 30, 24, 36, 20, 80])


def _header(ws: Sheet, row: int, titles: Sequence[str], first_column: int = 1) -> None:
    for offset, title in enumerate(titles):
        cell = ws.cell(row=row, column=first_column + offset)
        write_text(cell, title)
        cell.font, cell.fill = font(style.HEADER_FONT), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _finish(ws: Sheet, columns: int, rows: int, widths: Sequence[float]) -> None:
    for col, width in enumerate(widths[:columns], start=1):
        ws.column_dimensions[column_letter(col)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{column_letter(columns)}{max(1, rows + 1)}"


def xlsx_bytes(report: Report, images: ImageMode) -> bytes:
    """Renderer for the `xlsx` report format."""
    return render_xlsx(report)
