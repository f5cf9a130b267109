"""The initiative file read by libyaml's parser says exactly what the pure-Python parser says."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLE, TEMPLATES
from toolkit import yamlfile
from toolkit.errors import InputError


def python_reading(path: Path) -> tuple[object, dict[tuple[object, ...], int]]:
    text = path.read_text("utf-8-sig")
    data = yaml.load(text, Loader=yamlfile._Loader)
    lines: dict[tuple[object, ...], int] = {}
    node = yaml.compose(text, Loader=yamlfile._Loader)
    assert node is not None
    yamlfile._index(node, (), lines)
    return data, lines


@pytest.mark.parametrize("path", [EXAMPLE, *sorted(TEMPLATES.glob("*.yaml"))], ids=lambda p: p.name)
def test_same_data_and_lines_as_the_python_parser(path: Path) -> None:
    document = yamlfile.read_yaml_document(path, InputError, "fr")
    assert (document.data, document.lines) == python_reading(path)
    assert yamlfile._FastLoader is not None  # PyYAML here is built with libyaml: the fast path ran


def test_a_tab_inside_a_value_is_refused_as_before(tmp_path: Path) -> None:
    """libyaml would take it; PyYAML never did: the coordinator gets the same message as ever."""
    path = tmp_path / "initiative.yaml"
    path.write_text("id: demo\nname: Corpo\tration\n", encoding="utf-8")
    with pytest.raises(yaml.YAMLError):
        yaml.load(path.read_text(), Loader=yamlfile._Loader)
    with pytest.raises(InputError, match="ligne 2"):
        yamlfile.read_yaml_document(path, InputError, "fr")


def test_a_syntax_error_is_worded_by_the_python_parser(tmp_path: Path) -> None:
    path = tmp_path / "initiative.yaml"
    path.write_text("id: demo\nname: L'Atelier: jeunesse\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        yamlfile.read_yaml_document(path, InputError, "en")
    assert "line 2" in str(raised.value) and "double quotes" in str(raised.value)
