"""The report as plain text (the email's text part) and Markdown; the history's run list."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict

from ..history import RunSummary
from ..render import percent, table
from ..text import Language
from .model import ImageMode, Report
from .view import Section, Table, View, build_view
from .words import rw


def render_text(report: Report) -> str:
    """The report as plain text for a terminal or an email body."""
    view = build_view(report)
    lines = [view.title, "=" * len(view.title), view.subtitle, ""]
    lines += [
        f"{f.label} : {f.value}" if view.language == "fr" else f"{f.label}: {f.value}" for f in view.figures
    ]
    for section in _shown(view):
        lines += ["", section.title, "-" * len(section.title)]
        if not section.blocks and section.empty:
            lines.append(section.empty)
        for block in section.blocks:
            if block.title:
                lines += ["", f"{block.title}"]
            lines += [f"- {line}" for line in block.lines]
            if block.table is not None:
                lines.append(table(block.table.header, block.table.rows))
    lines += ["", view.footer]
    return "\n".join(lines) + "\n"


def render_markdown(report: Report) -> str:
    """The report as Markdown."""
    view = build_view(report)
    lines = [f"# {_md(view.title)}", "", f"_{_md(view.subtitle)}_", ""]
    lines += [f"- **{_md(f.value)}** {_md(f.label)}" for f in view.figures]
    for section in _shown(view):
        lines += ["", f"## {_md(section.title)}", ""]
        if not section.blocks and section.empty:
            lines.append(_md(section.empty))
        for block in section.blocks:
            if block.title:
                lines += [f"### {_md(block.title)}", ""]
            lines += [f"- {_md(line)}" for line in block.lines]
            if block.table is not None:
                lines += _md_table(block.table)
            lines.append("")
    lines += ["", f"_{_md(view.footer)}_"]
    return "\n".join(lines).rstrip("\n") + "\n"


def render_runs(runs: Sequence[RunSummary], fmt: str, language: Language) -> str:
    """`toolkit history`: past runs as a table (default) or JSON."""
    if fmt == "json":
        return json.dumps([asdict(r) for r in runs], ensure_ascii=False, indent=2)
    if not runs:
        return rw("runs_none", language)
    header = [
        rw("run", language),
        rw("report_date", language),
        rw("received", language),
        rw("completion", language),
        rw("gap_count", language),
        rw("label", language),
    ]
    rows = [
        [
            str(r.id),
            r.generated_at,
            f"{r.received}/{r.expected}",
            percent(r.completion, language),
            str(r.gap_count),
            r.label or "",
        ]
        for r in runs
    ]
    return table(header, rows)


def _shown(view: View) -> list[Section]:
    return [s for s in view.sections if s.blocks or s.empty]


def _md_table(t: Table) -> list[str]:
    lines = ["| " + " | ".join(_md(h) for h in t.header) + " |", "|" + "---|" * len(t.header)]
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in t.rows]
    return lines


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def text_bytes(report: Report, images: ImageMode) -> bytes:
    """Renderer for the `text` report format."""
    return render_text(report).encode("utf-8")


def markdown_bytes(report: Report, images: ImageMode) -> bytes:
    """Renderer for the `md` report format."""
    return render_markdown(report).encode("utf-8")
