"""send and report --remind: real messages to the loopback SMTP server (aiosmtpd), recorded in history."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLE, FIXED_NOW, fill
from tests.test_email import FULL, Recorder, Server, free_port, start
from toolkit import api
from toolkit.errors import ConfigError
from toolkit.history import SCHEMA_VERSION, History
from toolkit.initiative import CollectSettings, Initiative, SmtpSettings
from toolkit.mail.templates import load_templates

SENDER = "rapport@hochelaga-ensemble.example"
COORDINATOR = "coordination@hochelaga-ensemble.example"
PARTNERS = 8
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def smtp() -> Iterator[Server]:
    handler = Recorder()
    controller = start(handler)
    yield Server(controller.port, handler, [])
    controller.stop()


@pytest.fixture
def sample(initiative: Initiative, smtp: Server, tmp_path: Path) -> Initiative:
    """The sample initiative sending through the test server, with its own history and no Google manifest."""
    return replace(
        initiative,
        smtp=SmtpSettings(host="127.0.0.1", sender=SENDER, port=smtp.port, security="none"),
        history_path=tmp_path / "history.sqlite",
        google=replace(initiative.google, manifest=tmp_path / "google_manifest.json"),
    )


def attachments(message: EmailMessage) -> list[tuple[str | None, bytes]]:
    return [(p.get_filename(), p.get_content()) for p in message.iter_attachments()]  # type: ignore[misc]


def body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def test_each_partner_gets_its_own_workbook(sample: Initiative, smtp: Server, tmp_path: Path) -> None:
    outcomes = api.send_copies(sample, now=FIXED_NOW)
    assert [o.status for o in outcomes] == ["sent"] * PARTNERS
    received = smtp.handler.received
    assert len(received) == PARTNERS
    by_partner = {r.recipients[0]: r for r in received}
    cuisine = by_partner["karim@cuisinecollective.example"]
    assert cuisine.recipients == ["karim@cuisinecollective.example", "info@cuisinecollective.example"]

    got = by_partner["mebouchard@biblio-maisonneuve.example"].message
    assert (
        got["Subject"]
        == "Hochelaga ensemble — Table de quartier — le classeur de Bibliothèque Maisonneuve à remplir"
    )
    assert got["Reply-To"] == "coordination@hochelaga-ensemble.example"
    text = body(got)
    assert text.startswith(
        "Bonjour Marie-Ève Bouchard,\n\nVous trouverez ci-joint le classeur de Bibliothèque"
    )
    assert "Date limite : 11 décembre 2026" in text
    assert "1. Remplissez les cellules jaunes de chaque onglet." in text
    assert "  - Canevas des progrès — " in text
    assert "répondez simplement à ce message en y joignant le classeur rempli" in text
    ((name, content),) = attachments(got)
    assert name == "hochelaga-ensemble_bibliotheque.xlsx"
    saved = tmp_path / "recu" / name
    saved.parent.mkdir()
    saved.write_bytes(content)
    (copy,) = api.pull([saved], sample).submissions
    assert copy.partner_id == "bibliotheque"  # the partner's own copy, not the blank one

    sent = History(sample.history_path).messages(sample.id)  # type: ignore[arg-type]
    assert [(s.partner, s.kind, s.round) for s in sent][:2] == [
        ("cdc-hochelaga", "copy", "2026-12-11"),
        ("cpe-les-lucioles", "copy", "2026-12-11"),
    ]
    assert (
        sent[0].attachment == "hochelaga-ensemble_cdc-hochelaga.xlsx"
        and len(sent[0].attachment_sha256 or "") == 64
    )
    assert sent[0].message_id == received[0].message["Message-ID"].strip()


def test_never_twice_in_a_round_unless_forced(sample: Initiative, smtp: Server) -> None:
    api.send_copies(sample, partners=["cdc-hochelaga", "ecole-baril"], now=FIXED_NOW)
    later = FIXED_NOW + dt.timedelta(days=3)
    again = api.send_copies(sample, now=later)
    assert [o.status for o in again].count("already_sent") == 2
    assert next(o.line for o in again if o.status == "already_sent") == (
        "– Corporation de développement communautaire Hochelaga : déjà envoyé le 2 novembre 2026 "
        "pour cette ronde (--force pour renvoyer)"
    )
    assert len(smtp.handler.received) == 2 + (PARTNERS - 2)
    forced = api.send_copies(sample, partners=["cdc-hochelaga"], force=True, now=later)
    assert [o.status for o in forced] == ["sent"]
    next_round = replace(sample, deadline=dt.date(2027, 6, 1))
    assert [o.status for o in api.send_copies(next_round, partners=["ecole-baril"], now=later)] == ["sent"]


def test_google_partners_get_their_link_and_no_attachment(sample: Initiative, smtp: Server) -> None:
    url = "https://docs.google.com/spreadsheets/d/1AbCdEf/edit"
    manifest = {
        "format": 1,
        "kind": "toolkit-google-manifest",
        "initiative": sample.id,
        "spreadsheets": [
            {
                "partner": "ecole-baril",
                "spreadsheet_id": "1AbCdEf",
                "url": url,
                "title": "t",
                "created_at": "2026-11-02T09:30:00+00:00",
                "status": "shared",
                "shared_with": [],
            }
        ],
    }
    assert sample.google.manifest is not None
    sample.google.manifest.write_text(json.dumps(manifest), encoding="utf-8")
    api.send_copies(replace(sample, language="en"), partners=["ecole-baril", "cdc-hochelaga"], now=FIXED_NOW)
    baril, cdc = sorted(smtp.handler.received, key=lambda r: r.recipients[0], reverse=True)
    assert attachments(baril.message) == []
    assert f"is waiting for you in Google Sheets:\n{url}\n" in body(baril.message)
    assert baril.message["Subject"].endswith("École primaire Baril's workbook to fill in online")
    assert [name for name, _ in attachments(cdc.message)] == ["hochelaga-ensemble_cdc-hochelaga.xlsx"]
    (link,) = [s.link for s in History(sample.history_path).messages(sample.id) if s.partner == "ecole-baril"]  # type: ignore[arg-type]
    assert link == url


def test_no_email_is_listed_and_one_refusal_does_not_stop_the_others(
    sample: Initiative, smtp: Server, tmp_path: Path
) -> None:
    partners = tuple(replace(p, emails=()) if p.id == "caisse-populaire" else p for p in sample.partners)
    smtp.handler.refuse.add("s.tremblay@ecole-baril.example")
    outcomes = api.send_copies(replace(sample, partners=partners), now=FIXED_NOW)
    status = {o.partner: o.status for o in outcomes}
    assert status["caisse-populaire"] == "no_email" and status["ecole-baril"] == "failed"
    assert list(status.values()).count("sent") == PARTNERS - 2
    lines = {o.partner: o.line for o in outcomes}
    assert lines["caisse-populaire"] == (
        "– Caisse populaire du Quartier : aucune adresse courriel dans le fichier d'initiative, rien envoyé"
    )
    assert lines["ecole-baril"].startswith("✗ École primaire Baril : échec de l'envoi : ")
    assert "s.tremblay@ecole-baril.example refusée (550" in lines["ecole-baril"]
    recorded = {s.partner for s in History(sample.history_path).messages(sample.id)}  # type: ignore[arg-type]
    assert "ecole-baril" not in recorded and len(recorded) == PARTNERS - 2
    # The refused partner is sent to on the next run; the others are not sent to again.
    smtp.handler.refuse.clear()
    again = api.send_copies(replace(sample, partners=partners), now=FIXED_NOW)
    assert [o.partner for o in again if o.status == "sent"] == ["ecole-baril"]


def test_dry_run_writes_one_eml_per_message_and_sends_nothing(
    sample: Initiative, smtp: Server, tmp_path: Path
) -> None:
    outcomes = api.send_copies(sample, dry_run=tmp_path / "apercu", now=FIXED_NOW)
    assert [o.status for o in outcomes] == ["written"] * PARTNERS
    files = sorted((tmp_path / "apercu").glob("*.eml"))
    assert [f.name for f in files][:2] == ["01-copy-cdc-hochelaga.eml", "02-copy-cpe-les-lucioles.eml"]
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert message["To"] == "mdiallo@cdc-hochelaga.example"
    assert [name for name, _ in attachments(message)] == ["hochelaga-ensemble_cdc-hochelaga.xlsx"]
    assert smtp.handler.received == []
    assert (
        not sample.history_path
        or not sample.history_path.exists()
        or not History(sample.history_path).messages(sample.id)
    )


def test_the_send_command(sample: Initiative, smtp: Server, tmp_path: Path) -> None:
    from toolkit.cli import main

    config = tmp_path / "initiative.yaml"
    config.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("kit: ", f"history: {tmp_path / 'h.sqlite'}\nkit: ", 1)
        + f"smtp: {{host: 127.0.0.1, port: {smtp.port}, security: none, sender: {SENDER}}}\n",
        encoding="utf-8",
    )
    args = ["send", "--config", str(config), "--partner", "cdc-hochelaga", "--partner", "ecole-baril"]
    done = CliRunner().invoke(main, args)
    assert done.exit_code == 0, done.output
    assert done.output.splitlines() == [
        "✓ Corporation de développement communautaire Hochelaga : envoyé à mdiallo@cdc-hochelaga.example",
        "✓ École primaire Baril : envoyé à s.tremblay@ecole-baril.example",
        "2 envoyé(s), 0 non envoyé(s), 0 sans adresse, 0 échec(s)",
    ]
    smtp.handler.refuse.add("jf.gagnon@ciusss-est.example")
    failed = CliRunner().invoke(main, ["send", "--config", str(config)])
    assert failed.exit_code == 3, failed.output
    assert failed.output.splitlines()[-1] == "5 envoyé(s), 2 non envoyé(s), 0 sans adresse, 1 échec(s)"

    config.write_text(
        config.read_text(encoding="utf-8").replace(str(smtp.port), str(free_port())), encoding="utf-8"
    )
    down = CliRunner().invoke(main, ["send", "--config", str(config), "--partner", "bibliotheque", "--force"])
    assert down.exit_code == 3
    assert "connexion impossible au serveur SMTP 127.0.0.1" in down.output  # names the server, in French


# --- templates ------------------------------------------------------------------------------------------


def test_the_coordinators_templates_replace_the_shipped_ones(
    sample: Initiative, smtp: Server, tmp_path: Path
) -> None:
    folder = tmp_path / "modeles"
    folder.mkdir()
    (folder / "copy.fr.txt").write_text(
        "Objet : {partner}, à vous de jouer\n\n{greeting}\n"
        "Le fichier {file}, d'ici le {deadline}.\n{signature}\n",
        encoding="utf-8",
    )
    api.send_copies(replace(sample, messages_dir=folder), partners=["ecole-baril"], now=FIXED_NOW)
    (got,) = smtp.handler.received
    assert got.message["Subject"] == "École primaire Baril, à vous de jouer"
    assert body(got.message) == (
        "Bonjour Sophie Tremblay,\n"
        "Le fichier hochelaga-ensemble_ecole-baril.xlsx, d'ici le 11 décembre 2026.\n"
        "Geneviève Lapointe\nCoordination — Hochelaga ensemble — Table de quartier\n"
    )


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "copy.fr.txt",
            "Objet : {partenaire}\n\nBonjour",
            r"copy\.fr\.txt : champ inconnu \{partenaire\} \(champs possibles : \{greeting\}, \{partner\}",
        ),
        (
            "online.en.txt",
            "Subject: x\n\n{greeting} {due_date} {lien}",
            r"online\.en\.txt : champ inconnu \{due_date\}.*\n.*online\.en\.txt : champ inconnu \{lien\}",
        ),
        ("copy.en.txt", "Hello {partner}\n\nbody", r"copy\.en\.txt : la première ligne doit être l'objet"),
        ("copy.fr.txt", "Objet : x\n\nBonjour {partner", r"copy\.fr\.txt : accolade mal fermée"),
        (
            "copie.fr.txt",
            "Objet : x\n\ny",
            r"copie\.fr\.txt : fichier de modèle inconnu \(noms possibles : copy\.en\.txt",
        ),
    ],
    ids=["unknown", "two-unknown", "no-subject", "brace", "unknown-file"],
)
def test_a_broken_template_is_refused_before_anything_is_sent(
    sample: Initiative, smtp: Server, tmp_path: Path, name: str, text: str, expected: str
) -> None:
    folder = tmp_path / "modeles"
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=expected):
        api.send_copies(replace(sample, messages_dir=folder), now=FIXED_NOW)
    assert smtp.handler.received == []


def test_the_shipped_templates_load_in_both_languages(initiative: Initiative) -> None:
    templates = load_templates(initiative)
    assert sorted(templates) == [("copy", "en"), ("copy", "fr"), ("online", "en"), ("online", "fr")]


# --- reminders ------------------------------------------------------------------------------------------


@pytest.fixture
def report(sample: Initiative, copies: dict[str | None, Path], tmp_path: Path) -> api.Report:
    """The CDC is done, the CPE sent a partial copy, nobody else sent anything."""
    fill(copies["cdc-hochelaga"], FULL)
    fill(copies["cpe-les-lucioles"], {("Canevas des progrès", "B5"): "Ateliers"})
    pulled = api.pull([copies["cdc-hochelaga"], copies["cpe-les-lucioles"]], sample)
    return api.build_report(pulled, sample, history_path=tmp_path / "runs.sqlite", now=FIXED_NOW)


def test_reminders_reattach_the_workbook_to_those_who_sent_nothing(
    report: api.Report, smtp: Server, tmp_path: Path
) -> None:
    outcomes = api.remind(report, dry_run=tmp_path / "apercu", now=FIXED_NOW)
    assert [o.status for o in outcomes] == ["written"] * 7
    assert smtp.handler.received == []
    previews = {p.name: p for p in (tmp_path / "apercu").glob("*.eml")}
    cpe = email.message_from_bytes(
        previews["01-reminder-cpe-les-lucioles.eml"].read_bytes(), policy=email.policy.default
    )
    baril = email.message_from_bytes(
        previews["03-reminder-ecole-baril.eml"].read_bytes(), policy=email.policy.default
    )
    assert isinstance(cpe, EmailMessage) and isinstance(baril, EmailMessage)
    assert attachments(cpe) == []  # a copy came back: say what is missing, no new workbook
    assert [name for name, _ in attachments(baril)] == ["hochelaga-ensemble_ecole-baril.xlsx"]
    assert "Nous n'avons pas encore reçu la copie de l'École primaire Baril" in body(baril)


def test_reminders_are_not_repeated_within_six_days(report: api.Report, smtp: Server) -> None:
    first = api.remind(report, now=FIXED_NOW)
    assert [o.status for o in first] == ["sent"] * 7
    soon = api.remind(report, now=FIXED_NOW + dt.timedelta(days=5, hours=23))
    assert {o.status for o in soon} == {"reminded_recently"}
    assert soon[0].line == (
        "– CPE Les Lucioles : rappel déjà envoyé le 2 novembre 2026, il y a moins de 6 jours "
        "(--force pour renvoyer)"
    )
    assert len(smtp.handler.received) == 7
    assert [o.status for o in api.remind(report, now=FIXED_NOW + dt.timedelta(days=6))] == ["sent"] * 7
    assert [o.status for o in api.remind(report, force=True, now=FIXED_NOW + dt.timedelta(days=6))] == [
        "sent"
    ] * 7


def test_report_remind_dry_run_from_the_command_line(
    copies: dict[str | None, Path], smtp: Server, tmp_path: Path
) -> None:
    from toolkit.cli import main

    config = tmp_path / "initiative.yaml"
    config.write_text(
        EXAMPLE.read_text(encoding="utf-8")
        + f"smtp: {{host: 127.0.0.1, port: {smtp.port}, security: none, sender: {SENDER}}}\n",
        encoding="utf-8",
    )
    fill(copies["cdc-hochelaga"], FULL)
    args = [
        "report",
        str(copies["cdc-hochelaga"]),
        "--config",
        str(config),
        "--out",
        str(tmp_path / "r.html"),
    ]
    done = CliRunner().invoke(main, [*args, "--email", "--remind", "--dry-run", str(tmp_path / "apercu")])
    assert done.exit_code == 0, done.output
    assert smtp.handler.received == []
    names = sorted(p.name for p in (tmp_path / "apercu").iterdir())
    assert names[0] == "00-report.eml" and len(names) == 1 + 7
    assert "7 message(s) écrit(s) dans" in done.output


def test_the_history_gains_the_messages_table_and_keeps_its_runs(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    from toolkit.history import MIGRATIONS, SentMessage, Snapshot

    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[1] + "; PRAGMA user_version = 1;")
    db.close()
    history = History(path)
    history.record(Snapshot("hochelaga-ensemble", "2026-11-02T09:30:00+00:00", 0.5, 8))
    history.record_message(
        SentMessage(
            "hochelaga-ensemble", "cdc", "copy", "2026-12-11", FIXED_NOW, ("a@b.example",), "s", "<m@x>"
        )
    )
    assert len(history.list_runs()) == 1
    assert [m.partner for m in history.messages("hochelaga-ensemble")] == ["cdc"]
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3


def test_collect_mailbox_receives_the_replies(sample: Initiative, smtp: Server) -> None:
    mailbox = CollectSettings(host="imap.example", username="retours@hochelaga-ensemble.example")
    api.send_copies(replace(sample, collect=mailbox), partners=["ecole-baril"], now=FIXED_NOW)
    (got,) = smtp.handler.received
    assert got.message["Reply-To"] == "retours@hochelaga-ensemble.example"


def test_a_new_round_lets_send_go_out_again(initiative: Initiative) -> None:
    """Messages belong to the initiative's round when it names one, else to its deadline."""
    from dataclasses import replace

    from toolkit.mail.send import round_of

    assert round_of(initiative) == "2026-12-11"
    assert round_of(replace(initiative, round="2027-printemps")) == "2027-printemps"
    assert round_of(replace(initiative, round=None, deadline=None)) == "-"
