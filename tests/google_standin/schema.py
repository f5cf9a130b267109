"""Discovery documents (sheets v4, drive v3) turned into JSON Schema, and request validation.

Every object schema gets ``additionalProperties: false`` so a misspelled field is rejected as Google's
JSON-to-proto layer rejects it ("Unknown name ... Cannot find field"). JSON ``null`` means "unset" in
Google's JSON mapping, so object members that are ``null`` are dropped before validation.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import googleapiclient
import jsonschema

Api = Literal["sheets", "drive"]
Json = Any

DOCUMENTS = os.path.join(os.path.dirname(googleapiclient.__file__), "discovery_cache", "documents")
_FILES: dict[str, str] = {"sheets": "sheets.v4.json", "drive": "drive.v3.json"}

# Fields Google accepts although the discovery document does not list them. gspread 6.2.1's
# ``Spreadsheet.share()`` sends the Drive v2 field ``withLink`` to permissions.create (v3), and Drive v3
# ignores it rather than failing, so rejecting it would make the stand-in stricter than Google.
TOLERATED_FIELDS: dict[tuple[str, str], frozenset[str]] = {("drive", "Permission"): frozenset({"withLink"})}
# Likewise gspread 6.2.1's ``get_file_drive_metadata`` sends ``includeItemsFromAllDrives`` to files.get, which
# Drive (an apiary API, unlike Sheets) ignores. Any other unknown query parameter is refused.
TOLERATED_PARAMS: dict[str, frozenset[str]] = {"drive.files.get": frozenset({"includeItemsFromAllDrives"})}


class RequestValidationError(ValueError):
    """A request body or query parameter that Google would refuse with 400."""

    def __init__(self, message: str, path: str = "$") -> None:
        super().__init__(f"{message} (at {path})")
        self.message = message
        self.path = path


@functools.cache
def discovery(api: str) -> dict[str, Any]:
    """The raw discovery document of ``api`` ("sheets" or "drive")."""
    if api not in _FILES:
        raise KeyError(f"unknown api {api!r}")
    with open(os.path.join(DOCUMENTS, _FILES[api]), encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle)
    return document


def _convert(node: Mapping[str, Any], api: str, owner: str | None = None) -> dict[str, Any]:
    """One discovery schema node as JSON Schema (Draft 2020-12)."""
    if "$ref" in node:
        return {"$ref": f"#/$defs/{node['$ref']}"}
    kind = node.get("type")
    out: dict[str, Any]
    if kind == "any" or kind is None:
        out = {}
    elif kind == "object":
        out = {"type": "object"}
        if "properties" in node:
            out["properties"] = {k: _convert(v, api) for k, v in node["properties"].items()}
            for name in TOLERATED_FIELDS.get((api, owner or ""), frozenset()):
                out["properties"][name] = {}
        if "additionalProperties" in node:  # a map<string, T>
            out["additionalProperties"] = _convert(node["additionalProperties"], api)
        else:
            out["additionalProperties"] = False
    elif kind == "array":
        out = {"type": "array", "items": _convert(node.get("items", {}), api)}
    elif kind == "string" and node.get("format") in ("int64", "uint64"):
        # Google's JSON mapping writes 64-bit integers as strings and accepts both forms.
        out = {"type": ["string", "integer"], "pattern": r"^-?[0-9]+$"}
    elif kind == "integer":
        out = {"type": ["integer", "string"], "pattern": r"^-?[0-9]+$"}
    elif kind == "number":
        out = {"type": ["number", "string"], "pattern": r"^(-?[0-9.eE+-]+|NaN|-?Infinity)$"}
    elif kind in ("string", "boolean"):
        out = {"type": kind}
    else:  # pragma: no cover - the documents use no other type
        raise ValueError(f"unsupported discovery type {kind!r}")
    if "enum" in node:
        out["enum"] = list(node["enum"])
    return out


@functools.cache
def json_schema(api: str) -> dict[str, Any]:
    """All schemas of ``api`` as one JSON Schema document with ``$defs`` keyed by schema id."""
    defs = {name: _convert(node, api, name) for name, node in discovery(api)["schemas"].items()}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": defs}


@functools.cache
def _validator(api: str, schema_id: str) -> jsonschema.protocols.Validator:
    root = json_schema(api)
    if schema_id not in root["$defs"]:
        raise KeyError(f"{api} has no schema {schema_id!r}")
    schema = {"$schema": root["$schema"], "$defs": root["$defs"], "$ref": f"#/$defs/{schema_id}"}
    return jsonschema.Draft202012Validator(schema)


def _methods(resources: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    for resource in resources.values():
        yield from resource.get("methods", {}).values()
        yield from _methods(resource.get("resources", {}))


@functools.cache
def methods(api: str) -> dict[str, dict[str, Any]]:
    """Discovery methods of ``api`` keyed by id, e.g. ``sheets.spreadsheets.values.update``."""
    return {m["id"]: m for m in _methods(discovery(api)["resources"])}


def method(api: str, method_id: str) -> dict[str, Any]:
    full = method_id if method_id.startswith(f"{api}.") else f"{api}.{method_id}"
    try:
        return methods(api)[full]
    except KeyError:
        raise KeyError(f"{api} has no method {method_id!r}") from None


def request_schema_id(api: str, method_id: str) -> str | None:
    """``sheets.spreadsheets.create`` -> ``Spreadsheet``; None for a method without a body."""
    ref = method(api, method_id).get("request", {}).get("$ref")
    return str(ref) if ref else None


def response_schema_id(api: str, method_id: str) -> str | None:
    ref = method(api, method_id).get("response", {}).get("$ref")
    return str(ref) if ref else None


def strip_nulls(value: Json) -> Json:
    """Drop ``null`` object members (Google treats them as unset); keep list items as they are."""
    if isinstance(value, dict):
        return {k: strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_nulls(v) for v in value]
    return value


def _json_path(parts: Iterable[Any]) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _google_path(parts: Iterable[Any]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validate_schema(api: str, schema_id: str, body: Json) -> None:
    """Validate ``body`` against the discovery schema ``schema_id``; raise on the first problem."""
    errors = sorted(_validator(api, schema_id).iter_errors(strip_nulls(body)), key=lambda e: list(e.path))
    if not errors:
        return
    error = min(errors, key=lambda e: (e.validator != "additionalProperties", len(e.path)))
    parts = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}) if isinstance(error.schema, dict) else {})
        unknown = sorted(set(error.instance) - known)
        name = unknown[0] if unknown else "?"
        message = f"Invalid JSON payload received. Unknown name \"{name}\" at '{_google_path(parts)}': " + (
            "Cannot find field."
        )
        raise RequestValidationError(message, _json_path([*parts, name]))
    if error.validator == "enum":
        message = (
            f"Invalid value at '{_google_path(parts)}', {json.dumps(error.instance)}: not one of the enum"
        )
    else:
        message = f"Invalid value at '{_google_path(parts)}' ({error.validator}): {error.message}"
    raise RequestValidationError(message, _json_path(parts))


def validate(api: Api | str, method_id: str, body: Json) -> None:
    """Validate a request body for ``method_id`` (e.g. ``sheets.spreadsheets.batchUpdate``).

    Raises :class:`RequestValidationError` naming the JSON path of the first problem.
    """
    schema_id = request_schema_id(api, method_id)
    if schema_id is None:
        if body not in (None, {}, b"", ""):
            raise RequestValidationError(f"{method_id} takes no request body")
        return
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise RequestValidationError("Invalid JSON payload received. Expected an object.")
    validate_schema(api, schema_id, body)


_TRUE_FALSE = {"true": True, "false": False, "1": True, "0": False}


def validate_params(api: Api | str, method_id: str, params: Mapping[str, list[str]]) -> dict[str, Any]:
    """Check query parameters against the method's (and the API's global) parameters.

    Returns them converted: booleans, integers, lists for repeated parameters, strings otherwise.
    """
    declared = {
        **discovery(api)["parameters"],
        **{
            k: v
            for k, v in method(api, method_id).get("parameters", {}).items()
            if v.get("location") == "query"
        },
    }
    out: dict[str, Any] = {}
    for name, values in params.items():
        spec = declared.get(name)
        if spec is None and name in TOLERATED_PARAMS.get(method(api, method_id)["id"], frozenset()):
            continue
        if spec is None:
            raise RequestValidationError(
                f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query parameter. '
                f"Field '{name}' could not be found in request message.",
                f"?{name}",
            )
        if len(values) > 1 and not spec.get("repeated"):
            raise RequestValidationError(f"Parameter '{name}' is not repeated but given {len(values)} times.")
        converted = [_convert_param(name, spec, v) for v in values]
        out[name] = converted if spec.get("repeated") else converted[0]
    return out


def _convert_param(name: str, spec: Mapping[str, Any], raw: str) -> Any:
    kind = spec.get("type")
    if kind == "boolean":
        if raw.lower() not in _TRUE_FALSE:
            raise RequestValidationError(f"Invalid value at '{name}' (TYPE_BOOL), \"{raw}\"", f"?{name}")
        return _TRUE_FALSE[raw.lower()]
    if kind == "integer":
        try:
            number = int(raw)
        except ValueError:
            raise RequestValidationError(
                f"Invalid value at '{name}' (TYPE_INT32), \"{raw}\"", f"?{name}"
            ) from None
        if "minimum" in spec and number < int(spec["minimum"]):
            raise RequestValidationError(f"Invalid value at '{name}': below {spec['minimum']}", f"?{name}")
        return number
    if "enum" in spec and raw not in spec["enum"]:
        raise RequestValidationError(
            f"Invalid value at '{name}' (type.googleapis.com/enum), \"{raw}\"", f"?{name}"
        )
    return raw


def schema_properties(api: str, schema_id: str) -> dict[str, Any]:
    """Discovery properties of ``schema_id`` (for field-mask checks)."""
    node = discovery(api)["schemas"].get(schema_id, {})
    props: dict[str, Any] = node.get("properties", {})
    return props
