"""A local stand-in for the Google Sheets v4 and Drive v3 REST APIs (see server.FakeGoogle)."""

from .drive import FOLDER, SPREADSHEET, Notification
from .instrument import ApiError, FakeClock, Fault, RequestLog, RequestRecord
from .schema import RequestValidationError, json_schema, validate, validate_params
from .server import FakeCredentials, FakeGoogle, FakeGoogleAdapter, UnservedURLError

__all__ = [
    "FOLDER",
    "SPREADSHEET",
    "ApiError",
    "FakeClock",
    "FakeCredentials",
    "FakeGoogle",
    "FakeGoogleAdapter",
    "Fault",
    "Notification",
    "RequestLog",
    "RequestRecord",
    "RequestValidationError",
    "UnservedURLError",
    "json_schema",
    "validate",
    "validate_params",
]
