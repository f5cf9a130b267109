"""Long text split into cell-sized parts: the fast split agrees with the plain definition, char by char."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.longtext import cost, head, split_text
from toolkit.text import CELL_LIMIT


def reference_split(text: str, limit: int) -> list[str]:
    """The definition: walk the characters, start a new part when the next one would overflow."""
    parts, start, used = [], 0, 0
    for i, char in enumerate(text):
        weight = cost(char) + 6 * (char == "_")
        if used + weight > limit:
            parts.append(text[start:i])
            start, used = i, 0
        used += weight
    parts.append(text[start:])
    return parts


# plain letters with the characters that cost more: '_' (7), forbidden (7), astral (2)
texts = st.text(alphabet=st.sampled_from("ab é_\x01\x0b\U0001f600\n"), max_size=400)


@settings(max_examples=400)
@given(texts, st.integers(min_value=1, max_value=40))
def test_split_text_is_the_character_walk(text: str, limit: int) -> None:
    assert split_text(text, limit) == reference_split(text, limit)
    assert "".join(split_text(text, limit)) == text


@settings(max_examples=200)
@given(texts, st.integers(min_value=1, max_value=40), st.text(max_size=5))
def test_head_is_the_first_part_and_the_mark(text: str, limit: int, mark: str) -> None:
    assert head(text, mark, limit) == reference_split(text, limit - len(mark))[0] + mark


def test_a_merged_cell_of_megabytes_is_cut_at_the_cell_limit() -> None:
    answers = "\n".join(f"Partner_{i}: answer {i} with an underscore_ and é" for i in range(60_000))
    mark = "… (continued)"
    cut = head(answers, mark, CELL_LIMIT)
    assert cut == reference_split(answers[:CELL_LIMIT], CELL_LIMIT - len(mark))[0] + mark
    parts = split_text(answers)
    assert "".join(parts) == answers
    assert parts == reference_split(answers, CELL_LIMIT)
