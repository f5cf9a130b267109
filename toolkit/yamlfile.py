"""Reading the coordinator's YAML files with errors that name the file and the line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError
from .text import Language, Text


class _Loader(yaml.SafeLoader):
    """Safe loader that leaves dates as text: the JSON Schema checks them and names a bad one."""


_NO_TIMESTAMPS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.yaml_implicit_resolvers = _NO_TIMESTAMPS
# libyaml's parser (yaml.CSafeLoader) when PyYAML was built with it: the same documents and lines,
# ten times faster on an initiative of 5,000 partners. A file it refuses is read again by the
# pure-Python loader, so every message a coordinator sees stays word for word the same.
_FastLoader: type[Any] | None = None
if hasattr(yaml, "CSafeLoader"):

    class _CLoader(yaml.CSafeLoader):
        """The C parser, with the same resolvers (no timestamps)."""

    _CLoader.yaml_implicit_resolvers = _NO_TIMESTAMPS
    _FastLoader = _CLoader

Path_ = tuple[object, ...]

MESSAGES: dict[str, Text] = {
    "not_found": Text("{file} : fichier introuvable", "{file}: file not found"),
    "unreadable": Text(
        "{file} : impossible de lire le fichier ({detail})", "{file}: cannot be read ({detail})"
    ),
    "encoding": Text(
        "{file}, ligne {line} : le fichier n'est pas en UTF-8; enregistrez le fichier en UTF-8 "
        "(Bloc-notes : Fichier > Enregistrer sous > Encodage : UTF-8).",
        "{file}, line {line}: the file is not UTF-8; save the file as UTF-8 "
        "(Notepad: File > Save as > Encoding: UTF-8).",
    ),
    "syntax": Text(
        "{file}, ligne {line} : le texte n'est pas écrit correctement pour un fichier YAML "
        "(vérifiez l'indentation et les deux-points).",
        "{file}, line {line}: not valid YAML ({problem}); check the indentation and the colons.",
    ),
    "quoting": Text(
        "{file}, ligne {line} : une valeur contient une apostrophe, un deux-points ou un guillemet; "
        'mettez-la entre guillemets doubles, par exemple name: "L\'Atelier : jeunesse".',
        "{file}, line {line}: a value holds an apostrophe, a colon or a quote; "
        'put it between double quotes, for example name: "L\'Atelier: youth".',
    ),
}


@dataclass(frozen=True)
class YamlDocument:
    """A YAML file's data and the line where each value starts (to point the coordinator at it)."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int | None:
        """The 1-based line of `path` (a key or list index path), or of its nearest parent."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None


def read_yaml(path: Path, error: type[InputError]) -> Any:
    """The data only, for a caller that ignores its problems' wording (messages in English)."""
    return read_yaml_document(path, error, "en").data


def read_yaml_document(path: Path, error: type[InputError], language: Language) -> YamlDocument:
    """The document with its line numbers; every reading problem is one sentence a coordinator can act on."""

    def fail(key: str, **fields: object) -> InputError:
        exc = error(MESSAGES[key](language).format(**fields))
        exc.language = language
        return exc

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise fail("not_found", file=path) from None
    except OSError as exc:
        raise fail("unreadable", file=path, detail=exc.strerror or exc) from None
    try:
        text = raw.decode("utf-8-sig")  # Notepad may put a byte-order mark first
    except UnicodeDecodeError as exc:
        raise fail("encoding", file=path.name, line=raw[: exc.start].count(b"\n") + 1) from None
    try:
        try:
            # libyaml takes a tab inside a value that PyYAML refuses: such a file keeps PyYAML's answer
            data, node = _load(text, _FastLoader if _FastLoader and "\t" not in text else _Loader)
        except yaml.YAMLError:
            if _FastLoader is None:
                raise
            data, node = _load(text, _Loader)  # refused: the pure-Python loader words it, as ever
    except yaml.YAMLError as exc:
        quoting, line = _quoting_problem(text, exc)
        problem = getattr(exc, "problem", None) or str(exc)
        key = "quoting" if quoting else "syntax"
        raise fail(key, file=path.name, line=line, problem=problem) from None
    lines: dict[Path_, int] = {}
    if node is not None:
        _index(node, (), lines)
    return YamlDocument(data, lines)


def _load(text: str, loader_class: type[Any]) -> tuple[Any, yaml.Node | None]:
    """The data and its node tree from one parse (both loaders are safe loaders)."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, (node if data is not None else None)


def _quoting_problem(text: str, exc: yaml.YAMLError) -> tuple[bool, int]:
    """(whether an apostrophe, a colon or a quote in a value is the likely cause, the line to show)."""
    problem = str(getattr(exc, "problem", "") or "")
    context = str(getattr(exc, "context", "") or "")
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    rows = text.splitlines()
    if "quoted scalar" in context and context_mark is not None:  # a quote opened and never closed
        return True, context_mark.line + 1
    mark = problem_mark or context_mark
    if mark is None:
        return False, 1
    row = rows[mark.line] if mark.line < len(rows) else ""
    if "mapping values are not allowed" in problem:  # 'name: A: B' (but not a mis-indented key)
        return row.count(":") >= 2, mark.line + 1
    return ("'" in row or '"' in row), mark.line + 1


def _index(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, key.value)
            _index(value, child, lines)
            lines[child] = key.start_mark.line + 1  # the key's line, even for a nested block
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, (*path, i), lines)
