"""`template preview`: the partner's view of a designed worksheet, as .xlsx, or .pdf/.png via LibreOffice."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl

from ..backends.xlsx import workbook_bytes
from ..clock import utc_now
from ..errors import BackendError, TemplateError
from ..files import atomic_write
from ..generate import CopyPlan
from ..initiative import Initiative
from ..problems import output_message
from ..templates import Kit, Worksheet, worksheet_from_data
from ..text import Language
from .actions import find_worksheet, read_design_file
from .messages import MESSAGES

CONVERT_TIMEOUT = 180  # seconds; a first LibreOffice start on a slow laptop takes a while
PNG_DPI = 110
PREVIEW_SUFFIXES = (".pdf", ".png", ".xlsx")


def template_preview(design: Path | str, out: Path | str, *, language: Language | None = None) -> Path:
    """What a partner would receive for this worksheet: .xlsx as is, .pdf or .png through LibreOffice."""
    design, out = Path(design), Path(out)
    suffix = out.suffix.lower()
    if suffix not in PREVIEW_SUFFIXES:
        chosen = language or "fr"  # the design's language, French unless told (as everywhere in design)
        supported = ", ".join(PREVIEW_SUFFIXES)
        raise TemplateError(output_message("unsupported_output", chosen, path=str(out), supported=supported))
    if design.suffix.lower() in (".xlsx", ".ods"):
        data, lang = read_design_file(design, language)
        worksheet = worksheet_from_data(data)
    else:
        worksheet, lang = find_worksheet(str(design)), language or "fr"
    copy = blank_copy(worksheet, language or lang)
    if suffix == ".xlsx":
        atomic_write(out, copy)
        return out
    if suffix == ".png":
        copy = _worksheet_only(copy)
    atomic_write(out, _convert(copy, suffix, lang))
    return out


def blank_copy(worksheet: Worksheet, language: Language) -> bytes:
    """The blank copy `generate` would hand out for an initiative using only this worksheet."""
    kit = Kit(id=worksheet.id, version=worksheet.version, title=worksheet.title, worksheets=(worksheet,))
    initiative = Initiative(
        id="apercu", name=worksheet.title(language), language=language, kit=kit, partners=()
    )
    plan = CopyPlan(initiative, language, (None,), utc_now())
    return workbook_bytes(plan.spec(None))


def _worksheet_only(data: bytes) -> bytes:
    """For a picture: hide the cover so the first page is the worksheet itself."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb.active = 1
    wb.worksheets[0].sheet_state = "hidden"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _convert(data: bytes, suffix: str, language: Language) -> bytes:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise BackendError(
            "LibreOffice (soffice) est introuvable : installez-le pour un aperçu PDF ou PNG, "
            "ou demandez --out apercu.xlsx"
            if language == "fr"
            else "LibreOffice (soffice) not found: install it for a PDF or PNG preview, "
            "or ask for --out preview.xlsx"
        )
    with tempfile.TemporaryDirectory(prefix="tk_preview_") as tmp:
        source = Path(tmp, "preview.xlsx")
        source.write_bytes(data)
        profile = Path(tmp, "profile").as_uri()  # a private profile: never collides with an open LibreOffice
        _run(
            [
                soffice,
                "--headless",
                "--norestore",
                f"-env:UserInstallation={profile}",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(source),
            ],
            "LibreOffice",
            language,
        )
        pdf = Path(tmp, "preview.pdf")
        if not pdf.is_file():
            raise BackendError(MESSAGES["no_pdf"](language))
        if suffix == ".pdf":
            return pdf.read_bytes()
        pdftoppm = shutil.which("pdftoppm")
        if pdftoppm is None:
            raise BackendError(
                "pdftoppm (poppler-utils) est introuvable : demandez un aperçu .pdf"
                if language == "fr"
                else "pdftoppm (poppler-utils) not found: ask for a .pdf preview"
            )
        _run(
            [
                pdftoppm,
                "-png",
                "-r",
                str(PNG_DPI),
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(Path(tmp, "page")),
            ],
            "pdftoppm",
            language,
        )
        return Path(tmp, "page.png").read_bytes()


def _run(command: list[str], what: str, language: Language) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=CONVERT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise BackendError(
            MESSAGES["tool_timeout"](language).format(tool=what, seconds=CONVERT_TIMEOUT)
        ) from None
    if done.returncode != 0:
        detail = done.stderr.strip()[:500]
        raise BackendError(
            MESSAGES["tool_failed"](language).format(tool=what, code=done.returncode, detail=detail)
        )
