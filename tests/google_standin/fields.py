"""Field masks: ``fields=`` partial responses and the ``fields`` update masks of batchUpdate requests.

Grammar (as Google accepts it): ``a,b.c,d/e,files(id,name),userEnteredFormat(backgroundColor,textFormat)``.
"""

from __future__ import annotations

import copy
import re
from typing import Any, Optional

from .schema import discovery

Tree = dict[str, Optional["Tree"]]  # None = the whole field
_NAME = re.compile(r"[A-Za-z0-9_$*@-]+(?:[./][A-Za-z0-9_$*@-]+)*")


class FieldMaskError(ValueError):
    pass


def parse(text: str) -> Tree:
    tree: Tree = {}
    pos = _parse_list(text.replace(" ", ""), 0, tree)
    if pos != len(text.replace(" ", "")):
        raise FieldMaskError(f"Invalid field selection {text}")
    return tree


def _insert(tree: Tree, parts: list[str], sub: Tree | None) -> None:
    node = tree
    for part in parts[:-1]:
        if part in node and node[part] is None:
            return  # already fully selected
        child = node.setdefault(part, {})
        assert child is not None
        node = child
    last = parts[-1]
    if sub is None or node.get(last, {}) is None:
        node[last] = None
    else:
        existing = node.setdefault(last, {})
        assert existing is not None
        for key, value in sub.items():
            _insert(existing, [key], value)


def _parse_list(text: str, pos: int, tree: Tree) -> int:
    while True:
        match = _NAME.match(text, pos)
        if not match:
            raise FieldMaskError(f"Invalid field selection {text}")
        parts = re.split(r"[./]", match.group())
        pos = match.end()
        sub: Tree | None = None
        if pos < len(text) and text[pos] == "(":
            sub = {}
            pos = _parse_list(text, pos + 1, sub)
            if pos >= len(text) or text[pos] != ")":
                raise FieldMaskError(f"Invalid field selection {text}")
            pos += 1
        _insert(tree, parts, sub)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        return pos


def select(value: Any, tree: Tree | None) -> Any:
    """The partial response: only the selected fields of ``value``."""
    if tree is None or "*" in tree:
        return value
    if isinstance(value, list):
        return [select(item, tree) for item in value]
    if isinstance(value, dict):
        return {k: select(value[k], sub) for k, sub in tree.items() if k in value}
    return value


def paths(tree: Tree, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Leaf paths of a mask: ``a(b,c),d`` -> [(a, b), (a, c), (d,)]."""
    out: list[tuple[str, ...]] = []
    for key, sub in tree.items():
        out.extend([(*prefix, key)] if sub is None else paths(sub, (*prefix, key)))
    return out


def apply_update(target: dict[str, Any], source: dict[str, Any], mask: str) -> None:
    """Copy the masked fields of ``source`` into ``target`` (a field absent from ``source`` is cleared)."""
    tree = parse(mask)
    if "*" in tree:
        keep = {k: v for k, v in target.items() if k not in source and k in _PROTECTED}
        target.clear()
        target.update(copy.deepcopy(source))
        target.update(keep)
        return
    for path in paths(tree):
        src: Any = source
        for part in path:
            src = src.get(part) if isinstance(src, dict) else None
        node = target
        for part in path[:-1]:
            node = node.setdefault(part, {})
        if src is None:
            node.pop(path[-1], None)
        else:
            node[path[-1]] = copy.deepcopy(src)


_PROTECTED = frozenset({"sheetId"})


def check(api: str, schema_id: str, tree: Tree, where: str = "") -> None:
    """Reject a mask naming a field the schema does not have (as Google does)."""
    schemas = discovery(api)["schemas"]
    for key, sub in tree.items():
        if key == "*":
            continue
        props = schemas.get(schema_id, {}).get("properties", {})
        if key not in props:
            raise FieldMaskError(f"Invalid field selection {where + key}")
        if sub is None:
            continue
        node = props[key]
        if node.get("type") == "array":
            node = node.get("items", {})
        if "$ref" in node:
            check(api, node["$ref"], sub, f"{where}{key}.")
