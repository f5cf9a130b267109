"""In-memory Drive v3: files (folders, spreadsheets), the ``q`` search language, permissions per user."""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .identity import SA_NO_STORAGE, WEB_APP, Identity, View
from .instrument import ApiError, FakeClock
from .query import parse_query

FOLDER = "application/vnd.google-apps.folder"
SPREADSHEET = "application/vnd.google-apps.spreadsheet"
RANK = {"reader": 1, "commenter": 2, "writer": 3, "fileOrganizer": 4, "organizer": 5, "owner": 6}
_NOT_WRITABLE = frozenset(
    {
        "owners",
        "permissions",
        "permissionIds",
        "capabilities",
        "ownedByMe",
        "shared",
        "size",
        "webViewLink",
        "iconLink",
        "version",
        "spaces",
        "md5Checksum",
        "lastModifyingUser",
        "sharingUser",
        "hasThumbnail",
    }
)
INSUFFICIENT = "The user does not have sufficient permissions for this file."


@dataclass
class DriveFile:
    id: str
    name: str
    mime_type: str
    owner: str
    parents: list[str]
    created: str
    modified: str
    permissions: list[dict[str, Any]] = field(default_factory=list)
    # appProperties are private to the app (OAuth client) that wrote them: app -> properties
    app_properties_by_app: dict[str, dict[str, str]] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)
    description: str | None = None
    trashed: bool = False
    starred: bool = False
    version: int = 1
    last_modifying: str | None = None
    is_root: bool = False
    is_shared_drive: bool = False  # the root folder of a shared drive (its id is the driveId)
    apps: set[str] = field(default_factory=lambda: {WEB_APP})  # apps that created or opened it
    writers_can_share: bool = True

    @property
    def app_properties(self) -> dict[str, str]:
        """Every app's appProperties merged (for tests that look at the file from outside)."""
        merged: dict[str, str] = {}
        for values in self.app_properties_by_app.values():
            merged.update(values)
        return merged


@dataclass
class Notification:
    """An e-mail Drive would have sent when sharing (sendNotificationEmail)."""

    file_id: str
    sender: str | None
    to: str
    role: str
    message: str | None


class DriveStore:
    def __init__(self, clock: FakeClock, rng: random.Random) -> None:
        self.clock = clock
        self.rng = rng
        self.files: dict[str, DriveFile] = {}
        self.roots: dict[str, str] = {}
        self.notifications: list[Notification] = []
        self._permission_ids: dict[str, str] = {}
        self.view: View | None = None  # set by the fake for the request being served; None: no limit
        self.identity: Callable[[str], Identity] = lambda email: Identity(email)
        self.search_lag = 0.0  # seconds during which a new file is missing from files.list results
        # Hooks set by the fake so Drive and Sheets share one set of spreadsheets.
        self.on_spreadsheet_created: Callable[[DriveFile], None] = lambda f: None
        self.on_spreadsheet_copied: Callable[[str, DriveFile], None] = lambda src, f: None
        self.on_deleted: Callable[[str], None] = lambda file_id: None
        self.on_renamed: Callable[[str, str], None] = lambda file_id, name: None

    # -- identity and access ------------------------------------------------------------------
    def permission_id(self, email: str) -> str:
        if email not in self._permission_ids:
            self._permission_ids[email] = str(10**19 + self.rng.randrange(10**19))
        return self._permission_ids[email]

    def new_id(self) -> str:
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
        return "1" + "".join(self.rng.choice(alphabet) for _ in range(32))

    def root(self, user: str) -> str:
        if user not in self.roots:
            now = self.clock.rfc3339()
            root = DriveFile(self.new_id(), "My Drive", FOLDER, user, [], now, now, is_root=True)
            root.permissions.append(self._user_permission(user, "owner"))
            self.files[root.id] = root
            self.roots[user] = root.id
        return self.roots[user]

    def _user_permission(self, email: str, role: str) -> dict[str, Any]:
        return {
            "kind": "drive#permission",
            "id": self.permission_id(email),
            "type": "user",
            "role": role,
            "emailAddress": email,
            "displayName": email.split("@")[0],
        }

    def role(self, file_id: str, user: str | None) -> str | None:
        """Effective role of ``user`` on a file: its own permissions and its folders' (inherited)."""
        best, seen, todo = None, set(), [file_id]
        while todo:
            current = self.files.get(todo.pop())
            if current is None or current.id in seen:
                continue
            seen.add(current.id)
            for perm in current.permissions:
                applies = perm["type"] == "anyone" or (
                    user is not None
                    and (
                        (
                            perm["type"] in ("user", "group")
                            and perm.get("emailAddress", "").lower() == user.lower()
                        )
                        or (perm["type"] == "domain" and user.lower().endswith("@" + perm.get("domain", "")))
                    )
                )
                if applies and (best is None or RANK[perm["role"]] > RANK[best]):
                    best = perm["role"]
            todo.extend(current.parents)
        return best

    def require(self, file_id: str, user: str | None, need: str) -> DriveFile:
        """The file if ``user`` has at least role ``need``; 404 when invisible, 403 when insufficient."""
        found = self.files.get(file_id)
        role = self.role(file_id, user) if found else None
        if (
            found is None
            or role is None
            or (found.is_root and found.owner != user)
            or not self.visible(found)
        ):
            raise ApiError(404, f"File not found: {file_id}.", reason="notFound")
        if RANK[role] < RANK[need]:
            raise ApiError(403, INSUFFICIENT, reason="insufficientFilePermissions")
        return found

    def drive_id(self, f: DriveFile) -> str | None:
        """The shared drive holding a file (None: in someone's My Drive)."""
        seen: set[str] = set()
        current: DriveFile | None = f
        while current is not None and current.id not in seen:
            if current.is_shared_drive:
                return current.id
            seen.add(current.id)
            current = self.files.get(current.parents[0]) if current.parents else None
        return None

    def visible(self, f: DriveFile) -> bool:
        """drive.file: only files this app created or opened; shared drives need supportsAllDrives."""
        view = self.view
        if view is None or f.is_root:  # every app may put files in My Drive
            return True
        if view.drive_file_only and view.app not in f.apps:
            return False
        return view.all_drives or self.drive_id(f) is None

    def _app(self) -> str:
        return self.view.app if self.view is not None else WEB_APP

    def _check_storage(self, user: str, parents: list[str]) -> None:
        """A file outside shared drives counts against its owner's storage; service accounts have none."""
        in_shared = bool(parents) and self.drive_id(self.files[parents[0]]) is not None
        if not in_shared and not self.identity(user).has_storage:
            raise ApiError(403, SA_NO_STORAGE, reason="storageQuotaExceeded", domain="usageLimits")

    def touch(self, file_id: str, user: str | None) -> None:
        found = self.files.get(file_id)
        if found is not None:
            found.modified = self.clock.rfc3339()
            found.version += 1
            found.last_modifying = user

    # -- resources ------------------------------------------------------------------------------
    def resource(self, f: DriveFile, user: str | None) -> dict[str, Any]:
        role = self.role(f.id, user) or "reader"
        out: dict[str, Any] = {
            "kind": "drive#file",
            "id": f.id,
            "name": f.name,
            "mimeType": f.mime_type,
            "parents": list(f.parents),
            "owners": [
                {
                    "kind": "drive#user",
                    "emailAddress": f.owner,
                    "displayName": f.owner.split("@")[0],
                    "me": f.owner == user,
                    "permissionId": self.permission_id(f.owner),
                }
            ],
            "ownedByMe": f.owner == user,
            "createdTime": f.created,
            "modifiedTime": f.modified,
            "trashed": f.trashed,
            "explicitlyTrashed": f.trashed,
            "starred": f.starred,
            "version": str(f.version),
            "spaces": ["drive"],
            "shared": len(f.permissions) > 1,
            "permissionIds": [p["id"] for p in f.permissions],
            "capabilities": {
                "canEdit": RANK[role] >= RANK["writer"],
                "canShare": RANK[role] >= RANK["writer"],
                "canDelete": role == "owner",
                "canTrash": role == "owner",
                "canAddChildren": f.mime_type == FOLDER and RANK[role] >= RANK["writer"],
            },
            "webViewLink": (
                f"https://docs.google.com/spreadsheets/d/{f.id}/edit"
                if f.mime_type == SPREADSHEET
                else f"https://drive.google.com/drive/folders/{f.id}"
                if f.mime_type == FOLDER
                else f"https://drive.google.com/file/d/{f.id}/view"
            ),
        }
        if RANK[role] >= RANK["writer"]:
            out["permissions"] = copy.deepcopy(f.permissions)
        mine = f.app_properties_by_app.get(self._app())
        if mine:
            out["appProperties"] = dict(mine)
        drive_id = self.drive_id(f)
        if drive_id is not None:
            out["driveId"] = drive_id
            out.pop("owners")
        out["writersCanShare"] = f.writers_can_share
        if f.properties:
            out["properties"] = dict(f.properties)
        if f.description is not None:
            out["description"] = f.description
        if f.last_modifying:
            out["lastModifyingUser"] = {
                "kind": "drive#user",
                "emailAddress": f.last_modifying,
                "me": f.last_modifying == user,
            }
        if self.view is not None and self.view.drive_file_only and self.view.app not in f.apps:
            out.pop("modifiedTime")  # never reached through the API (404 first); for helpers only
        return out

    # -- files ----------------------------------------------------------------------------------
    def add_file(
        self, file_id: str, name: str, mime_type: str, owner: str, parents: list[str] | None = None
    ) -> DriveFile:
        now = self.clock.rfc3339()
        parents = parents or [self.root(owner)]
        in_shared = self.drive_id(self.files[parents[0]]) is not None if parents[0] in self.files else False
        created = DriveFile(
            file_id, name, mime_type, "" if in_shared else owner, parents, now, now, last_modifying=owner
        )
        created.apps = {self._app()}
        if not in_shared:  # files in a shared drive belong to the drive, not to their creator
            created.permissions.append(self._user_permission(owner, "owner"))
        self.files[file_id] = created
        return created

    def create_shared_drive(self, name: str, members: dict[str, str]) -> DriveFile:
        """A shared drive (Workspace): members by email -> organizer, fileOrganizer, writer…"""
        now = self.clock.rfc3339()
        drive = DriveFile(self.new_id(), name, FOLDER, "", [], now, now, is_shared_drive=True)
        for email, role in members.items():
            drive.permissions.append(self._user_permission(email, role))
        self.files[drive.id] = drive
        return drive

    def _check_writable(self, body: dict[str, Any], *, update: bool) -> None:
        bad = sorted(k for k, v in body.items() if k in _NOT_WRITABLE and v is not None)
        if bad:
            raise ApiError(
                403,
                "The resource body includes fields which are not directly writable.",
                reason="fieldNotWritable",
            )
        if update and body.get("parents") is not None:
            raise ApiError(
                403,
                "The parents field is not directly writable in update requests. Use the "
                "addParents and removeParents parameters instead.",
                reason="fieldNotWritable",
            )

    def _parent_ids(self, ids: list[str], user: str) -> list[str]:
        out = []
        for parent in ids:
            parent = self.root(user) if parent == "root" else parent
            folder = self.require(parent, user, "writer")
            if folder.mime_type != FOLDER:
                raise ApiError(400, f"The specified parent is not a folder: {parent}", reason="invalidParent")
            out.append(parent)
        if len(out) > 1:
            raise ApiError(
                403,
                "Increasing the number of parents is not allowed. A file can only have one parent.",
                reason="cannotAddParent",
            )
        return out

    def create(self, body: dict[str, Any], user: str) -> DriveFile:
        self._check_writable(body, update=False)
        parents = self._parent_ids(body.get("parents") or ["root"], user)
        self._check_storage(user, parents)
        file_id = body.get("id") or self.new_id()
        if file_id in self.files:
            raise ApiError(
                409, f"A file already exists with the provided ID: {file_id}.", reason="fileIdInUse"
            )
        created = self.add_file(
            file_id,
            body.get("name") or "Untitled",
            body.get("mimeType") or "application/octet-stream",
            user,
            parents,
        )
        self._apply_metadata(created, body)
        if created.mime_type == SPREADSHEET:
            self.on_spreadsheet_created(created)
        return created

    def copy(self, file_id: str, body: dict[str, Any], user: str) -> DriveFile:
        source = self.require(file_id, user, "reader")
        if source.mime_type == FOLDER:
            raise ApiError(403, "This file cannot be copied by the user.", reason="cannotCopyFile")
        self._check_writable(body, update=False)
        parents = self._parent_ids(body.get("parents") or ["root"], user)
        self._check_storage(user, parents)
        copied = self.add_file(
            self.new_id(), body.get("name") or f"Copy of {source.name}", source.mime_type, user, parents
        )
        copied.app_properties_by_app = copy.deepcopy(source.app_properties_by_app)
        self._apply_metadata(copied, body)
        if copied.mime_type == SPREADSHEET:
            self.on_spreadsheet_copied(source.id, copied)
        return copied

    def _apply_metadata(self, f: DriveFile, body: dict[str, Any]) -> None:
        mine = f.app_properties_by_app.setdefault(self._app(), {})
        for key, target in (("appProperties", mine), ("properties", f.properties)):
            for name, value in (body.get(key) or {}).items():
                if value is None:
                    target.pop(name, None)
                else:
                    target[name] = str(value)
        if body.get("description") is not None:
            f.description = body["description"]
        if body.get("starred") is not None:
            f.starred = bool(body["starred"])
        if body.get("trashed") is not None:
            f.trashed = bool(body["trashed"])
        if body.get("writersCanShare") is not None:
            f.writers_can_share = bool(body["writersCanShare"])

    def update(self, file_id: str, body: dict[str, Any], params: dict[str, Any], user: str) -> DriveFile:
        found = self.require(file_id, user, "writer")
        self._check_writable(body, update=True)
        if body.get("trashed") is not None and not self._may_delete(found, user):
            raise ApiError(403, INSUFFICIENT, reason="insufficientFilePermissions")
        parents = list(found.parents)
        for removed in filter(None, str(params.get("removeParents", "")).split(",")):
            removed = self.root(user) if removed == "root" else removed
            if removed in parents:
                parents.remove(removed)
        added = [p for p in str(params.get("addParents", "")).split(",") if p]
        for parent in self._parent_ids(added, user):
            if parent in found.parents:
                raise ApiError(
                    400, f"The file already has the parent {parent}.", reason="invalidParent"
                )  # Drive refuses to add a parent twice
            if parent not in parents:
                parents.append(parent)
        if len(parents) > 1:
            raise ApiError(
                403,
                "Increasing the number of parents is not allowed. A file can only have one parent.",
                reason="cannotAddParent",
            )
        if body.get("mimeType") not in (None, found.mime_type):
            raise ApiError(403, "The mimeType of a file cannot be changed.", reason="fieldNotWritable")
        found.parents = parents
        self._apply_metadata(found, body)
        if body.get("name") is not None and body["name"] != found.name:
            found.name = body["name"]
            self.on_renamed(found.id, found.name)
        self.touch(found.id, user)
        return found

    def delete(self, file_id: str, user: str) -> None:
        found = self.require(file_id, user, "reader")
        if not self._may_delete(found, user):
            raise ApiError(403, INSUFFICIENT, reason="insufficientFilePermissions")
        for child in [f for f in self.files.values() if file_id in f.parents]:
            if child.owner == user:
                self.delete(child.id, user)
            else:
                child.parents.remove(file_id)
        del self.files[file_id]
        self.on_deleted(file_id)

    def _may_delete(self, f: DriveFile, user: str) -> bool:
        """Owners in My Drive; organizers and file organizers in a shared drive."""
        if self.drive_id(f) is None:
            return f.owner == user
        return RANK[self.role(f.id, user) or "reader"] >= RANK["fileOrganizer"]

    def search(
        self, query: str | None, user: str, *, corpora: str = "user", drive_id: str | None = None
    ) -> list[DriveFile]:
        """files.list: what the user can see in the corpus, minus files too new for the index."""
        predicate = parse_query(query or "", self, user) if query else (lambda f: True)
        newest = self.clock.now() - dt.timedelta(seconds=self.search_lag)
        out = []
        for f in self.files.values():
            if f.is_root or f.is_shared_drive or self.role(f.id, user) is None or not self.visible(f):
                continue
            if dt.datetime.fromisoformat(f.created.replace("Z", "+00:00")) > newest:
                continue  # the search index lags behind writes
            in_drive = self.drive_id(f)
            if corpora == "drive" and in_drive != drive_id:
                continue
            if corpora == "user" and in_drive is not None and not self._direct(f, user):
                continue  # "user": owned by or shared directly with the user, not reached via a drive
            if predicate(f):
                out.append(f)
        return sorted(out, key=lambda f: (f.created, f.id))

    def _direct(self, f: DriveFile, user: str) -> bool:
        return any(p.get("emailAddress", "").lower() == user.lower() for p in f.permissions)

    # -- permissions ------------------------------------------------------------------------------
    def add_permission(
        self, file_id: str, body: dict[str, Any], params: dict[str, Any], user: str
    ) -> dict[str, Any]:
        found = self.require(file_id, user, "writer")
        kind, role = body.get("type"), body.get("role")
        if not kind or not role:
            raise ApiError(400, "The permission type and role are required.", reason="required")
        if kind in ("user", "group") and not body.get("emailAddress"):
            raise ApiError(400, f"The permission type '{kind}' requires an emailAddress.", reason="required")
        if kind == "domain" and not body.get("domain"):
            raise ApiError(400, "The permission type 'domain' requires a domain.", reason="required")
        if kind in ("anyone", "domain") and "sendNotificationEmail" in params:
            raise ApiError(
                400,
                "sendNotificationEmail is only allowed for user and group permissions.",
                reason="invalidSharingRequest",
            )
        email_given = str(body.get("emailAddress", "")).lower()
        no_account = kind == "user" and not self.identity(email_given).google_account
        if no_account and not params.get("sendNotificationEmail", True):
            raise ApiError(
                400,
                f'Bad Request. User message: "You are trying to invite {email_given}. Since there is '
                "no Google account associated with this email address, you must check the "
                '"Notify people" box to invite this recipient."',
                reason="invalidSharingRequest",
            )
        if not found.writers_can_share and RANK[self.role(file_id, user) or "reader"] < RANK["fileOrganizer"]:
            raise ApiError(403, INSUFFICIENT, reason="insufficientFilePermissions")
        if role == "owner":
            if not params.get("transferOwnership"):
                raise ApiError(
                    403,
                    "The transferOwnership parameter must be enabled when the permission role is 'owner'.",
                    reason="forbidden",
                )
            if found.owner != user:
                raise ApiError(403, INSUFFICIENT, reason="insufficientFilePermissions")
        email = str(body.get("emailAddress", "")).lower()
        if kind in ("user", "group"):
            permission = self._user_permission(email, role)
            permission["type"] = kind
        elif kind == "domain":
            permission = {
                "kind": "drive#permission",
                "id": f"{body['domain']}",
                "type": "domain",
                "role": role,
                "domain": body["domain"],
            }
        else:
            permission = {
                "kind": "drive#permission",
                "id": "anyoneWithLink",
                "type": "anyone",
                "role": role,
                "allowFileDiscovery": bool(body.get("allowFileDiscovery", False)),
            }
        existing = next((p for p in found.permissions if p["id"] == permission["id"]), None)
        if existing is not None and existing["role"] == "owner" and role != "owner":
            return copy.deepcopy(existing)
        if role == "owner":
            for p in found.permissions:
                if p["role"] == "owner":
                    p["role"] = "writer"
            found.owner = email
        if existing is not None:
            existing["role"] = role
        else:
            found.permissions.append(permission)
        if kind in ("user", "group") and params.get("sendNotificationEmail", True):
            self.notifications.append(Notification(file_id, user, email, role, params.get("emailMessage")))
        return copy.deepcopy(existing or permission)

    def list_permissions(self, file_id: str, user: str) -> list[dict[str, Any]]:
        found = self.require(file_id, user, "reader")
        return copy.deepcopy(found.permissions)

    def get_permission(self, file_id: str, permission_id: str, user: str) -> dict[str, Any]:
        for permission in self.list_permissions(file_id, user):
            if permission["id"] == permission_id:
                return permission
        raise ApiError(404, f"Permission not found: {permission_id}.", reason="notFound")

    def delete_permission(self, file_id: str, permission_id: str, user: str) -> None:
        found = self.require(file_id, user, "writer")
        permission = next((p for p in found.permissions if p["id"] == permission_id), None)
        if permission is None:
            raise ApiError(404, f"Permission not found: {permission_id}.", reason="notFound")
        if permission["role"] == "owner":
            raise ApiError(403, "The owner of a file cannot be removed.", reason="cannotRemoveOwner")
        found.permissions.remove(permission)
