"""Google Sheets backend: generate, share, read back and write the master as live spreadsheets.

Every request goes through `http.GoogleHTTPClient` (rate limit, bounded retry), the one seam
tests swap for a local stand-in of the Sheets v4 and Drive v3 endpoints.
"""

from __future__ import annotations

from .auth import SCOPES, GoogleAuth, authorize_google, load_credentials, token_path
from .build import spreadsheet_body
from .generate import GoogleCopy, default_client, generate_google
from .http import GoogleHTTPClient, RateLimiter, RetryPolicy, UncertainWrite, make_client
from .manifest import Manifest, ManifestEntry, read_manifest
from .master import GoogleMaster, write_master_google
from .reader import mixed_reader, read_spreadsheet
from .sources import expand_google_sources, is_google_source, spreadsheet_id, spreadsheet_url

__all__ = [
    "SCOPES",
    "GoogleAuth",
    "GoogleCopy",
    "GoogleHTTPClient",
    "GoogleMaster",
    "Manifest",
    "ManifestEntry",
    "RateLimiter",
    "RetryPolicy",
    "UncertainWrite",
    "authorize_google",
    "default_client",
    "expand_google_sources",
    "generate_google",
    "is_google_source",
    "load_credentials",
    "make_client",
    "mixed_reader",
    "read_manifest",
    "read_spreadsheet",
    "spreadsheet_body",
    "spreadsheet_id",
    "spreadsheet_url",
    "token_path",
    "write_master_google",
]
