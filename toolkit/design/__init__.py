"""Design workbooks: coordinators describe worksheets in a spreadsheet (like XLSForm), not in YAML."""

from .actions import (
    ImportedTemplate,
    load_design,
    load_initiative,
    template_export,
    template_import,
    template_new,
)
from .messages import DesignError, DesignProblem
from .preview import template_preview

__all__ = [
    "DesignError",
    "DesignProblem",
    "ImportedTemplate",
    "load_design",
    "load_initiative",
    "template_export",
    "template_import",
    "template_new",
    "template_preview",
]
