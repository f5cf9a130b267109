"""The one seam to Google: a gspread HTTPClient with a client-side rate limiter and a bounded retry.

gspread's own `BackOffHTTPClient` retries forever and ignores Retry-After (see PITFALLS.md), so
this client replaces it:

- a token bucket keeps every rolling minute at or under `requests_per_minute` requests (60 by
  default, Google's per-user quota): `burst` requests may go at once and the bucket refills at
  `(requests_per_minute - burst) / 60` per second, so no 60-second window ever holds more;
- 429, 500, 502, 503, 504 and dropped connections are retried with exponential backoff and jitter,
  honouring Retry-After, until `max_attempts` or `max_total_seconds` is reached; then a
  `BackendError` says what Google answered;
- a write that is not idempotent (`spreadsheets.create`, `spreadsheets.batchUpdate`, Drive
  `files.create`) is retried only on 429 (Google rejected it before doing anything); on a 5xx or a
  dropped connection it may have been applied, so `UncertainWrite` is raised and the caller looks
  for what was created before trying again (see `generate.py`);
- the retry budget outlasts a quota minute: Sheets quotas refill per minute and Google's 429s
  usually carry no Retry-After, so the default policy waits at least 79 s in all before giving up;
- every request has a connect and a read timeout (gspread leaves it at None, and a stalled
  connection would hang forever); a read timeout counts as a dropped connection;
- an expired or revoked sign-in (google-auth `RefreshError`) becomes a `BackendError` saying to run
  `toolkit auth google` again, in the initiative's language; a token endpoint out of reach
  (`TransportError`, raised before the request is sent) is retried.

Clock, sleep and randomness are injectable so tests run on a fake clock.
"""

from __future__ import annotations

import email.utils
import random
import re
import time
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any, cast

import requests
from google.auth.credentials import Credentials
from google.auth.exceptions import RefreshError, TransportError
from gspread import Client
from gspread.exceptions import APIError
from gspread.http_client import FileType, HTTPClient, ParamsType

from ...errors import BackendError
from ...text import Language
from .messages import GAVE_UP, GOOGLE_REFUSED, KEY_REFUSED, NOT_SIGNED_IN, SIGN_IN_AGAIN

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Drive reports some quota errors as 403 with one of these reasons.
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
SHEETS_CREATE = re.compile(r"^https://sheets\.googleapis\.com/v4/spreadsheets/?$")
SHEETS_BATCH_UPDATE = re.compile(r"^https://sheets\.googleapis\.com/v4/spreadsheets/[^/]+:batchUpdate$")
DRIVE_FILES_CREATE = re.compile(r"^https://www\.googleapis\.com/drive/v3/files/?$")
DEFAULT_TIMEOUT = (10.0, 120.0)  # seconds to connect, seconds between bytes of the answer


class UncertainWrite(BackendError):
    """A non-idempotent write failed in a way that may have applied it on Google's side."""

    def __init__(self, what: str, detail: str) -> None:
        self.what = what
        self.detail = detail
        super().__init__(f"Google: {what} failed ({detail}); it may have been applied")


@dataclass
class RateLimiter:
    """Token bucket: at most `requests_per_minute` requests in any rolling 60 seconds."""

    requests_per_minute: int = 60
    burst: int = 10
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _tokens: float = field(init=False)
    _updated: float | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if not 0 < self.burst < self.requests_per_minute:
            raise ValueError("burst must be between 1 and requests_per_minute - 1")
        self._tokens = float(self.burst)

    @property
    def rate(self) -> float:
        """Tokens per second; burst + 60 * rate == requests_per_minute."""
        return (self.requests_per_minute - self.burst) / 60.0

    def acquire(self) -> float:
        """Take one token, sleeping until one is available; return the time slept."""
        slept = 0.0
        while True:
            now = self.clock()
            if self._updated is not None:
                self._tokens = min(float(self.burst), self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            if self._tokens >= 1.0 - 1e-6:
                self._tokens = max(0.0, self._tokens - 1.0)
                return slept
            # at least a millisecond: clocks with coarse ticks must still move forward
            wait = max(0.001, (1.0 - self._tokens) / self.rate)
            self.sleep(wait)
            slept += wait


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with jitter; Retry-After wins when Google sends it."""

    max_attempts: int = 10
    base_seconds: float = 1.0
    cap_seconds: float = 32.0
    max_total_seconds: float = 240.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Delay before retry number `attempt` (1-based): half fixed, half random ("equal jitter")."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2.0 ** (attempt - 1))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)

    def least_total_wait(self) -> float:
        """The shortest time all retries can take (every jitter at its minimum)."""
        return sum(
            min(self.cap_seconds, self.base_seconds * 2.0 ** (n - 1)) / 2 for n in range(1, self.max_attempts)
        )


class GoogleHTTPClient(HTTPClient):
    """gspread's HTTP client with rate limiting and bounded retries; pass a `session` to swap transport."""

    def __init__(
        self,
        auth: Credentials | None,
        session: requests.Session | None = None,
        *,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        language: Language = "fr",
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
    ) -> None:
        super().__init__(cast(Credentials, auth), session)
        self.timeout = timeout
        self.language: Language = language  # of the messages a coordinator may see
        self.clock = clock
        self.sleep = sleep
        self.limiter = limiter or RateLimiter(clock=clock, sleep=sleep)
        self.retry = retry or RetryPolicy()
        self.rng = rng or random.Random()
        self.requests_sent = 0  # every attempt that went on the wire, retries included

    def __repr__(self) -> str:  # never show the session's headers (they hold the bearer token)
        return f"<{type(self).__name__} requests_sent={self.requests_sent}>"

    def request(
        self,
        method: str,
        endpoint: str,
        params: ParamsType | None = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: FileType = None,
        headers: MutableMapping[str, str] | None = None,
    ) -> requests.Response:
        what = describe(method, endpoint)
        uncertain = is_uncertain_write(method, endpoint)
        started = self.clock()
        attempt = 0
        while True:
            attempt += 1
            self.limiter.acquire()
            self.requests_sent += 1
            try:
                response = self.session.request(
                    method=method,
                    url=endpoint,
                    json=json,
                    params=params,
                    data=data,
                    files=files,
                    headers=headers,
                    timeout=self.timeout,
                )
            except RefreshError:
                raise BackendError(self._sign_in_message()) from None
            except (TransportError, requests.ConnectTimeout) as exc:  # nothing reached the API
                detail = f"no connection: {type(exc).__name__}"
                wait = self.retry.backoff(attempt, self.rng)
            except (requests.ConnectionError, requests.Timeout) as exc:
                detail = f"connection lost: {type(exc).__name__}"
                if uncertain:
                    raise UncertainWrite(what, detail) from None
                wait = self.retry.backoff(attempt, self.rng)
            else:
                if response.ok:
                    return response
                if not _retryable(response) or (uncertain and response.status_code != 429):
                    if uncertain and response.status_code >= 500:
                        raise UncertainWrite(what, f"HTTP {response.status_code}")
                    raise APIError(response)
                detail = f"HTTP {response.status_code}"
                wait = max(self.retry.backoff(attempt, self.rng), retry_after(response) or 0.0)
            elapsed = self.clock() - started
            if attempt >= self.retry.max_attempts or elapsed + wait > self.retry.max_total_seconds:
                raise BackendError(
                    GAVE_UP(self.language).format(
                        what=what, attempts=attempt, seconds=f"{elapsed:.0f}", detail=detail
                    )
                )
            self.sleep(wait)

    def _sign_in_message(self) -> str:
        credentials = getattr(self.session, "credentials", None) or self.auth
        robot = getattr(credentials, "service_account_email", None)
        return (KEY_REFUSED if robot else SIGN_IN_AGAIN)(self.language)


def _retryable(response: requests.Response) -> bool:
    if response.status_code in RETRY_STATUSES:
        return True
    if response.status_code == 403:
        try:
            errors = response.json()["error"].get("errors", [])
        except (ValueError, KeyError, TypeError, AttributeError):
            return False
        return any(isinstance(e, dict) and e.get("reason") in RATE_LIMIT_REASONS for e in errors)
    return False


def retry_after(response: requests.Response) -> float | None:
    """Seconds asked by a Retry-After header (a number or an HTTP date), if any."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(str(value)))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def is_uncertain_write(method: str, endpoint: str) -> bool:
    if method.lower() != "post":
        return False
    return any(p.match(endpoint) for p in (SHEETS_CREATE, SHEETS_BATCH_UPDATE, DRIVE_FILES_CREATE))


def describe(method: str, endpoint: str) -> str:
    """'POST sheets/v4/spreadsheets' style name of a call, without query parameters or secrets."""
    path = endpoint.split("?", 1)[0].removeprefix("https://")
    for host in ("sheets.googleapis.com/", "www.googleapis.com/"):
        path = path.removeprefix(host)
    return f"{method.upper()} {path}"


def make_client(
    credentials: Credentials | None = None,
    *,
    session: requests.Session | None = None,
    limiter: RateLimiter | None = None,
    retry: RetryPolicy | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
    language: Language = "fr",
) -> Client:
    """A gspread Client talking through `GoogleHTTPClient` (credentials, or a ready session)."""
    if credentials is None and session is None:
        raise BackendError(NOT_SIGNED_IN(language))
    client = Client(cast(Credentials, credentials), session=session or requests.Session())
    client.http_client = GoogleHTTPClient(
        credentials,
        session,
        limiter=limiter,
        retry=retry,
        clock=clock,
        sleep=sleep,
        rng=rng,
        language=language,
    )
    return client


def speak(http: HTTPClient, language: Language) -> None:
    """Let the client word its errors in the initiative's language."""
    if isinstance(http, GoogleHTTPClient):
        http.language = language


def http_of(client: Client | HTTPClient) -> HTTPClient:
    """The HTTP client behind a gspread Client (or the client itself)."""
    return client if isinstance(client, HTTPClient) else client.http_client


def call(http: HTTPClient, method: str, url: str, *, service: str, **kwargs: Any) -> dict[str, Any]:
    """One request whose JSON answer is wanted; Google's refusal becomes a BackendError naming `service`."""
    try:
        result: dict[str, Any] = http.request(method, url, **kwargs).json()
    except APIError as exc:
        where = url.split("/v3/", 1)[-1] if "/v3/" in url else url.split("/v4/", 1)[-1]
        raise refused(http, service, method, where, exc) from None
    return result


def refused(http: HTTPClient, service: str, method: str, where: str, exc: APIError) -> BackendError:
    """Google's final refusal of one request, worded in the initiative's language."""
    language = http.language if isinstance(http, GoogleHTTPClient) else "en"
    reason = f"{exc.code} {exc.error.get('message', '')}".rstrip()
    message = GOOGLE_REFUSED(language).format(
        service=service, method=method.upper(), where=where, reason=reason
    )
    return BackendError(message)


SHEETS_API = "https://sheets.googleapis.com/v4/spreadsheets"


def sheets_call(http: HTTPClient, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
    return call(http, method, url, service="Sheets", **kwargs)


def drive_call(http: HTTPClient, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
    return call(http, method, url, service="Drive", **kwargs)
