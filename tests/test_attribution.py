"""Attribution: a copy whose evidence disagrees is named, kept apart, and never replaces another copy."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLE, FIXED_NOW, fill
from toolkit import api
from toolkit.backends.local_files import read
from toolkit.cli import main
from toolkit.initiative import Initiative
from toolkit.metadata import METADATA_TAB
from toolkit.rawbook import RawWorkbook

PROGRESS, BACKBONE = "Canevas des progrès", "Infrastructure de soutien"
CDC, BARIL, CPE = "cdc-hochelaga", "ecole-baril", "cpe-les-lucioles"
CDC_NAME, BARIL_NAME = "Corporation de développement communautaire Hochelaga", "École primaire Baril"
KEPT_APART = "Vérifiez auprès des partenaires (renommez le fichier, ajoutez l'adresse de l'expéditeur au "
KEPT_APART += "partenaire ou demandez une nouvelle copie)."


def claim(
    path: Path, partner: str | None, *, tab: bool = True, props: bool = True, copy_id: str = ""
) -> Path:
    """Edit a copy's own account of whose it is, the way a partner could (hidden tab, properties)."""
    wb = openpyxl.load_workbook(path)
    meta = wb[METADATA_TAB]
    for row in meta.iter_rows():
        if row[0].value == "copy" and row[1].value == "partner" and tab:
            row[2].value = partner or ""
        if row[0].value == "copy" and row[1].value == "copy_id" and copy_id:
            row[2].value = copy_id
    for prop in wb.custom_doc_props.props:
        if prop.name == "toolkit.partner" and props:
            prop.value = partner or ""
    wb.save(path)
    return path


def stamp(path: Path, day: int) -> Path:
    moment = dt.datetime(2026, 11, day, 12, tzinfo=dt.UTC).timestamp()
    os.utime(path, (moment, moment))
    return path


@pytest.fixture
def issued(initiative: Initiative, tmp_path: Path) -> tuple[Initiative, dict[str | None, Path]]:
    """Copies made by generate with their own register of issued copies (as a coordinator has one)."""
    with_register = dataclasses.replace(initiative, issued_path=tmp_path / "issued_copies.json")
    made = api.generate(with_register, tmp_path / "issued", now=FIXED_NOW)
    return with_register, {c.partner_id: Path(c.where) for c in made}


def test_generate_records_each_copy_id_in_the_register(
    issued: tuple[Initiative, dict[str | None, Path]],
) -> None:
    initiative, copies = issued
    assert initiative.issued_path is not None
    register = json.loads(initiative.issued_path.read_text(encoding="utf-8"))
    by_partner = {c["partner"]: c for c in register["copies"]}
    assert set(by_partner) == {p.id for p in initiative.partners} | {None}
    pulled = api.pull(copies[CDC], initiative).submissions[0]
    assert pulled.copy_id == by_partner[CDC]["copy_id"] and len(pulled.copy_id or "") == 24
    assert by_partner[CDC]["where"] == str(copies[CDC])
    assert [e.kind for e in pulled.evidence] == ["issued", "metadata", "properties", "filename"]
    assert not pulled.disputed and pulled.notes == ()


def test_spoofed_copy_is_kept_apart_and_never_supersedes_the_genuine_one(
    issued: tuple[Initiative, dict[str | None, Path]],
) -> None:
    """École Baril's copy edited to claim the CDC: newer than the CDC's genuine copy, it takes nothing."""
    initiative, copies = issued
    genuine = stamp(fill(copies[CDC], {(PROGRESS, "B5"): "Table créée en 2019"}), 2)
    spoof = stamp(claim(fill(copies[BARIL], {(PROGRESS, "B5"): "Réponse de l'école"}), CDC), 20)

    pulled = api.pull([genuine, spoof], initiative)
    by_source = {s.source: s for s in pulled.submissions}
    assert by_source[str(spoof)].disputed and by_source[str(spoof)].partner_id == BARIL  # the register
    assert not by_source[str(genuine)].disputed

    merged = api.merge(pulled, initiative)
    assert [s.source for s in merged.accepted] == [str(genuine)]
    assert [s.source for s in merged.disputed] == [str(spoof)] and merged.superseded == ()
    assert merged.values[("progress_canvas", "overview", "activities")] == "Table créée en 2019"
    spoofed = merged.contributions[merged.contributions["status"] == "disputed"]
    assert list(zip(spoofed["partner"], spoofed["text"], spoofed["location"], strict=True)) == [
        (BARIL, "Réponse de l'école", f"{PROGRESS}!B5")
    ]

    gaps = api.find_gaps(pulled, initiative, merged=merged)
    disputes = [g for g in gaps.gaps if g.kind == "attribution_disputed"]
    assert [(g.severity, g.partner, g.message) for g in disputes] == [
        (
            "error",
            BARIL,
            "Copie « hochelaga-ensemble_ecole-baril.xlsx » : attribution contestée : "
            f"{BARIL_NAME} selon le registre des copies émises et le nom du fichier, mais {CDC_NAME} "
            "selon l'onglet caché _toolkit et les propriétés du document; copie mise à part, non "
            f"fusionnée. {KEPT_APART}",
        )
    ]
    missing = {g.partner for g in gaps.gaps if g.kind == "missing_submission"}
    assert BARIL not in missing and CDC not in missing and CPE in missing  # the dispute says it instead


def test_without_a_register_the_file_name_disputes_the_hidden_tab(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    """Before this change the copy went to the CDC and replaced its genuine copy without a word."""
    alone = dataclasses.replace(initiative, issued_path=tmp_path / "none.json", language="en")
    genuine = stamp(fill(copies[CDC], {(PROGRESS, "B5"): "Genuine"}), 2)
    spoof = stamp(claim(fill(copies[BARIL], {(PROGRESS, "B5"): "Spoof"}), CDC), 20)
    merged = api.merge([genuine, spoof], alone)
    assert [s.partner_id for s in merged.accepted] == [CDC] and merged.accepted[0].source == str(genuine)
    gap = next(g for g in api.find_gaps([genuine, spoof], alone).gaps if g.kind == "attribution_disputed")
    assert gap.message == (
        "Copy “hochelaga-ensemble_ecole-baril.xlsx”: disputed attribution: "
        f"{CDC_NAME} according to the hidden _toolkit tab and the document properties, but {BARIL_NAME} "
        "according to the file name; copy kept apart, not merged. Check with the partners (rename the "
        "file, add the sender's address to the partner, or ask for a fresh copy)."
    )


def test_register_catches_a_copy_renamed_and_relabelled_everywhere(
    issued: tuple[Initiative, dict[str | None, Path]], tmp_path: Path
) -> None:
    initiative, copies = issued
    renamed = tmp_path / "issued" / "hochelaga-ensemble_cdc-hochelaga (2).xlsx"
    claim(copies[BARIL], CDC).rename(renamed)
    submission = api.pull(renamed, initiative).submissions[0]
    assert submission.disputed and submission.partner_id == BARIL
    assert [n.code for n in submission.notes] == ["attribution_disputed"]


def test_tab_and_properties_giving_two_copy_ids_is_a_dispute(
    issued: tuple[Initiative, dict[str | None, Path]],
) -> None:
    initiative, copies = issued
    claim(copies[BARIL], BARIL, copy_id="0123456789abcdef01234567")
    submission = api.pull(copies[BARIL], initiative).submissions[0]
    assert submission.disputed
    assert [n.code for n in submission.notes] == ["copy_id_mismatch", "copy_not_issued"]


def test_a_copy_id_the_register_does_not_know_is_said(
    issued: tuple[Initiative, dict[str | None, Path]], copies: dict[str | None, Path]
) -> None:
    """A copy made elsewhere (another machine, another register): a warning, not a dispute."""
    initiative, _ = issued
    submission = api.pull(copies[CPE], initiative).submissions[0]
    assert not submission.disputed and submission.partner_id == CPE
    assert [n.code for n in submission.notes] == ["copy_not_issued"]
    message = api.find_gaps([copies[CPE]], initiative).gaps
    assert any(
        g.kind == "structure_changed" and "absent du registre des copies émises" in g.message for g in message
    )


def test_one_issued_copy_back_under_two_partners_is_kept_apart(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    """The CDC's copy filled twice, once relabelled as the CPE's and renamed: one of them lies."""
    alone = dataclasses.replace(initiative, issued_path=tmp_path / "none.json")
    twin = tmp_path / "copie-cpe-les-lucioles.xlsx"
    fill(copies[CDC], {(PROGRESS, "B5"): "Par la CDC"}, save_as=twin)
    claim(twin, CPE)
    fill(copies[CDC], {(PROGRESS, "B5"): "Vraiment la CDC"})
    merged = api.merge([copies[CDC], twin], alone)
    assert merged.accepted == () and len(merged.disputed) == 2
    assert {n.code for s in merged.disputed for n in s.notes} == {"copy_id_reused"}


def test_blank_copy_named_after_a_partner_is_theirs(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    path = fill(
        copies[None], {(PROGRESS, "B5"): "Rempli par l'école"}, save_as=tmp_path / "vierge_ecole-baril.xlsx"
    )
    submission = api.pull(path, initiative).submissions[0]
    assert (submission.partner_id, submission.disputed) == (BARIL, False)
    assert [n.code for n in submission.notes] == ["partner_from_filename"]


def with_sender(sender: str):  # type: ignore[no-untyped-def]
    def reader(source: str) -> RawWorkbook:
        return dataclasses.replace(read(source), sender=sender)

    return reader


@pytest.mark.parametrize(
    "sender, partner, codes, disputed",
    [
        ("Sophie Tremblay <S.Tremblay@ecole-baril.example>", BARIL, [], False),
        ("mdiallo@cdc-hochelaga.example", BARIL, ["attribution_disputed"], True),
        ("inconnu@example.org", BARIL, ["sender_not_partner"], False),
        ("coordination@hochelaga-ensemble.example", BARIL, [], False),
    ],
    ids=["partner", "other-partner", "stranger", "coordinator"],
)
def test_sender_is_evidence(
    initiative: Initiative,
    copies: dict[str | None, Path],
    sender: str,
    partner: str,
    codes: list[str],
    disputed: bool,
) -> None:
    submission = api.pull(copies[BARIL], initiative, reader=with_sender(sender)).submissions[0]
    assert (submission.partner_id, submission.disputed) == (partner, disputed)
    assert [n.code for n in submission.notes] == codes


def test_blank_copy_sent_by_a_partner_is_theirs(
    initiative: Initiative, copies: dict[str | None, Path]
) -> None:
    filled = fill(copies[None], {(PROGRESS, "B5"): "Par courriel"})
    submission = api.pull(filled, initiative, reader=with_sender("lan@mdj-escale.example")).submissions[0]
    assert submission.partner_id == "maison-des-jeunes" and not submission.disputed
    assert [n.code for n in submission.notes] == ["partner_from_sender"]


def test_pull_table_merge_line_and_report_show_the_dispute(
    issued: tuple[Initiative, dict[str | None, Path]], tmp_path: Path
) -> None:
    initiative, copies = issued
    claim(fill(copies[BARIL], {(PROGRESS, "B5"): "x"}), CDC)
    config = tmp_path / "initiative.yaml"
    config.write_text(
        EXAMPLE.read_text(encoding="utf-8") + f"issued: {initiative.issued_path}\n", encoding="utf-8"
    )
    table = CliRunner().invoke(main, ["pull", str(copies[BARIL]), "--config", str(config)])
    assert table.exit_code == 0
    assert "ecole-baril (contestée)  hochelaga-ensemble_ecole-baril.xlsx" in table.stdout
    assert f"• {BARIL_NAME} : attribution contestée : {BARIL_NAME} selon le registre" in table.stdout
    as_json = json.loads(
        CliRunner()
        .invoke(main, ["pull", str(copies[BARIL]), "--config", str(config), "--format", "json"])
        .stdout
    )
    assert as_json["submissions"][0]["disputed"] is True
    out = tmp_path / "maitre.xlsx"
    merged = CliRunner().invoke(
        main, ["merge", str(copies[BARIL]), str(copies[CDC]), "--config", str(config), "--out", str(out)]
    )
    assert merged.exit_code == 0, merged.output
    assert merged.stdout.endswith("(1 copie retenue, 0 remplacée, 0 en double, 0 ignorée), 1 mise à part\n")
    assert merged.stderr == f"⚠ {copies[BARIL]} : attribution contestée, mise à part\n"
    contributions = openpyxl.load_workbook(out)["Contributions"]
    rows = [(row[3], row[4], row[9]) for row in contributions.iter_rows(min_row=2, values_only=True)]
    assert rows == [(BARIL_NAME, "x", "mise à part : attribution contestée, non fusionnée")]
    report = CliRunner().invoke(
        main,
        ["report", str(copies[BARIL]), "--config", str(config), "--format", "text", "--no-record"],
    )
    assert "Copie « hochelaga-ensemble_ecole-baril.xlsx » : attribution contestée" in report.stdout


def test_modified_long_before_the_copy_was_issued_is_said(
    issued: tuple[Initiative, dict[str | None, Path]],
) -> None:
    initiative, copies = issued
    stamp(copies[CPE], 1)  # FIXED_NOW is Nov 2: a day of slack is allowed
    assert [n.code for n in api.pull(copies[CPE], initiative).submissions[0].notes] == []
    moment = dt.datetime(2026, 10, 1, tzinfo=dt.UTC).timestamp()
    os.utime(copies[CPE], (moment, moment))
    notes = api.pull(copies[CPE], initiative).submissions[0].notes
    assert [(n.code, n.params) for n in notes] == [
        ("modified_before_issued", (("modified", "2026-10-01"), ("issued", "2026-11-02")))
    ]


def test_a_file_name_is_read_as_pathlib_reads_it() -> None:
    from pathlib import PurePath

    from hypothesis import given
    from hypothesis import strategies as st

    from toolkit.attribution import _file_name

    @given(st.text(alphabet=st.sampled_from("ab./\\ -é"), max_size=12))
    def check(source: str) -> None:
        assert _file_name(source) == PurePath(source.replace("\\", "/")).name

    check()


def test_a_partner_is_found_in_a_file_name_as_the_whole_word_regex_finds_it() -> None:
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from toolkit.attribution import _first_matches

    words = st.sampled_from(["cdc", "cdc-hochelaga", "baril", "a1", "p0001", "p00012"])

    @settings(max_examples=400)
    @given(st.text(alphabet=st.sampled_from("acdhp01 -_é.b"), max_size=20), st.sets(words, max_size=4))
    def check(stem: str, needles: set[str]) -> None:
        expected = {}
        for needle in needles:
            match = re.search(rf"(?<![a-z0-9]){re.escape(needle)}(?![a-z0-9])", stem)
            if match:
                expected[needle] = match.span()
        assert _first_matches(stem, frozenset(map(len, needles)), needles) == expected

    check()
