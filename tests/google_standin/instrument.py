"""Errors, the fake clock, the request log and fault injection shared by the Sheets and Drive fakes."""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
}
_REASON = {
    400: "badRequest",
    401: "authError",
    403: "forbidden",
    404: "notFound",
    429: "rateLimitExceeded",
    500: "backendError",
    503: "backendError",
}


class ApiError(Exception):
    """An error answer in Google's format."""

    def __init__(self, code: int, message: str, *, reason: str | None = None, domain: str = "global") -> None:
        super().__init__(f"{code} {message}")
        self.code = code
        self.message = message
        self.reason = reason or _REASON.get(code, "error")
        self.domain = domain
        self.headers: dict[str, str] = {}

    def body(self, api: str) -> dict[str, Any]:
        error: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "status": _STATUS.get(self.code, "UNKNOWN"),
        }
        if api == "drive":  # Drive (v3, apiary) also lists errors with domain and reason
            error["errors"] = [{"message": self.message, "domain": self.domain, "reason": self.reason}]
        return {"error": error}


class FakeClock:
    """Server time (UTC) used for createdTime / modifiedTime and quota windows. Never sleeps."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = start or dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def set(self, when: dt.datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("use an aware datetime")
        with self._lock:
            self._now = when.astimezone(dt.UTC)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += dt.timedelta(seconds=seconds)

    def sleep(self, seconds: float) -> None:
        """Drop-in for ``time.sleep`` in retry code under test: advances the clock instead of waiting."""
        self.advance(seconds)

    def rfc3339(self) -> str:
        return self.now().strftime("%Y-%m-%dT%H:%M:%S.") + f"{self.now().microsecond // 1000:03d}Z"


@dataclass
class RequestRecord:
    """One request as the fake saw it."""

    http_method: str
    path: str
    api: str  # "sheets" | "drive" | "unknown"
    method_id: str  # e.g. "sheets.spreadsheets.batchUpdate" ("" if no route matched)
    user: str | None
    body_size: int
    resource_id: str | None  # spreadsheet or file id, when the path has one
    kind: Literal["read", "write"]
    time: dt.datetime
    status: int = 0
    fault: str | None = None  # "429", "reset", ... when a fault was injected
    query: dict[str, list[str]] = field(default_factory=dict)


class RequestLog:
    """Thread-safe list of :class:`RequestRecord` with counting helpers."""

    def __init__(self) -> None:
        self._records: list[RequestRecord] = []
        self._lock = threading.Lock()

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    @property
    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def filter(
        self,
        *,
        api: str | None = None,
        method_id: str | None = None,
        user: str | None = None,
        kind: str | None = None,
        resource_id: str | None = None,
        status: int | None = None,
        faulted: bool | None = None,
    ) -> list[RequestRecord]:
        """Records matching every given criterion; ``method_id`` may be a glob (``sheets.*.values.*``)."""
        out = []
        for r in self.records:
            if api is not None and r.api != api:
                continue
            if method_id is not None and not fnmatch.fnmatchcase(r.method_id, method_id):
                continue
            if user is not None and r.user != user:
                continue
            if kind is not None and r.kind != kind:
                continue
            if resource_id is not None and r.resource_id != resource_id:
                continue
            if status is not None and r.status != status:
                continue
            if faulted is not None and (r.fault is not None) != faulted:
                continue
            out.append(r)
        return out

    def count(self, **criteria: Any) -> int:
        """Number of matching requests (same criteria as :meth:`filter`)."""
        return len(self.filter(**criteria))

    def by_method(self, **criteria: Any) -> Counter[str]:
        """Counter of method ids, e.g. ``{"sheets.spreadsheets.batchUpdate": 3}``."""
        return Counter(r.method_id for r in self.filter(**criteria))

    def by_resource(self, **criteria: Any) -> Counter[str | None]:
        """Counter of spreadsheet/file ids, e.g. writes per partner spreadsheet."""
        return Counter(r.resource_id for r in self.filter(**criteria))


FaultKind = int | Literal["reset", "stall"]


@dataclass
class Fault:
    """An injected failure. ``status`` is an HTTP code, "reset" (the connection drops, no answer) or
    "stall" (the connection stays open and nothing comes back: a client without a timeout waits forever).

    ``after=True``: the request is applied first, then the client sees the failure (lost answer).
    """

    status: FaultKind
    retry_after: float | None = None
    after: bool = False
    message: str | None = None

    @property
    def label(self) -> str:
        return f"{self.status}{' after' if self.after else ''}"


@dataclass
class _Injection:
    pattern: str
    faults: list[Fault]


class FaultPlan:
    """Faults queued per pattern, consumed in order, one per matching request."""

    def __init__(self) -> None:
        self._injections: list[_Injection] = []
        self._lock = threading.Lock()

    def add(self, pattern: str, faults: Sequence[Fault | FaultKind], *, after: bool = False) -> None:
        items = [f if isinstance(f, Fault) else Fault(f, after=after) for f in faults]
        for item in items:
            if not (
                item.status in ("reset", "stall")
                or (isinstance(item.status, int) and 400 <= item.status <= 599)
            ):
                raise ValueError(f"unsupported fault {item.status!r}")
        with self._lock:
            self._injections.append(_Injection(pattern, items))

    def take(self, method_id: str, path: str) -> Fault | None:
        with self._lock:
            for injection in self._injections:
                if injection.faults and _matches(injection.pattern, method_id, path):
                    return injection.faults.pop(0)
        return None

    def pending(self) -> int:
        with self._lock:
            return sum(len(i.faults) for i in self._injections)

    def clear(self) -> None:
        with self._lock:
            self._injections.clear()


def _matches(pattern: str, method_id: str, path: str) -> bool:
    """A method id or glob (``sheets.spreadsheets.batchUpdate``, ``drive.*``), or a path glob/regex."""
    if fnmatch.fnmatchcase(method_id, pattern):
        return True
    if pattern.startswith("/"):
        return fnmatch.fnmatchcase(path, pattern) or re.fullmatch(pattern, path) is not None
    return False


def fault_error(fault: Fault, api: str) -> ApiError:
    assert isinstance(fault.status, int)
    code = fault.status
    default = {
        429: "Quota exceeded for quota metric 'Write requests' and limit "
        "'Write requests per minute per user' of service 'sheets.googleapis.com'."
        if api == "sheets"
        else "User rate limit exceeded.",
        500: "Internal error encountered.",
        503: "The service is currently unavailable.",
    }.get(code, f"Injected fault {code}.")
    domain = "usageLimits" if code in (403, 429) else "global"
    error = ApiError(code, fault.message or default, domain=domain)
    if fault.retry_after is not None:
        error.headers["Retry-After"] = f"{fault.retry_after:g}"
    return error


class Quota:
    """Optional Sheets quotas per minute on the fake clock: per user (60 reads, 60 writes) and per
    project (300 of each, every user of one app together). A refusal is a 429 with no Retry-After,
    as Google's usually are."""

    def __init__(
        self,
        clock: FakeClock,
        reads_per_minute: int = 60,
        writes_per_minute: int = 60,
        project_per_minute: int = 300,
    ) -> None:
        self.clock = clock
        self.limits = {"read": reads_per_minute, "write": writes_per_minute}
        self.project_limit = project_per_minute
        self._seen: dict[tuple[str, str | None, str], list[dt.datetime]] = {}
        self._lock = threading.Lock()

    def charge(self, user: str | None, kind: str, app: str = "") -> None:
        now = self.clock.now()
        label = "Read requests" if kind == "read" else "Write requests"
        buckets = [
            (("user", user, kind), self.limits[kind], "per minute per user"),
            (("project", app, kind), self.project_limit, "per minute"),
        ]
        with self._lock:
            windows = []
            for key, limit, scope in buckets:
                window = [t for t in self._seen.get(key, []) if (now - t).total_seconds() < 60]
                self._seen[key] = window
                if len(window) >= limit:
                    raise ApiError(
                        429,
                        f"Quota exceeded for quota metric '{label}' and limit '{label} {scope}' "
                        "of service 'sheets.googleapis.com'.",
                        domain="usageLimits",
                    )
                windows.append(window)
            for window in windows:
                window.append(now)


def iter_faults(values: Iterable[Fault | FaultKind]) -> list[Fault]:
    return [v if isinstance(v, Fault) else Fault(v) for v in values]
