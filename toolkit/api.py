"""The public library verbs, in one place; the CLI and `toolkit/__init__.py` use these names."""

from __future__ import annotations

from .generate import GeneratedCopy, generate
from .init import init
from .initiative import Initiative, load_initiative
from .templates import Kit, Worksheet, load_kit

__all__ = [
    "GeneratedCopy",
    "Initiative",
    "Kit",
    "Worksheet",
    "generate",
    "init",
    "load_initiative",
    "load_kit",
]
