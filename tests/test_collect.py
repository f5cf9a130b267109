"""collect against a real IMAP server (Dovecot on loopback) holding real MIME messages."""

from __future__ import annotations

import datetime as dt
import imaplib
import json
import os
import ssl
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from tests import imap_server
from tests.conftest import FIXED_NOW, fill
from tests.data import make_hostile
from tests.mail_messages import XLSM, XLSX, forward, message, with_raw_attachment
from toolkit import api
from toolkit.errors import ConfigError
from toolkit.initiative import CollectSettings, Initiative
from toolkit.mail.collect import collect, summary_lines
from toolkit.mail.imap import mailbox_name
from toolkit.mail.provenance import read_sidecar, sidecar_path
from toolkit.mail.words import MailError

pytestmark = pytest.mark.dovecot

PASSWORD_ENV = "TOOLKIT_TEST_IMAP_PASSWORD"
COORDINATOR = "coordination@hochelaga-ensemble.example"
CDC = "mdiallo@cdc-hochelaga.example"
CPE = "direction@cpe-lucioles.example"
BARIL = "s.tremblay@ecole-baril.example"
STRANGER = "inconnu@gmail.example"
PROGRESS = "Canevas des progrès"
DAY = dt.datetime(2026, 11, 20, 14, 5, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return imap_server.make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def dovecot(certificate: tuple[Path, Path]) -> Iterator[imap_server.Dovecot]:
    reason = imap_server.missing_reason()
    if reason is not None:
        if os.environ.get(imap_server.SKIP_ENV) == "1":
            pytest.skip(reason)
        pytest.fail(f"{reason}; or set {imap_server.SKIP_ENV}=1 to skip", pytrace=False)
    # Users exist from the start (Dovecot may not see a password file changed within the same second).
    users = {f"coordination-{n}@hochelaga-ensemble.example": "mot-de-passe-é" for n in range(40)}
    with imap_server.run_dovecot(*certificate, users) as server:
        yield server


_next_user = iter(range(40))


@dataclass
class Box:
    server: imap_server.Dovecot
    user: str
    password: str
    initiative: Initiative
    context: ssl.SSLContext
    context_file: Path  # the test certificate, the only authority the client trusts

    @property
    def env(self) -> dict[str, str]:
        return {PASSWORD_ENV: self.password}

    def deliver(self, raw: bytes | Any, folder: str = "INBOX") -> None:
        self.server.deliver(self.user, raw if isinstance(raw, bytes) else raw.as_bytes(), folder)

    def run(self, out: Path, **kwargs: Any) -> Any:
        return collect(self.initiative, out, env=self.env, ssl_context=self.context, now=FIXED_NOW, **kwargs)

    def imap(self) -> imaplib.IMAP4_SSL:
        client = imaplib.IMAP4_SSL("127.0.0.1", self.server.imaps_port, ssl_context=self.context)
        plain = f"\0{self.user}\0{self.password}".encode()
        client.authenticate("PLAIN", lambda _: plain)
        return client

    def flags(self, folder: str = "INBOX") -> dict[str, str]:
        """Message-ID -> FLAGS of every message in `folder`."""
        client = self.imap()
        try:
            client.select(folder)
            _, data = client.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        finally:
            client.logout()
        found = {}
        for item in data:
            if isinstance(item, tuple):
                message_id = item[1].decode().split(":", 1)[1].strip()
                found[message_id] = item[0].decode()
        return found


def _box(
    server: imap_server.Dovecot, user: str, initiative: Initiative, certificate: tuple[Path, Path]
) -> Box:
    settings = CollectSettings(
        host="127.0.0.1", port=server.imaps_port, username=user, password_env=PASSWORD_ENV
    )
    context = ssl.create_default_context(cafile=str(certificate[0]))
    return Box(server, user, "mot-de-passe-é", replace(initiative, collect=settings), context, certificate[0])


@pytest.fixture
def box(dovecot: imap_server.Dovecot, initiative: Initiative, certificate: tuple[Path, Path]) -> Box:
    """A fresh mailbox (its own user) and the sample initiative set to collect from it."""
    return _box(
        dovecot, f"coordination-{next(_next_user)}@hochelaga-ensemble.example", initiative, certificate
    )


@pytest.fixture
def lone_box(initiative: Initiative, certificate: tuple[Path, Path]) -> Iterator[Box]:
    """A mailbox on a Dovecot of its own, for tests that fail to sign in: Dovecot slows every later
    sign-in from the same address after a failure (its auth penalty), so those stay apart."""
    user = "coordination@hochelaga-ensemble.example"
    with imap_server.run_dovecot(*certificate, {user: "mot-de-passe-é"}) as server:
        yield _box(server, user, initiative, certificate)


def mid() -> str:
    return f"<{uuid.uuid4().hex}@mail.example>"


def workbook(copies: dict[str | None, Path], partner: str, text: str) -> bytes:
    return fill(copies[partner], {(PROGRESS, "B5"): text}).read_bytes()


# --- the mailbox a coordinator really has -----------------------------------------------------------------


@pytest.fixture
def inbox(box: Box, copies: dict[str | None, Path], tmp_path: Path) -> dict[str, str]:
    """Replies, a forward, two copies in one message, a stranger, an .xlsm, a zip bomb, odd names,
    and ordinary mail without attachments. Returns the Message-IDs by name."""
    ids = {
        name: mid()
        for name in [
            "cdc",
            "cpe",
            "forward",
            "two",
            "stranger",
            "macro",
            "bomb",
            "rfc2231",
            "encoded",
            "escape",
            "plain",
        ]
    }
    cdc = workbook(copies, "cdc-hochelaga", "Table créée en 2019")
    cpe = workbook(copies, "cpe-les-lucioles", "Halte-garderie")
    baril = workbook(copies, "ecole-baril", "Conseil d'établissement")
    make_hostile.write_macro_xlsx(tmp_path / "macro.xlsm")
    make_hostile.write_zip_bomb(tmp_path / "bomb.xlsx", megabytes=30)
    library = workbook(copies, "bibliotheque", "Heure du conte")

    box.deliver(
        message(
            CDC,
            box.user,
            "RE: Votre classeur",
            date=DAY,
            message_id=ids["cdc"],
            attachments=[("hochelaga-ensemble_cdc-hochelaga.xlsx", cdc, XLSX)],
        )
    )
    original = message(
        CPE,
        COORDINATOR,
        "Notre copie",
        date=DAY - dt.timedelta(days=1),
        message_id=ids["cpe"],
        attachments=[("hochelaga-ensemble_cpe-les-lucioles.xlsx", cpe, XLSX)],
    )
    box.deliver(forward(COORDINATOR, box.user, original, date=DAY, message_id=ids["forward"]))
    box.deliver(
        message(
            BARIL,
            box.user,
            "Nos deux fichiers",
            date=DAY,
            message_id=ids["two"],
            attachments=[("baril.xlsx", baril, XLSX), ("bibliotheque.xlsx", library, XLSX)],
        )
    )
    box.deliver(
        message(
            STRANGER,
            box.user,
            "copie",
            date=DAY,
            message_id=ids["stranger"],
            attachments=[("copie.xlsx", cdc, XLSX)],
        )
    )
    box.deliver(
        message(
            CDC,
            box.user,
            "avec macros",
            date=DAY,
            message_id=ids["macro"],
            attachments=[("classeur.xlsm", (tmp_path / "macro.xlsm").read_bytes(), XLSM)],
        )
    )
    box.deliver(
        message(
            CPE,
            box.user,
            "gros",
            date=DAY,
            message_id=ids["bomb"],
            attachments=[("bombe.xlsx", (tmp_path / "bomb.xlsx").read_bytes(), XLSX)],
        )
    )
    box.deliver(
        with_raw_attachment(
            CDC,
            box.user,
            "RFC 2231",
            date=DAY,
            message_id=ids["rfc2231"],
            content=cdc,
            disposition="filename*0*=utf-8''R%C3%A9ponse%20de%20la%20CDC%20;\r\n"
            " filename*1*=%C3%A9t%C3%A9.xlsx",
        )
    )
    box.deliver(
        with_raw_attachment(
            CPE,
            box.user,
            "=?utf-8?q?Copie_corrig=C3=A9e?=",
            date=DAY,
            message_id=ids["encoded"],
            content=cpe,
            disposition='filename="=?UTF-8?B?Q29waWUgY29ycmlnw6llLnhsc3g=?="',
        )
    )
    box.deliver(
        message(
            CDC,
            box.user,
            "nom piégé",
            date=DAY,
            message_id=ids["escape"],
            attachments=[("../../../etc/cron.d/evil.xlsx", cdc, XLSX)],
        )
    )
    box.deliver(
        message(
            CDC,
            box.user,
            "Question",
            date=DAY,
            message_id=ids["plain"],
            text="Est-ce qu'on peut avoir une semaine de plus?\n",
        )
    )
    return ids


def test_every_spreadsheet_is_saved_inside_the_folder_with_its_provenance(
    box: Box, inbox: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "retours"
    result = box.run(out)
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == [
        "2026-11-19 hochelaga-ensemble_cpe-les-lucioles.xlsx",  # the forwarded message's own date
        "2026-11-20 Copie corrigée.xlsx",
        "2026-11-20 Réponse de la CDC été.xlsx",
        "2026-11-20 baril.xlsx",
        "2026-11-20 bibliotheque.xlsx",
        "2026-11-20 bombe.xlsx",
        "2026-11-20 classeur.xlsm",
        "2026-11-20 copie.xlsx",
        "2026-11-20 evil.xlsx",
        "2026-11-20 hochelaga-ensemble_cdc-hochelaga.xlsx",
    ]
    assert len(result.saved) == 10 and result.skipped == () and result.already == 0
    assert not (tmp_path / "etc").exists()

    forwarded = read_sidecar(sidecar_path(out / "2026-11-19 hochelaga-ensemble_cpe-les-lucioles.xlsx"))
    assert forwarded is not None
    assert (forwarded.sender, forwarded.forwarded_by) == (CPE, COORDINATOR)
    assert forwarded.message_id == inbox["cpe"] and forwarded.subject == "Notre copie"
    assert forwarded.date == "2026-11-19T14:05:00+00:00"
    assert forwarded.attachment == "hochelaga-ensemble_cpe-les-lucioles.xlsx"
    raw = json.loads(sidecar_path(out / "2026-11-20 Copie corrigée.xlsx").read_text(encoding="utf-8"))
    assert raw["subject"] == "Copie corrigée" and raw["sender"] == CPE and len(raw["sha256"]) == 64

    screened = {s.path.name: s.problem for s in result.saved if s.problem}
    assert screened == {"2026-11-20 bombe.xlsx": "zip_bomb", "2026-11-20 classeur.xlsm": "macro"}

    # Collected messages are flagged, stay unread, and ordinary mail is left alone.
    flags = box.flags()
    assert all("$ToolkitCollected" in flags[m] for name, m in inbox.items() if name not in ("plain", "cpe"))
    assert "$ToolkitCollected" not in flags[inbox["plain"]]
    assert not any("\\Seen" in f for f in flags.values())


def test_pull_takes_the_message_date_and_the_sender(box: Box, inbox: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "retours"
    box.run(out)
    os.utime(out / "2026-11-20 baril.xlsx", (0, 0))  # the file's own time no longer matters
    pulled = api.pull([out], box.initiative)
    by_name = {Path(s.source).name: s for s in pulled.submissions}
    baril = by_name["2026-11-20 baril.xlsx"]
    assert baril.modified == DAY and baril.sender == BARIL and baril.partner_id == "ecole-baril"
    assert by_name["2026-11-19 hochelaga-ensemble_cpe-les-lucioles.xlsx"].sender == CPE
    assert sorted(e.code for e in pulled.errors) == ["macro", "zip_bomb"]
    # The sender is evidence: another partner's address disputes the copy (kept apart, never merged
    # silently); an address of no partner is flagged.
    library = by_name["2026-11-20 bibliotheque.xlsx"]
    assert (library.partner_id, library.sender, library.disputed) == ("bibliotheque", BARIL, True)
    assert [n.code for n in library.notes if n.code == "attribution_disputed"] == ["attribution_disputed"]
    stranger = by_name["2026-11-20 copie.xlsx"]
    assert [n.code for n in stranger.notes if n.code.startswith("sender")] == ["sender_not_partner"]
    assert not [n for n in baril.notes if n.code.startswith("sender")] and not baril.disputed
    gaps = api.find_gaps(pulled, box.initiative, now=FIXED_NOW)
    disputes = [g.message for g in gaps.gaps if g.kind == "attribution_disputed"]
    assert len(disputes) == 1 and "École primaire Baril selon l'expéditeur" in disputes[0], disputes


def test_collecting_twice_saves_nothing_new(box: Box, inbox: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "retours"
    box.run(out)
    before = sorted(p.name for p in out.iterdir())
    # Even with the flags gone (another mail client, a restored mailbox), nothing is saved twice.
    client = box.imap()
    client.select("INBOX")
    client.store("1:*", "-FLAGS", "($ToolkitCollected)")
    client.logout()
    again = box.run(out)
    assert again.saved == () and again.already == 10
    assert sorted(p.name for p in out.iterdir()) == before


def test_a_run_stopped_halfway_resumes_cleanly(
    box: Box, inbox: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit.mail import imap

    out = tmp_path / "retours"
    calls = {"n": 0}
    original = imap.Mailbox.flag

    def flaky(self: imap.Mailbox, uid: str, keyword: str) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("connection reset by peer")
        original(self, uid, keyword)

    monkeypatch.setattr(imap.Mailbox, "flag", flaky)
    with pytest.raises(MailError, match="relancez la commande"):
        box.run(out)
    monkeypatch.setattr(imap.Mailbox, "flag", original)
    # The file of the message being flagged is gone too, as if the disk had lost it.
    first = sorted(out.glob("2026-11-20 b*.xlsx"))
    for path in first:
        path.unlink()
    box.run(out)
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert len(names) == 10 and len(set(names)) == 10
    assert all(" (2)" not in n for n in names)
    flags = box.flags()
    assert all("$ToolkitCollected" in flags[m] for name, m in inbox.items() if name not in ("plain", "cpe"))


def test_oversized_messages_and_attachments_are_skipped_with_a_reason(
    box: Box, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    cdc = workbook(copies, "cdc-hochelaga", "x")
    huge = os.urandom(3 * 1024 * 1024)
    big_id = mid()
    box.deliver(
        message(
            CDC,
            box.user,
            "Très gros message",
            date=DAY,
            message_id=big_id,
            attachments=[("copie.xlsx", cdc, XLSX), ("photos.xlsx", huge, XLSX)],
        )
    )
    out = tmp_path / "retours"
    result = box.run(out, max_message=2 * 1024 * 1024)
    assert result.saved == ()
    assert [s.message for s in result.skipped] == [
        f"Ignoré : message « Très gros message » de {CDC} : 4,1 Mo (limite 2,0 Mo); "
        "enregistrez ses pièces jointes à la main"
    ]
    assert "$ToolkitCollected" not in box.flags()[big_id]  # said again next time, until handled

    result = box.run(out, max_attachment=1024 * 1024)
    assert [s.path.name for s in result.saved] == ["2026-11-20 copie.xlsx"]
    assert [s.message for s in result.skipped] == [
        f"Ignoré : pièce jointe « photos.xlsx » du message « Très gros message » de {CDC} : "
        "3,0 Mo (limite 1,0 Mo)"
    ]


def test_processed_folder_receives_the_messages_and_nothing_is_deleted(
    box: Box, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    cdc = workbook(copies, "cdc-hochelaga", "x")
    ids = [mid(), mid()]
    box.deliver(
        message(CDC, box.user, "copie", date=DAY, message_id=ids[0], attachments=[("copie.xlsx", cdc, XLSX)])
    )
    box.deliver(message(CDC, box.user, "bonjour", date=DAY, message_id=ids[1]))
    assert box.initiative.collect is not None
    box.initiative = replace(
        box.initiative, collect=replace(box.initiative.collect, processed_folder="Copies reçues")
    )
    result = box.run(tmp_path / "retours")
    assert result.marked == 1
    assert list(box.flags()) == [ids[1]]
    moved = box.flags(mailbox_name("Copies reçues"))
    assert list(moved) == [ids[0]] and "$ToolkitCollected" in moved[ids[0]]


def test_starttls_and_a_clear_error_for_each_way_it_fails(lone_box: Box, tmp_path: Path) -> None:
    assert lone_box.initiative.collect is not None
    starttls = replace(lone_box.initiative.collect, security="starttls", port=lone_box.server.imap_port)
    lone_box.initiative = replace(lone_box.initiative, collect=starttls)
    assert lone_box.run(tmp_path / "a").saved == ()

    with pytest.raises(
        MailError, match=r"^le serveur IMAP 127\.0\.0\.1:\d+ \(starttls\) a refusé la connexion"
    ):
        collect(lone_box.initiative, tmp_path / "b", env={PASSWORD_ENV: "faux"}, ssl_context=lone_box.context)
    with pytest.raises(MailError, match=f"variable d'environnement {PASSWORD_ENV}, qui n'est pas définie"):
        collect(lone_box.initiative, tmp_path / "c", env={}, ssl_context=lone_box.context)
    with pytest.raises(MailError, match="certificat TLS non reconnu"):
        collect(lone_box.initiative, tmp_path / "d", env=lone_box.env, timeout=5)  # the system's authorities
    closed = imap_server.free_port()
    english = replace(lone_box.initiative, language="en", collect=replace(starttls, port=closed))
    with pytest.raises(MailError, match=rf"cannot connect to IMAP server 127\.0\.0\.1:{closed}.*refused"):
        collect(english, tmp_path / "e", env=lone_box.env, ssl_context=lone_box.context, timeout=5)
    with pytest.raises(ConfigError, match="pas de section collect"):
        collect(replace(lone_box.initiative, collect=None), tmp_path / "f")


def test_the_password_never_appears(lone_box: Box, tmp_path: Path) -> None:
    with pytest.raises(MailError) as failed:
        collect(
            lone_box.initiative,
            tmp_path / "a",
            env={PASSWORD_ENV: "Secret-Mauvais-42"},
            ssl_context=lone_box.context,
        )
    assert "Secret-Mauvais-42" not in str(failed.value)


def test_xoauth2_with_a_google_token(lone_box: Box, copies: dict[str | None, Path], tmp_path: Path) -> None:
    """Dovecot checks the bearer token with a token-info endpoint, as Google's and Microsoft's servers do."""
    lone_box.server.tokens.tokens["ya29.jeton-de-test"] = lone_box.user
    assert lone_box.initiative.collect is not None
    google = replace(
        lone_box.initiative, collect=replace(lone_box.initiative.collect, auth="google", password_env=None)
    )
    lone_box.deliver(
        message(
            CDC,
            lone_box.user,
            "copie",
            date=DAY,
            message_id=mid(),
            attachments=[("copie.xlsx", workbook(copies, "cdc-hochelaga", "x"), XLSX)],
        )
    )
    result = collect(
        google, tmp_path / "a", env={}, ssl_context=lone_box.context, token=lambda: "ya29.jeton-de-test"
    )
    assert [s.path.name for s in result.saved] == ["2026-11-20 copie.xlsx"]
    assert "ya29.jeton-de-test" in lone_box.server.tokens.asked
    with pytest.raises(MailError, match="a refusé la connexion"):
        collect(google, tmp_path / "b", env={}, ssl_context=lone_box.context, token=lambda: "ya29.revoked")


def test_xoauth2_with_a_token_from_the_environment(box: Box, tmp_path: Path) -> None:
    """`auth: xoauth2`: the variable holds an access token (Microsoft 365, or any OAuth2 provider)."""
    box.server.tokens.tokens["eyJ0eXAi.jeton-m365"] = box.user
    assert box.initiative.collect is not None
    m365 = replace(box.initiative, collect=replace(box.initiative.collect, auth="xoauth2"))
    result = collect(m365, tmp_path / "a", env={PASSWORD_ENV: "eyJ0eXAi.jeton-m365"}, ssl_context=box.context)
    assert result.saved == () and "eyJ0eXAi.jeton-m365" in box.server.tokens.asked


def test_the_summary_a_coordinator_reads(box: Box, inbox: dict[str, str], tmp_path: Path) -> None:
    result = box.run(tmp_path / "retours")
    lines = summary_lines(result, "fr")
    assert f"✓ 2026-11-20 baril.xlsx — de {BARIL}, 20 novembre 2026" in lines
    assert (
        f"✓ 2026-11-19 hochelaga-ensemble_cpe-les-lucioles.xlsx — de {CPE} (transféré par {COORDINATOR}), "
        "19 novembre 2026"
    ) in lines
    assert "  ✗ 2026-11-20 bombe.xlsx : fichier anormalement compressé (bombe zip), refusé" in lines
    assert (
        lines[-1] == f"10 fichier(s) enregistré(s) dans {tmp_path / 'retours'}, 0 déjà reçu(s), 0 ignoré(s)"
    )


def test_the_collect_command(
    box: Box, copies: dict[str | None, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from tests.conftest import EXAMPLE
    from toolkit.cli import main

    box.deliver(
        message(
            CDC,
            box.user,
            "RE: classeur",
            date=DAY,
            message_id=mid(),
            attachments=[
                ("hochelaga-ensemble_cdc-hochelaga.xlsx", workbook(copies, "cdc-hochelaga", "x"), XLSX)
            ],
        )
    )
    config = tmp_path / "initiative.yaml"
    config.write_text(
        EXAMPLE.read_text(encoding="utf-8")
        + f"collect: {{host: 127.0.0.1, port: {box.server.imaps_port}, username: {box.user},"
        f" password_env: {PASSWORD_ENV}}}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(PASSWORD_ENV, box.password)
    monkeypatch.setenv("SSL_CERT_FILE", str(box.context_file))
    out = tmp_path / "retours"
    done = CliRunner().invoke(main, ["collect", "--config", str(config), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert done.output.splitlines() == [
        f"✓ 2026-11-20 hochelaga-ensemble_cdc-hochelaga.xlsx — de {CDC}, 20 novembre 2026",
        f"1 fichier(s) enregistré(s) dans {out}, 0 déjà reçu(s), 0 ignoré(s)",
    ]
    again = CliRunner().invoke(main, ["collect", "--config", str(config), "--out", str(out)])
    assert again.output.splitlines() == [
        f"0 fichier(s) enregistré(s) dans {out}, 0 déjà reçu(s), 0 ignoré(s)"
    ]
    monkeypatch.delenv(PASSWORD_ENV)
    failed = CliRunner().invoke(main, ["collect", "--config", str(config), "--out", str(out)])
    assert failed.exit_code == 1
    assert failed.output == (
        "Erreur : le mot de passe de la boîte aux lettres se lit dans la variable d'environnement "
        f"{PASSWORD_ENV}, qui n'est pas définie (ou est vide)\n"
    )


def test_a_huge_message_is_never_downloaded(
    box: Box, copies: dict[str | None, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 41 MB message (over the 40 MB default): named with its size, and its body never fetched."""
    scans = os.urandom(30 * 1024 * 1024)  # base64 makes it ~41 MB on the wire
    box.deliver(
        message(
            CPE,
            box.user,
            "Photos de la fête",
            date=DAY,
            message_id=mid(),
            attachments=[
                ("copie.xlsx", workbook(copies, "cpe-les-lucioles", "x"), XLSX),
                ("photos.xlsx", scans, XLSX),
            ],
        )
    )
    from toolkit.mail import imap

    fetched: list[str] = []
    body = imap.Mailbox.body
    monkeypatch.setattr(imap.Mailbox, "body", lambda self, uid: fetched.append(uid) or body(self, uid))
    result = collect(box.initiative, tmp_path / "retours", env=box.env, ssl_context=box.context)
    assert fetched == []
    (skipped,) = result.skipped
    assert skipped.message.startswith(f"Ignoré : message « Photos de la fête » de {CPE} : 41,")
    assert skipped.message.endswith("Mo (limite 40,0 Mo); enregistrez ses pièces jointes à la main")
    assert result.saved == ()
