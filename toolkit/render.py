"""Turning pull results and gap reports into text: terminal table, JSON, CSV, Markdown."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .csv_out import UNREADABLE as UNREADABLE
from .csv_out import Dialect, excel_csv
from .gaps import GapReport, structure_messages
from .initiative import DEFAULT_TIME_ZONE, Initiative
from .problems import gap_label
from .submission import PullResult, completion
from .text import Language, safe_text

GAP_FIELDS = ["kind", "severity", "worksheet", "row", "column", "partner", "message"]
HEADINGS = {
    "fr": {
        "partner": "Partenaire",
        "file": "Fichier",
        "completion": "Taux de remplissage",
        "problems": "Problèmes",
        "severity": "Gravité",
        "kind": "Type",
        "message": "Message",
        "error": "erreur",
        "warning": "avertissement",
        "unreadable": "Fichiers illisibles",
        "none": "Aucun écart.",
        "gaps": "Écarts",
        "copies": "Copies reçues",
        "noticed": "Ce que la lecture a remarqué",
        "disputed": "contestée",
    },
    "en": {
        "partner": "Partner",
        "file": "File",
        "completion": "Completion",
        "problems": "Problems",
        "severity": "Severity",
        "kind": "Kind",
        "message": "Message",
        "error": "error",
        "warning": "warning",
        "unreadable": "Unreadable files",
        "none": "No gaps.",
        "gaps": "Gaps",
        "copies": "Copies received",
        "noticed": "What reading noticed",
        "disputed": "disputed",
    },
}


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain fixed-width table (the terminal's view); control characters shown, never obeyed."""
    header = [printable(h) for h in header]
    rows = [[printable(c) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def percent(share: float, language: Language) -> str:
    text = f"{share * 100:.0f}"
    return f"{text} %" if language == "fr" else f"{text}%"


def render_pull(
    result: PullResult,
    fmt: str,
    initiative: Initiative | None = None,
    *,
    raw_csv: bool = False,
    dialect: Dialect = "machine",
) -> str:
    """The pull result as a table, JSON or CSV. CSV cells that a spreadsheet would run as a formula
    are neutralised unless `raw_csv` (files for programs, never opened in Excel); the excel
    dialect is for a spreadsheet in the user's language (see csv_out), machine for programs."""
    language = result.language
    h = HEADINGS[language]
    if fmt == "csv":
        cells = result.cells()
        if dialect == "excel":
            records = cells.astype(object).where(cells.notna(), None).to_dict(orient="records")
            zone = initiative.time_zone if initiative else DEFAULT_TIME_ZONE
            neutralise = _as_is if raw_csv else csv_safe
            text = excel_csv(list(cells.columns), records, language, time_zone=zone, neutralise=neutralise)
            return safe_text(text)
        return safe_text(str((cells if raw_csv else cells.map(csv_safe)).to_csv(index=False)))
    summaries = [
        {
            "partner": s.partner_id,
            "source": s.source,
            "modified": s.modified.isoformat() if s.modified else None,
            "completion": round(completion(s), 3),
            "problems": int(s.cells["problem"].notna().sum()),
            "changes": [n.code for n in s.notes] + ["unmapped_content"] * len(s.unmapped),
            "copy_id": s.copy_id,
            "disputed": s.disputed,
            "evidence": [{"kind": e.kind, "partner": e.partner_id, "detail": e.detail} for e in s.evidence],
        }
        for s in result.submissions
    ]
    errors = [
        {"source": e.source, "code": e.code, "message": e.message, "detail": e.detail} for e in result.errors
    ]
    if fmt == "json":
        cells = result.cells().astype(object).where(result.cells().notna(), None)
        records = [{k: _jsonable(v) for k, v in row.items()} for row in cells.to_dict(orient="records")]
        return safe_text(
            json.dumps(
                {"submissions": summaries, "cells": records, "errors": errors}, ensure_ascii=False, indent=2
            )
        )
    rows = [
        [
            (s.partner_id or "?") + (f" ({h['disputed']})" if s.disputed else ""),
            Path(s.source).name,
            percent(completion(s), language),
            str(int(s.cells["problem"].notna().sum()) + len(s.notes) + len(s.unmapped)),
        ]
        for s in result.submissions
    ]
    out = table([h["partner"], h["file"], h["completion"], h["problems"]], rows)
    noticed = [m for s in result.submissions for m in structure_messages(s, initiative)] if initiative else []
    if noticed:  # the run says what it recovered and what it could not map
        out += f"\n\n{h['noticed']}\n" + "\n".join(f"• {printable(m)}" for m in noticed)
    if errors:
        colon = " : " if language == "fr" else ": "
        out += f"\n\n{h['unreadable']}\n" + "\n".join(
            f"✗ {printable(e['source'])}{colon}{printable(e['message'])}" for e in errors
        )
    return out


def gap_rows(report: GapReport) -> list[dict[str, Any]]:
    """Gaps, then unreadable sources as rows of kind 'unreadable_source' (for flat formats)."""
    rows = [
        dict(
            zip(
                GAP_FIELDS,
                (g.kind, g.severity, g.worksheet, g.row, g.column, g.partner, g.message),
                strict=True,
            )
        )
        for g in report.gaps
    ]
    rows += [
        {
            "kind": UNREADABLE,
            "severity": "error",
            "worksheet": None,
            "row": None,
            "column": None,
            "partner": None,
            "message": f"{e.source}: {e.message}",
        }
        for e in report.errors
    ]
    return rows


def render_gaps(
    report: GapReport, fmt: str, language: Language, *, raw_csv: bool = False, dialect: Dialect = "machine"
) -> str:
    """Gaps as a table, JSON, CSV (neutralised for spreadsheets unless `raw_csv`; excel or machine
    dialect) or Markdown (escaped)."""
    h = HEADINGS[language]
    if fmt == "json":
        return safe_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    rows = gap_rows(report)
    if fmt == "csv" and dialect == "excel":
        neutralise = _as_is if raw_csv else csv_safe
        return safe_text(
            excel_csv(GAP_FIELDS, rows, language, time_zone=DEFAULT_TIME_ZONE, neutralise=neutralise)
        )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=GAP_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows if raw_csv else [{k: csv_safe(v) for k, v in r.items()} for r in rows])
        return safe_text(buffer.getvalue())
    if fmt == "md":
        lines = [
            f"# {h['gaps']} — {md_inline(report.initiative)}",
            "",
            f"_{md_inline(report.generated_at)}_",
            "",
            f"## {h['copies']}",
            "",
        ]
        lines += [f"| {h['partner']} | {h['file']} | {h['completion']} |", "|---|---|---|"]
        lines += [
            f"| {md_inline(s.partner or '?')} | {md_inline(Path(s.source).name)} | "
            f"{percent(s.completion, language)} |"
            for s in report.submissions
        ]
        lines += ["", f"## {h['gaps']}", ""]
        if rows:
            lines += [f"| {h['severity']} | {h['kind']} | {h['message']} |", "|---|---|---|"]
            lines += [
                f"| {h[r['severity']]} | {kind_label(r['kind'], language)} | {md_inline(r['message'])} |"
                for r in rows
            ]
        else:
            lines.append(h["none"])
        return "\n".join(lines) + "\n"
    if not rows:
        return h["none"]
    return table(
        [h["severity"], h["kind"], h["message"]],
        [[h[r["severity"]], kind_label(r["kind"], language), r["message"]] for r in rows],
    )


def kind_label(kind: str, language: Language) -> str:
    """What people read for a gap kind ("Valeurs non valides"); JSON and CSV keep the code."""
    return HEADINGS[language]["unreadable"] if kind == UNREADABLE else gap_label(kind, language)


# A spreadsheet opening a CSV runs a cell starting with one of these as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Markdown punctuation, and '_' unless inside a word (file_name: CommonMark never emphasises it there).
_MD_SPECIAL = re.compile(r"[\\`*\[\]|!~_]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def csv_safe(value: object) -> object:
    """A text cell a spreadsheet would evaluate, prefixed with a quote so it shows as typed."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _as_is(value: object) -> object:
    return value


def md_inline(text: str) -> str:
    """Partner text as inert Markdown on one line: no HTML, link, image, emphasis or table break."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(_MD_SPECIAL.sub(_md_escape, printable(text)).split())


def _md_escape(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    if (
        match.group() == "_"
        and start > 0
        and end < len(text)
        and text[start - 1].isalnum()
        and text[end].isalnum()
    ):
        return "_"
    return "\\" + match.group()


def printable(text: str) -> str:
    """Control characters (terminal escapes…) shown as `_xHHHH_`, never obeyed; line breaks kept."""
    return _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", safe_text(text))


def _jsonable(value: object) -> object:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
