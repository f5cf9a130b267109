"""A real IMAP server on loopback for tests: Debian's dovecot-imapd with a throw-away configuration.

Maildir in a temporary folder, passwd-file users, a static userdb, TLS with a certificate made by the
test (implicit TLS on one port, STARTTLS on another), and XOAUTH2/OAUTHBEARER checked by Dovecot
against a token-info endpoint served by the test on loopback. Messages are delivered by writing RFC 5322
files into `Maildir/new/`, as a delivery agent would.

Dovecot refuses uid 0 for mail processes: when the tests run as root the mail belongs to uid 65534 and
the folder is readable by the `dovecot` user; otherwise everything runs as the current user.
"""

from __future__ import annotations

import contextlib
import grp
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
SKIP_ENV = "TOOLKIT_SKIP_DOVECOT"


def missing_reason() -> str | None:
    if not os.access(DOVECOT, os.X_OK):
        return "dovecot not installed (apt-get install dovecot-imapd)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class TokenInfo:
    """The OAuth2 token-info endpoint Dovecot asks: token -> the account it belongs to."""

    tokens: dict[str, str] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)
    port: int = 0


@dataclass
class Dovecot:
    root: Path
    imap_port: int  # plain IMAP, STARTTLS offered
    imaps_port: int  # implicit TLS
    users: dict[str, str]
    uid: int
    gid: int
    tokens: TokenInfo

    def maildir(self, user: str, folder: str = "INBOX") -> Path:
        base = self.root / "mail" / user
        return base if folder == "INBOX" else base / f".{folder}"

    def deliver(self, user: str, message: bytes, folder: str = "INBOX") -> Path:
        """Write one message into the user's Maildir/new (atomically, as a delivery agent does)."""
        box = self.maildir(user, folder)
        for sub in ("tmp", "new", "cur"):
            (box / sub).mkdir(parents=True, exist_ok=True)
            os.chown(box / sub, self.uid, self.gid)
        os.chown(box, self.uid, self.gid)
        name = f"{time.time_ns()}.{uuid.uuid4().hex}.localhost"
        temp = box / "tmp" / name
        temp.write_bytes(message)
        os.chown(temp, self.uid, self.gid)
        target = box / "new" / name
        os.replace(temp, target)
        return target

    def messages(self, user: str, folder: str = "INBOX") -> list[Path]:
        box = self.maildir(user, folder)
        return sorted(p for sub in ("new", "cur") if (box / sub).is_dir() for p in (box / sub).iterdir())

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_failure_delay = 0

auth_mechanisms = plain login xoauth2 oauthbearer
mail_location = maildir:{root}/mail/%u
mail_uid = {uid}
mail_gid = {gid}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
last_valid_gid = {gid}
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
shutdown_clients = yes
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf.ext
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
service submission-login {{
  inet_listener submission {{
    port = 0
  }}
}}
service lmtp {{
  unix_listener lmtp {{
    mode = 0
  }}
}}
service imap-urlauth-login {{
  unix_listener imap-urlauth {{
    mode = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
protocol imap {{
  mail_max_userip_connections = 50
}}
"""

OAUTH2 = """\
tokeninfo_url = http://127.0.0.1:{port}/tokeninfo?access_token=
username_attribute = email
"""


@contextlib.contextmanager
def run_token_info(tokens: TokenInfo) -> Iterator[TokenInfo]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = parse_qs(urlparse(self.path).query)
            token = (query.get("access_token") or [""])[0]
            if not token:  # Dovecot may send the token as a bearer header instead
                token = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
            tokens.asked.append(token)
            email = tokens.tokens.get(token)
            body = json.dumps({"email": email} if email else {"error": "invalid_token"}).encode()
            self.send_response(200 if email else 401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tokens.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield tokens
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def run_dovecot(cert: Path, key: Path, users: dict[str, str]) -> Iterator[Dovecot]:
    """Start Dovecot in the foreground on two free loopback ports; stop it (and only it) afterwards.

    Its folder is made here, directly in the system's temporary folder: pytest's own are private
    (0700) and Dovecot's unprivileged processes must reach the password file and the mail."""
    root = Path(tempfile.mkdtemp(prefix="tk_dovecot_"))
    try:
        with _run_dovecot(root, cert, key, users) as server:
            yield server
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def _run_dovecot(root: Path, cert: Path, key: Path, users: dict[str, str]) -> Iterator[Dovecot]:
    as_root = os.geteuid() == 0
    if as_root:
        uid = gid = 65534
        internal, internal_group, login = "dovecot", "dovecot", "dovenull"
    else:
        uid, gid = os.getuid(), os.getgid()
        internal = login = pwd.getpwuid(uid).pw_name
        internal_group = grp.getgrgid(gid).gr_name
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o755)
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir(exist_ok=True)
    os.chown(root / "mail", uid, gid)
    # Dovecot's unprivileged processes read the certificate through the master; keep copies in root.
    shutil.copyfile(cert, root / "cert.pem")
    shutil.copyfile(key, root / "key.pem")
    os.chmod(root / "key.pem", 0o600)
    (root / "passwd").write_text("".join(f"{u}:{{PLAIN}}{p}::::::\n" for u, p in users.items()))
    os.chmod(root / "passwd", 0o644)
    tokens = TokenInfo()
    with run_token_info(tokens):
        (root / "oauth2.conf.ext").write_text(OAUTH2.format(port=tokens.port))
        imap_port, imaps_port = free_port(), free_port()
        config = root / "dovecot.conf"
        config.write_text(
            CONFIG.format(
                root=root,
                cert=root / "cert.pem",
                key=root / "key.pem",
                uid=uid,
                gid=gid,
                internal=internal,
                internal_group=internal_group,
                login=login,
                imap_port=imap_port,
                imaps_port=imaps_port,
            )
        )
        for user in users:
            (root / "mail" / user).mkdir(exist_ok=True)
            os.chown(root / "mail" / user, uid, gid)
        process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server = Dovecot(root, imap_port, imaps_port, users, uid, gid, tokens)
        try:
            _wait_for(imap_port, imaps_port, process, server)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()


def _wait_for(imap_port: int, imaps_port: int, process: subprocess.Popen[bytes], server: Dovecot) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = process.stdout.read().decode(errors="replace") if process.stdout else ""
            raise RuntimeError(f"dovecot exited with {process.returncode}: {out}\n{server.log()}")
        try:
            for port in (imap_port, imaps_port):
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    pass
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"dovecot did not start listening in 20 s\n{server.log()}")


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the client trusts it as its only authority)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path
