"""Every message catalogue, both languages: no English left in French, nothing left untranslated,
one kind of apostrophe in French, the Québec terms chosen (taux de remplissage, not « complétion »)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator

import pytest

import toolkit
from toolkit.cli_help import CommandHelp
from toolkit.problems import ProblemKind
from toolkit.render import HEADINGS
from toolkit.text import Text

# Words that give away an English sentence; none is French. (Setting names such as `name`, `email`,
# `people` and command names are the file's and the CLI's own words, so they are not listed.)
ENGLISH = {
    "the",
    "and",
    "of",
    "is",
    "not",
    "with",
    "from",
    "by",
    "your",
    "please",
    "file",
    "copy",
    "partner",
    "missing",
    "error",
    "warning",
    "found",
    "none",
    "empty",
    "cell",
    "cells",
    "sheet",
    "value",
    "values",
    "invalid",
    "received",
    "report",
    "unreadable",
    "nobody",
    "tab",
    "row",
    "column",
    "setting",
    "must",
    "cannot",
    "example",
    "yes",
    "already",
    "line",
}
# Words French avoids in favour of the Québec terms the toolkit uses.
AVOIDED = {"complétion": "taux de remplissage"}
# The same in both languages on purpose.
SAME_ON_PURPOSE = {"Message", "Coordination — {initiative}", "{partner} : {change}"}


def _modules() -> Iterator[object]:
    for info in pkgutil.walk_packages(toolkit.__path__, "toolkit."):
        if not info.name.endswith("__main__"):  # running it would run the CLI
            yield importlib.import_module(info.name)


def _texts(value: object, name: str) -> Iterator[tuple[str, Text]]:
    if isinstance(value, Text):
        yield name, value
    elif isinstance(value, ProblemKind):
        yield f"{name}.message", value.message
        yield f"{name}.description", value.description
        if value.label:
            yield f"{name}.label", value.label
        for key, text in value.variants.items():
            yield f"{name}.{key}", text
    elif isinstance(value, CommandHelp):  # what `toolkit … --help` says
        yield f"{name}.summary", value.summary
        if value.details:
            yield f"{name}.details", value.details
        yield from _texts(dict(value.params), f"{name}.params")
        for number, example in enumerate(value.examples):
            yield f"{name}.examples[{number}]", example.what
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{name}[{key}]")


def catalogue() -> dict[str, Text]:
    found: dict[str, Text] = {}
    seen: set[int] = set()  # a catalogue imported elsewhere is scanned once, under its own module
    for module in _modules():
        for attr, value in vars(module).items():
            defined_here = re.search(rf"^{attr}\b[^=]*=", inspect.getsource(module), re.M)  # type: ignore[arg-type]
            if (attr.isupper() or attr.endswith("WORDS")) and defined_here:
                for name, text in _texts(value, f"{module.__name__}.{attr}"):  # type: ignore[attr-defined]
                    if id(text) not in seen:
                        seen.add(id(text))
                        found[name] = text
    for key in HEADINGS["fr"]:
        found[f"toolkit.render.HEADINGS[{key}]"] = Text(HEADINGS["fr"][key], HEADINGS["en"][key])
    return found


CATALOGUE = catalogue()


def _words(text: str) -> list[str]:
    text = re.sub(r"\{[^}]*\}", " ", text)  # placeholders
    text = re.sub(r"`[^`]*`|\w+(\.\w+)+", " ", text)  # commands and technical names (drive.file)
    text = re.sub(r"toolkit [a-z-]+( --[a-z-]+)*|--[a-z-]+|\S+\.(yaml|xlsx|ods|org)\b", " ", text)
    return re.findall(r"[^\W\d_]+", text.lower())


def test_the_catalogue_is_found() -> None:
    assert len(CATALOGUE) > 250
    assert "toolkit.problems.GAPS[missing_submission].message" in CATALOGUE
    assert "toolkit.reports.words.REPORT_WORDS[title]" in CATALOGUE
    assert "toolkit.config_messages.MESSAGES[email]" in CATALOGUE
    assert "toolkit.config_messages.MESSAGES[column_named]" in CATALOGUE
    assert "toolkit.template_messages.MESSAGES[id_mismatch]" in CATALOGUE  # worksheet templates and kits
    assert "toolkit.cli_help.COMMANDS[gaps].params[--details]" in CATALOGUE


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_french_entry_is_french(name: str) -> None:
    text = CATALOGUE[name]
    english = sorted(set(_words(text.fr)) & ENGLISH)
    assert not english, f"{name}: English in French: {english} in {text.fr!r}"
    avoided = [word for word in AVOIDED if word in text.fr.lower()]
    assert not avoided, f"{name}: write « {AVOIDED[avoided[0]]} » rather than « {avoided[0]} »"
    assert "’" not in text.fr, f"{name}: French uses the straight apostrophe (') throughout"


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_entry_is_translated(name: str) -> None:
    text = CATALOGUE[name]
    if text.fr in SAME_ON_PURPOSE or len(_words(text.fr)) < 2:  # "date", "Message": the same word
        return
    assert text.fr != text.en, f"{name}: the same text in French and English: {text.fr!r}"
    assert text.en.strip(), f"{name}: no English"


def test_the_scan_catches_english_in_french() -> None:
    assert sorted(set(_words("fichier introuvable (no such file)")) & ENGLISH) == ["file"]
    assert _words("voir {partner} dans toolkit gaps --details et initiative.yaml") == ["voir", "dans", "et"]


def test_worksheet_templates_use_the_same_apostrophe() -> None:
    from toolkit.templates import builtin_templates_dir

    for path in sorted(builtin_templates_dir().glob("*.yaml")):
        assert "’" not in path.read_text(encoding="utf-8"), f"{path.name}: use ' (as every other French text)"
