"""JSON Schemas of the declarative inputs, and one way to check a document against them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError


@cache
def _validator(name: str) -> Draft202012Validator:
    text = resources.files(__package__).joinpath(f"{name}.schema.json").read_text(encoding="utf-8")
    return Draft202012Validator(json.loads(text), format_checker=FormatChecker())


def format_path(parts: Iterable[object]) -> str:
    """['columns', 2, 'type'] -> 'columns[2].type' (the path a person reads in the YAML)."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def schema_problems(name: str, document: Any) -> list[str]:
    """Every problem of `document` against schema `name`, as 'path: message', in document order."""
    problems = []
    for error in sorted(_validator(name).iter_errors(document), key=lambda e: [str(p) for p in e.path]):
        message = error.message
        if error.validator == "oneOf" and not error.path:
            message = "give either 'rows' (a fixed worksheet) or 'entries' and 'key' (an open worksheet)"
        problems.append(f"{format_path(error.absolute_path)}: {message}")
    return problems


def schema_errors(name: str, document: Any) -> list[ValidationError]:
    """Every error of `document` against schema `name`, for callers that word the messages themselves."""
    return list(_validator(name).iter_errors(document))
