"""The weekly gap report: build it from a pull (with history), then render it as HTML, text, JSON or XLSX.

Email and reminders (toolkit/reports/email.py, reminders.py) use these objects.
"""

from .build import build_report
from .changes import Changes, Role, compare
from .formats import ReportFormat
from .model import Headline, ImageMode, InlineImage, PartnerRow, Report, TrendPoint

__all__ = [
    "Changes",
    "Headline",
    "ImageMode",
    "InlineImage",
    "PartnerRow",
    "Report",
    "ReportFormat",
    "Role",
    "TrendPoint",
    "build_report",
    "compare",
]
