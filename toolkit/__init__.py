"""Spreadsheet toolkit for collective-impact initiatives."""

from .api import *  # noqa: F403
from .api import __all__ as __all__
from .errors import BackendError, ConfigError, InputError, SourceError, TemplateError, ToolkitError

__all__ = [
    *__all__,
    "BackendError",
    "ConfigError",
    "InputError",
    "SourceError",
    "TemplateError",
    "ToolkitError",
]
