"""The REST endpoints: one function per discovery method, called with the request already validated."""

from __future__ import annotations

import copy
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from . import fields, sheets
from .batch import Context, apply_batch, create_spreadsheet
from .drive import RANK, SPREADSHEET
from .instrument import ApiError
from .schema import response_schema_id

if TYPE_CHECKING:
    from .server import FakeGoogle


@dataclass
class Call:
    api: str
    method_id: str
    http_method: str
    path: str
    args: dict[str, str]  # path parameters, percent-decoded
    params: dict[str, Any]  # query parameters, converted
    body: Any  # parsed JSON as sent (nulls kept)
    clean: Any  # body with null members dropped
    user: str
    extra: dict[str, Any] = field(default_factory=dict)


Result = tuple[int, Any]  # (HTTP status, JSON body or None)
Endpoint = Callable[["FakeGoogle", Call], Result]

_S = r"/v4/spreadsheets/(?P<spreadsheetId>[^/:]+)"
_F = r"/drive/v3/files/(?P<fileId>[^/:]+)"
ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    (m, re.compile(p), i)
    for m, p, i in [
        ("POST", r"/v4/spreadsheets", "sheets.spreadsheets.create"),
        ("GET", _S, "sheets.spreadsheets.get"),
        ("POST", _S + ":batchUpdate", "sheets.spreadsheets.batchUpdate"),
        ("GET", _S + "/values:batchGet", "sheets.spreadsheets.values.batchGet"),
        ("POST", _S + "/values:batchUpdate", "sheets.spreadsheets.values.batchUpdate"),
        ("POST", _S + "/values:batchClear", "sheets.spreadsheets.values.batchClear"),
        ("POST", _S + "/values/(?P<range>[^/]+?):append", "sheets.spreadsheets.values.append"),
        ("POST", _S + "/values/(?P<range>[^/]+?):clear", "sheets.spreadsheets.values.clear"),
        ("GET", _S + "/values/(?P<range>[^/]+)", "sheets.spreadsheets.values.get"),
        ("PUT", _S + "/values/(?P<range>[^/]+)", "sheets.spreadsheets.values.update"),
        ("POST", _S + "/developerMetadata:search", "sheets.spreadsheets.developerMetadata.search"),
        (
            "GET",
            _S + r"/developerMetadata/(?P<metadataId>[0-9]+)",
            "sheets.spreadsheets.developerMetadata.get",
        ),
        ("GET", r"/drive/v3/about", "drive.about.get"),
        ("GET", r"/drive/v3/files", "drive.files.list"),
        ("POST", r"/drive/v3/files", "drive.files.create"),
        ("POST", r"/upload/drive/v3/files", "drive.files.create"),
        ("GET", _F, "drive.files.get"),
        ("PATCH", _F, "drive.files.update"),
        ("DELETE", _F, "drive.files.delete"),
        ("POST", _F + "/copy", "drive.files.copy"),
        ("GET", _F + "/export", "drive.files.export"),
        ("GET", _F + "/comments", "drive.comments.list"),
        ("POST", _F + "/permissions", "drive.permissions.create"),
        ("GET", _F + "/permissions", "drive.permissions.list"),
        ("GET", _F + "/permissions/(?P<permissionId>[^/]+)", "drive.permissions.get"),
        ("DELETE", _F + "/permissions/(?P<permissionId>[^/]+)", "drive.permissions.delete"),
    ]
]
READ_METHODS = frozenset({"sheets.spreadsheets.developerMetadata.search"})


def route(http_method: str, path: str) -> tuple[str, dict[str, str]] | None:
    for method, pattern, method_id in ROUTES:
        match = pattern.fullmatch(path)
        if match and method == http_method:
            return method_id, {k: unquote(v) for k, v in match.groupdict().items()}
    return None


# -- helpers ------------------------------------------------------------------------------------------
def _not_found() -> ApiError:
    return ApiError(404, "Requested entity was not found.")


def _sheet_state(fake: FakeGoogle, call: Call, need: str) -> sheets.SpreadsheetState:
    sid = call.args["spreadsheetId"]
    state = fake.sheets.get(sid)
    if state is None or sid not in fake.drive.files:
        raise _not_found()
    role = fake.drive.role(sid, call.user)
    view = fake.drive.view
    if view is not None and not view.sheets_any() and not fake.drive.visible(fake.drive.files[sid]):
        raise _not_found()  # drive.file alone: only the app's own spreadsheets
    if role is None or RANK[role] < RANK[need]:
        raise ApiError(403, "The caller does not have permission")
    return state


def _context(fake: FakeGoogle, call: Call, sid: str) -> Context:
    return Context(call.user, _owner(fake, sid), fake.rng, domain=fake.document_domain(sid))


def _owner(fake: FakeGoogle, sid: str) -> str:
    return fake.drive.files[sid].owner


def _select(call: Call, body: dict[str, Any], default: str | None = None) -> dict[str, Any]:
    mask = call.params.get("fields", default)
    if not mask:
        return body
    try:
        tree = fields.parse(mask)
        schema_id = response_schema_id(call.api, call.method_id)
        if schema_id:
            fields.check(call.api, schema_id, tree)
    except fields.FieldMaskError as error:
        raise ApiError(
            400,
            str(error) if call.api == "drive" else "Request contains an invalid argument.",
            reason="invalidParameter",
        ) from None
    selected: dict[str, Any] = fields.select(body, tree)
    return selected


def _commit(fake: FakeGoogle, call: Call, work: sheets.SpreadsheetState) -> None:
    fake.sheets[work.spreadsheet_id] = work
    drive_file = fake.drive.files[work.spreadsheet_id]
    drive_file.name = str(work.properties.get("title", drive_file.name))
    fake.drive.touch(work.spreadsheet_id, call.user)


# -- Sheets ----------------------------------------------------------------------------------------------
def sheets_create(fake: FakeGoogle, call: Call) -> Result:
    body = copy.deepcopy(call.clean or {})
    for key in ("spreadsheetId", "spreadsheetUrl"):
        body.pop(key, None)
    fake.drive._check_storage(call.user, [fake.drive.root(call.user)])  # lands in the caller's My Drive
    domain = fake.identity(call.user).workspace_domain
    state = create_spreadsheet(body, Context(call.user, call.user, fake.rng, domain=domain))
    fake.sheets[state.spreadsheet_id] = state
    fake.drive.add_file(state.spreadsheet_id, state.properties["title"], SPREADSHEET, call.user)
    out = sheets.render_spreadsheet(state, user=call.user, owner=call.user, include_grid=False)
    return 200, _select(call, out)


def sheets_get(fake: FakeGoogle, call: Call) -> Result:
    state = _sheet_state(fake, call, "reader")
    mask = call.params.get("fields")
    include = bool(call.params.get("includeGridData")) if not mask else "data" in mask
    out = sheets.render_spreadsheet(
        state,
        user=call.user,
        owner=_owner(fake, state.spreadsheet_id),
        include_grid=include,
        ranges=call.params.get("ranges"),
    )
    return 200, _select(call, out)


def sheets_batch_update(fake: FakeGoogle, call: Call) -> Result:
    state = _sheet_state(fake, call, "writer")
    body = call.clean or {}
    requests = body.get("requests", [])
    if not requests:
        raise ApiError(400, "Must specify at least one request.")
    work = copy.deepcopy(state)
    owner = _owner(fake, state.spreadsheet_id)
    replies = apply_batch(work, requests, _context(fake, call, state.spreadsheet_id))
    _commit(fake, call, work)
    out: dict[str, Any] = {"spreadsheetId": work.spreadsheet_id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        out["updatedSpreadsheet"] = sheets.render_spreadsheet(
            work,
            user=call.user,
            owner=owner,
            include_grid=bool(body.get("responseIncludeGridData")),
            ranges=body.get("responseRanges"),
        )
    return 200, _select(call, out)


def _render_options(source: dict[str, Any], prefix: str = "") -> dict[str, str]:
    value_key = f"{prefix}valueRenderOption" if not prefix else f"{prefix}ValueRenderOption"
    date_key = f"{prefix}dateTimeRenderOption" if not prefix else f"{prefix}DateTimeRenderOption"
    return {
        "value_render": source.get(value_key, "FORMATTED_VALUE"),
        "datetime_render": source.get(date_key, "SERIAL_NUMBER"),
    }


def values_get(fake: FakeGoogle, call: Call) -> Result:
    state = _sheet_state(fake, call, "reader")
    out = sheets.read_values(
        state,
        call.args["range"],
        major=call.params.get("majorDimension", "ROWS"),
        **_render_options(call.params),
    )
    return 200, _select(call, out)


def values_batch_get(fake: FakeGoogle, call: Call) -> Result:
    state = _sheet_state(fake, call, "reader")
    out: dict[str, Any] = {"spreadsheetId": state.spreadsheet_id}
    ranges = call.params.get("ranges") or []
    if ranges:
        out["valueRanges"] = [
            sheets.read_values(
                state, r, major=call.params.get("majorDimension", "ROWS"), **_render_options(call.params)
            )
            for r in ranges
        ]
    return 200, _select(call, out)


def _require_input_option(option: str | None) -> str:
    if not option or option == "INPUT_VALUE_OPTION_UNSPECIFIED":
        raise ApiError(400, "'valueInputOption' is required but not specified")
    return option


def _with_values(
    state: sheets.SpreadsheetState, response: dict[str, Any], options: dict[str, Any], include: bool
) -> dict[str, Any]:
    out = {"spreadsheetId": state.spreadsheet_id, **response}
    if include and "updatedRange" in response:
        out["updatedData"] = sheets.read_values(
            state, response["updatedRange"], major="ROWS", **_render_options(options, "response")
        )
    return out


def values_update(fake: FakeGoogle, call: Call) -> Result:
    option = _require_input_option(call.params.get("valueInputOption"))
    state = _sheet_state(fake, call, "writer")
    body = call.clean or {}
    if "range" in body and body["range"] != call.args["range"]:
        raise ApiError(
            400,
            f"Requested writing within range [{call.args['range']}], but the request body "
            f"has a different range [{body['range']}]",
        )
    work = copy.deepcopy(state)
    response = sheets.write_values(
        work,
        call.args["range"],
        body.get("values", []),
        major=body.get("majorDimension", "ROWS"),
        input_option=option,
        user=call.user,
        owner=_owner(fake, work.spreadsheet_id),
    )
    _commit(fake, call, work)
    return 200, _select(
        call, _with_values(work, response, call.params, call.params.get("includeValuesInResponse", False))
    )


def values_batch_update(fake: FakeGoogle, call: Call) -> Result:
    body = call.clean or {}
    option = _require_input_option(body.get("valueInputOption"))
    state = _sheet_state(fake, call, "writer")
    work = copy.deepcopy(state)
    owner = _owner(fake, work.spreadsheet_id)
    responses = []
    for item in body.get("data", []):
        if "range" not in item:
            raise ApiError(400, "Invalid data[]: range is required")
        response = sheets.write_values(
            work,
            item["range"],
            item.get("values", []),
            major=item.get("majorDimension", "ROWS"),
            input_option=option,
            user=call.user,
            owner=owner,
        )
        responses.append(_with_values(work, response, body, bool(body.get("includeValuesInResponse"))))
    _commit(fake, call, work)
    updated = [r for r in responses if r.get("updatedCells")]
    out: dict[str, Any] = {"spreadsheetId": work.spreadsheet_id}
    if updated:
        out.update(
            {
                "totalUpdatedRows": sum(r["updatedRows"] for r in updated),
                "totalUpdatedColumns": sum(r["updatedColumns"] for r in updated),
                "totalUpdatedCells": sum(r["updatedCells"] for r in updated),
                "totalUpdatedSheets": len({r["updatedRange"].rpartition("!")[0] for r in updated}),
            }
        )
    if responses:
        out["responses"] = responses
    return 200, _select(call, out)


def values_append(fake: FakeGoogle, call: Call) -> Result:
    option = _require_input_option(call.params.get("valueInputOption"))
    state = _sheet_state(fake, call, "writer")
    body = call.clean or {}
    work = copy.deepcopy(state)
    owner = _owner(fake, work.spreadsheet_id)
    if call.params.get("insertDataOption") == "INSERT_ROWS":
        sheet, _ = work.resolve(call.args["range"])
        sheets.check_structure(sheet, call.user, owner)
    response = sheets.append_values(
        work,
        call.args["range"],
        body.get("values", []),
        major=body.get("majorDimension", "ROWS"),
        input_option=option,
        insert_option=call.params.get("insertDataOption", "OVERWRITE"),
        user=call.user,
        owner=owner,
    )
    _commit(fake, call, work)
    response["updates"] = _with_values(
        work, response["updates"], call.params, call.params.get("includeValuesInResponse", False)
    )
    return 200, _select(call, {"spreadsheetId": work.spreadsheet_id, **response})


def values_clear(fake: FakeGoogle, call: Call) -> Result:
    state = _sheet_state(fake, call, "writer")
    work = copy.deepcopy(state)
    cleared = sheets.clear_values(work, call.args["range"], call.user, _owner(fake, work.spreadsheet_id))
    _commit(fake, call, work)
    return 200, _select(call, {"spreadsheetId": work.spreadsheet_id, "clearedRange": cleared})


def values_batch_clear(fake: FakeGoogle, call: Call) -> Result:
    state = _sheet_state(fake, call, "writer")
    work = copy.deepcopy(state)
    owner = _owner(fake, work.spreadsheet_id)
    cleared = [sheets.clear_values(work, r, call.user, owner) for r in (call.clean or {}).get("ranges", [])]
    _commit(fake, call, work)
    out: dict[str, Any] = {"spreadsheetId": work.spreadsheet_id}
    if cleared:
        out["clearedRanges"] = cleared
    return 200, _select(call, out)


def metadata_search(fake: FakeGoogle, call: Call) -> Result:
    state = _sheet_state(fake, call, "reader")
    filters = (call.clean or {}).get("dataFilters", [])
    if not filters:
        raise ApiError(400, "Must specify at least one data filter.")
    matched: dict[int, dict[str, Any]] = {}
    for data_filter in filters:
        for meta in sheets.match_filter(state, data_filter):
            entry = matched.setdefault(
                meta["metadataId"], {"developerMetadata": sheets.render_metadata(meta), "dataFilters": []}
            )
            entry["dataFilters"].append(copy.deepcopy(data_filter))
    out = {"matchedDeveloperMetadata": list(matched.values())} if matched else {}
    return 200, _select(call, out)


def metadata_get(fake: FakeGoogle, call: Call) -> Result:
    state = _sheet_state(fake, call, "reader")
    for meta in state.developer_metadata:
        if meta["metadataId"] == int(call.args["metadataId"]):
            return 200, _select(call, sheets.render_metadata(meta))
    raise _not_found()


# -- Drive -----------------------------------------------------------------------------------------------
FILE_DEFAULT = "kind,id,name,mimeType"
PERMISSION_DEFAULT = "kind,id,type,role"


def files_create(fake: FakeGoogle, call: Call) -> Result:
    if call.path.startswith("/upload/"):
        raise ApiError(501, "[google stand-in] media uploads are not implemented; create metadata only.")
    created = fake.drive.create(call.body or {}, call.user)
    return 200, _select(call, fake.drive.resource(created, call.user), FILE_DEFAULT)


def files_copy(fake: FakeGoogle, call: Call) -> Result:
    copied = fake.drive.copy(call.args["fileId"], call.body or {}, call.user)
    return 200, _select(call, fake.drive.resource(copied, call.user), FILE_DEFAULT)


def files_get(fake: FakeGoogle, call: Call) -> Result:
    found = fake.drive.require(call.args["fileId"], call.user, "reader")
    return 200, _select(call, fake.drive.resource(found, call.user), FILE_DEFAULT)


def files_update(fake: FakeGoogle, call: Call) -> Result:
    updated = fake.drive.update(call.args["fileId"], call.body or {}, call.params, call.user)
    return 200, _select(call, fake.drive.resource(updated, call.user), FILE_DEFAULT)


def files_delete(fake: FakeGoogle, call: Call) -> Result:
    fake.drive.delete(call.args["fileId"], call.user)
    return 204, None


def files_list(fake: FakeGoogle, call: Call) -> Result:
    corpora = str(call.params.get("corpora") or "user")
    drive_id = call.params.get("driveId")
    if corpora == "drive" and not drive_id:
        raise ApiError(400, "The driveId parameter must be specified if and only if corpora is set to drive.")
    if (corpora in ("drive", "allDrives") or drive_id) and not (
        call.params.get("includeItemsFromAllDrives") and call.params.get("supportsAllDrives")
    ):
        raise ApiError(
            400,
            "The includeItemsFromAllDrives parameter must be set to true when corpora is drive or allDrives.",
            reason="invalid",
        )
    found = fake.drive.search(call.params.get("q"), call.user, corpora=corpora, drive_id=drive_id)
    order = str(call.params.get("orderBy", ""))
    for key in reversed([k.strip() for k in order.split(",") if k.strip()]):
        name, _, direction = key.partition(" ")
        attr = {"name": "name", "modifiedTime": "modified", "createdTime": "created"}.get(name)
        if attr is None:
            raise ApiError(400, f"Invalid Value: orderBy {key}", reason="invalid")
        found.sort(key=operator.attrgetter(attr), reverse=direction.lower() == "desc")
    size = min(int(call.params.get("pageSize", 100)), 1000)
    start = int(call.params.get("pageToken", "0") or 0)
    page = found[start : start + size]
    out: dict[str, Any] = {
        "kind": "drive#fileList",
        "incompleteSearch": False,
        "files": [fake.drive.resource(f, call.user) for f in page],
    }
    if start + size < len(found):
        out["nextPageToken"] = str(start + size)
    return 200, _select(call, out, "kind,incompleteSearch,nextPageToken,files(" + FILE_DEFAULT + ")")


def about_get(fake: FakeGoogle, call: Call) -> Result:
    """Who the caller is (Drive v3 requires ``fields`` here)."""
    if not call.params.get("fields"):
        raise ApiError(400, "The 'fields' parameter is required for this method.", reason="required")
    user = {
        "kind": "drive#user",
        "emailAddress": call.user,
        "displayName": call.user.split("@")[0],
        "me": True,
    }
    return 200, _select(call, {"kind": "drive#about", "user": user})


def files_export(fake: FakeGoogle, call: Call) -> Result:
    raise ApiError(501, "[google stand-in] files.export is not implemented.")


def comments_list(fake: FakeGoogle, call: Call) -> Result:
    """The stand-in keeps no comments; Drive v3 requires ``fields`` on comment methods."""
    fake.drive.require(call.args["fileId"], call.user, "reader")
    if not call.params.get("fields"):
        raise ApiError(400, "The 'fields' parameter is required for this method.", reason="required")
    return 200, _select(call, {"kind": "drive#commentList", "comments": []})


def permissions_create(fake: FakeGoogle, call: Call) -> Result:
    permission = fake.drive.add_permission(call.args["fileId"], call.body or {}, call.params, call.user)
    return 200, _select(call, permission, PERMISSION_DEFAULT)


def permissions_list(fake: FakeGoogle, call: Call) -> Result:
    permissions = fake.drive.list_permissions(call.args["fileId"], call.user)
    body = {"kind": "drive#permissionList", "permissions": permissions}
    return 200, _select(call, body, "kind,nextPageToken,permissions(" + PERMISSION_DEFAULT + ")")


def permissions_get(fake: FakeGoogle, call: Call) -> Result:
    permission = fake.drive.get_permission(call.args["fileId"], call.args["permissionId"], call.user)
    return 200, _select(call, permission, PERMISSION_DEFAULT)


def permissions_delete(fake: FakeGoogle, call: Call) -> Result:
    fake.drive.delete_permission(call.args["fileId"], call.args["permissionId"], call.user)
    return 204, None


ENDPOINTS: dict[str, Endpoint] = {
    "sheets.spreadsheets.create": sheets_create,
    "sheets.spreadsheets.get": sheets_get,
    "sheets.spreadsheets.batchUpdate": sheets_batch_update,
    "sheets.spreadsheets.values.get": values_get,
    "sheets.spreadsheets.values.batchGet": values_batch_get,
    "sheets.spreadsheets.values.update": values_update,
    "sheets.spreadsheets.values.batchUpdate": values_batch_update,
    "sheets.spreadsheets.values.append": values_append,
    "sheets.spreadsheets.values.clear": values_clear,
    "sheets.spreadsheets.values.batchClear": values_batch_clear,
    "sheets.spreadsheets.developerMetadata.search": metadata_search,
    "sheets.spreadsheets.developerMetadata.get": metadata_get,
    "drive.about.get": about_get,
    "drive.files.create": files_create,
    "drive.files.copy": files_copy,
    "drive.files.get": files_get,
    "drive.files.update": files_update,
    "drive.files.delete": files_delete,
    "drive.files.list": files_list,
    "drive.files.export": files_export,
    "drive.comments.list": comments_list,
    "drive.permissions.create": permissions_create,
    "drive.permissions.list": permissions_list,
    "drive.permissions.get": permissions_get,
    "drive.permissions.delete": permissions_delete,
}
