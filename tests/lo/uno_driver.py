"""Drive a headless LibreOffice Calc over UNO for a batch of jobs.

Run with the system interpreter that has Debian's python3-uno:

    /usr/bin/python3 tests/lo/uno_driver.py JOBS.json RESULT.json

One soffice start serves the whole batch (a start costs ~1.5 s). Each job
loads a document, applies ops as a partner would in Calc, optionally saves
and inspects it. A failing job is reported in RESULT.json; it never stops the
batch. soffice is always shut down and its processes killed at the end.

Job:    {"input": path, "ops": [op, ...], "save": [{"path": p, "format":
        "xlsx"|"ods"|"pdf"}], "inspect": {"cells": {sheet: ["A1", ...]}} | null,
        "filter": {"name": filter, "options": FilterOptions} | null (how to load, e.g. a CSV)}
Ops:    set_string/set_number/set_date/set_formula (sheet, cell, value),
        insert_rows (sheet, before, count), delete_rows (sheet, row, count),
        insert_columns (sheet, before: "B", count), rename_sheet (sheet, to),
        move_sheet (sheet, to_index), remove_sheet (sheet), insert_sheet (sheet, index?),
        add_comment (sheet, cell, value),
        protect/unprotect (sheet, password). Rows are 1-based.
Order:  load, ops, inspect, save, close.
Result: [{"ok": bool, "error": str | null, "inspect": {...} | null}, ...]

Standard library + uno only: this file must not import the project.
"""

import contextlib
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import uno
from com.sun.star.connection import NoConnectException

CONNECT_TIMEOUT = 60.0
SHUTDOWN_TIMEOUT = 15.0
FILTERS = {
    "xlsx": "Calc MS Excel 2007 XML",
    "ods": "calc8",
    "pdf": "calc_pdf_Export",
}
DATE_FORMAT = "YYYY-MM-DD"


# --------------------------------------------------------------- UNO helpers


def props(**kwargs):
    """Build a tuple of PropertyValue, the way UNO takes named arguments."""
    out = []
    for name, value in kwargs.items():
        prop = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
        prop.Name, prop.Value = name, value
        out.append(prop)
    return tuple(out)


def file_url(path):
    return uno.systemPathToFileUrl(os.path.abspath(path))


def enum_name(value):
    """UNO enums arrive as uno.Enum objects; JSON wants their name."""
    return getattr(value, "value", value)


def describe(exc):
    """UNO exceptions carry their text in .Message; str() is often empty."""
    message = getattr(exc, "Message", None) or str(exc)
    return f"{type(exc).__name__}: {message}"


# ------------------------------------------------------------ office process


def _own_process_group():
    """Become a process-group leader so soffice and whatever it spawns share
    a group we can sweep (and a caller can kill) without touching others."""
    if os.getpgrp() != os.getpid():
        with contextlib.suppress(OSError):  # a session leader's group is already its own
            os.setpgid(0, 0)


def _group_members():
    """Pids of our process group other than us (soffice, oosplash, ...)."""
    me, group = os.getpid(), os.getpgrp()
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        # Fields after the ")" of the command name: state ppid pgrp ...
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == group and fields[0] != "Z":
            pids.append(int(entry))
    return pids


class Office:
    """One private soffice instance: own profile, own pipe, own shutdown."""

    def __init__(self):
        self.tag = f"tkuno_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self.profile = tempfile.mkdtemp(prefix=self.tag + "_profile_")
        self.proc = None
        self.desktop = None

    def start(self):
        self.proc = subprocess.Popen(
            [
                "soffice",
                "--headless",
                "--invisible",
                "--norestore",
                "--nologo",
                "--nodefault",
                "--nolockcheck",
                "-env:UserInstallation=" + file_url(self.profile),
                f"--accept=pipe,name={self.tag};urp;",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        context = self._connect()
        self.desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)

    def _connect(self):
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        url = f"uno:pipe,name={self.tag};urp;StarOffice.ComponentContext"
        deadline = time.monotonic() + CONNECT_TIMEOUT
        while True:
            with contextlib.suppress(NoConnectException):
                return resolver.resolve(url)
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"soffice exited with code {self.proc.returncode} before accepting connections"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(f"soffice did not accept connections within {CONNECT_TIMEOUT:.0f} s")
            time.sleep(0.1)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def load(self, path, load_filter=None):
        if not os.path.isfile(path):
            raise FileNotFoundError(f"input not found: {path}")
        options = {"Hidden": True, "MacroExecutionMode": 0}
        if load_filter:  # e.g. a CSV read as a French Calc would: separator, charset, locale
            options |= {"FilterName": load_filter["name"], "FilterOptions": load_filter["options"]}
        doc = self.desktop.loadComponentFromURL(file_url(path), "_blank", 0, props(**options))
        if doc is None or not hasattr(doc, "Sheets"):
            close_document(doc)
            raise RuntimeError(f"not loaded as a spreadsheet: {path}")
        return doc

    def stop(self):
        """Ask politely, then kill every process left in our group."""
        if self.desktop is not None:
            with contextlib.suppress(Exception):  # the bridge dies while terminating
                self.desktop.terminate()
            self.desktop = None
        if self.proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(SHUTDOWN_TIMEOUT)
        self._kill_leftovers()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _kill_leftovers(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
        for pid in _group_members():  # soffice.bin outlives oosplash
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait()


def close_document(doc):
    if doc is None:
        return
    try:
        doc.close(True)
    except Exception:
        with contextlib.suppress(Exception):
            doc.dispose()


# ----------------------------------------------------------------------- ops


def get_sheet(doc, name):
    if not doc.Sheets.hasByName(name):
        raise KeyError(f"no sheet named {name!r} (have {list(doc.Sheets.ElementNames)})")
    return doc.Sheets.getByName(name)


def get_cell(doc, op):
    return get_sheet(doc, op["sheet"]).getCellRangeByName(op["cell"])


def column_index(letters):
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - ord("A") + 1
    return index - 1


def refuse_if_protected(sheet, what):
    # Calc's API refuses these with a bare RuntimeException; say why.
    if sheet.isProtected():
        raise PermissionError(f"sheet {sheet.Name!r} is protected: Calc refuses to {what}")


def refuse_if_locked(sheet, cell):
    # The API writes locked cells regardless; a partner in Calc cannot.
    if sheet.isProtected() and cell.CellProtection.IsLocked:
        raise PermissionError(f"cell {cell.AbsoluteName} on protected sheet {sheet.Name!r} is locked")


def date_format_key(doc):
    formats = doc.NumberFormats
    locale = uno.createUnoStruct("com.sun.star.lang.Locale")
    locale.Language, locale.Country = "en", "US"
    key = formats.queryKey(DATE_FORMAT, locale, False)
    return key if key != -1 else formats.addNew(DATE_FORMAT, locale)


def date_serial(doc, iso):
    null = doc.NullDate  # usually 1899-12-30, but a document may differ
    epoch = datetime.date(null.Year, null.Month, null.Day)
    return (datetime.date.fromisoformat(iso) - epoch).days


def op_set_cell(doc, op):
    sheet = get_sheet(doc, op["sheet"])
    cell = sheet.getCellRangeByName(op["cell"])
    refuse_if_locked(sheet, cell)
    kind, value = op["op"], op["value"]
    if kind == "set_string":
        cell.setString(value)
    elif kind == "set_number":
        cell.setValue(float(value))
    elif kind == "set_formula":
        cell.setFormula(value)
    else:  # set_date: a real date, i.e. a serial number shown as a date
        cell.setValue(date_serial(doc, value))
        cell.NumberFormat = date_format_key(doc)


def op_insert_rows(doc, op):
    sheet = get_sheet(doc, op["sheet"])
    refuse_if_protected(sheet, "insert rows")
    sheet.Rows.insertByIndex(op["before"] - 1, op.get("count", 1))


def op_delete_rows(doc, op):
    sheet = get_sheet(doc, op["sheet"])
    refuse_if_protected(sheet, "delete rows")
    sheet.Rows.removeByIndex(op["row"] - 1, op.get("count", 1))


def op_insert_columns(doc, op):
    sheet = get_sheet(doc, op["sheet"])
    refuse_if_protected(sheet, "insert columns")
    sheet.Columns.insertByIndex(column_index(op["before"]), op.get("count", 1))


def op_rename_sheet(doc, op):
    get_sheet(doc, op["sheet"]).Name = op["to"]


def op_move_sheet(doc, op):
    names = list(doc.Sheets.ElementNames)
    get_sheet(doc, op["sheet"])
    target = op["to_index"]
    if not 0 <= target < len(names):
        raise IndexError(f"to_index {target} out of range")
    # moveByName inserts before the given position of the current order,
    # so moving right needs one more to land at the final index.
    if target > names.index(op["sheet"]):
        target += 1
    doc.Sheets.moveByName(op["sheet"], target)


def op_remove_sheet(doc, op):
    get_sheet(doc, op["sheet"])
    doc.Sheets.removeByName(op["sheet"])


def op_insert_sheet(doc, op):
    """A new tab (at the end unless `index` says where), as a partner adds one."""
    index = op.get("index", len(doc.Sheets.ElementNames))
    doc.Sheets.insertNewByName(op["sheet"], index)


def op_add_comment(doc, op):
    """A comment (a note in Calc) on a cell, as Insert > Comment makes."""
    cell = get_cell(doc, op)
    get_sheet(doc, op["sheet"]).getAnnotations().insertNew(cell.CellAddress, op["value"])


def op_protect(doc, op):
    get_sheet(doc, op["sheet"]).protect(op.get("password", ""))


def op_unprotect(doc, op):
    sheet = get_sheet(doc, op["sheet"])
    sheet.unprotect(op.get("password", ""))
    if sheet.isProtected():
        raise PermissionError(f"could not unprotect {op['sheet']!r}")


OPS = {
    "set_string": op_set_cell,
    "set_number": op_set_cell,
    "set_date": op_set_cell,
    "set_formula": op_set_cell,
    "insert_rows": op_insert_rows,
    "delete_rows": op_delete_rows,
    "insert_columns": op_insert_columns,
    "rename_sheet": op_rename_sheet,
    "move_sheet": op_move_sheet,
    "remove_sheet": op_remove_sheet,
    "insert_sheet": op_insert_sheet,
    "add_comment": op_add_comment,
    "protect": op_protect,
    "unprotect": op_unprotect,
}


def apply_ops(doc, ops):
    for number, op in enumerate(ops):
        handler = OPS.get(op.get("op"))
        try:
            if handler is None:
                raise ValueError(f"unknown op {op.get('op')!r}")
            handler(doc, op)
        except Exception as exc:
            raise RuntimeError(f"op #{number} {json.dumps(op)}: {describe(exc)}") from exc


# ------------------------------------------------------------------- inspect


def split_list_formula(formula):
    """'"a";"b"' -> ['a', 'b']; None when the source is a range/formula."""
    items, i = [], 0
    while i < len(formula):
        if formula[i] != '"':
            return None
        end, text = i + 1, []
        while end < len(formula):
            if formula[end] == '"':
                if formula[end + 1 : end + 2] == '"':  # "" escapes a quote
                    text.append('"')
                    end += 2
                    continue
                break
            text.append(formula[end])
            end += 1
        items.append("".join(text))
        i = end + 1
        if i < len(formula) and formula[i] in ";,":
            i += 1
    return items if formula else None


def inspect_validation(cell):
    val = cell.Validation
    kind = enum_name(val.Type)
    if kind == "ANY" and not val.ShowInputMessage and not val.ShowErrorMessage:
        return None
    formula1 = val.getFormula1()
    return {
        "type": kind,
        "operator": enum_name(val.getOperator()),
        "formula1": formula1,
        "formula2": val.getFormula2(),
        "list": split_list_formula(formula1) if kind == "LIST" else None,
        "show_list": val.ShowList != 0,
        "ignore_blank": bool(val.IgnoreBlankCells),
        "error_style": enum_name(val.ErrorAlertStyle),
        "show_error": bool(val.ShowErrorMessage),
        "error_title": val.ErrorTitle,
        "error_message": val.ErrorMessage,
        "show_input": bool(val.ShowInputMessage),
        "input_title": val.InputTitle,
        "input_message": val.InputMessage,
    }


def inspect_cell(doc, cell):
    fmt = doc.NumberFormats.getByKey(cell.NumberFormat)
    return {
        "string": cell.getString(),
        "value": cell.getValue(),
        "formula": cell.getFormula(),
        "type": enum_name(cell.getType()),
        "number_format": fmt.FormatString,
        "locked": bool(cell.CellProtection.IsLocked),
        "validation": inspect_validation(cell),
    }


def inspect_document(doc, spec):
    sheets = []
    for index, name in enumerate(doc.Sheets.ElementNames):
        sheet = doc.Sheets.getByName(name)
        sheets.append(
            {
                "name": name,
                "index": index,
                "visible": bool(sheet.IsVisible),
                "protected": bool(sheet.isProtected()),
            }
        )
    cells = {}
    for sheet_name, refs in (spec.get("cells") or {}).items():
        sheet = get_sheet(doc, sheet_name)
        cells[sheet_name] = {ref: inspect_cell(doc, sheet.getCellRangeByName(ref)) for ref in refs}
    return {"sheets": sheets, "cells": cells}


# ---------------------------------------------------------------------- jobs


def save_document(doc, target):
    fmt = target.get("format") or os.path.splitext(target["path"])[1][1:]
    if fmt not in FILTERS:
        raise ValueError(f"unknown save format {fmt!r}")
    path = os.path.abspath(target["path"])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    doc.storeToURL(file_url(path), props(FilterName=FILTERS[fmt], Overwrite=True))


def run_job(office, job):
    result = {"ok": False, "error": None, "inspect": None}
    doc = None
    try:
        doc = office.load(job["input"], job.get("filter"))
        apply_ops(doc, job.get("ops") or [])
        if job.get("inspect") is not None:
            result["inspect"] = inspect_document(doc, job["inspect"])
        for target in job.get("save") or []:
            save_document(doc, target)
        result["ok"] = True
    except Exception as exc:
        result["error"] = describe(exc)
    finally:
        close_document(doc)
    return result


def run_batch(jobs):
    results = []
    office = Office()
    try:
        office.start()
        for job in jobs:
            if not office.alive():  # a crash must not sink later jobs
                office.stop()
                office = Office()
                office.start()
            results.append(run_job(office, job))
    finally:
        office.stop()
    return results


def _exit_on_sigterm(signum, frame):
    sys.exit(128 + signum)  # unwinds through run_batch's finally


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(f"usage: {argv[0]} JOBS.json RESULT.json\n")
        return 2
    with open(argv[1], encoding="utf-8") as handle:
        jobs = json.load(handle)
    _own_process_group()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    results = run_batch(jobs)
    with open(argv[2], "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
