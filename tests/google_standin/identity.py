"""Who is calling: identities (users, service accounts, addresses without a Google account) and grants.

A grant is what an OAuth consent (or a service-account key) gives one app: scopes, a refresh token
that may expire (7 days for an External app in "Testing") or be revoked, and short-lived access
tokens. Tokens look like ``standin-token:<email>`` (Google's own web interface: every scope, never
expires, as the existing tests use) or ``standin-token:<email>#<grant>.<serial>`` (a grant).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

WEB_APP = "drive-web"  # Google's own interface: full access, what a person clicking in Drive has
ACCESS_LIFETIME = dt.timedelta(hours=1)
TESTING_REFRESH_LIFETIME = dt.timedelta(days=7)
DRIVE_FULL = frozenset({"drive"})
SA_NO_STORAGE = (
    "Service Accounts do not have storage quota. Leverage shared drives "
    "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), or use OAuth "
    "delegation (http://support.google.com/a/answer/7281227) instead."
)


@dataclass
class Identity:
    email: str
    kind: Literal["user", "service_account"] = "user"
    google_account: bool = True  # False: info@organisme.org with no Google account behind it
    workspace_domain: str | None = None  # a Google Workspace domain the account belongs to

    @property
    def has_storage(self) -> bool:
        """Plain service accounts have no Drive storage of their own (403 storageQuotaExceeded)."""
        return self.kind == "user"


@dataclass
class Grant:
    id: int
    user: str
    app: str  # the OAuth client / Cloud project the consent was given to
    scopes: frozenset[str]  # short names: "spreadsheets", "drive.file", "drive"
    issued: dt.datetime
    refresh_lifetime: dt.timedelta | None = None
    revoked: bool = False
    serial: int = 0
    access_issued: dt.datetime = field(default_factory=lambda: dt.datetime.min.replace(tzinfo=dt.UTC))
    transport_failures: int = 0  # the next refreshes that cannot reach Google's token endpoint

    def token(self) -> str:
        return f"{self.user}#{self.id}.{self.serial}"


@dataclass(frozen=True)
class View:
    """What one request may see: its app, whether Drive access is limited to that app's files."""

    user: str
    app: str
    scopes: frozenset[str]
    all_drives: bool  # supportsAllDrives=true (always true for Sheets calls)

    @property
    def drive_file_only(self) -> bool:
        return "drive" not in self.scopes

    def sheets_any(self) -> bool:
        """Sheets may open every spreadsheet the user can (the `spreadsheets` or `drive` scope)."""
        return bool({"spreadsheets", "drive"} & self.scopes)


def short_scope(scope: str) -> str:
    return scope.rsplit("/", 1)[-1]
