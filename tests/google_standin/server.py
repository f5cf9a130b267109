"""The fake Google (Sheets v4 + Drive v3), reachable as a ``requests`` adapter or a loopback HTTP server.

fake = FakeGoogle()
gc = fake.gspread_client("coordinator@example.org")   # gspread.Client over the adapter
sh = gc.open_by_key(fake.create_spreadsheet("coordinator@example.org", {...}))
fake.log.count(api="sheets", kind="write")
fake.inject("sheets.spreadsheets.batchUpdate", [Fault(429, retry_after=2), 500, "reset"])
fake.clock.advance(30)
"""

from __future__ import annotations

import contextlib
import copy
import json
import random
import socket
import struct
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import gspread
import requests
from google.auth import credentials as google_credentials
from google.auth.transport.requests import AuthorizedSession
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from . import sheets
from .batch import Context, create_spreadsheet
from .drive import SPREADSHEET, DriveFile, DriveStore
from .endpoints import ENDPOINTS, READ_METHODS, Call, route
from .instrument import (
    ApiError,
    FakeClock,
    Fault,
    FaultKind,
    FaultPlan,
    Quota,
    RequestLog,
    RequestRecord,
    fault_error,
)
from .schema import RequestValidationError, strip_nulls, validate, validate_params

TOKEN_PREFIX = "standin-token:"
SHEETS_HOST = "sheets.googleapis.com"
DRIVE_HOST = "www.googleapis.com"


class UnservedURLError(RuntimeError):
    """The adapter was asked for a URL the stand-in does not serve: nothing leaves the machine.

    Deliberately not a ``requests`` exception, so retry code cannot swallow it.
    """


class ConnectionReset(Exception):
    """Internal: the injected fault drops the connection."""


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class FakeCredentials(google_credentials.Credentials):
    """Credentials that act as ``email``: the token names the user, the fake reads it back."""

    def __init__(self, email: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.email = email
        self.token = TOKEN_PREFIX + email
        self.expiry = None

    def refresh(self, request: Any) -> None:
        self.token = TOKEN_PREFIX + self.email


class FakeGoogle:
    """In-memory Sheets v4 + Drive v3 with per-user access, a request log, faults and a fake clock."""

    def __init__(self, *, seed: int = 1234, clock: FakeClock | None = None) -> None:
        self.clock = clock or FakeClock()
        self.rng = random.Random(seed)
        self.log = RequestLog()
        self.faults = FaultPlan()
        self.quota: Quota | None = None
        self.sheets: dict[str, sheets.SpreadsheetState] = {}
        self.drive = DriveStore(self.clock, self.rng)
        self.drive.on_spreadsheet_created = self._drive_created_spreadsheet
        self.drive.on_spreadsheet_copied = self._drive_copied_spreadsheet
        self.drive.on_deleted = self._drive_deleted
        self.drive.on_renamed = self._drive_renamed
        self.lock = threading.RLock()
        self.adapter = FakeGoogleAdapter(self)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- public helpers for tests ------------------------------------------------------------
    def credentials(self, user: str) -> FakeCredentials:
        return FakeCredentials(user)

    def session(self, user: str) -> requests.Session:
        """An ``AuthorizedSession`` acting as ``user`` whose every URL goes to the adapter."""
        session = AuthorizedSession(self.credentials(user))  # type: ignore[no-untyped-call]
        session.mount("https://", self.adapter)
        session.mount("http://", self.adapter)
        return session

    def gspread_client(self, user: str) -> gspread.Client:
        """``gspread.Client(auth=credentials, session=session)`` acting as ``user``."""
        creds = self.credentials(user)
        client = gspread.Client(auth=creds, session=self.session(user))
        client.http_client.auth = creds
        return client

    @contextlib.contextmanager
    def patch_requests(self) -> Iterator[FakeGoogleAdapter]:
        """Route EVERY ``requests`` session to the adapter (for code that builds its own sessions);
        the user is then whoever the credentials given to that code name."""
        with mock.patch.object(requests.Session, "get_adapter", lambda _self, url: self.adapter):
            yield self.adapter

    def inject(self, pattern: str, faults: Sequence[Fault | FaultKind], *, after: bool = False) -> None:
        """Queue faults for requests whose method id (glob) or path (glob/regex starting with "/") matches.

        Each matching request consumes the next fault: an HTTP status (429, 500, 503...), "reset" (connection
        dropped) or a :class:`Fault` (``retry_after``, ``after``). ``after=True``: applied, then failed.
        """
        self.faults.add(pattern, faults, after=after)

    def enable_quota(self, reads_per_minute: int = 60, writes_per_minute: int = 60) -> None:
        """Sheets per-user per-minute quotas on the fake clock (429 when exceeded)."""
        self.quota = Quota(self.clock, reads_per_minute, writes_per_minute)

    def create_spreadsheet(self, user: str, body: Mapping[str, Any] | None = None) -> str:
        """Seed a spreadsheet owned by ``user`` without going through HTTP (not logged). Returns its id."""
        body = strip_nulls(dict(body or {}))
        validate("sheets", "sheets.spreadsheets.create", body)
        with self.lock:
            state = create_spreadsheet(dict(body), Context(user, user, self.rng))
            self.sheets[state.spreadsheet_id] = state
            self.drive.add_file(state.spreadsheet_id, state.properties["title"], SPREADSHEET, user)
        return state.spreadsheet_id

    def snapshot(self, spreadsheet_id: str) -> dict[str, Any]:
        """The full Spreadsheet resource with grid data, as its owner sees it (not logged)."""
        with self.lock:
            owner = self.drive.files[spreadsheet_id].owner
            return sheets.render_spreadsheet(
                self.sheets[spreadsheet_id], user=owner, owner=owner, include_grid=True
            )

    def values(
        self, spreadsheet_id: str, a1_range: str, render: str = "UNFORMATTED_VALUE"
    ) -> list[list[Any]]:
        """Cell values of a range (not logged)."""
        with self.lock:
            out = sheets.read_values(
                self.sheets[spreadsheet_id],
                a1_range,
                value_render=render,
                datetime_render="SERIAL_NUMBER",
                major="ROWS",
            )
        values: list[list[Any]] = out.get("values", [])
        return values

    def file(self, file_id: str) -> DriveFile:
        return self.drive.files[file_id]

    # -- Drive <-> Sheets ------------------------------------------------------------------------
    def _drive_created_spreadsheet(self, created: DriveFile) -> None:
        state = create_spreadsheet(
            {"properties": {"title": created.name}}, Context(created.owner, created.owner, self.rng)
        )
        state.spreadsheet_id = created.id
        self.sheets[created.id] = state

    def _drive_copied_spreadsheet(self, source_id: str, copied: DriveFile) -> None:
        state = copy.deepcopy(self.sheets[source_id])
        state.spreadsheet_id = copied.id
        state.properties["title"] = copied.name
        self.sheets[copied.id] = state

    def _drive_deleted(self, file_id: str) -> None:
        self.sheets.pop(file_id, None)

    def _drive_renamed(self, file_id: str, name: str) -> None:
        if file_id in self.sheets:
            self.sheets[file_id].properties["title"] = name

    # -- the HTTP layer ----------------------------------------------------------------------------
    def serves(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme != "https":
            return False
        if parts.hostname == SHEETS_HOST:
            return parts.path.startswith("/v4/")
        if parts.hostname == DRIVE_HOST:
            return parts.path.startswith(("/drive/v3/", "/upload/drive/v3/")) or parts.path in (
                "/drive/v3/files",
                "/upload/drive/v3/files",
            )
        return False

    def handle(self, http_method: str, url: str, headers: Mapping[str, str], body: bytes) -> Answer:
        """Serve one request. Raises :class:`ConnectionReset` for an injected "reset"."""
        parts = urlsplit(url)
        path = parts.path
        query = parse_qs(parts.query, keep_blank_values=True)
        api = "sheets" if path.startswith("/v4/") else "drive" if "/drive/v3/" in path else "unknown"
        found = route(http_method.upper(), path)
        method_id, args = found if found else ("", {})
        user = _user_from(headers)
        record = RequestRecord(
            http_method=http_method.upper(),
            path=path,
            api=api,
            method_id=method_id,
            user=user,
            body_size=len(body),
            resource_id=args.get("spreadsheetId") or args.get("fileId"),
            kind="read" if http_method.upper() == "GET" or method_id in READ_METHODS else "write",
            time=self.clock.now(),
            query=query,
        )
        self.log.add(record)
        try:
            answer = self._serve(record, args, query, body, api)
        except ConnectionReset:
            record.status = 0
            raise
        record.status = answer.status
        return answer

    def _serve(
        self, record: RequestRecord, args: dict[str, str], query: dict[str, list[str]], body: bytes, api: str
    ) -> Answer:
        error_api = api if api != "unknown" else "sheets"
        try:
            if not record.method_id:
                raise ApiError(404, f"Method not found: {record.http_method} {record.path}")
            if record.user is None:
                raise ApiError(
                    401,
                    "Request is missing required authentication credential. Expected OAuth 2 "
                    "access token, login cookie or other valid authentication credential.",
                )
            fault = self.faults.take(record.method_id, record.path)
            if fault is not None and not fault.after:
                record.fault = fault.label
                return self._fault(fault, api)
            if self.quota is not None and api == "sheets":
                self.quota.charge(record.user, record.kind)
            call = self._prepare(record, args, query, body, api)
            with self.lock:
                status, payload = ENDPOINTS[record.method_id](self, call)
            if fault is not None:
                record.fault = fault.label
                return self._fault(fault, api)
            data = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
            return Answer(status, {"Content-Type": "application/json; charset=UTF-8"}, data)
        except ApiError as error:
            data = json.dumps(error.body(error_api), ensure_ascii=False).encode("utf-8")
            return Answer(
                error.code, {"Content-Type": "application/json; charset=UTF-8", **error.headers}, data
            )

    def _fault(self, fault: Fault, api: str) -> Answer:
        if fault.status == "reset":
            raise ConnectionReset()
        error = fault_error(fault, api)
        data = json.dumps(error.body(api)).encode("utf-8")
        return Answer(error.code, {"Content-Type": "application/json; charset=UTF-8", **error.headers}, data)

    def _prepare(
        self, record: RequestRecord, args: dict[str, str], query: dict[str, list[str]], body: bytes, api: str
    ) -> Call:
        try:
            params = validate_params(api, record.method_id, query)
            parsed = json.loads(body.decode("utf-8")) if body.strip() else None
            validate(api, record.method_id, parsed)
        except RequestValidationError as error:
            raise ApiError(400, error.message + ("" if error.path == "$" else f" [{error.path}]")) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ApiError(400, f"Invalid JSON payload received. {error}") from None
        assert record.user is not None
        return Call(
            api=api,
            method_id=record.method_id,
            http_method=record.http_method,
            path=record.path,
            args=args,
            params=params,
            body=parsed,
            clean=strip_nulls(parsed),
            user=record.user,
        )

    # -- loopback server ----------------------------------------------------------------------------
    def start_server(self) -> str:
        """Serve on 127.0.0.1 (random port); returns the base URL, e.g. ``http://127.0.0.1:40123``.

        Paths are Google's: ``/v4/spreadsheets/...`` and ``/drive/v3/...``.
        """
        if self._server is None:
            handler = type("Handler", (_Handler,), {"fake": self})
            self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
            self._server.daemon_threads = True
            self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
            self._thread.start()
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop_server(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
            self._thread = None

    def __enter__(self) -> FakeGoogle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_server()


def _user_from(headers: Mapping[str, str]) -> str | None:
    for key, value in headers.items():
        if key.lower() == "authorization" and value.startswith("Bearer " + TOKEN_PREFIX):
            return value[len("Bearer " + TOKEN_PREFIX) :]
    return None


class FakeGoogleAdapter(BaseAdapter):
    """A ``requests`` transport into the fake; refuses (raises :class:`UnservedURLError`) anything else."""

    def __init__(self, fake: FakeGoogle) -> None:
        super().__init__()
        self.fake = fake

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        url = request.url or ""
        if not self.fake.serves(url):
            raise UnservedURLError(
                f"google stand-in refuses {request.method} {url}: not a served Google API URL"
            )
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif not isinstance(body, bytes):
            body = b"".join(part if isinstance(part, bytes) else str(part).encode() for part in body)
        try:
            answer = self.fake.handle(request.method or "GET", url, dict(request.headers), body)
        except ConnectionReset:
            raise requests.exceptions.ConnectionError(
                "('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))",
                request=request,
            ) from None
        response = requests.Response()
        response.status_code = answer.status
        response.headers = CaseInsensitiveDict(answer.headers)
        response._content = answer.body
        response.url = url
        response.request = request
        response.reason = HTTPStatus(answer.status).phrase
        response.encoding = "utf-8"
        response.connection = self  # type: ignore[assignment]
        return response

    def close(self) -> None:
        pass


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGoogle
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = f"http://127.0.0.1{self.path}"
        try:
            answer = self.fake.handle(self.command, url, dict(self.headers.items()), body)
        except ConnectionReset:
            self.close_connection = True
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            return
        self.send_response(answer.status)
        for key, value in answer.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    def finish(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            super().finish()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any
