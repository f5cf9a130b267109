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
from google.auth import exceptions as auth_exceptions
from google.auth.transport.requests import AuthorizedSession
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from . import sheets
from .batch import Context, create_spreadsheet
from .drive import SPREADSHEET, DriveFile, DriveStore
from .endpoints import ENDPOINTS, READ_METHODS, Call, route
from .identity import (
    ACCESS_LIFETIME,
    TESTING_REFRESH_LIFETIME,
    WEB_APP,
    Grant,
    Identity,
    View,
    short_scope,
)
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


class Stalled(Exception):
    """Internal: the injected fault leaves the connection open with no answer."""


class StalledForeverError(RuntimeError):
    """A request without a timeout met a stalled connection: on the real service it would hang forever.

    Deliberately not a ``requests`` exception, so retry code cannot swallow it.
    """


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class FakeCredentials(google_credentials.Credentials):
    """Credentials that act as ``email``: the token names the user, the fake reads it back.

    With a ``grant``, refreshing asks the fake, which refuses a revoked or expired refresh token
    with google-auth's own ``RefreshError`` (and can fail with ``TransportError``).
    """

    def __init__(self, email: str, fake: FakeGoogle | None = None, grant: Grant | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.email = email
        self.fake = fake
        self.grant = grant
        self.token = TOKEN_PREFIX + (grant.token() if grant else email)
        self.expiry = None
        if grant is not None and fake is not None:
            self.service_account_email = email if fake.identity(email).kind == "service_account" else None

    def refresh(self, request: Any) -> None:
        if self.grant is None or self.fake is None:
            self.token = TOKEN_PREFIX + self.email
            return
        self.fake.refresh_grant(self.grant)
        self.token = TOKEN_PREFIX + self.grant.token()


class FakeGoogle:
    """In-memory Sheets v4 + Drive v3 with per-user access, a request log, faults and a fake clock."""

    def __init__(self, *, seed: int = 1234, clock: FakeClock | None = None) -> None:
        self.clock = clock or FakeClock()
        self.rng = random.Random(seed)
        self.log = RequestLog()
        self.faults = FaultPlan()
        self.quota: Quota | None = None
        self.identities: dict[str, Identity] = {}
        self.grants: dict[int, Grant] = {}
        self.sheets: dict[str, sheets.SpreadsheetState] = {}
        self.drive = DriveStore(self.clock, self.rng)
        self.drive.on_spreadsheet_created = self._drive_created_spreadsheet
        self.drive.on_spreadsheet_copied = self._drive_copied_spreadsheet
        self.drive.on_deleted = self._drive_deleted
        self.drive.on_renamed = self._drive_renamed
        self.drive.identity = self.identity
        self.lock = threading.RLock()
        self.adapter = FakeGoogleAdapter(self)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- identities and grants -------------------------------------------------------------------
    def identity(self, email: str) -> Identity:
        return self.identities.get(email.lower()) or Identity(email.lower())

    def add_identity(self, email: str, **details: Any) -> Identity:
        """Register an account: kind="service_account", google_account=False, workspace_domain."""
        found = Identity(email.lower(), **details)
        self.identities[found.email] = found
        return found

    def grant(
        self,
        user: str,
        *,
        scopes: Sequence[str] = ("spreadsheets", "drive.file"),
        app: str = "toolkit",
        testing: bool = False,
    ) -> Grant:
        """A consent given to ``app`` (or a service-account key); ``testing``: an External app in
        "Testing" status, whose refresh token expires after 7 days."""
        now = self.clock.now()
        found = Grant(
            id=len(self.grants) + 1,
            user=user.lower(),
            app=app,
            scopes=frozenset(short_scope(s) for s in scopes),
            issued=now,
            refresh_lifetime=TESTING_REFRESH_LIFETIME if testing else None,
            access_issued=now,
        )
        self.grants[found.id] = found
        return found

    def refresh_grant(self, grant: Grant) -> None:
        """What Google's token endpoint does with a refresh token."""
        if grant.transport_failures > 0:
            grant.transport_failures -= 1
            raise auth_exceptions.TransportError("stand-in: oauth2.googleapis.com unreachable")
        now = self.clock.now()
        expired = grant.refresh_lifetime is not None and now > grant.issued + grant.refresh_lifetime
        if grant.revoked or expired:
            raise auth_exceptions.RefreshError(
                "invalid_grant: Token has been expired or revoked.",
                {"error": "invalid_grant", "error_description": "Token has been expired or revoked."},
            )
        grant.serial += 1
        grant.access_issued = now

    # -- public helpers for tests ------------------------------------------------------------
    def credentials(self, user: str, grant: Grant | None = None) -> FakeCredentials:
        return FakeCredentials(user, self, grant)

    def session(self, user: str, grant: Grant | None = None) -> requests.Session:
        """An ``AuthorizedSession`` acting as ``user`` (through ``grant``); every URL goes to the adapter."""
        session = AuthorizedSession(self.credentials(user, grant))  # type: ignore[no-untyped-call]
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

    def enable_quota(
        self, reads_per_minute: int = 60, writes_per_minute: int = 60, project_per_minute: int = 300
    ) -> None:
        """Sheets per-user and per-project per-minute quotas on the fake clock (429, no Retry-After)."""
        self.quota = Quota(self.clock, reads_per_minute, writes_per_minute, project_per_minute)

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
    def document_domain(self, file_id: str) -> str | None:
        """The Workspace domain a spreadsheet belongs to (its shared drive's, else its owner's)."""
        found = self.drive.files.get(file_id)
        if found is None:
            return None
        drive_id = self.drive.drive_id(found)
        if drive_id is not None:
            return self.drive.files[drive_id].description  # create_shared_drive(domain=…) keeps it here
        return self.identity(found.owner).workspace_domain if found.owner else None

    def create_shared_drive(self, name: str, members: dict[str, str], domain: str | None = None) -> DriveFile:
        drive = self.drive.create_shared_drive(name, members)
        drive.description = domain
        return drive

    def _drive_created_spreadsheet(self, created: DriveFile) -> None:
        state = create_spreadsheet(
            {"properties": {"title": created.name}}, Context(created.owner, created.owner, self.rng)
        )
        state.spreadsheet_id = created.id
        self.sheets[created.id] = state

    def _drive_copied_spreadsheet(self, source_id: str, copied: DriveFile) -> None:
        """ "Make a copy": content, protections and metadata come along; protections' editors are
        reset to the copy's new owner, who can edit everything."""
        state = copy.deepcopy(self.sheets[source_id])
        state.spreadsheet_id = copied.id
        state.properties["title"] = copied.name
        for sheet in state.sheets:
            for protected in sheet.protected_ranges:
                if not protected.get("warningOnly"):
                    protected["editors"] = {"users": [copied.owner or copied.last_modifying or ""]}
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
        user, grant_id = _token_from(headers)
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
            answer = self._serve(record, args, query, body, api, grant_id)
        except (ConnectionReset, Stalled):
            record.status = 0
            raise
        record.status = answer.status
        return answer

    def _serve(
        self,
        record: RequestRecord,
        args: dict[str, str],
        query: dict[str, list[str]],
        body: bytes,
        api: str,
        grant_id: str | None,
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
            app, scopes = self._authorize(record.user, grant_id, api)
            fault = self.faults.take(record.method_id, record.path)
            if fault is not None and not fault.after:
                record.fault = fault.label
                return self._fault(fault, api)
            if self.quota is not None and api == "sheets":
                self.quota.charge(record.user, record.kind, app)
            call = self._prepare(record, args, query, body, api)
            all_drives = api == "sheets" or bool(call.params.get("supportsAllDrives"))
            with self.lock:
                self.drive.view = View(record.user, app, scopes, all_drives)
                try:
                    status, payload = ENDPOINTS[record.method_id](self, call)
                finally:
                    self.drive.view = None
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

    def _authorize(self, user: str, grant_id: str | None, api: str) -> tuple[str, frozenset[str]]:
        """(app, scopes) of a valid access token; 401 for an expired or revoked one, 403 for a scope."""
        if grant_id is None:
            return WEB_APP, frozenset({"drive", "spreadsheets"})
        number, _, serial = grant_id.partition(".")
        grant = self.grants.get(int(number)) if number.isdigit() else None
        stale = (
            grant is None
            or grant.revoked
            or str(grant.serial) != serial
            or self.clock.now() > grant.access_issued + ACCESS_LIFETIME
        )
        if stale or grant is None:
            raise ApiError(
                401,
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
                "cookie or other valid authentication credential.",
                reason="authError",
            )
        needed = {"drive", "drive.file"} if api == "drive" else {"spreadsheets", "drive", "drive.file"}
        if not needed & grant.scopes:
            raise ApiError(
                403, "Request had insufficient authentication scopes.", reason="insufficientPermissions"
            )
        return grant.app, grant.scopes

    def _fault(self, fault: Fault, api: str) -> Answer:
        if fault.status == "reset":
            raise ConnectionReset()
        if fault.status == "stall":
            raise Stalled()
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


def _token_from(headers: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(user, grant id) named by the bearer token."""
    for key, value in headers.items():
        if key.lower() == "authorization" and value.startswith("Bearer " + TOKEN_PREFIX):
            user, _, grant = value[len("Bearer " + TOKEN_PREFIX) :].partition("#")
            return user, grant or None
    return None, None
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
        except Stalled:
            read = timeout[1] if isinstance(timeout, tuple) else timeout
            if read is None:
                raise StalledForeverError(
                    f"{request.method} {url} was sent without a timeout to a stalled connection: "
                    "it would wait forever"
                ) from None
            self.fake.clock.advance(float(read))
            raise requests.exceptions.ReadTimeout(
                f"HTTPSConnectionPool: Read timed out. (read timeout={read})", request=request
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
        except (ConnectionReset, Stalled):
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
