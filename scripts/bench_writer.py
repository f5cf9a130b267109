"""The writer section of scripts/bench.py (`--writer`): writing the master and generating copies, against
a minimal streaming writer of the same cells (the floor) and XlsxWriter, timed in the same run.

    python3 scripts/bench.py --writer [--copies N] [--workdir DIR] [--jobs J]

Master: the 1,000-partner initiative's copies are generated, filled, pulled and merged (setup, not
timed), then the master's WorkbookSpec is written to bytes (each starting from the spec) by
  - ours: toolkit.backends.xlsx.workbook_bytes, with every formatting feature;
  - floor: zipfile + sheet XML strings (inline strings, no styles), the same cells, written here;
  - XlsxWriter: the same cells, no formatting, constant_memory (the master) or in memory (copies).
Runs are interleaved and the median of each is kept: the machine is shared, so the ratios are the
result, not the seconds. Generate: the same three on one copy's spec after another, then
`api.generate` of every partner end to end (files written), with 1 job and with `--jobs`.
"""

from __future__ import annotations

import datetime as dt
import inspect
import io
import math
import shutil
import statistics
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from toolkit import api
from toolkit.backends.xlsx import workbook_bytes
from toolkit.cells import column_letter
from toolkit.generate import CopyPlan
from toolkit.i18n import word
from toolkit.initiative import Initiative
from toolkit.master import master_spec
from toolkit.metadata import METADATA_TAB, records
from toolkit.round_master import with_rounds
from toolkit.spec import WorkbookSpec
from toolkit.templates import DEBRIEF_COLUMN

MASTER_RATIO = 1.5  # target: writing the master at most this many times the floor
GENERATE_MS = 6.0  # target: generate, ms per workbook
Sheets = list[tuple[str, Sequence[Sequence[object]]]]


# --- the same cells, for the floor and XlsxWriter ---------------------------------------------------------


def spec_cells(spec: WorkbookSpec) -> Sheets:
    """Every value our writer puts in a workbook, tab by tab and row by row (no styles)."""
    language = spec.layout.language
    sheets: Sheets = [(word("readme_tab", language), [[line.text] for line in spec.cover])]
    for sheet in spec.layout.sheets:
        worksheet = sheet.worksheet
        rows: list[list[object]] = [
            [worksheet.title(language)],
            [worksheet.description(language)],
            [word("master_hint" if spec.reading else "sheet_hint", language)],
            [c.header(language) for c in worksheet.columns],
        ]
        labels = {r.id: r.label(language) for r in worksheet.rows}
        for row_id, _row in sheet.rows:
            rows.append(
                [labels.get(row_id, "")]
                + [spec.values.get((worksheet.id, row_id, c.id)) for c in worksheet.input_columns]
            )
        questions = {q.id: q.text(language) for q in worksheet.debrief}
        for question_id, _row in sheet.debrief:
            rows.append(
                [questions[question_id], spec.values.get((worksheet.id, question_id, DEBRIEF_COLUMN))]
            )
        sheets.append((sheet.tab, rows))
    for tab in spec.extra_tabs:
        sheets.append((tab.title, [tab.header, *tab.rows]))
    sheets.append((METADATA_TAB, records(spec.info, spec.layout)))
    return sheets


COLUMNS = [column_letter(i) for i in range(1, 64)]
EPOCH = dt.datetime(1899, 12, 30)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _cell(ref: str, value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float) and math.isfinite(value):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, dt.date):
        moment = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
        serial = (moment.replace(tzinfo=None) - EPOCH) / dt.timedelta(days=1)
        return f'<c r="{ref}"><v>{serial}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def floor_bytes(sheets: Sheets) -> bytes:
    """The least a valid .xlsx of these cells costs: zipfile, sheet XML as strings, inline strings."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        n = len(sheets)
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for i in range(1, n + 1)
            )
            + "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook {NS} xmlns:r="{REL}"><sheets>'
            + "".join(
                f'<sheet name="{escape(title, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                for i, (title, _rows) in enumerate(sheets, start=1)
            )
            + "</sheets></workbook>",
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, n + 1)
            )
            + "</Relationships>",
        )
        for i, (_title, rows) in enumerate(sheets, start=1):
            parts = [f"<worksheet {NS}><sheetData>"]
            for r, values in enumerate(rows, start=1):
                cells = "".join(_cell(f"{COLUMNS[c]}{r}", v) for c, v in enumerate(values))
                parts.append(f'<row r="{r}">{cells}</row>')
            parts.append("</sheetData></worksheet>")
            z.writestr(f"xl/worksheets/sheet{i}.xml", "".join(parts))
    return out.getvalue()


def xlsxwriter_bytes(sheets: Sheets, constant_memory: bool) -> bytes:
    """The same cells through XlsxWriter, no formatting but a date format."""
    import xlsxwriter  # a dev dependency: the comparison only

    with tempfile.TemporaryDirectory() as folder:
        target: Any = Path(folder) / "x.xlsx" if constant_memory else io.BytesIO()
        options = {"constant_memory": True} if constant_memory else {"in_memory": True}
        book = xlsxwriter.Workbook(str(target) if constant_memory else target, options)
        dates = book.add_format({"num_format": "yyyy-mm-dd"})
        for title, rows in sheets:
            ws = book.add_worksheet(title[:31])
            for r, values in enumerate(rows):
                for c, v in enumerate(values):
                    if v is None or v == "":
                        continue
                    if isinstance(v, dt.date):
                        ws.write_datetime(r, c, v, dates)
                    elif isinstance(v, bool | int | float) and math.isfinite(v):
                        ws.write_number(r, c, v)
                    else:
                        ws.write_string(r, c, str(v))
        book.close()
        return Path(target).read_bytes() if constant_memory else target.getvalue()


# --- measuring ------------------------------------------------------------------------------------------


def interleaved(works: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median seconds of each work, run in turn `repeats` times (noise hits them alike)."""
    times: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(repeats):
        for name, work in works.items():
            started = time.perf_counter()
            work()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(t) for name, t in times.items()}


def master_of(initiative: Initiative, workdir: Path, jobs: int, seed: int) -> WorkbookSpec:
    """The master spec of filled copies of every partner (the copies are kept in workdir for reuse)."""
    from bench import setup_copies  # the main bench's generate-and-fill setup

    folder = workdir / "writer-copies"
    if len(list(folder.glob("*.xlsx"))) != len(initiative.partners):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        wall, _generate, _fill = setup_copies(initiative, folder, jobs, seed)
        print(f"  setup: {len(initiative.partners)} filled copies in {wall:.0f} s (not timed)")
    pulled = api.pull([folder], initiative)
    merged = api.merge(pulled, initiative, now=FIXED_NOW)
    return with_rounds(master_spec(merged, FIXED_NOW), merged)


FIXED_NOW = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


def _specs(initiative: Initiative, count: int) -> Iterator[WorkbookSpec]:
    plan = CopyPlan(initiative, initiative.language, tuple(initiative.partners[:count]), FIXED_NOW)
    return (plan.spec(p) for p in plan.partners)


def run_writer(initiative: Initiative, workdir: Path, jobs: int, seed: int, repeats: int = 3) -> None:
    copies = len(initiative.partners)
    print(f"writer: master of {copies} partners and generate (median of {repeats} interleaved runs)")
    spec = master_of(initiative, workdir, jobs, seed)
    cells = sum(1 for _t, rows in spec_cells(spec) for r in rows for v in r if v not in (None, ""))
    # each starts from the same WorkbookSpec: the floor and XlsxWriter take its cells from spec_cells
    times = interleaved(
        {
            "ours": lambda: workbook_bytes(spec),
            "floor": lambda: floor_bytes(spec_cells(spec)),
            "xlsxwriter": lambda: xlsxwriter_bytes(spec_cells(spec), constant_memory=True),
        },
        repeats,
    )
    ours, floor, xw = times["ours"], times["floor"], times["xlsxwriter"]
    print(f"  master ({cells:,} cells): ours {ours:.2f} s, floor {floor:.2f} s, XlsxWriter {xw:.2f} s")
    print(f"  master ratios: ours/floor {ours / floor:.2f}x, XlsxWriter/floor {xw / floor:.2f}x, "
          f"ours/XlsxWriter {ours / xw:.2f}x")  # fmt: skip
    verdict = "MET" if ours / floor <= MASTER_RATIO else "MISSED"
    print(f"  target master <= {MASTER_RATIO}x the floor: {verdict} ({ours / floor:.2f}x)")

    sample = min(copies, 200)
    specs = list(_specs(initiative, sample))
    per = interleaved(
        {
            "ours": lambda: [workbook_bytes(s) for s in specs],
            "floor": lambda: [floor_bytes(spec_cells(s)) for s in specs],
            "xlsxwriter": lambda: [xlsxwriter_bytes(spec_cells(s), constant_memory=False) for s in specs],
        },
        repeats,
    )
    ms = {name: 1000 * seconds / sample for name, seconds in per.items()}
    print(f"  one copy in memory ({sample} copies): ours {ms['ours']:.2f} ms, floor {ms['floor']:.2f} ms, "
          f"XlsxWriter {ms['xlsxwriter']:.2f} ms; ours/floor {ms['ours'] / ms['floor']:.2f}x, "
          f"ours/XlsxWriter {ms['ours'] / ms['xlsxwriter']:.2f}x")  # fmt: skip

    parallel = "jobs" in inspect.signature(api.generate).parameters
    for n in sorted({1, jobs}) if parallel else [1]:
        out = workdir / f"writer-generate-{n}"
        shutil.rmtree(out, ignore_errors=True)
        options: dict[str, Any] = {"jobs": n} if parallel else {}
        started = time.perf_counter()
        made = api.generate(initiative, out, now=FIXED_NOW, progress=False, **options)
        seconds = time.perf_counter() - started
        per_copy = 1000 * seconds / len(made)
        verdict = "MET" if per_copy <= GENERATE_MS else "MISSED"
        print(f"  generate {len(made)} workbooks, {n} job(s): {seconds:.2f} s, {per_copy:.2f} ms per workbook"
              " "
              f"(target <= {GENERATE_MS:.0f} ms: {verdict})")  # fmt: skip
        shutil.rmtree(out, ignore_errors=True)
    if not parallel:
        print("  (api.generate has no jobs option yet: generate timed with 1 job only)")
