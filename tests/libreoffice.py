"""Open workbooks in a real LibreOffice Calc from tests (stdlib only).

Debian's python3-uno only imports under /usr/bin/python3, not the interpreter
running pytest, so the UNO work happens in tests/lo/uno_driver.py, run as a
subprocess. Batch jobs into one run_jobs() call: each call starts soffice
(~1.5 s). See uno_driver.py for the job format.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

SYSTEM_PYTHON = "/usr/bin/python3"
DRIVER = Path(__file__).resolve().parent / "lo" / "uno_driver.py"
SKIP_ENV = "TOOLKIT_SKIP_LIBREOFFICE"
FORMATS = {".xlsx": "xlsx", ".ods": "ods", ".pdf": "pdf"}


class LibreOfficeError(RuntimeError):
    """The driver itself failed, or a convenience call's job failed."""


# -------------------------------------------------------------- availability


@functools.cache
def missing_reason() -> str | None:
    """Why LibreOffice cannot be used here, or None when it can."""
    if shutil.which("soffice") is None:
        return "soffice not on PATH (apt-get install libreoffice-calc-nogui)"
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return f"{SYSTEM_PYTHON} not found (needed for python3-uno)"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"{SYSTEM_PYTHON} cannot import uno (apt-get install python3-uno): {probe.stderr.strip()}"
    return None


def available() -> bool:
    return missing_reason() is None


def require() -> None:
    """In a test: fail loudly when LibreOffice is missing, so CI cannot
    pass by skipping; skip only when TOOLKIT_SKIP_LIBREOFFICE=1."""
    import pytest  # lazy: this module itself stays stdlib-only

    reason = missing_reason()
    if reason is None:
        return
    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(f"LibreOffice unavailable ({SKIP_ENV}=1): {reason}")
    pytest.fail(
        f"LibreOffice is required for this test: {reason}. Install it, or set {SKIP_ENV}=1 to skip.",
        pytrace=False,
    )


# ---------------------------------------------------------------- run jobs


def run_jobs(jobs: list[dict], timeout: float = 300) -> list[dict]:
    """Run a batch in one soffice; one {"ok", "error", "inspect"} per job."""
    # The driver's TMPDIR is this directory, so soffice's profile and temp
    # files go away with it even when a timeout kills everything.
    with tempfile.TemporaryDirectory(prefix="tk_lo_jobs_", ignore_cleanup_errors=True) as tmp:
        jobs_path = Path(tmp, "jobs.json")
        result_path = Path(tmp, "result.json")
        jobs_path.write_text(json.dumps(jobs, default=os.fspath), "utf-8")
        stderr = _run_driver(jobs_path, result_path, timeout, tmp)
        if not result_path.exists():
            raise LibreOfficeError(f"driver wrote no result.\n{stderr}")
        results = json.loads(result_path.read_text("utf-8"))
    if len(results) != len(jobs):
        raise LibreOfficeError(f"driver returned {len(results)} results for {len(jobs)} jobs")
    return results


def _run_driver(jobs_path: Path, result_path: Path, timeout: float, tmp: str) -> str:
    # Own session: on timeout the whole group (driver + soffice) is killed.
    proc = subprocess.Popen(
        [SYSTEM_PYTHON, str(DRIVER), str(jobs_path), str(result_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": tmp},
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise LibreOfficeError(f"LibreOffice driver timed out after {timeout} s") from None
    if proc.returncode != 0:
        raise LibreOfficeError(f"LibreOffice driver failed (exit {proc.returncode}):\n{err}{out}")
    return err


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()


# ------------------------------------------------------------- conveniences


def job(src, ops=(), save=(), inspect=None, load_filter=None) -> dict:
    """Build one job; save is a list of paths, format taken from suffix; load_filter is
    {"name": filter, "options": its FilterOptions} to open e.g. a CSV as a given locale would."""
    return {
        "input": os.fspath(src),
        "filter": load_filter,
        "ops": list(ops),
        "save": [save_target(dst) for dst in save],
        "inspect": inspect,
    }


def save_target(dst) -> dict:
    suffix = Path(dst).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"cannot save {dst}: use one of {sorted(FORMATS)}")
    return {"path": os.fspath(dst), "format": FORMATS[suffix]}


def run_one(job_: dict, timeout: float = 300) -> dict:
    """Run a single job; raise LibreOfficeError when it fails."""
    result = run_jobs([job_], timeout)[0]
    if not result["ok"]:
        raise LibreOfficeError(f"{job_['input']}: {result['error']}")
    return result


def resave(src, dst) -> Path:
    """Open src in Calc and save it as dst (.xlsx, .ods or .pdf)."""
    run_one(job(src, save=[dst]))
    return Path(dst)


def to_pdf(src, dst) -> Path:
    if Path(dst).suffix.lower() != ".pdf":
        raise ValueError(f"to_pdf needs a .pdf target, got {dst}")
    return resave(src, dst)


def pdf_text(pdf) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", os.fspath(pdf), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def inspect(src, cells: dict[str, list[str]] | None = None) -> dict:
    """Sheets (name, index, visible, protected) and the requested cells."""
    return run_one(job(src, inspect={"cells": cells or {}}))["inspect"]
