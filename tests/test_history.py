"""history: SQLite snapshots of report runs; transactional, safe with concurrent writers and crashes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import ROOT
from toolkit.errors import BackendError
from toolkit.gaps import Gap
from toolkit.history import SCHEMA_VERSION, History, Snapshot, SubmissionRecord


def snapshot(when: str, completion: float = 0.5, gaps: int = 2, label: str | None = None) -> Snapshot:
    return Snapshot(
        initiative="hochelaga-ensemble",
        generated_at=when,
        completion=completion,
        expected=8,
        submissions=(
            SubmissionRecord(
                "cdc-hochelaga", "returns/a.xlsx", "2026-11-01T10:00:00+00:00", 0.9, {"progress_canvas": 1.0}
            ),
            SubmissionRecord(None, "returns/x.xlsx", None, 0.1, {"progress_canvas": None}),
        ),
        gaps=tuple(
            Gap("missing_cell", "warning", "progress_canvas", f"row{i}", "date", "cdc-hochelaga", f"m{i}")
            for i in range(gaps)
        ),
        label=label,
    )


def test_round_trip_and_schema(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite")
    first = snapshot("2026-11-02T09:30:00+00:00", label="semaine 1")
    run_id = history.record(first)
    assert history.load_run(run_id).snapshot == first
    [summary] = history.list_runs()
    assert (summary.id, summary.received, summary.gap_count, summary.label) == (run_id, 2, 2, "semaine 1")
    with sqlite3.connect(tmp_path / "h.sqlite") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_previous_run_orders_by_instant_not_text(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite")
    assert history.previous_run() is None and history.list_runs() == []
    a = history.record(snapshot("2026-11-02T09:30:00+00:00", 0.2))
    b = history.record(snapshot("2026-11-09T05:00:00-05:00", 0.4))  # 10:00 UTC
    c = history.record(snapshot("2026-11-09T09:45:00+00:00", 0.5))  # earlier than b in UTC
    assert [r.id for r in history.list_runs()] == [a, c, b]
    assert history.previous_run(before="2026-11-09T09:50:00+00:00").id == c  # type: ignore[union-attr]
    assert history.previous_run(before="2026-11-09T09:45:00+00:00").id == a  # type: ignore[union-attr]
    assert history.previous_run(before="2026-11-09T09:45:00Z", inclusive=True).id == c  # type: ignore[union-attr]
    assert history.previous_run().id == b  # type: ignore[union-attr]
    assert history.previous_run("another-initiative") is None
    with pytest.raises(BackendError, match="no report run with id 99"):
        history.load_run(99)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    History(path).record(snapshot("2026-11-02T09:30:00+00:00"))
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(BackendError, match="newer toolkit"):
        History(path).record(snapshot("2026-11-09T09:30:00+00:00"))
    with pytest.raises(BackendError, match="newer toolkit"):
        History(path).list_runs()


def test_an_error_midway_rolls_the_whole_run_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    history = History(tmp_path / "h.sqlite")
    kept = history.record(snapshot("2026-11-02T09:30:00+00:00"))

    def fail(*args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("toolkit.history._insert_gaps", fail)
    with pytest.raises(RuntimeError):
        history.record(snapshot("2026-11-09T09:30:00+00:00"))
    monkeypatch.undo()
    assert [r.id for r in history.list_runs()] == [kept]
    with sqlite3.connect(tmp_path / "h.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 2  # the kept run's only
    assert history.record(snapshot("2026-11-16T09:30:00+00:00")) > kept


CRASH = """
import os, sys
sys.path.insert(0, {root!r})
from tests.test_history import snapshot
import toolkit.history as h

def crash(*args):
    os._exit(3)  # the process dies with the transaction open: no rollback, no close

history = h.History({path!r})
history.record(snapshot("2026-11-02T09:30:00+00:00"))
h._insert_gaps = crash
history.record(snapshot("2026-11-09T09:30:00+00:00"))
"""


def test_a_process_killed_mid_transaction_leaves_the_previous_state(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    done = subprocess.run(
        [sys.executable, "-c", CRASH.format(root=str(ROOT), path=str(path))], capture_output=True, timeout=60
    )
    assert done.returncode == 3, done.stderr.decode()
    history = History(path)
    runs = history.list_runs()
    assert [r.generated_at for r in runs] == ["2026-11-02T09:30:00+00:00"]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 2
    assert history.load_run(runs[0].id).snapshot == snapshot("2026-11-02T09:30:00+00:00")
    history.record(snapshot("2026-11-16T09:30:00+00:00"))
    assert len(history.list_runs()) == 2


def test_concurrent_threads_each_record_every_run(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    ids: list[int] = []
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        history = History(path)  # each thread its own object, as separate runs would
        try:
            for i in range(5):
                ids.append(history.record(snapshot(f"2026-11-{2 + n:02d}T09:{i:02d}:00+00:00", gaps=20)))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    runs = History(path).list_runs()
    assert len(runs) == len(set(ids)) == 40
    assert all(r.gap_count == 20 and r.received == 2 for r in runs)


WRITER = """
import sys
sys.path.insert(0, {root!r})
from tests.test_history import snapshot
from toolkit.history import History

history = History({path!r})
for i in range(10):
    history.record(snapshot("2026-11-{day:02d}T09:%02d:00+00:00" % i, gaps=50))
"""


def test_concurrent_processes_never_corrupt_the_file(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER.format(root=str(ROOT), path=str(path), day=day)],
            stderr=subprocess.PIPE,
        )
        for day in range(2, 6)
    ]
    for p in processes:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    runs = History(path).list_runs()
    assert len(runs) == 40 and all(r.gap_count == 50 for r in runs)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
