"""The Google HTTP seam: token-bucket rate limit and bounded retry, on a fake clock and a scripted wire."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
import requests
from gspread.exceptions import APIError
from requests.adapters import BaseAdapter

from toolkit.backends.gsheets.http import (
    DEFAULT_TIMEOUT,
    GoogleHTTPClient,
    RateLimiter,
    RetryPolicy,
    UncertainWrite,
    is_uncertain_write,
    make_client,
    retry_after,
)
from toolkit.errors import BackendError

SHEET_URL = "https://sheets.googleapis.com/v4/spreadsheets/abc"
CREATE_URL = "https://sheets.googleapis.com/v4/spreadsheets"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


Answer = int | tuple[int, dict[str, str]] | type[Exception]


class Scripted(BaseAdapter):
    """Answers from a script: a status, (status, headers), or an exception class to raise."""

    def __init__(self, script: list[Answer], clock: Clock) -> None:
        super().__init__()
        self.script = script
        self.clock = clock
        self.sent: list[float] = []
        self.timeouts: list[object] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.sent.append(self.clock.now)
        self.timeouts.append(kwargs.get("timeout"))
        answer = self.script.pop(0) if self.script else 200
        if isinstance(answer, type):
            raise answer("connection reset by peer")
        status, headers = answer if isinstance(answer, tuple) else (answer, {})
        response = requests.Response()
        response.status_code = status
        response.headers.update(headers)
        body = {"ok": True} if status < 400 else {"error": {"code": status, "message": "x", "status": "X"}}
        response._content = json.dumps(body).encode()
        response.url = str(request.url)
        response.request = request
        return response

    def close(self) -> None:
        pass


def client(script: list[Answer], **policy: Any) -> tuple[GoogleHTTPClient, Scripted, Clock]:
    clock = Clock()
    adapter = Scripted(script, clock)
    session = requests.Session()
    session.mount("https://", adapter)
    http = GoogleHTTPClient(
        None,
        session,
        clock=clock,
        sleep=clock.sleep,
        rng=random.Random(7),
        retry=RetryPolicy(**policy) if policy else None,
    )
    return http, adapter, clock


def test_rate_limiter_keeps_every_rolling_minute_at_60() -> None:
    http, adapter, _ = client([])
    for _ in range(200):
        http.request("get", SHEET_URL)
    times = adapter.sent
    assert len(times) == 200
    worst = max(sum(1 for t in times if start <= t < start + 60) for start in times)
    assert worst <= 60
    assert times[-1] == pytest.approx((200 - 10) * 60 / 50)  # burst of 10, then 50 a minute


def test_rate_limiter_refuses_a_burst_as_large_as_the_limit() -> None:
    with pytest.raises(ValueError):
        RateLimiter(requests_per_minute=60, burst=60)


@pytest.mark.parametrize(
    "failure",
    [(429, {"Retry-After": "7"}), 500, 503, requests.ConnectionError],
    ids=["429-retry-after", "500", "503", "connection-reset"],
)
def test_a_read_is_retried_after_a_transient_failure(failure: Answer) -> None:
    http, adapter, clock = client([failure, failure, 200])
    assert http.request("get", SHEET_URL).json() == {"ok": True}
    assert len(adapter.sent) == 3
    if isinstance(failure, tuple):
        assert all(s >= 7 for s in clock.sleeps)


def test_backoff_grows_and_has_jitter() -> None:
    policy = RetryPolicy(base_seconds=1, cap_seconds=32)
    rng = random.Random(1)
    delays = [policy.backoff(n, rng) for n in range(1, 8)]
    for n, delay in enumerate(delays, start=1):
        ceiling = min(32, 2 ** (n - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert len({round(d / min(32, 2 ** (n - 1)), 3) for n, d in enumerate(delays, start=1)}) > 1


def test_gives_up_with_a_clear_error_after_bounded_attempts() -> None:
    http, adapter, _ = client([503] * 20, max_attempts=4)
    with pytest.raises(BackendError, match=r"après 4 tentatives .*dernière réponse : HTTP 503.*réessayez"):
        http.request("get", SHEET_URL)
    assert len(adapter.sent) == 4
    http, _, _ = client([503] * 20, max_attempts=4)
    http.language = "en"
    with pytest.raises(BackendError, match=r"after 4 attempts .*last answer: HTTP 503"):
        http.request("get", SHEET_URL)


def test_a_final_refusal_is_worded_in_the_initiative_language() -> None:
    from toolkit.backends.gsheets.http import call

    http, _, _ = client([404])
    with pytest.raises(BackendError) as refused:
        call(http, "get", SHEET_URL, service="Sheets")
    assert str(refused.value) == "Google Sheets a refusé GET spreadsheets/abc : 404 x"


def test_gives_up_when_retry_after_exceeds_the_time_budget() -> None:
    http, adapter, clock = client([(429, {"Retry-After": "3600"})], max_total_seconds=120)
    with pytest.raises(BackendError, match="HTTP 429"):
        http.request("get", SHEET_URL)
    assert len(adapter.sent) == 1 and clock.now < 1


def test_a_permanent_error_is_not_retried() -> None:
    http, adapter, _ = client([404])
    with pytest.raises(APIError):
        http.request("get", SHEET_URL)
    assert len(adapter.sent) == 1


def test_create_is_retried_on_429_but_not_after_an_uncertain_failure() -> None:
    http, adapter, _ = client([429, 200])
    http.request("post", CREATE_URL, json={})
    assert len(adapter.sent) == 2
    for failure in (500, 503, requests.ConnectionError):
        http, adapter, _ = client([failure, 200])
        with pytest.raises(UncertainWrite):
            http.request("post", CREATE_URL, json={})
        assert len(adapter.sent) == 1


@pytest.mark.parametrize(
    ("method", "url", "expected"),
    [
        ("post", CREATE_URL, True),
        ("post", SHEET_URL + ":batchUpdate", True),
        ("post", "https://www.googleapis.com/drive/v3/files", True),
        ("post", "https://www.googleapis.com/drive/v3/files/x/permissions", False),
        ("patch", "https://www.googleapis.com/drive/v3/files/x", False),
        ("get", SHEET_URL, False),
    ],
)
def test_which_writes_are_uncertain(method: str, url: str, expected: bool) -> None:
    assert is_uncertain_write(method, url) is expected


def test_retry_after_accepts_seconds_and_dates() -> None:
    def answer(value: str) -> requests.Response:
        response = requests.Response()
        response.headers["Retry-After"] = value
        return response

    assert retry_after(answer("12")) == 12
    assert retry_after(answer("Wed, 21 Oct 2015 07:28:00 GMT")) == 0
    assert retry_after(requests.Response()) is None


def test_repr_never_shows_the_session_headers() -> None:
    session = requests.Session()
    session.headers["Authorization"] = "Bearer ya29.SECRET-TOKEN"
    gc = make_client(session=session)
    assert "SECRET" not in repr(gc.http_client)
    assert "SECRET" not in repr(gc)


def test_make_client_needs_credentials_or_a_session() -> None:
    with pytest.raises(BackendError, match="toolkit auth google"):
        make_client()


def test_every_request_has_a_connect_and_read_timeout() -> None:
    http, adapter, _ = client([200])
    http.request("get", SHEET_URL)
    assert adapter.timeouts == [DEFAULT_TIMEOUT] and all(t is not None for t in DEFAULT_TIMEOUT)


def test_the_default_retries_outlast_a_quota_minute() -> None:
    assert RetryPolicy().least_total_wait() > 60
    http, adapter, clock = client([429] * 7 + [200])  # Google's 429s carry no Retry-After
    assert http.request("get", SHEET_URL).json() == {"ok": True}
    assert clock.now > 60 and len(adapter.sent) == 8


def test_a_connect_timeout_on_a_create_is_retried_since_nothing_was_sent() -> None:
    http, adapter, _ = client([requests.ConnectTimeout, 200])
    http.request("post", CREATE_URL, json={})
    assert len(adapter.sent) == 2
