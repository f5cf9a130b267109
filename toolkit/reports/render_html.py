"""The report as one self-contained HTML page: inline CSS, charts as data: URIs or cid: references.

No external URL of any kind (fonts, scripts, images), so it reads the same offline, in a browser and
in a mail client. Headline figures first; the trend chart follows the changes and the heatmap
follows the partner table.
"""

from __future__ import annotations

import base64
from html import escape

from ..merge import quiet_gc
from ..text import safe_text
from .charts import SUMMARY_CHARTS
from .model import ImageMode, InlineImage, Report
from .view import Block, Section, Table, build_view

CSS = """
body { margin: 0; padding: 0; background: #f4f6f8; color: #1b1b1b;
  font: 15px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; }
main { max-width: 920px; margin: 0 auto; padding: 24px 20px 32px; background: #ffffff; }
h1 { font-size: 24px; margin: 0 0 4px; color: #1f4e78; }
h2 { font-size: 19px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #dde6ee;
  color: #1f4e78; }
h3 { font-size: 16px; margin: 16px 0 6px; }
p.subtitle { margin: 0 0 18px; color: #555555; }
.figures { display: flex; flex-wrap: wrap; gap: 12px; margin: 0; padding: 0; list-style: none; }
.figure { flex: 1 1 180px; border-radius: 8px; padding: 12px 14px; background: #eef3f8;
  border-left: 6px solid #7f8c8d; }
.figure.good { border-left-color: #27ae60; }
.figure.bad { border-left-color: #c0392b; }
.figure .value { display: block; font-size: 22px; font-weight: 700; }
.figure .label { display: block; color: #444444; font-size: 13px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid #e3e3e3; }
th { background: #1f4e78; color: #ffffff; font-weight: 600; }
tr:nth-child(even) td { background: #f7f9fb; }
td.number, table.partners td:nth-child(n+4) { text-align: right; white-space: nowrap; }
ul { margin: 4px 0 10px; padding-left: 22px; }
li { margin: 2px 0; }
p.empty { color: #2e7d32; margin: 4px 0; }
figure.chart { margin: 14px 0; }
figure.chart img { display: block; width: 100%; max-width: 900px; height: auto; border: 1px solid #e3e3e3; }
footer { margin-top: 28px; color: #777777; font-size: 12px; }
@media print { body { background: #ffffff; } main { max-width: none; } h2 { break-after: avoid; } }
"""
NUMERIC_COLUMNS = (3, 4, 5)  # completion, empty cells, problems in the partner table


@quiet_gc()  # many partners: millions of cells and glyphs (see merge.quiet_gc)
def render_html(report: Report, *, images: ImageMode = "data") -> str:
    """The report as one self-contained HTML page (charts as data: URIs, or cid: references for email)."""
    view = build_view(report)
    charts = {image.name: image for image in report.images()}
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{view.language}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(view.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{escape(view.title)}</h1>",
        f'<p class="subtitle">{escape(view.subtitle)}</p>',
        '<ul class="figures" id="headline">',
    ]
    for figure in view.figures:
        parts.append(
            f'<li class="figure {figure.tone}"><span class="label">{escape(figure.label)}</span>'
            f'<span class="value">{escape(figure.value)}</span></li>'
        )
    parts.append("</ul>")
    summary = [charts.pop(n) for n in SUMMARY_CHARTS if n in charts] if "distribution" in charts else []
    for section in view.sections:
        if section.key == "other" and not section.blocks:
            continue
        lead = "\n".join(_chart(c, images) for c in summary) if section.key == "partners" else ""
        parts.append(_section(section, lead))
        chart = {"changes": "trend", "partners": "heatmap"}.get(section.key)
        if chart in charts:
            parts.append(_chart(charts[chart], images))
    parts += [f"<footer>{escape(view.footer)}</footer>", "</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _section(section: Section, lead: str = "") -> str:
    out = [f'<section id="{section.key}">', f"<h2>{escape(section.title)}</h2>"]
    if lead:  # the summary charts, before the table they summarise
        out.append(lead)
    if not section.blocks and section.empty:
        out.append(f'<p class="empty">{escape(section.empty)}</p>')
    for block in section.blocks:
        out.append(_block(block, section.key))
    out.append("</section>")
    return "\n".join(out)


def _block(block: Block, key: str) -> str:
    out = [f"<h3>{escape(block.title)}</h3>"] if block.title else []
    if block.lines:
        out.append("<ul>" + "".join(f"<li>{escape(line)}</li>" for line in block.lines) + "</ul>")
    if block.table is not None:
        out.append(_table(block.table, NUMERIC_COLUMNS if key == "partners" else ()))
    return "\n".join(out)


def _table(table: Table, numeric: tuple[int, ...]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in table.header)
    if (
        numeric == NUMERIC_COLUMNS
    ):  # the partner table, thousands of rows: aligned by its class, not each cell
        body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in table.rows)
        return f'<table class="partners"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="number">{escape(c)}</td>' if i in numeric else f"<td>{escape(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in table.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _chart(image: InlineImage, mode: ImageMode) -> str:
    if mode == "cid":
        src = f"cid:{image.cid}"
    else:
        src = f"data:{image.mime};base64,{base64.b64encode(image.data).decode('ascii')}"
    return (
        f'<figure class="chart" id="chart-{image.name}">'
        f'<img src="{src}" alt="{escape(image.alt)}" width="900"></figure>'
    )


def html_bytes(report: Report, images: ImageMode) -> bytes:
    """Renderer for the `html` report format."""
    return safe_text(render_html(report, images=images)).encode("utf-8")
