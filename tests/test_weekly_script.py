"""scripts/weekly_gap_report.sh, run for real: arguments, log, lock, once-a-week marker, exit codes.

The toolkit is replaced by a small fake command (TOOLKIT_CMD) that records how it was called, writes the
report file and exits with the code it is told to, so every outcome can be produced on demand."""

from __future__ import annotations

import fcntl
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLE, ROOT

SCRIPT = ROOT / "scripts" / "weekly_gap_report.sh"
MONDAY = "2026-11-02"  # ISO week 2026-W45

FAKE = r"""
import json, os, sys, time
args = sys.argv[1:]
with open(os.environ["FAKE_CALLS"], "a", encoding="utf-8") as calls:
    calls.write(json.dumps(args) + "\n")
if args[0] == "collect":
    code = int(os.environ.get("FAKE_COLLECT_RC", "0"))
    print("Erreur : connexion impossible au serveur IMAP" if code else "1 fichier(s) enregistré(s)")
    sys.exit(code)
if os.environ.get("FAKE_STARTED"):
    open(os.environ["FAKE_STARTED"], "w").close()
time.sleep(float(os.environ.get("FAKE_SLEEP", "0")))
code = int(os.environ.get("FAKE_RC", "0"))
if code in (0, 3) or os.environ.get("FAKE_WRITES"):
    out = args[args.index("--out") + 1]
    with open(out, "w", encoding="utf-8") as report:
        report.write("<html>rapport</html>")
print("Rapport : " + " ".join(args))
print("Erreur simulée" if code else "Courriel envoyé", file=sys.stderr)
sys.exit(code)
"""

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "fake_toolkit.py").write_text(FAKE, encoding="utf-8")
    (tmp_path / "returns").mkdir()
    return tmp_path


def environment(work: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAKE_", "WEEKLY_", "TOOLKIT_"))}
    env |= {
        "TOOLKIT_CMD": f"{sys.executable} {work / 'fake_toolkit.py'}",
        "FAKE_CALLS": str(work / "calls.jsonl"),
        "WEEKLY_TODAY": MONDAY,
        **extra,
    }
    return env


def arguments(work: Path, *options: str) -> list[str]:
    return [
        str(SCRIPT),
        "--config",
        str(EXAMPLE),
        "--out-dir",
        str(work / "out"),
        *options,
        str(work / "returns"),
    ]


@pytest.fixture
def run(work: Path) -> Run:
    def _run(*options: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            arguments(work, *options),
            env=environment(work, **extra),
            capture_output=True,
            text=True,
            timeout=60,
        )

    return _run


def calls(work: Path) -> list[list[str]]:
    path = work / "calls.jsonl"
    return (
        [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    )


def log(work: Path) -> list[str]:
    return (work / "out" / ".weekly" / "weekly_gap_report.log").read_text(encoding="utf-8").splitlines()


def test_runs_the_report_with_email_and_reminders(work: Path, run: Run) -> None:
    done = run()
    assert done.returncode == 0, done.stderr
    assert done.stdout == done.stderr == ""  # quiet on success: cron mails nobody
    report = work / "out" / f"rapport-{MONDAY}.html"
    assert calls(work) == [
        [
            "report",
            str(work / "returns"),
            "--config",
            str(EXAMPLE),
            "--format",
            "html",
            "--out",
            str(report),
            "--email",
            "--remind",
        ]
    ]
    assert report.read_text(encoding="utf-8") == "<html>rapport</html>"
    marker = work / "out" / ".weekly" / "sent-2026-W45"
    assert marker.read_text(encoding="utf-8").split()[1] == str(report)
    lines = log(work)
    stamp = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} \[\d+\] "
    assert all(re.match(stamp, line) for line in lines), lines
    assert any(line.endswith("  | Courriel envoyé") for line in lines)  # the toolkit's own output, stamped
    assert lines[-1].endswith(f"week 2026-W45: report written and sent: {report}")


def test_collect_runs_first_and_its_folder_is_reported_on(work: Path, run: Run) -> None:
    inbox = str(work / "courriel")
    done = run("--collect", inbox)
    assert done.returncode == 0, done.stderr
    collect, report = calls(work)
    assert collect == ["collect", "--config", str(EXAMPLE), "--out", inbox]
    assert report[:3] == ["report", str(work / "returns"), inbox]
    assert any(line.endswith("  | 1 fichier(s) enregistré(s)") for line in log(work))


def test_a_mailbox_failure_still_reports_and_exits_5(work: Path, run: Run) -> None:
    done = run("--collect", str(work / "courriel"), FAKE_COLLECT_RC="1")
    assert done.returncode == 5
    assert [c[0] for c in calls(work)] == ["collect", "report"]
    assert (work / "out" / ".weekly" / "sent-2026-W45").exists()  # the report went out: not resent
    assert "collect failed (exit 1)" in log(work)[-1]


def test_no_remind_and_fail_on_gaps_options(work: Path, run: Run) -> None:
    assert run("--no-remind", "--fail-on-gaps").returncode == 0
    (args,) = calls(work)
    assert "--remind" not in args and args[-2:] == ["--email", "--fail-on-gaps"]


def test_once_a_week_unless_forced(work: Path, run: Run) -> None:
    assert run().returncode == 0
    again = run(WEEKLY_TODAY="2026-11-08")  # Sunday: same ISO week
    assert again.returncode == 0 and again.stderr == ""
    assert len(calls(work)) == 1
    assert "week 2026-W45 already sent" in log(work)[-1] and "--force" in log(work)[-1]

    assert run("--force", WEEKLY_TODAY="2026-11-04").returncode == 0
    assert len(calls(work)) == 2
    assert calls(work)[1][calls(work)[1].index("--out") + 1].endswith("rapport-2026-11-04.html")

    assert run(WEEKLY_TODAY="2026-11-09").returncode == 0  # the next Monday: a new week
    assert len(calls(work)) == 3
    assert (work / "out" / ".weekly" / "sent-2026-W46").exists()


def test_iso_week_across_the_new_year(work: Path, run: Run) -> None:
    assert run(WEEKLY_TODAY="2027-01-01").returncode == 0  # a Friday in ISO week 2026-W53
    assert (work / "out" / ".weekly" / "sent-2026-W53").exists()


def test_email_failure_exits_3_and_the_next_run_retries(work: Path, run: Run) -> None:
    failed = run(FAKE_RC="3")
    assert failed.returncode == 3
    assert "failed with exit code 3" in failed.stderr and "weekly_gap_report.log" in failed.stderr
    assert (work / "out" / f"rapport-{MONDAY}.html").exists()  # written even though sending failed
    assert not (work / "out" / ".weekly" / "sent-2026-W45").exists()
    assert "sending failed (exit 3); the next run retries" in log(work)[-1]
    assert run().returncode == 0
    assert len(calls(work)) == 2


@pytest.mark.parametrize(("toolkit", "expected"), [("1", 1), ("2", 2), ("70", 1)])
def test_toolkit_errors(work: Path, run: Run, toolkit: str, expected: int) -> None:
    done = run(FAKE_RC=toolkit)
    assert done.returncode == expected
    assert f"toolkit exit {toolkit}" in done.stderr
    assert not (work / "out" / ".weekly" / "sent-2026-W45").exists()


def test_gaps_with_fail_on_gaps_still_count_as_sent(work: Path, run: Run) -> None:
    done = run("--fail-on-gaps", FAKE_RC="1", FAKE_WRITES="1")
    assert done.returncode == 1
    assert (work / "out" / ".weekly" / "sent-2026-W45").exists()
    assert run("--fail-on-gaps").returncode == 0 and len(calls(work)) == 1


def test_a_missing_toolkit_is_an_error(work: Path, run: Run) -> None:
    done = run(TOOLKIT_CMD=str(work / "no-such-toolkit"))
    assert done.returncode == 1
    assert any("No such file or directory" in line for line in log(work))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--out-dir", "x", "returns"], "--config is required"),
        (["--config", str(EXAMPLE)], "give at least one SOURCE"),
        (["--config", str(EXAMPLE), "--collect"], "--collect needs a value"),
        (["--config", "missing.yaml", "returns"], "initiative file not found: missing.yaml"),
        (["--config", str(EXAMPLE), "--bogus", "returns"], "unknown option: --bogus"),
        (["--config"], "--config needs a value"),
        (["--config", str(EXAMPLE), "--out-dir=", "returns"], "--out-dir needs a value"),
    ],
)
def test_usage_errors_exit_2(work: Path, argv: list[str], message: str) -> None:
    done = subprocess.run(
        [str(SCRIPT), *argv], env=environment(work), capture_output=True, text=True, timeout=60, cwd=work
    )
    assert done.returncode == 2
    assert message in done.stderr
    assert calls(work) == []


def test_help(work: Path) -> None:
    done = subprocess.run([str(SCRIPT), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "--config FILE" in done.stdout and "Exit codes" not in done.stdout


def test_a_held_lock_exits_4_without_running(work: Path, run: Run) -> None:
    state = work / "out" / ".weekly"
    state.mkdir(parents=True)
    with open(state / "weekly_gap_report.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        done = run()
    assert done.returncode == 4 and "another run is in progress" in done.stderr
    assert calls(work) == []
    assert "another run holds the lock" in log(work)[-1]
    assert run().returncode == 0  # released: the next run goes ahead


def test_two_runs_at_once_never_overlap(work: Path) -> None:
    started = work / "started"
    env = environment(work, FAKE_SLEEP="3", FAKE_STARTED=str(started))
    first = subprocess.Popen(
        arguments(work), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 30
        while not started.exists():
            assert time.monotonic() < deadline, "the first run never started the toolkit"
            assert first.poll() is None, first.communicate()
            time.sleep(0.05)
        second = subprocess.run(
            arguments(work, "--force"), env=environment(work), capture_output=True, text=True, timeout=60
        )
        assert second.returncode == 4
    finally:
        first.wait(timeout=60)
    assert first.returncode == 0
    assert len(calls(work)) == 1


def test_the_real_toolkit_report_command_is_wired(tmp_path: Path) -> None:
    """Against the real `python3 -m toolkit` once `report` exists; documents the flags the script uses."""
    helped = subprocess.run(
        [sys.executable, "-m", "toolkit", "report", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    missing = [f for f in ("--config", "--format", "--out", "--email", "--remind") if f not in helped.stdout]
    assert helped.returncode == 0 and not missing, f"`toolkit report` lacks {missing}"
    # The sample initiative, sending through 127.0.0.1 where nothing listens: the report is written,
    # sending fails: exit 3 and no marker, so the next run retries.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = tmp_path / "initiative.yaml"
    smtp = f"smtp: {{host: 127.0.0.1, port: {port}, security: none, sender: rapport@example.org}}\n"
    config.write_text(EXAMPLE.read_text(encoding="utf-8") + smtp, encoding="utf-8")
    env: dict[str, Any] = {k: v for k, v in os.environ.items() if not k.startswith(("FAKE_", "TOOLKIT_"))}
    env["WEEKLY_TODAY"] = MONDAY
    (tmp_path / "returns").mkdir()
    done = subprocess.run(
        [str(SCRIPT), "--config", str(config), str(tmp_path / "returns")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    log_text = (tmp_path / "rapports" / ".weekly" / "weekly_gap_report.log").read_text(encoding="utf-8")
    assert done.returncode == 3, log_text
    assert f"127.0.0.1:{port}" in log_text
    assert (tmp_path / "rapports" / f"rapport-{MONDAY}.html").exists()
    assert not (tmp_path / "rapports" / ".weekly" / "sent-2026-W45").exists()
