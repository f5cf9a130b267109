"""The weekly report as a PDF for a board meeting: the same view as HTML and text, on A4 pages.

fpdf2 is pure Python (no browser, no system library), so this works the same on Windows, macOS and
Linux. Text is set in DejaVu Sans, which matplotlib (already a dependency) ships: every character of
French text and partner names prints, not only Latin-1. The charts are the report's own PNGs.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from PIL import Image

from .. import style
from ..merge import quiet_gc
from ..render import printable
from ..text import Language
from .charts import SUMMARY_CHARTS
from .model import ImageMode, InlineImage, Report
from .view import Block, Section, Table, build_view

FONT = "DejaVu"
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
MARGIN = 15  # mm
BODY = 10  # pt
NUMERIC_COLUMNS = (3, 4, 5)  # as in the HTML partner table
PARTNER_WIDTHS = (3.0, 1.7, 3.2, 1.7, 1.3, 1.3)  # partner, copy, file, completion, empty cells, problems
# A table row must fit one page (fpdf2 refuses it otherwise) and a line no more than a few pages: partner
# text past these lengths is cut with a mark saying how much is left out (the master keeps it whole).
TABLE_CELL_CHARS = 400
LONG_TABLE = 30  # partner tables longer than this are set one line a partner (see _long_table)
LINE = 4.5  # mm, a table line
FILE_COLUMN = 2  # in the partner table
RULE = "E3E3E3"  # the line under each row, as in the HTML table
LINE_CHARS = 3000
CUT = {
    "fr": "… [texte coupé : {count} caractères de plus, texte complet dans le classeur maître]",
    "en": "… [text cut: {count} more characters, full text in the master workbook]",
}


def _rgb(hex_rgb: str) -> tuple[int, int, int]:
    return int(hex_rgb[0:2], 16), int(hex_rgb[2:4], 16), int(hex_rgb[4:6], 16)


class _Document(FPDF):
    def __init__(self, footer_text: str, language: Language) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_text = footer_text
        self.language = language
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN)
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.add_font(FONT, "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, "I", 7)
        self.set_text_color(*_rgb(style.GREY))
        self.cell(0, 4, f"{self.footer_text} — {self.page_no()}", align="C")


@quiet_gc()  # many partners: millions of cells and glyphs (see merge.quiet_gc)
def render_pdf(report: Report) -> bytes:
    """The report as an A4 PDF, from the same view as the HTML page."""
    view = build_view(report)
    doc = _Document(view.footer, view.language)
    doc.set_title(view.title)
    doc.set_creator("toolkit")
    doc.set_lang(view.language)
    doc.add_page()
    doc.set_font(FONT, "B", 18)
    doc.set_text_color(*_rgb(style.ACCENT))
    doc.multi_cell(0, 8, view.title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_font(FONT, "", BODY)
    doc.set_text_color(*_rgb(style.GREY))
    doc.multi_cell(0, 5, view.subtitle, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.ln(3)
    _figures(doc, view.figures)
    charts = {image.name: image for image in report.images()}
    summary = [charts.pop(n) for n in SUMMARY_CHARTS if n in charts] if "distribution" in charts else []
    for section in view.sections:
        if section.key == "other" and not section.blocks:
            continue
        _section(doc, section, summary if section.key == "partners" else [])
        chart = {"changes": "trend", "partners": "heatmap"}.get(section.key)
        if chart in charts:
            _image(doc, charts[chart])
    return bytes(doc.output())


def _image(doc: _Document, image: InlineImage) -> None:
    """A chart across the page, scaled down to fit one page when it is taller than that."""
    with Image.open(io.BytesIO(image.data)) as png:
        pixels_wide, pixels_high = png.size
    width = doc.w - 2 * MARGIN
    room = doc.h - 2 * MARGIN - 12  # a page less its margins and the footer
    width = min(width, room * pixels_wide / pixels_high)
    if doc.get_y() + width * pixels_high / pixels_wide > doc.h - MARGIN:
        doc.add_page()
    doc.image(io.BytesIO(image.data), w=width, alt_text=image.alt)
    doc.ln(2)


def _figures(doc: _Document, figures: tuple[object, ...]) -> None:
    for figure in figures:
        value, label = getattr(figure, "value", ""), getattr(figure, "label", "")
        doc.set_font(FONT, "B", 12)
        doc.set_text_color(*_rgb(style.ACCENT))
        doc.cell(40, 7, str(value))
        doc.set_font(FONT, "", BODY)
        doc.set_text_color(0, 0, 0)
        doc.multi_cell(0, 7, str(label), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.ln(2)


def _section(doc: _Document, section: Section, charts: list[InlineImage]) -> None:
    doc.ln(2)
    doc.set_font(FONT, "B", 13)
    doc.set_text_color(*_rgb(style.ACCENT))
    doc.multi_cell(0, 7, section.title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_text_color(0, 0, 0)
    doc.set_font(FONT, "", BODY)
    if not section.blocks and section.empty:
        doc.set_font(FONT, "I", BODY)
        doc.multi_cell(0, 5, section.empty, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for chart in charts:  # many partners: the summary charts, before the table they summarise
        _image(doc, chart)
    for block in section.blocks:
        _block(doc, block, section.key)


def _block(doc: _Document, block: Block, key: str) -> None:
    if block.title:
        doc.set_font(FONT, "B", 11)
        doc.multi_cell(0, 6, block.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_font(FONT, "", BODY)
    for line in block.lines:
        text = _fit(line, LINE_CHARS, doc.language)
        doc.multi_cell(0, 5, f"• {text}", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if block.table is not None:
        _table(doc, block.table, NUMERIC_COLUMNS if key == "partners" else ())
    doc.ln(1)


def _table(doc: _Document, table: Table, numeric: tuple[int, ...]) -> None:
    if numeric and len(table.rows) > LONG_TABLE and len(table.header) == len(PARTNER_WIDTHS):
        _long_table(doc, table, numeric)
        return
    doc.set_font(FONT, "", 8)
    headings = FontFace(emphasis="BOLD", color=_rgb(style.WHITE), fill_color=_rgb(style.HEADER_FILL))
    widths = PARTNER_WIDTHS if numeric and len(table.header) == len(PARTNER_WIDTHS) else None
    with doc.table(
        col_widths=widths,
        text_align=tuple("RIGHT" if i in numeric else "LEFT" for i in range(len(table.header))),
        headings_style=headings,
        line_height=4.5,
    ) as grid:
        header = grid.row()
        for title in table.header:
            header.cell(title)
        for values in table.rows:
            row = grid.row()
            for value in values:
                row.cell(_fit(value, TABLE_CELL_CHARS, doc.language))


def _long_table(doc: _Document, table: Table, numeric: tuple[int, ...]) -> None:
    """The partner table of many partners: one line a partner, cut to its column with "…" (fpdf2's
    wrapping table takes milliseconds a row: a minute for 10,000 partners). The header repeats on
    each page."""
    total = sum(PARTNER_WIDTHS)
    widths = [w / total * (doc.w - 2 * MARGIN) for w in PARTNER_WIDTHS]
    align = ["R" if i in numeric else "L" for i in range(len(widths))]

    def header() -> None:  # the titles wrap (a few words): the row takes the tallest
        doc.set_font(FONT, "B", 8)
        doc.set_fill_color(*_rgb(style.HEADER_FILL))
        doc.set_text_color(*_rgb(style.WHITE))
        pairs = list(zip(table.header, widths, strict=True))
        lines = max(len(_lines(doc.multi_cell(w, LINE, t, dry_run=True, output="LINES"))) for t, w in pairs)
        top = doc.get_y()
        doc.rect(doc.l_margin, top, sum(widths), lines * LINE, style="F")
        for title, width in pairs:
            doc.multi_cell(width, LINE, title, align="L", new_x=XPos.RIGHT, new_y=YPos.TOP)
        doc.set_xy(doc.l_margin, top + lines * LINE)
        doc.set_font(FONT, "", 8)
        doc.set_text_color(0, 0, 0)

    header()
    doc.set_draw_color(*_rgb(RULE))
    for values in table.rows:
        if doc.will_page_break(LINE):
            doc.add_page()
            header()
        for i, (value, width, side) in enumerate(zip(values, widths, align, strict=True)):
            text = _clip(doc, printable(value), width, keep_end=i == FILE_COLUMN)
            doc.cell(width, LINE, text, border="B", align=side)
        doc.ln(LINE)


def _lines(result: object) -> list[str]:
    """multi_cell(output="LINES")'s result, typed (its return type covers every output mode)."""
    assert isinstance(result, list)
    return result


def _clip(doc: _Document, text: str, width: float, *, keep_end: bool = False) -> str:
    """`text` cut with "…" to fit `width` (mm) in the current font; a file name keeps its end."""
    room = width - 2 * doc.c_margin
    if doc.get_string_width(text) <= room:
        return text

    def cut(n: int) -> str:
        return "…" + text[len(text) - n :].lstrip() if keep_end else text[:n].rstrip() + "…"

    low, high = 0, len(text)  # the most characters that fit with the mark
    while low < high:
        middle = (low + high + 1) // 2
        if doc.get_string_width(cut(middle)) <= room:
            low = middle
        else:
            high = middle - 1
    return cut(low)


def _fit(text: str, limit: int, language: Language) -> str:
    """Partner text as the PDF can set it: control characters shown, never more than `limit` characters."""
    text = printable(text)
    if len(text) <= limit:
        return text
    return text[:limit] + CUT[language].format(count=len(text) - limit)


def pdf_bytes(report: Report, images: ImageMode) -> bytes:
    """Renderer for the `pdf` report format."""
    return render_pdf(report)
