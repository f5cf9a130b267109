"""The one place the toolkit asks for the time: UTC, to the second (no microseconds in files or reports)."""

from __future__ import annotations

import datetime as dt


def utc_now() -> dt.datetime:
    """Now, in UTC, without microseconds."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
