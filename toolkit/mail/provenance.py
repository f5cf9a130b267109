"""Where a collected copy came from, kept in a small JSON file beside it in the returns folder.

`collect` writes `.NAME.provenance.json` next to each saved attachment NAME (hidden, so folder pulls
skip it); the local-files source reads it back, so that pull takes the message's date as the copy's
time (not the file system's) and the sender's address as evidence of whose copy it is. A sidecar
applies only while the file still has the content it describes (its sha256): a file replaced or
edited by hand is read as a plain file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..files import atomic_write

KIND = "toolkit-mail-provenance"
FORMAT = 1
SIDECAR_SUFFIX = ".provenance.json"
MAX_SIDECAR_BYTES = 64 * 1024


@dataclass(frozen=True)
class Provenance:
    file: str  # the saved file's name in the returns folder
    sha256: str  # of the attachment's bytes
    sender: str | None  # address of the message that carried it (the original one for a forward)
    date: str | None  # the message's Date, ISO 8601 in UTC
    subject: str
    message_id: str
    attachment: str  # the attachment's name as sent
    forwarded_by: str | None = None  # who forwarded the message, when the copy came inside a forward
    mailbox: str | None = None  # folder it was collected from
    collected_at: str | None = None
    in_reply_to: str | None = None  # the Message-ID it answers (a message `send` recorded in the history)

    @property
    def moment(self) -> dt.datetime | None:
        if not self.date:
            return None
        try:
            when = dt.datetime.fromisoformat(self.date)
        except ValueError:
            return None
        return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sidecar_path(file: Path) -> Path:
    return file.with_name(f".{file.name}{SIDECAR_SUFFIX}")


def write_sidecar(file: Path, provenance: Provenance) -> Path:
    path = sidecar_path(file)
    body = {"kind": KIND, "format": FORMAT, **asdict(provenance)}
    atomic_write(path, (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return path


def read_sidecar(path: Path) -> Provenance | None:
    """The provenance in a sidecar file, or None when it is missing, too big or not one of ours."""
    try:
        if path.stat().st_size > MAX_SIDECAR_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("kind") != KIND:
            return None

        def text(key: str) -> str:
            value = data.get(key)
            return value if isinstance(value, str) else ""

        def optional(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) and value else None

        if not text("file") or not text("sha256"):
            return None
        return Provenance(
            file=text("file"),
            sha256=text("sha256"),
            sender=optional("sender"),
            date=optional("date"),
            subject=text("subject"),
            message_id=text("message_id"),
            attachment=text("attachment"),
            forwarded_by=optional("forwarded_by"),
            mailbox=optional("mailbox"),
            collected_at=optional("collected_at"),
            in_reply_to=optional("in_reply_to"),
        )
    except (OSError, ValueError, TypeError):
        return None


def provenance_of(file: Path, digest: str | None = None) -> Provenance | None:
    """The provenance recorded beside `file`, if the file still holds the bytes it describes.
    `digest`: the sha256 of the file's bytes, when the caller has just read and hashed them."""
    recorded = read_sidecar(sidecar_path(file))
    if recorded is None:
        return None
    try:
        if (digest or sha256(file.read_bytes())) != recorded.sha256:
            return None
    except OSError:
        return None
    return recorded


def known_in(folder: Path) -> dict[tuple[str, str], Provenance]:
    """(Message-ID, sha256) -> provenance of every copy already collected into `folder`."""
    found: dict[tuple[str, str], Provenance] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob(f".*{SIDECAR_SUFFIX}")):
        recorded = read_sidecar(path)
        if recorded is not None:
            found[(recorded.message_id, recorded.sha256)] = recorded
    return found
