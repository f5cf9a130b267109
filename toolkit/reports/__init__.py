"""The weekly gap report: build it from a pull (with history), then render it as HTML, text, JSON or XLSX.

Email and reminders (toolkit/reports/email.py, reminders.py) use these objects.
"""

from .build import (
    FORMATS,
    Format,
    Headline,
    ImageMode,
    InlineImage,
    PartnerRow,
    Report,
    TrendPoint,
    build_report,
)
from .changes import Changes, Role, compare

__all__ = [
    "FORMATS",
    "Changes",
    "Format",
    "Headline",
    "ImageMode",
    "InlineImage",
    "PartnerRow",
    "Report",
    "Role",
    "TrendPoint",
    "build_report",
    "compare",
]
