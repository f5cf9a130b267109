"""JSON Schemas of the declarative inputs, and one way to check a document against them."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError


@cache
def _validator(name: str) -> Draft202012Validator:
    text = resources.files(__package__).joinpath(f"{name}.schema.json").read_text(encoding="utf-8")
    return Draft202012Validator(json.loads(text), format_checker=FormatChecker())


def schema_errors(name: str, document: Any) -> list[ValidationError]:
    """Every error of `document` against schema `name`, for callers that word the messages themselves."""
    return list(_validator(name).iter_errors(document))
