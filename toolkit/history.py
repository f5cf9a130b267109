"""The history of report runs in an embedded SQLite database (default: next to the initiative file).

Each run records a snapshot: when, which copies (with completion per worksheet and overall), which gaps.
Every write is one `BEGIN IMMEDIATE` transaction in WAL mode with a busy timeout, so two runs at once
wait for each other and a crash midway leaves the database as it was before the run. The schema is
versioned with `PRAGMA user_version`; MIGRATIONS brings an older file up to date.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BackendError
from .files import failure_reason
from .gaps import Gap
from .text import Language, Text, safe_text

SCHEMA_VERSION = 3
CANNOT_WRITE = Text(
    "{path} : écriture de l'historique impossible ({reason})", "{path}: cannot write the history ({reason})"
)
CANNOT_OPEN = Text(
    "{path} : ouverture de l'historique impossible ({reason})", "{path}: cannot open the history ({reason})"
)
CANNOT_READ = Text(
    "{path} : lecture de l'historique impossible ({reason})", "{path}: cannot read the history ({reason})"
)
NO_RUN = Text("{path} : aucun bilan n° {run} dans l'historique", "{path}: no report run with id {run}")
TOO_NEW = Text(
    "{path} : historique écrit par une version plus récente de la trousse (schéma {version} > {known}); "
    "mettez la trousse à jour",
    "{path}: history written by a newer toolkit (schema {version} > {known}); upgrade",
)
BUSY_TIMEOUT_MS = 30_000

# MIGRATIONS[n] takes a database at version n-1 to version n (run inside one transaction).
MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        initiative TEXT NOT NULL,
        generated_at TEXT NOT NULL,        -- ISO 8601 as reported
        generated_utc TEXT NOT NULL,       -- the same instant in UTC, for ordering
        label TEXT,
        notes TEXT,
        completion REAL NOT NULL,          -- overall completion of the initiative, 0..1
        expected INTEGER NOT NULL          -- number of partners expected to send a copy
    );
    CREATE INDEX runs_by_time ON runs (initiative, generated_utc, id);
    CREATE TABLE submissions (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        partner TEXT,
        source TEXT NOT NULL,
        modified TEXT,
        completion REAL NOT NULL,
        PRIMARY KEY (run_id, position)
    );
    CREATE TABLE submission_worksheets (
        run_id INTEGER NOT NULL,
        position INTEGER NOT NULL,
        worksheet TEXT NOT NULL,
        completion REAL,                   -- NULL: the worksheet requires nothing
        PRIMARY KEY (run_id, position, worksheet),
        FOREIGN KEY (run_id, position) REFERENCES submissions (run_id, position) ON DELETE CASCADE
    );
    CREATE TABLE gaps (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL,
        worksheet TEXT,
        "row" TEXT,
        "column" TEXT,
        partner TEXT,
        message TEXT NOT NULL,
        PRIMARY KEY (run_id, position)
    );
    """,
    2: """
    CREATE TABLE messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        initiative TEXT NOT NULL,
        partner TEXT NOT NULL,
        kind TEXT NOT NULL,                -- 'copy' (send) or 'reminder' (report --remind)
        round TEXT NOT NULL,               -- the round the message belongs to (its deadline)
        sent_utc TEXT NOT NULL,
        recipients TEXT NOT NULL,          -- comma-separated addresses
        subject TEXT NOT NULL,
        message_id TEXT NOT NULL,
        attachment TEXT,                   -- the workbook's file name, when one was attached
        attachment_sha256 TEXT,
        link TEXT                          -- the Google spreadsheet's address, when it was sent instead
    );
    CREATE INDEX messages_by_partner ON messages (initiative, partner, kind, sent_utc);
    """,
    3: """
    CREATE TABLE masters (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        initiative TEXT NOT NULL,
        path TEXT NOT NULL,                -- where the master was written (file path or URL)
        round TEXT,                        -- the round it closes
        written_utc TEXT NOT NULL
    );
    CREATE INDEX masters_by_time ON masters (initiative, written_utc, id);
    """,
}


@dataclass(frozen=True)
class SubmissionRecord:
    """One copy as a run saw it."""

    partner: str | None
    source: str
    modified: str | None
    completion: float
    worksheets: Mapping[str, float | None] = field(default_factory=dict)  # worksheet id -> 0..1


@dataclass(frozen=True)
class Snapshot:
    """What one report run records."""

    initiative: str  # the initiative id
    generated_at: str  # ISO 8601 with its offset
    completion: float  # overall, 0..1
    expected: int
    submissions: tuple[SubmissionRecord, ...] = ()
    gaps: tuple[Gap, ...] = ()
    label: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class RunSummary:
    """One past run as `toolkit history` lists it."""

    id: int
    initiative: str
    generated_at: str
    completion: float
    expected: int
    received: int  # submissions recorded
    gap_count: int
    label: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class SentMessage:
    """One message sent to a partner (a copy or a reminder), as recorded."""

    initiative: str
    partner: str
    kind: str  # "copy" or "reminder"
    round: str
    sent_at: dt.datetime  # UTC
    recipients: tuple[str, ...]
    subject: str
    message_id: str
    attachment: str | None = None
    attachment_sha256: str | None = None
    link: str | None = None


@dataclass(frozen=True)
class MasterRecord:
    """A master written by merge: where, for which round, when (UTC)."""

    path: str
    round: str | None
    written_utc: str


@dataclass(frozen=True)
class Run:
    """One past run read back from the history, with its snapshot."""

    id: int
    snapshot: Snapshot


class History:
    """A history file. Each call opens its own connection, so one object may be shared by threads."""

    def __init__(
        self, path: Path | str, *, timeout: float = BUSY_TIMEOUT_MS / 1000, language: Language = "en"
    ) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self.language = language  # of failure messages

    def record(self, snapshot: Snapshot) -> int:
        """Store a run and everything it saw, all or nothing; return its id."""
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO runs (initiative, generated_at, generated_utc, label, notes, completion,"
                " expected) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    snapshot.initiative,
                    snapshot.generated_at,
                    utc_key(snapshot.generated_at),
                    snapshot.label,
                    snapshot.notes,
                    snapshot.completion,
                    snapshot.expected,
                ),
            )
            run_id = cursor.lastrowid
            assert run_id is not None
            _insert_submissions(db, run_id, snapshot.submissions)
            _insert_gaps(db, run_id, snapshot.gaps)
        return run_id

    def record_master(self, initiative: str, path: str, round_label: str | None, when: dt.datetime) -> None:
        """Remember a master written by merge, so next round finds it without being told."""
        with self._write() as db:
            db.execute(
                "INSERT INTO masters (initiative, path, round, written_utc) VALUES (?, ?, ?, ?)",
                (initiative, path, round_label, utc_key(when)),
            )

    def masters(self, initiative: str) -> list[MasterRecord]:
        """Masters written for `initiative`, oldest first: one line per round closed."""
        if not self.path.exists():
            return []
        with self._read() as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "masters" not in tables:  # a history from before rounds, not migrated yet (read-only)
                return []
            rows = db.execute(
                "SELECT path, round, written_utc FROM masters WHERE initiative = ? ORDER BY written_utc, id",
                (initiative,),
            ).fetchall()
        return [MasterRecord(*row) for row in rows]

    def list_runs(self, initiative: str | None = None) -> list[RunSummary]:
        """Past runs, oldest first (of one initiative when given)."""
        if not self.path.exists():
            return []
        where, params = ("WHERE r.initiative = ?", (initiative,)) if initiative else ("", ())
        with self._read() as db:
            rows = db.execute(
                "SELECT r.id, r.initiative, r.generated_at, r.completion, r.expected,"
                " (SELECT COUNT(*) FROM submissions s WHERE s.run_id = r.id),"
                " (SELECT COUNT(*) FROM gaps g WHERE g.run_id = r.id), r.label, r.notes"
                f" FROM runs r {where} ORDER BY r.generated_utc, r.id",
                params,
            ).fetchall()
        return [RunSummary(*row) for row in rows]

    def previous_run(
        self,
        initiative: str | None = None,
        *,
        before: dt.datetime | str | None = None,
        inclusive: bool = False,
    ) -> Run | None:
        """The latest run before `before` (at or before it when `inclusive`; any time when None),
        of one initiative when given."""
        if not self.path.exists():
            return None
        clauses, params = [], []
        if initiative:
            clauses.append("initiative = ?")
            params.append(initiative)
        if before is not None:
            clauses.append("generated_utc <= ?" if inclusive else "generated_utc < ?")
            params.append(utc_key(before))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._read() as db:
            row = db.execute(
                f"SELECT id FROM runs {where} ORDER BY generated_utc DESC, id DESC LIMIT 1", params
            ).fetchone()
        return self.load_run(int(row[0])) if row else None

    def load_run(self, run_id: int) -> Run:
        with self._read() as db:
            run = db.execute(
                "SELECT initiative, generated_at, completion, expected, label, notes FROM runs WHERE id = ?",
                (run_id,),
            ).fetchone()
            if run is None:
                raise BackendError(NO_RUN(self.language).format(path=self.path, run=run_id))
            sheets: dict[int, dict[str, float | None]] = {}
            for position, worksheet, share in db.execute(
                "SELECT position, worksheet, completion FROM submission_worksheets WHERE run_id = ?"
                " ORDER BY position, rowid",
                (run_id,),
            ):
                sheets.setdefault(position, {})[worksheet] = share
            submissions = tuple(
                SubmissionRecord(partner, source, modified, share, sheets.get(position, {}))
                for position, partner, source, modified, share in db.execute(
                    "SELECT position, partner, source, modified, completion FROM submissions"
                    " WHERE run_id = ? ORDER BY position",
                    (run_id,),
                )
            )
            gaps = tuple(
                Gap(*row)
                for row in db.execute(
                    'SELECT kind, severity, worksheet, "row", "column", partner, message FROM gaps'
                    " WHERE run_id = ? ORDER BY position",
                    (run_id,),
                )
            )
        initiative, generated_at, share, expected, label, notes = run
        return Run(
            run_id, Snapshot(initiative, generated_at, share, expected, submissions, gaps, label, notes)
        )

    def record_message(self, sent: SentMessage) -> None:
        """Record a message as soon as the server took it, so that an interrupted run never resends it."""
        with self._write() as db:
            db.execute(
                "INSERT INTO messages (initiative, partner, kind, round, sent_utc, recipients, subject,"
                " message_id, attachment, attachment_sha256, link) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    sent.initiative,
                    sent.partner,
                    sent.kind,
                    sent.round,
                    utc_key(sent.sent_at),
                    ", ".join(sent.recipients),
                    sent.subject,
                    sent.message_id,
                    sent.attachment,
                    sent.attachment_sha256,
                    sent.link,
                ),
            )

    def messages(self, initiative: str, kind: str | None = None) -> list[SentMessage]:
        """The messages sent to the initiative's partners (of one kind when given), oldest first."""
        if not self.path.exists():
            return []
        where, params = "WHERE initiative = ?", [initiative]
        if kind is not None:
            where += " AND kind = ?"
            params.append(kind)
        with self._read() as db:
            rows = db.execute(
                "SELECT initiative, partner, kind, round, sent_utc, recipients, subject, message_id,"
                f" attachment, attachment_sha256, link FROM messages {where} ORDER BY sent_utc, id",
                params,
            ).fetchall()
        return [
            SentMessage(
                initiative=row[0],
                partner=row[1],
                kind=row[2],
                round=row[3],
                sent_at=dt.datetime.strptime(row[4], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC),
                recipients=tuple(r for r in row[5].split(", ") if r),
                subject=row[6],
                message_id=row[7],
                attachment=row[8],
                attachment_sha256=row[9],
                link=row[10],
            )
            for row in rows
        ]

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            reason = failure_reason(exc, self.language, self.path.parent)
            raise BackendError(CANNOT_OPEN(self.language).format(path=self.path, reason=reason)) from None
        db.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        db.execute("PRAGMA foreign_keys = ON")
        return db

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: BEGIN IMMEDIATE takes the write lock up front, COMMIT or ROLLBACK."""
        db = self._connect()
        try:
            self._begin(db)
            try:
                _migrate(db, self.path, self.language)
                yield db
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except (sqlite3.Error, OSError) as exc:
            reason = failure_reason(exc, self.language, self.path.parent)
            raise BackendError(CANNOT_WRITE(self.language).format(path=self.path, reason=reason)) from None
        finally:
            db.close()

    def _begin(self, db: sqlite3.Connection) -> None:
        """WAL mode, then the write lock. SQLite does not always call its busy handler while another
        connection switches a new file to WAL ("database is locked" at once): retry for `timeout`."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA synchronous = FULL")
                db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A consistent read: one deferred transaction sees one committed state."""
        db = self._connect()
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise BackendError(_too_new(self.path, version, self.language))
            if version < SCHEMA_VERSION:  # empty or older: bring it up to date first
                db.close()
                with self._write():
                    pass
                db = self._connect()
            db.execute("BEGIN")
            yield db
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise BackendError(CANNOT_READ(self.language).format(path=self.path, reason=exc)) from None
        finally:
            db.close()


def utc_key(moment: dt.datetime | str) -> str:
    """A sortable UTC form of an ISO 8601 time (a naive time is taken as UTC)."""
    when = dt.datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _migrate(db: sqlite3.Connection, path: Path, language: Language) -> None:
    """Inside the write transaction: apply the migrations this file has not seen yet."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise BackendError(_too_new(path, version, language))
    for target in range(version + 1, SCHEMA_VERSION + 1):
        for statement in MIGRATIONS[target].split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {target}")


def _too_new(path: Path, version: int, language: Language) -> str:
    return TOO_NEW(language).format(path=path, version=version, known=SCHEMA_VERSION)


def _insert_submissions(db: sqlite3.Connection, run_id: int, submissions: Sequence[SubmissionRecord]) -> None:
    for position, s in enumerate(submissions):
        db.execute(
            "INSERT INTO submissions (run_id, position, partner, source, modified, completion)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (run_id, position, s.partner, safe_text(s.source), s.modified, s.completion),
        )
        db.executemany(
            "INSERT INTO submission_worksheets (run_id, position, worksheet, completion) VALUES (?, ?, ?, ?)",
            [(run_id, position, worksheet, share) for worksheet, share in s.worksheets.items()],
        )


def _insert_gaps(db: sqlite3.Connection, run_id: int, gaps: Sequence[Gap]) -> None:
    db.executemany(
        'INSERT INTO gaps (run_id, position, kind, severity, worksheet, "row", "column", partner, message)'
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (run_id, i, g.kind, g.severity, g.worksheet, g.row, g.column, g.partner, safe_text(g.message))
            for i, g in enumerate(gaps)
        ],
    )
