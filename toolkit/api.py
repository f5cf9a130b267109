"""The public library verbs, in one place; the CLI and `toolkit/__init__.py` use these names."""

from __future__ import annotations

from .gaps import Gap, GapReport, find_gaps
from .generate import GeneratedCopy, generate
from .init import init
from .initiative import Initiative, load_initiative
from .merge import Merged, merge
from .pull import PullResult, SourceProblem, pull
from .submission import Submission
from .templates import Kit, Worksheet, load_kit

__all__ = [
    "Gap",
    "GapReport",
    "GeneratedCopy",
    "Initiative",
    "Kit",
    "Merged",
    "PullResult",
    "SourceProblem",
    "Submission",
    "Worksheet",
    "find_gaps",
    "generate",
    "init",
    "load_initiative",
    "load_kit",
    "merge",
    "pull",
]
