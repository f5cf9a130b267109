"""Email and reminders, sent to a real SMTP server (aiosmtpd) on 127.0.0.1: nothing leaves the machine."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import json
import re
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email.message import EmailMessage, MIMEPart
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.conftest import FIXED_NOW, Cells, fill
from tests.imap_server import make_certificate
from toolkit import api
from toolkit.backends.gsheets.manifest import shared_links
from toolkit.gaps import GapReport
from toolkit.initiative import GoogleSettings, Initiative, SmtpSettings
from toolkit.reports.email import (
    EmailError,
    Inline,
    compose,
    compose_report,
    json_attachment,
    report_recipients,
    send,
    xlsx_attachment,
)
from toolkit.reports.reminders import build_reminders, send_reminders

PROGRESS, BACKBONE = "Canevas des progrès", "Infrastructure de soutien"
SENDER = "rapport@hochelaga-ensemble.example"
COORDINATOR = "coordination@hochelaga-ensemble.example"
PASSWORD_ENV = "TOOLKIT_TEST_SMTP_PASSWORD"
PASSWORD = "s3cret-Pa55"
SUBJECT = "Hochelaga ensemble — Table de quartier — bilan des retours du 2 novembre 2026"
TODAY = dt.date(2026, 11, 2)


# --- a real SMTP server on loopback -------------------------------------------------------------------


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Recorder:
    """aiosmtpd handler: keeps every message; refuses recipients listed in `refuse`."""

    refuse: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content
        assert isinstance(content, bytes)
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), message))
        return "250 Message accepted"


@dataclass
class Server:
    port: int
    handler: Recorder
    logins: list[str]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def authenticator(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"rapport",
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


def start(handler: Recorder, **kwargs: Any) -> Controller:
    controller = Controller(
        handler, hostname="127.0.0.1", port=free_port(), server_hostname="localhost", **kwargs
    )
    controller.start()
    return controller


@pytest.fixture
def smtp() -> Iterator[Server]:
    handler = Recorder()
    controller = start(handler)
    yield Server(controller.port, handler, [])
    controller.stop()


@pytest.fixture
def smtp_auth() -> Iterator[Server]:
    """AUTH required, over plain SMTP (acceptable on loopback only)."""
    handler = Recorder()
    controller = start(handler, authenticator=authenticator, auth_required=True, auth_require_tls=False)
    yield Server(controller.port, handler, [])
    controller.stop()


def settings(port: int, **changes: Any) -> SmtpSettings:
    return replace(SmtpSettings(host="127.0.0.1", sender=SENDER, port=port, security="none"), **changes)


def with_smtp(initiative: Initiative, port: int, **changes: Any) -> Initiative:
    return replace(initiative, smtp=settings(port, **changes))


# --- the sample initiative with two copies back ---------------------------------------------------------

FULL: Cells = {(PROGRESS, f"B{r}"): "Activités" for r in range(5, 11)}
FULL |= {(PROGRESS, f"C{r}"): dt.datetime(2026, 11, 1) for r in range(5, 11)}
FULL |= {(BACKBONE, f"{c}{r}"): "texte" for r in range(5, 11) for c in "CDE"}
FULL |= {(BACKBONE, f"B{r}"): "Mamadou Diallo" for r in range(5, 11)}


@pytest.fixture
def gap_report(initiative: Initiative, copies: dict[str | None, Path]) -> GapReport:
    """CDC fills everything; CPE fills two cells and types an impossible date; nobody else answers."""
    fill(copies["cdc-hochelaga"], FULL)
    fill(
        copies["cpe-les-lucioles"],
        {
            (PROGRESS, "B5"): "Ateliers parents-enfants",
            (PROGRESS, "C5"): "31/02/2026",
            (BACKBONE, "B5"): "Isabelle Côté",
        },
    )
    pulled = api.pull([copies["cdc-hochelaga"], copies["cpe-les-lucioles"]], initiative)
    return api.find_gaps(pulled, initiative, now=FIXED_NOW)


def png(colour: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(2, 1), dpi=50)
    axes.imshow([[0.0, 0.5], [1.0, 0.25]], cmap=colour)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    plt.close(figure)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Partenaire", "Complétion"])
    workbook.active.append(["CPE Les Lucioles", 0.1])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


HTML = (
    '<html><body><h1>Rapport</h1><img src="cid:heatmap@toolkit" alt="carte">'
    "<p>Tendance</p><img src='cid:trend@toolkit' alt='tendance'></body></html>"
)


def report_message(initiative: Initiative, gap_report: GapReport) -> EmailMessage:
    return compose_report(
        initiative,
        text="Rapport des écarts\n6 copies manquantes\n",
        html=HTML,
        images=[
            Inline("heatmap@toolkit", png("viridis"), "heatmap.png"),
            Inline("trend@toolkit", png("Blues")),
        ],
        attachments=[
            xlsx_attachment("rapport.xlsx", xlsx_bytes()),
            json_attachment("rapport.json", json.dumps(gap_report.to_dict(), ensure_ascii=False)),
        ],
        day=TODAY,
        date=FIXED_NOW,
    )


def content(part: MIMEPart | None) -> str:
    """A text part as sent (SMTP carries CRLF line ends)."""
    assert part is not None
    value = part.get_content()
    assert isinstance(value, str)
    return value.replace("\r\n", "\n")


def tree(part: EmailMessage) -> Any:
    if part.is_multipart():
        return (part.get_content_type(), [tree(p) for p in part.iter_parts()])  # type: ignore[arg-type]
    return part.get_content_type()


# --- the report email -----------------------------------------------------------------------------------


def test_report_arrives_with_both_parts_inline_charts_and_attachments(
    initiative: Initiative, gap_report: GapReport, smtp: Server
) -> None:
    sample = with_smtp(initiative, smtp.port)
    accepted = send([report_message(sample, gap_report)], sample.smtp)  # type: ignore[arg-type]
    assert accepted == [(COORDINATOR,)]
    (got,) = smtp.handler.received
    assert got.sender == SENDER and got.recipients == [COORDINATOR]
    message = got.message
    assert message["To"] == COORDINATOR
    assert message["Subject"] == SUBJECT
    assert message["From"].addresses[0].addr_spec == SENDER
    assert message["Message-ID"].endswith("@hochelaga-ensemble.example>")
    assert tree(message) == (
        "multipart/mixed",
        [
            (
                "multipart/related",
                [("multipart/alternative", ["text/plain", "text/html"]), "image/png", "image/png"],
            ),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/json",
        ],
    )
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert content(text) == "Rapport des écarts\n6 copies manquantes\n"
    assert 'src="cid:heatmap@toolkit"' in content(html)

    related = next(message.iter_parts())
    images = [p for p in related.iter_parts() if p.get_content_type() == "image/png"]
    assert [p["Content-ID"] for p in images] == ["<heatmap@toolkit>", "<trend@toolkit>"]
    assert all(p.get_content_disposition() == "inline" for p in images)
    assert images[0].get_content().startswith(b"\x89PNG\r\n\x1a\n")
    assert images[0].get_filename() == "heatmap.png"

    attachments = {p.get_filename(): p for p in message.iter_attachments()}
    assert list(attachments) == ["rapport.xlsx", "rapport.json"]
    workbook = openpyxl.load_workbook(io.BytesIO(attachments["rapport.xlsx"].get_content()))
    assert workbook.active["A2"].value == "CPE Les Lucioles"
    data = json.loads(attachments["rapport.json"].get_content())
    assert data["initiative"] == "Hochelaga ensemble — Table de quartier"
    assert len([g for g in data["gaps"] if g["kind"] == "missing_submission"]) == 6


def test_recipients_from_the_smtp_settings_replace_the_coordinator(
    initiative: Initiative, gap_report: GapReport, smtp: Server
) -> None:
    sample = with_smtp(initiative, smtp.port, recipients=("a@table.example", "b@table.example"))
    assert report_recipients(sample) == ("a@table.example", "b@table.example")
    send([report_message(sample, gap_report)], sample.smtp)  # type: ignore[arg-type]
    (got,) = smtp.handler.received
    assert got.recipients == ["a@table.example", "b@table.example"]
    assert got.message["To"] == "a@table.example, b@table.example"


def test_english_subject(initiative: Initiative, gap_report: GapReport) -> None:
    english = replace(with_smtp(initiative, 25), language="en")
    message = report_message(english, gap_report)
    assert message["Subject"] == "Hochelaga ensemble — Table de quartier — returns report, November 2, 2026"


def test_an_html_reference_to_a_missing_image_is_refused() -> None:
    with pytest.raises(ValueError, match="cid:chart"):
        compose(sender=SENDER, recipients=[COORDINATOR], subject="s", text="t", html='<img src="cid:chart">')


def test_login_with_the_password_from_the_environment(
    initiative: Initiative, gap_report: GapReport, smtp_auth: Server
) -> None:
    sample = with_smtp(initiative, smtp_auth.port, username="rapport", password_env=PASSWORD_ENV)
    assert sample.smtp is not None
    send([report_message(sample, gap_report)], sample.smtp, env={PASSWORD_ENV: PASSWORD})
    assert [r.recipients for r in smtp_auth.handler.received] == [[COORDINATOR]]


def test_wrong_password_is_a_clear_error_that_never_shows_it(
    initiative: Initiative, gap_report: GapReport, smtp_auth: Server
) -> None:
    sample = with_smtp(initiative, smtp_auth.port, username="rapport", password_env=PASSWORD_ENV)
    assert sample.smtp is not None
    with pytest.raises(EmailError) as caught:
        send(
            [report_message(sample, gap_report)],
            sample.smtp,
            env={PASSWORD_ENV: "wrong-guess"},
            language="en",
        )
    message = str(caught.value)
    assert f"127.0.0.1:{smtp_auth.port}" in message and "refused the login for rapport" in message
    assert "wrong-guess" not in message
    assert smtp_auth.handler.received == []


def test_missing_password_variable_is_named(initiative: Initiative, gap_report: GapReport) -> None:
    sample = with_smtp(initiative, free_port(), username="rapport", password_env=PASSWORD_ENV)
    assert sample.smtp is not None
    with pytest.raises(EmailError, match=f"environment variable {PASSWORD_ENV}, which is not set"):
        send([report_message(sample, gap_report)], sample.smtp, env={}, language="en")


def test_login_is_required_but_not_configured(
    initiative: Initiative, gap_report: GapReport, smtp_auth: Server
) -> None:
    sample = with_smtp(initiative, smtp_auth.port)
    assert sample.smtp is not None
    with pytest.raises(EmailError, match=r"530"):
        send([report_message(sample, gap_report)], sample.smtp)


def test_nothing_listening_is_a_clear_error(initiative: Initiative, gap_report: GapReport) -> None:
    port = free_port()
    sample = with_smtp(initiative, port)
    assert sample.smtp is not None
    with pytest.raises(EmailError) as caught:
        send([report_message(sample, gap_report)], sample.smtp, timeout=5, language="en")
    assert str(caught.value) == (
        f"cannot connect to SMTP server 127.0.0.1:{port} (none): "
        "connection refused (is the server running and the port right?)"
    )


def test_a_refused_recipient_is_a_clear_error(
    initiative: Initiative, gap_report: GapReport, smtp: Server
) -> None:
    smtp.handler.refuse.add(COORDINATOR)
    sample = with_smtp(initiative, smtp.port)
    assert sample.smtp is not None
    with pytest.raises(EmailError) as caught:
        send([report_message(sample, gap_report)], sample.smtp, language="en")
    assert f"SMTP server 127.0.0.1:{smtp.port} (none) refused 1 of 1 messages" in str(caught.value)
    assert f"{COORDINATOR} refused (550 5.1.1 No such mailbox here)" in str(caught.value)
    assert smtp.handler.received == []


# --- TLS: STARTTLS and implicit TLS, with a certificate made for the test --------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    pytest.importorskip("cryptography")
    return make_certificate(tmp_path_factory.mktemp("tls"))


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_with_login(
    initiative: Initiative, gap_report: GapReport, certificate: tuple[Path, Path], security: str
) -> None:
    handler = Recorder()
    tls = server_context(certificate)
    if security == "ssl":
        # Implicit TLS: aiosmtpd does not see the TLS layer itself, so it must be told not to insist on it.
        controller = start(
            handler, ssl_context=tls, authenticator=authenticator, auth_required=True, auth_require_tls=False
        )
    else:
        controller = start(
            handler, tls_context=tls, require_starttls=True, authenticator=authenticator, auth_required=True
        )
    try:
        sample = with_smtp(
            initiative, controller.port, security=security, username="rapport", password_env=PASSWORD_ENV
        )
        assert sample.smtp is not None
        trusting = ssl.create_default_context(cafile=str(certificate[0]))
        send(
            [report_message(sample, gap_report)],
            sample.smtp,
            env={PASSWORD_ENV: PASSWORD},
            ssl_context=trusting,
        )
        assert [r.message["Subject"] for r in handler.received] == [SUBJECT]
        # The default context does not trust the test certificate: a clear TLS error, nothing sent.
        with pytest.raises(EmailError, match=r"TLS certificate not trusted.*self-signed"):
            send(
                [report_message(sample, gap_report)],
                sample.smtp,
                env={PASSWORD_ENV: PASSWORD},
                timeout=5,
                language="en",
            )
        assert len(handler.received) == 1
    finally:
        controller.stop()


# --- reminders ------------------------------------------------------------------------------------------

LAGGING = [
    "cpe-les-lucioles",
    "cuisine-collective",
    "ecole-baril",
    "ciusss-est",
    "maison-des-jeunes",
    "bibliotheque",
    "caisse-populaire",
]

CPE_TEXT = """\
Bonjour Isabelle Côté,

Merci pour la copie du CPE Les Lucioles pour « Hochelaga ensemble — Table de quartier ». \
Voici ce qu'il reste à faire :

Valeurs à corriger :
  - « 31/02/2026 » ne convient pas à « Date » pour « Vue d'ensemble de l'initiative et raisons pour \
lesquelles elle a été mise en œuvre » (Canevas des progrès) : ce n'est pas une date.

Il reste aussi à remplir :

Onglet « Canevas des progrès »
  - « Recherche et données qui alimentent l'initiative d'impact collectif » : toute la ligne
  - « Implication des partenaires dans l'initiative et la mise en œuvre des décisions clés » : toute la ligne
  - « Réalisations importantes, contraintes ou améliorations possibles » : toute la ligne
  - « Stratégies de mobilisation de la communauté » : toute la ligne
  - « Plan d'action commun et stratégies de mise en œuvre » : toute la ligne

Onglet « Infrastructure de soutien »
  - « Guider la vision et la stratégie d'ensemble » : Forces actuelles, Faiblesses actuelles, \
Prochaines étapes
{roles}
Renvoyez le fichier à coordination@hochelaga-ensemble.example d'ici le 11 décembre 2026.

Merci!
Geneviève Lapointe
Coordination — Hochelaga ensemble — Table de quartier
"""
ROLES = [
    "Établir un système d'évaluation commun",
    "Favoriser les activités se renforçant mutuellement",
    "Cultiver et maintenir l'engagement de la communauté",
    "Influencer les politiques",
    "Mobiliser les ressources (financières et autres)",
]


def expected_cpe_text() -> str:
    roles = "".join(f"  - « {role} » : toute la ligne\n" for role in ROLES)
    return CPE_TEXT.format(roles=roles)


def test_one_reminder_per_lagging_partner_none_to_complete_ones(
    initiative: Initiative, gap_report: GapReport, smtp: Server
) -> None:
    sample = with_smtp(initiative, smtp.port)
    reminders = build_reminders(gap_report, sample, links={}, today=TODAY)
    assert [r.partner for r in reminders] == LAGGING
    sent = send_reminders(reminders, sample, date=FIXED_NOW)
    assert [r.partner for r in sent] == LAGGING

    received = smtp.handler.received
    assert len(received) == len(LAGGING)
    by_recipients = {tuple(r.recipients): r.message for r in received}
    cdc = "mdiallo@cdc-hochelaga.example"
    assert all(cdc not in r.recipients for r in received)  # complete: no reminder
    cuisine = ("karim@cuisinecollective.example", "info@cuisinecollective.example")
    assert cuisine in by_recipients  # one message to all of a partner's emails
    for got in received:
        assert got.sender == SENDER
        assert got.message["Subject"] == "Rappel — Hochelaga ensemble — Table de quartier : votre copie"
        assert got.message["Reply-To"] == COORDINATOR
        assert got.message.get_body(preferencelist=("html",)) is not None

    cpe = by_recipients[("direction@cpe-lucioles.example",)]
    assert content(cpe.get_body(preferencelist=("plain",))) == expected_cpe_text()
    html = content(cpe.get_body(preferencelist=("html",)))
    assert "<li>« Influencer les politiques » : toute la ligne</li>" in html

    baril = by_recipients[("s.tremblay@ecole-baril.example",)].get_body(preferencelist=("plain",))
    assert "Nous n'avons pas encore reçu la copie de l'École primaire Baril" in content(baril)


def test_the_reminder_lists_exactly_the_missing_cells(initiative: Initiative, gap_report: GapReport) -> None:
    from toolkit.submission import required_cells

    (cpe,) = [r for r in build_reminders(gap_report, initiative, links={}, today=TODAY) if r.missing]
    filled_in = {
        ("progress_canvas", "overview", "activities"),
        ("backbone_infrastructure", "vision_strategy", "who"),
    }
    invalid = {("progress_canvas", "overview", "date")}
    got = [(m.worksheet, m.row, m.column) for m in cpe.missing]
    assert len(got) == len(set(got))
    assert set(got) == required_cells(initiative.kit) - filled_in - invalid
    assert cpe.invalid == (
        "« 31/02/2026 » ne convient pas à « Date » pour « Vue d'ensemble de l'initiative et raisons pour "
        "lesquelles elle a été mise en œuvre » (Canevas des progrès) : ce n'est pas une date.",
    )
    assert not cpe.missing_submission
    assert cpe.recipients == ("direction@cpe-lucioles.example",)


def test_reminder_links_to_the_partners_google_spreadsheet(
    initiative: Initiative, gap_report: GapReport, tmp_path: Path
) -> None:
    url = "https://docs.google.com/spreadsheets/d/1AbC-cpe/edit"
    manifest = tmp_path / "google_manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "format": 1,
                "kind": "toolkit-google-manifest",
                "initiative": "hochelaga-ensemble",
                "spreadsheets": [
                    {
                        "partner": "cpe-les-lucioles",
                        "spreadsheet_id": "1AbC-cpe",
                        "url": url,
                        "status": "shared",
                    },
                    {
                        "partner": "ecole-baril",
                        "spreadsheet_id": "1XyZ",
                        "url": url + "#x",
                        "status": "placed",
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    sample = replace(initiative, google=GoogleSettings(manifest=manifest))
    assert shared_links(manifest) == {"cpe-les-lucioles": url}
    reminders = {r.partner: r for r in build_reminders(gap_report, sample, today=TODAY)}
    cpe = reminders["cpe-les-lucioles"]
    assert cpe.link == url
    assert f"Votre copie en ligne : {url}\nDate limite : 11 décembre 2026.\n" in cpe.text
    assert "Renvoyez le fichier" not in cpe.text
    assert f'<a href="{url}">{url}</a>' in cpe.html
    assert "Renvoyez le fichier à coordination@" in reminders["ecole-baril"].text  # no spreadsheet: by email


def test_reminders_in_english_after_the_deadline(
    initiative: Initiative, copies: dict[str | None, Path]
) -> None:
    english = replace(initiative, language="en")
    fill(copies["cdc-hochelaga"], FULL)
    report = api.find_gaps(api.pull([copies["cdc-hochelaga"]], english), english, now=FIXED_NOW)
    reminders = build_reminders(report, english, links={}, today=dt.date(2026, 12, 14))
    assert len(reminders) == 7 and "cdc-hochelaga" not in {r.partner for r in reminders}
    assert reminders[0].subject == "Reminder — Hochelaga ensemble — Table de quartier: your copy"
    assert reminders[0].text.startswith(
        "Hello Isabelle Côté,\n\nWe have not received CPE Les Lucioles's copy for "
        "“Hochelaga ensemble — Table de quartier” yet.\n\n"
        "Send the file back to coordination@hochelaga-ensemble.example. "
        "The deadline was December 11, 2026: please do so as soon as you can.\n"
    )


def test_a_partner_without_email_is_not_sent_anything(
    initiative: Initiative, gap_report: GapReport, smtp: Server
) -> None:
    partners = tuple(replace(p, emails=()) if p.id == "ecole-baril" else p for p in initiative.partners)
    sample = with_smtp(replace(initiative, partners=partners), smtp.port)
    reminders = build_reminders(gap_report, sample, links={}, today=TODAY)
    sent = send_reminders(reminders, sample)
    assert "ecole-baril" in {r.partner for r in reminders} and "ecole-baril" not in {r.partner for r in sent}
    assert len(smtp.handler.received) == len(LAGGING) - 1


def test_reminders_when_the_server_is_down(initiative: Initiative, gap_report: GapReport) -> None:
    port = free_port()
    sample = with_smtp(initiative, port)
    reminders = build_reminders(gap_report, sample, links={}, today=TODAY)
    with pytest.raises(EmailError, match=rf"connexion impossible au serveur SMTP 127\.0\.0\.1:{port}"):
        send_reminders(reminders, sample, timeout=5)  # in the initiative's language


# --- the real weekly report (toolkit.reports.build_report), end to end ------------------------------------


def test_the_weekly_report_by_email(
    initiative: Initiative, copies: dict[str | None, Path], smtp: Server, tmp_path: Path
) -> None:
    from toolkit.reports import build_report
    from toolkit.reports.email import send_report

    fill(copies["cdc-hochelaga"], FULL)
    sample = with_smtp(initiative, smtp.port)
    pulled = api.pull([copies["cdc-hochelaga"]], sample)
    report = build_report(pulled, sample, history_path=tmp_path / "history.sqlite", now=FIXED_NOW)
    report.write(tmp_path / "rapport.html")  # the caller writes the report first, then sends it
    assert send_report(report) == (COORDINATOR,)

    (got,) = smtp.handler.received
    message = got.message
    assert message["Subject"] == SUBJECT
    related, xlsx, data = message.iter_parts()
    assert related.get_content_type() == "multipart/related"
    assert related.get_param("type") == "multipart/alternative"
    html = content(message.get_body(preferencelist=("html",)))
    text = content(message.get_body(preferencelist=("plain",)))
    assert "Corporation de développement communautaire Hochelaga" in html
    assert "Corporation de développement communautaire Hochelaga" in text
    assert "data:image" not in html  # charts by reference, not inlined twice
    images = [p for p in related.iter_parts() if p.get_content_maintype() == "image"]
    cids = [str(p["Content-ID"]).strip("<>") for p in images]
    assert cids and sorted(cids) == sorted(set(re.findall(r'src="cid:([^"]+)"', html)))
    assert all(p.get_content().startswith(b"\x89PNG") for p in images)

    assert xlsx.get_filename() == "hochelaga-ensemble_rapport_2026-11-02.xlsx"
    assert xlsx.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    openpyxl.load_workbook(io.BytesIO(xlsx.get_content()))
    assert data.get_filename() == "hochelaga-ensemble_rapport_2026-11-02.json"
    parsed = json.loads(data.get_content())
    assert parsed["initiative"] == "Hochelaga ensemble — Table de quartier" and "changes" in parsed


def test_the_report_command_emails_and_reminds(
    initiative: Initiative, copies: dict[str | None, Path], smtp: Server, tmp_path: Path
) -> None:
    """`toolkit report … --email --remind`: report on disk, one email to the coordinator, one reminder
    per lagging partner; with the server gone, the report is still written and the exit code is 3."""
    from click.testing import CliRunner

    from tests.conftest import EXAMPLE
    from toolkit.cli import main

    config = tmp_path / "initiative.yaml"
    smtp_section = f"smtp: {{host: 127.0.0.1, port: {smtp.port}, security: none, sender: {SENDER}}}\n"
    config.write_text(EXAMPLE.read_text(encoding="utf-8") + smtp_section, encoding="utf-8")
    fill(copies["cdc-hochelaga"], FULL)
    out = tmp_path / "rapport.html"
    args = ["report", str(copies["cdc-hochelaga"]), "--config", str(config), "--out", str(out)]
    done = CliRunner().invoke(main, [*args, "--email", "--remind"])
    assert done.exit_code == 0, done.output
    assert out.is_file()
    subjects = [r.message["Subject"] for r in smtp.handler.received]
    assert subjects[0].startswith("Hochelaga ensemble — Table de quartier — bilan des retours du ")
    assert len(subjects) == 1 + 7  # the coordinator, then everyone but the CDC
    assert all(s.startswith("Rappel — ") for s in subjects[1:])

    config.write_text(
        config.read_text(encoding="utf-8").replace(str(smtp.port), str(free_port())), encoding="utf-8"
    )
    out.unlink()
    failed = CliRunner().invoke(main, [*args, "--email"])
    assert failed.exit_code == 3, failed.output
    assert out.is_file()  # written before sending
    assert "Erreur : connexion impossible au serveur SMTP 127.0.0.1" in failed.output
