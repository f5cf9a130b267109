"""Local sources: every entry of a returns folder is read or reported, and nothing blocks the run.

A named pipe given as a source used to hang `pull` forever (opening it waits for a writer); pipes,
sockets and broken or looping links inside a folder used to be skipped without a word.
"""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from toolkit import api, sources
from toolkit.initiative import Initiative

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="pipes and sockets are POSIX")


@pytest.fixture
def returns(tmp_path: Path, copies: dict[str | None, Path]) -> Path:
    """A returns folder holding one good copy and every kind of special entry."""
    folder = tmp_path / "retours"
    (folder / "sous-dossier").mkdir(parents=True)
    copies["cdc-hochelaga"].rename(folder / "sous-dossier" / copies["cdc-hochelaga"].name)
    os.mkfifo(folder / "tube.xlsx")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "prise.xlsx"))
    server.close()
    (folder / "perdu.xlsx").symlink_to(folder / "absent.xlsx")
    (folder / "boucle.xlsx").symlink_to(folder / "boucle.xlsx")
    (folder / "sous-dossier" / "retour").symlink_to(folder, target_is_directory=True)  # a loop of folders
    (folder / "~$verrou.xlsx").write_bytes(b"lock")  # Office's lock file: skipped silently
    return folder


def _pull_in_thread(args: list[str], initiative: Initiative) -> api.PullResult:
    """Run pull with a time limit: a blocked read fails the test instead of hanging the suite."""
    result: list[api.PullResult] = []
    worker = threading.Thread(target=lambda: result.append(api.pull(args, initiative)), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "pull blocked on a special file"
    return result[0]


def test_every_special_entry_is_reported_and_the_good_copy_read(
    returns: Path, initiative: Initiative
) -> None:
    pulled = _pull_in_thread([str(returns)], initiative)
    assert [s.partner_id for s in pulled.submissions] == ["cdc-hochelaga"]
    reported = {Path(e.source).name: e.code for e in pulled.errors}
    assert reported == {
        "tube.xlsx": "special_file",
        "prise.xlsx": "special_file",
        "perdu.xlsx": "special_file",
        "boucle.xlsx": "special_file",
    }
    messages = {Path(e.source).name: e.message for e in pulled.errors}
    assert messages["tube.xlsx"].startswith("ce n'est pas un fichier ordinaire")
    details = {Path(e.source).name: e.detail for e in pulled.errors}  # for logs and JSON, not in French text
    assert "named pipe" in details["tube.xlsx"] and "broken link" in details["perdu.xlsx"]


def test_a_pipe_given_directly_does_not_block(returns: Path, initiative: Initiative) -> None:
    pulled = _pull_in_thread([str(returns / "tube.xlsx"), str(returns / "absent.xlsx")], initiative)
    assert [(Path(e.source).name, e.code) for e in pulled.errors] == [
        ("tube.xlsx", "special_file"),
        ("absent.xlsx", "not_found"),
    ]


def test_a_folder_loop_is_walked_once(returns: Path) -> None:
    found = [Path(s).name for s, _ in sources.expand(returns)]
    assert found.count("hochelaga-ensemble_cdc-hochelaga.xlsx") == 1
    assert "~$verrou.xlsx" not in found


def test_a_windows_path_names_the_partner_by_its_file_name(initiative: Initiative) -> None:
    """Sources written with backslashes (a Windows path kept as data) still give a file name."""
    from toolkit.attribution import partner_by_filename

    source = r"C:\Users\coord\Retours\hochelaga-ensemble_cdc-hochelaga.xlsx"
    assert partner_by_filename(initiative, source) == "cdc-hochelaga"
