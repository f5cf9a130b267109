"""Drive's ``q`` search language, compiled to a predicate over the stand-in's files."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .identity import WEB_APP
from .instrument import ApiError

if TYPE_CHECKING:
    from .drive import DriveFile, DriveStore

# -- the q language ------------------------------------------------------------------------------------
_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\")|(?P<op><=|>=|!=|=|<|>|\(|\)|\{|\}|,)"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_.]*))"
)
Predicate = Callable[["DriveFile"], bool]


def _invalid(query: str) -> ApiError:
    return ApiError(400, "Invalid Value", reason="invalid")


def _tokens(query: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(query.rstrip()):
        match = _TOKEN.match(query, pos)
        if not match or match.end() == pos:
            raise _invalid(query)
        kind = match.lastgroup or ""
        text = match.group(kind)
        if kind == "str":
            text = re.sub(r"\\(.)", r"\1", text[1:-1])
        out.append((kind, text))
        pos = match.end()
    return out


def parse_query(query: str, store: DriveStore, user: str) -> Predicate:
    """Compile a Drive ``q`` expression.

    Supports and/or/not, parentheses, ``'x' in parents|owners|writers|readers``, ``name``/``mimeType``
    = != contains, ``trashed``/``starred`` = bool, ``modifiedTime``/``createdTime`` comparisons,
    ``appProperties``/``properties has { key='k' and value='v' }``.
    """
    tokens = _tokens(query)
    pos = 0

    def peek(offset: int = 0) -> tuple[str, str]:
        return tokens[pos + offset] if pos + offset < len(tokens) else ("end", "")

    def take(expected: str | None = None) -> tuple[str, str]:
        nonlocal pos
        token = peek()
        if token[0] == "end" or (expected is not None and token[1].lower() != expected):
            raise _invalid(query)
        pos += 1
        return token

    def expr() -> Predicate:
        left = term()
        while peek()[1].lower() == "or":
            take()
            right = term()
            left = (lambda a, b: lambda f: a(f) or b(f))(left, right)
        return left

    def term() -> Predicate:
        left = factor()
        while peek()[1].lower() == "and":
            take()
            right = factor()
            left = (lambda a, b: lambda f: a(f) and b(f))(left, right)
        return left

    def factor() -> Predicate:
        if peek()[1].lower() == "not":
            take()
            inner = factor()
            return lambda f: not inner(f)
        if peek()[1] == "(":
            take()
            inner = expr()
            take(")")
            return inner
        return condition()

    def people(f: DriveFile, field_name: str) -> list[str]:
        if field_name == "owners":
            return [f.owner]
        roles = {"writers": ("writer", "owner"), "readers": ("reader", "commenter", "writer", "owner")}
        return [p.get("emailAddress", "") for p in f.permissions if p["role"] in roles[field_name]]

    def condition() -> Predicate:
        first = take()
        if first[0] == "str":  # 'value' in collection
            take("in")
            collection = take()[1]
            value = first[1]
            return membership(collection, value)
        name = first[1]
        op = take()[1].lower()
        if op == "in":  # gspread 6.2.1 writes `parents in "folder"`
            return membership(name, take()[1])
        if op == "has":
            return has(name)
        kind, raw = take()
        return compare(name, op, raw if kind == "str" else raw.lower())

    def membership(collection: str, value: str) -> Predicate:
        if collection == "parents":
            target = store.root(user) if value == "root" else value
            return lambda f: target in f.parents
        if collection in ("owners", "writers", "readers"):
            who = user.lower() if value == "me" else value.lower()
            return lambda f: who in [p.lower() for p in people(f, collection)]
        raise _invalid(query)

    def has(name: str) -> Predicate:
        if name not in ("appProperties", "properties"):
            raise _invalid(query)
        take("{")
        take("key")
        take("=")
        key = take()[1]
        take("and")
        take("value")
        take("=")
        value = take()[1]
        take("}")
        app = store.view.app if store.view is not None else WEB_APP

        def props(f: DriveFile) -> dict[str, str]:
            return f.app_properties_by_app.get(app, {}) if name == "appProperties" else f.properties

        return lambda f: props(f).get(key) == value

    def compare(name: str, op: str, value: str) -> Predicate:
        getters: dict[str, Callable[[DriveFile], Any]] = {
            "name": lambda f: f.name,
            "mimeType": lambda f: f.mime_type,
            "trashed": lambda f: "true" if f.trashed else "false",
            "starred": lambda f: "true" if f.starred else "false",
            "modifiedTime": lambda f: f.modified,
            "createdTime": lambda f: f.created,
            "fullText": lambda f: f.name,
        }
        if name not in getters:
            raise _invalid(query)
        get = getters[name]
        if name.endswith("Time"):
            value = value[:19]
            ops: dict[str, Callable[[str, str], bool]] = {
                "=": lambda a, b: a[:19] == b,
                "!=": lambda a, b: a[:19] != b,
                "<": lambda a, b: a[:19] < b,
                "<=": lambda a, b: a[:19] <= b,
                ">": lambda a, b: a[:19] > b,
                ">=": lambda a, b: a[:19] >= b,
            }
        else:
            ops = {
                "=": lambda a, b: a == b,
                "!=": lambda a, b: a != b,
                "contains": lambda a, b: b.lower() in a.lower(),
            }
        if op not in ops:
            raise _invalid(query)
        check = ops[op]
        return lambda f: check(get(f), value)

    predicate = expr()
    if pos != len(tokens):
        raise _invalid(query)
    return predicate
