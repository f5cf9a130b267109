"""The whole loop by email, with real parts: send (aiosmtpd) -> partners fill the attached workbooks in a
real LibreOffice Calc -> they reply (real MIME into Dovecot's Maildir) -> collect (IMAP, TLS) -> merge ->
report, with the provenance of each copy checked from the mailbox to the master and the report.

One module-scoped run (one soffice start); each test checks one thing a coordinator would notice.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, replace
from email.message import EmailMessage
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from tests import imap_server
from tests import libreoffice as lo
from tests.conftest import FIXED_NOW
from tests.mail_messages import ODS, XLSX, message
from tests.test_email import Recorder, start
from toolkit import api
from toolkit.initiative import CollectSettings, Initiative, SmtpSettings
from toolkit.mail.collect import CollectResult
from toolkit.merge import Merged
from toolkit.submission import PullResult

pytestmark = [pytest.mark.libreoffice, pytest.mark.dovecot]

PROGRESS, BACKBONE = "Canevas des progrès", "Infrastructure de soutien"
MAILBOX = "retours@hochelaga-ensemble.example"
PASSWORD_ENV = "TOOLKIT_TEST_IMAP_PASSWORD"
SENT_AT = FIXED_NOW
CDC_REPLY = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
CPE_FIRST = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
CPE_CORRECTED = dt.datetime(2026, 11, 24, 16, 30, tzinfo=dt.UTC)
BARIL_REPLY = dt.datetime(2026, 11, 25, 11, 0, tzinfo=dt.UTC)
BARIL_HOME = "sophie.tremblay.perso@courriel.example"  # replied from home: no partner's address
CDC_TEXT = "Table créée en 2019 après la fermeture de l'épicerie"
CPE_OLD, CPE_NEW = "Halte-garderie ouverte", "Halte-garderie ouverte 3 jours par semaine"
BARIL_TEXT = "Le conseil d'établissement vote les priorités"


@dataclass(frozen=True)
class Loop:
    initiative: Initiative
    sent: dict[str, EmailMessage]  # partner's first address -> the message they received
    collected: CollectResult
    pulled: PullResult
    merged: Merged
    master: Path
    report: api.Report
    contributions: list[list[object]]


@pytest.fixture(scope="module")
def loop(initiative: Initiative, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loop]:
    lo.require()
    if imap_server.missing_reason():
        pytest.fail(str(imap_server.missing_reason()), pytrace=False)
    root = tmp_path_factory.mktemp("mail_loop")
    cert, key = imap_server.make_certificate(root / "tls")
    recorder = Recorder()
    smtp = start(recorder)
    try:
        with imap_server.run_dovecot(cert, key, {MAILBOX: "Mot-de-passe-2026"}) as dovecot:
            sample = replace(
                initiative,
                smtp=SmtpSettings(
                    host="127.0.0.1",
                    sender="rapport@hochelaga-ensemble.example",
                    port=smtp.port,
                    security="none",
                ),
                collect=CollectSettings(
                    host="127.0.0.1",
                    port=dovecot.imaps_port,
                    username=MAILBOX,
                    password_env=PASSWORD_ENV,
                    processed_folder="Copies traitées",
                ),
                history_path=root / "history.sqlite",
                google=replace(initiative.google, manifest=root / "google_manifest.json"),
            )
            yield _run(sample, recorder, dovecot, root, ssl.create_default_context(cafile=str(cert)))
    finally:
        smtp.stop()


def _run(
    sample: Initiative, recorder: Recorder, dovecot: imap_server.Dovecot, root: Path, context: ssl.SSLContext
) -> Loop:
    # 1. send: three partners get their workbook.
    outcomes = api.send_copies(
        sample, partners=["cdc-hochelaga", "cpe-les-lucioles", "ecole-baril"], now=SENT_AT
    )
    assert [o.status for o in outcomes] == ["sent"] * 3
    sent = {r.recipients[0]: r.message for r in recorder.received}
    received = root / "received"
    files = {}
    for address, mail in sent.items():
        (part,) = mail.iter_attachments()  # type: ignore[misc]
        name = part.get_filename()
        assert name is not None
        files[address] = received / name
        files[address].parent.mkdir(exist_ok=True)
        files[address].write_bytes(part.get_content())

    # 2. partners fill what they received in Calc; the École saves it as .ods.
    cdc, cpe, baril = (
        files[a]
        for a in [
            "mdiallo@cdc-hochelaga.example",
            "direction@cpe-lucioles.example",
            "s.tremblay@ecole-baril.example",
        ]
    )
    filled = root / "filled"
    results = lo.run_jobs(
        [
            lo.job(
                cdc,
                ops=[_text(PROGRESS, "B5", CDC_TEXT), _text(BACKBONE, "B5", "Mamadou Diallo")],
                save=[filled / cdc.name],
            ),
            lo.job(cpe, ops=[_text(PROGRESS, "B8", CPE_OLD)], save=[filled / "cpe-v1.xlsx"]),
            lo.job(cpe, ops=[_text(PROGRESS, "B8", CPE_NEW)], save=[filled / "cpe-v2.xlsx"]),
            lo.job(
                baril,
                ops=[_text(PROGRESS, "B7", BARIL_TEXT)],
                save=[filled / "hochelaga-ensemble_ecole-baril.ods"],
            ),
        ]
    )
    assert all(r["ok"] for r in results), results

    # 3. they reply, each in their own way; the corrected CPE copy arrives in the mailbox first.
    def reply(
        sender: str, original: EmailMessage, when: dt.datetime, attached: list[tuple[str, Path, str]]
    ) -> bytes:
        return message(
            sender,
            MAILBOX,
            f"RE: {original['Subject']}",
            date=when,
            message_id=f"<{when.timestamp():.0f}@reply.example>",
            in_reply_to=str(original["Message-ID"]).strip(),
            attachments=[(name, path.read_bytes(), mime) for name, path, mime in attached],
        ).as_bytes()

    cdc_sent, cpe_sent, baril_sent = (
        sent[a]
        for a in [
            "mdiallo@cdc-hochelaga.example",
            "direction@cpe-lucioles.example",
            "s.tremblay@ecole-baril.example",
        ]
    )
    for raw in [
        reply("mdiallo@cdc-hochelaga.example", cdc_sent, CDC_REPLY, [(cdc.name, filled / cdc.name, XLSX)]),
        reply(
            "direction@cpe-lucioles.example",
            cpe_sent,
            CPE_CORRECTED,
            [("hochelaga-ensemble_cpe-les-lucioles (corrigé).xlsx", filled / "cpe-v2.xlsx", XLSX)],
        ),
        reply(
            "direction@cpe-lucioles.example",
            cpe_sent,
            CPE_FIRST,
            [("hochelaga-ensemble_cpe-les-lucioles.xlsx", filled / "cpe-v1.xlsx", XLSX)],
        ),
        reply(
            BARIL_HOME,
            baril_sent,
            BARIL_REPLY,
            [("hochelaga-ensemble_ecole-baril.ods", filled / "hochelaga-ensemble_ecole-baril.ods", ODS)],
        ),
    ]:
        dovecot.deliver(MAILBOX, raw)

    # 4. collect, then turn the file times upside down: only the messages' dates may decide.
    returns = root / "retours"
    collected = api.collect(sample, returns, env={PASSWORD_ENV: "Mot-de-passe-2026"}, ssl_context=context)
    for number, saved in enumerate(sorted(s.path for s in collected.saved)):
        os.utime(saved, (FIXED_NOW.timestamp() - number * 86400,) * 2)

    # 5. merge and report, as the weekly job does.
    pulled = api.pull([returns], sample)
    master = root / "out" / "maitre.xlsx"
    merged = api.merge(pulled, sample, out=master, now=FIXED_NOW)
    report = api.build_report(pulled, sample, history_path=root / "history.sqlite", now=FIXED_NOW)
    contributions = CalamineWorkbook.from_path(str(master)).get_sheet_by_name("Contributions").to_python()
    shutil.rmtree(received)
    return Loop(sample, sent, collected, pulled, merged, master, report, contributions)


def _text(sheet: str, cell: str, value: str) -> dict[str, str]:
    return {"op": "set_string", "sheet": sheet, "cell": cell, "value": value}


def test_every_reply_is_collected_once_and_the_messages_are_moved(loop: Loop) -> None:
    names = sorted(s.path.name for s in loop.collected.saved)
    assert names == [
        "2026-11-20 hochelaga-ensemble_cdc-hochelaga.xlsx",
        "2026-11-21 hochelaga-ensemble_cpe-les-lucioles.xlsx",
        "2026-11-24 hochelaga-ensemble_cpe-les-lucioles (corrigé).xlsx",
        "2026-11-25 hochelaga-ensemble_ecole-baril.ods",
    ]
    assert loop.collected.skipped == () and loop.collected.marked == 4
    assert all(s.problem is None for s in loop.collected.saved)  # screened like any returned file


def test_provenance_runs_from_the_mailbox_to_each_copy(loop: Loop) -> None:
    by_partner: dict[str, list[tuple[dt.datetime | None, str | None]]] = {}
    for s in loop.pulled.submissions:
        by_partner.setdefault(s.partner_id or "?", []).append((s.modified, s.sender))
    assert by_partner == {
        "cdc-hochelaga": [(CDC_REPLY, "mdiallo@cdc-hochelaga.example")],
        "cpe-les-lucioles": [
            (CPE_FIRST, "direction@cpe-lucioles.example"),
            (CPE_CORRECTED, "direction@cpe-lucioles.example"),
        ],
        "ecole-baril": [(BARIL_REPLY, BARIL_HOME)],
    }
    assert loop.pulled.errors == ()


def test_the_newest_message_wins_whatever_the_file_times(loop: Loop) -> None:
    (cpe,) = [s for s in loop.merged.accepted if s.partner_id == "cpe-les-lucioles"]
    assert Path(cpe.source).name == "2026-11-24 hochelaga-ensemble_cpe-les-lucioles (corrigé).xlsx"
    assert [s.partner_id for s in loop.merged.superseded] == ["cpe-les-lucioles"]
    values = {v for k, v in loop.merged.values.items() if k[0] == "progress_canvas"}
    assert CPE_NEW in values and CPE_OLD not in values and CDC_TEXT in values and BARIL_TEXT in values


def test_the_master_names_where_each_value_came_from(loop: Loop) -> None:
    header, *rows = loop.contributions
    texts = [" | ".join(str(c) for c in row) for row in rows]
    assert any(CPE_NEW in t and "2026-11-24" in t for t in texts), header


def test_the_report_flags_the_copy_from_an_address_no_partner_has(loop: Loop) -> None:
    text = loop.report.text()
    assert (
        f"École primaire Baril : envoyée par {BARIL_HOME}, "
        "une adresse d'aucun partenaire du fichier d'initiative"
    ) in text


def test_each_reply_points_at_the_message_send_recorded(loop: Loop) -> None:
    from toolkit.mail.provenance import provenance_of

    replied = {provenance_of(s.path).in_reply_to for s in loop.collected.saved}  # type: ignore[union-attr]
    assert replied == {str(m["Message-ID"]).strip() for m in loop.sent.values()}


def test_what_was_sent_is_in_the_history(loop: Loop) -> None:
    from toolkit.history import History

    assert loop.initiative.history_path is not None
    sent = History(loop.initiative.history_path).messages(loop.initiative.id, "copy")
    assert [(m.partner, m.message_id) for m in sent] == [
        (p, str(loop.sent[a]["Message-ID"]).strip())
        for p, a in [
            ("cdc-hochelaga", "mdiallo@cdc-hochelaga.example"),
            ("cpe-les-lucioles", "direction@cpe-lucioles.example"),
            ("ecole-baril", "s.tremblay@ecole-baril.example"),
        ]
    ]
