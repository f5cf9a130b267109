"""A seeded mutator over real returned copies, and a campaign that runs the mutants through every command.

Mutants (each one reproducible from the campaign seed and its number):
  truncate, flip_bits                    damage anywhere in the file
  drop_member, duplicate_member, rename_member, swap_members, garbage_member
                                         zip package surgery
  mangle_xml                             a slice cut, a stray or unclosed tag, a DOCTYPE with entities,
                                         an absurd cell reference or <dimension>
  hostile_metadata                       a value of the _toolkit tab or a toolkit.* property replaced by
                                         inf, 1e999, nan, huge or negative numbers, control characters,
                                         40,000-character strings, impossible dates and cell references
  hostile_text                           a cell's text replaced by hostile text (the same list, plus
                                         formulas, markup, Word field marks, long answers)
  hostile_formula                        formula elements in answer cells (.xlsx <f>, .ods table:formula):
                                         huge, control characters, shared without text, whole-sheet ranges

The campaign runs in a child process, so that a hang can be bounded and named: the parent waits at most
`budget` seconds for each step (one mutant pulled, or one batch merged/reported), kills the child on a
hang, records the mutant, and goes on with the next one. Each mutant is pulled alone; every `batch`
mutants, what was read (with the good copies) is merged with the master written, gaps are found, the
report is rendered in every registered format and written as XLSX, and the email and reminders are
composed. Any exception is a failure; so is a source neither read nor named with a reason.
"""

from __future__ import annotations

import multiprocessing
import random
import re
import traceback
import warnings
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

HOSTILE_VALUES = [
    "inf",
    "-inf",
    "1e999",
    "-1e999",
    "nan",
    "NaN",
    "9" * 400,
    "9" * 5000,
    "-1",
    "0",
    "-99999999999999999999",
    "1.5",
    "A0",
    "A99999999999",
    "XFD1048577",
    "ZZZZZZZZZZ1",
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+23:59",
    "2026-13-45T99:99:99",
    "2026-11-02T09:30:00",
    "",
    " ",
    "\x13 PAGE \x14 1\x15",
    "_x0013__x0000_",
    "_x005F_x0041_",
    "\x01\x02\x1b[2J",
    "x" * 40_000,
    "é" * 33_000 + "\x13",
    '=HYPERLINK("http://evil.example","x")',
    "+1",
    "-1+2",
    "@SUM(A1)",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "![](http://evil.example/p.png)",
    "r=a:1e999;c=b:-1;d=q:nan",
    "collective_impact@inf",
    "hochelaga-ensemble",
    "cdc-hochelaga",
    "😀" * 20_000,
    "$\\frac{$",
    "$$",
]
XML_SUFFIXES = (".xml", ".rels", ".vml")
PARTS_WITH_VALUES = re.compile(r"(sharedStrings|sheet\d*|custom|content|meta)\.xml$")


@dataclass(frozen=True)
class Mutant:
    number: int
    name: str  # file name: number, operation, seed file
    operation: str
    data: bytes


Mutator = Callable[[random.Random, bytes], bytes]
Members = list[tuple[str, bytes]]  # (name, content) of a zip package, in order


def _members(data: bytes) -> list[tuple[str, bytes]] | None:
    try:
        with zipfile.ZipFile(BytesIO(data)) as package:
            return [(info.filename, package.read(info)) for info in package.infolist()]
    except Exception:
        return None


def _zip(members: Sequence[tuple[str, bytes]]) -> bytes:
    buffer = BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are the point
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
            for name, content in members:
                package.writestr(name, content)
    return buffer.getvalue()


def truncate(rnd: random.Random, data: bytes) -> bytes:
    return data[: rnd.randrange(0, max(1, len(data)))]


def flip_bits(rnd: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rnd.choice([1, 2, 8, 64])):
        if out:
            out[rnd.randrange(len(out))] ^= 1 << rnd.randrange(8)
    return bytes(out)


def _package_op(change: Callable[[random.Random, Members], Members]) -> Mutator:
    def mutate(rnd: random.Random, data: bytes) -> bytes:
        members = _members(data)
        if not members:
            return flip_bits(rnd, data)
        return _zip(change(rnd, members))

    mutate.__name__ = change.__name__
    return mutate


@_package_op
def drop_member(rnd: random.Random, members: Members) -> Members:
    members.pop(rnd.randrange(len(members)))
    return members


@_package_op
def duplicate_member(rnd: random.Random, members: Members) -> Members:
    name, content = rnd.choice(members)
    other = rnd.choice(members)[1] if rnd.random() < 0.5 else content
    members.insert(rnd.randrange(len(members) + 1), (name, other))
    return members


@_package_op
def rename_member(rnd: random.Random, members: Members) -> Members:
    i = rnd.randrange(len(members))
    name = members[i][0]
    new = rnd.choice(
        [
            name.upper(),
            name.replace("/", "\\"),
            "__MACOSX/" + name,
            name + ".bak",
            "../" + name,
            name[::-1],
            "",
        ]
    )
    members[i] = (new or "x", members[i][1])
    return members


@_package_op
def swap_members(rnd: random.Random, members: Members) -> Members:
    i, j = rnd.randrange(len(members)), rnd.randrange(len(members))
    a, b = members[i], members[j]
    members[i], members[j] = (a[0], b[1]), (b[0], a[1])
    return members


@_package_op
def garbage_member(rnd: random.Random, members: Members) -> Members:
    i = rnd.randrange(len(members))
    garbage = rnd.choice(
        [b"", rnd.randbytes(rnd.randrange(1, 2000)), b"\xef\xbb\xbf", b"<?xml version='1.0'?>"]
    )
    members[i] = (members[i][0], garbage)
    return members


MANGLES: list[Callable[[random.Random, str], str]] = [
    lambda rnd, xml: (lambda a, b: xml[:a] + xml[b:])(*sorted(rnd.randrange(len(xml) + 1) for _ in range(2))),
    lambda rnd, xml: (
        lambda at: xml[:at] + rnd.choice(["<x>", "</row>", "<c r='A1'>", "<", "&", "]]>"]) + xml[at:]
    )(rnd.randrange(len(xml) + 1)),
    lambda rnd, xml: re.sub(
        r"<\?xml[^>]*\?>", lambda m: m.group() + '<!DOCTYPE x [<!ENTITY a "aaaa">]>', xml, count=1
    ),
    lambda rnd, xml: re.sub(
        r' r="[A-Z]*\d+"',
        lambda m: f' r="{rnd.choice(HOSTILE_VALUES[9:16])}"',
        xml,
        count=rnd.randrange(1, 4),
    ),
    lambda rnd, xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml),
    lambda rnd, xml: re.sub(
        r"<(\w+:)?(row|c|si|t|table-row|table-cell|property)\b", r"<\1zz", xml, count=rnd.randrange(1, 5)
    ),
    lambda rnd, xml: xml.replace('encoding="UTF-8"', rnd.choice(['encoding="UTF-16"', 'encoding="bogus"'])),
    lambda rnd, xml: re.sub(r'(table:number-(columns|rows)-repeated=")\d+', r"\g<1>1048576", xml),
]


@_package_op
def mangle_xml(rnd: random.Random, members: Members) -> Members:
    xml_members = [i for i, (info, _) in enumerate(members) if info.endswith(XML_SUFFIXES)]
    if not xml_members:
        return members
    i = rnd.choice(xml_members)
    text = members[i][1].decode("utf-8", "replace")
    members[i] = (members[i][0], rnd.choice(MANGLES)(rnd, text).encode("utf-8"))
    return members


def _xml_text(value: str) -> str:
    from tests.rawcells import xlsx_text

    return xlsx_text(value)


@_package_op
def hostile_metadata(rnd: random.Random, members: Members) -> Members:
    """Replace recorded facts: versions, cell references, times, ids (shared strings of the _toolkit tab,
    custom properties, an .ods file's content and meta)."""
    pattern = re.compile(
        r"(?<=>)(\d+(\.0)?|[A-Z]{1,3}\d{1,7}|\d{4}-\d\d-\d\dT[^<]*|collective_impact@\d+|hochelaga-ensemble"
        r"|cdc-hochelaga|cpe-les-lucioles|r=[^<]*|partner|blank|fr|en)(?=<)"
    )
    candidates = [i for i, (info, _) in enumerate(members) if PARTS_WITH_VALUES.search(info)]
    for _ in range(rnd.choice([1, 1, 3])):
        if not candidates:
            break
        i = rnd.choice(candidates)
        text = members[i][1].decode("utf-8", "replace")
        spots = list(pattern.finditer(text))
        if spots:
            spot = rnd.choice(spots)
            text = text[: spot.start()] + _xml_text(rnd.choice(HOSTILE_VALUES)) + text[spot.end() :]
        members[i] = (members[i][0], text.encode("utf-8"))
    return members


@_package_op
def hostile_text(rnd: random.Random, members: Members) -> Members:
    """Replace the text of shared strings, inline strings or .ods paragraphs with hostile text."""
    pattern = re.compile(r"(<(?:\w+:)?(?:t|p)(?:\s[^>]*)?>)([^<]*)(</(?:\w+:)?(?:t|p)>)")
    candidates = [i for i, (info, _) in enumerate(members) if PARTS_WITH_VALUES.search(info)]
    if not candidates:
        return members
    i = rnd.choice(candidates)
    text = members[i][1].decode("utf-8", "replace")
    spots = list(pattern.finditer(text))
    for spot in rnd.sample(spots, min(len(spots), rnd.choice([1, 3, 10]))):
        value = _xml_text(rnd.choice(HOSTILE_VALUES))
        text = text.replace(spot.group(), spot.group(1) + value + spot.group(3), 1)
    members[i] = (members[i][0], text.encode("utf-8"))
    return members


# What a formula element can hold: huge, control characters, markup-looking text, a shared formula with
# no text or a range over the whole sheet, a reference far outside the grid, nothing at all.
HOSTILE_FORMULAS = [
    "=" + "A1+" * 20_000 + "1",
    "SOMME(A1:A3)\x01\x1f",
    "<b>gras</b> & ]]>",
    '<f t="shared" si="0"/>',
    '<f t="shared" ref="A1:XFD1048576" si="0">A1</f>',
    "XFD1048576*ZZZ99999999",
    "",
]


@_package_op
def hostile_formula(rnd: random.Random, members: Members) -> Members:
    """Put formulas into answer cells: an .xlsx <f> before a cell's value, an .ods table:formula."""
    candidates = [i for i, (info, _) in enumerate(members) if re.search(r"(sheet\d*|content)\.xml$", info)]
    if not candidates:
        return members
    i = rnd.choice(candidates)
    text = members[i][1].decode("utf-8", "replace")
    xlsx = re.compile(r"(<c\s[^>]*?)(/?)>")
    ods = re.compile(r"<table:table-cell(?=[\s>/])")
    spots = list(xlsx.finditer(text)) or list(ods.finditer(text))
    for spot in rnd.sample(spots, min(len(spots), rnd.choice([1, 3, 10]))):
        formula = rnd.choice(HOSTILE_FORMULAS)
        element = formula if formula.startswith("<f") else f"<f>{_xml_text(formula)}</f>"
        if spot.group().startswith("<table"):
            attribute = _xml_text("of:" + formula).replace('"', "&quot;")
            replacement = f'<table:table-cell table:formula="{attribute}"'
        elif spot.group(2):  # an empty cell <c …/>: give it a formula and a cached value
            replacement = f"{spot.group(1)}>{element}<v>0</v></c>"
        else:
            replacement = f"{spot.group(1)}>{element}"
        text = text.replace(spot.group(), replacement, 1)
    members[i] = (members[i][0], text.encode("utf-8"))
    return members


MUTATORS: dict[str, Mutator] = {
    "truncate": truncate,
    "flip_bits": flip_bits,
    "drop_member": drop_member,
    "duplicate_member": duplicate_member,
    "rename_member": rename_member,
    "swap_members": swap_members,
    "garbage_member": garbage_member,
    "mangle_xml": mangle_xml,
    "hostile_metadata": hostile_metadata,
    "hostile_text": hostile_text,
    "hostile_formula": hostile_formula,
}
# metadata and text are what partners can change without breaking the file: weigh them up
WEIGHTS = {"hostile_metadata": 3, "hostile_text": 3, "hostile_formula": 2, "mangle_xml": 2}


def mutant(seed: int, number: int, seeds: Sequence[Path]) -> Mutant:
    rnd = random.Random(f"{seed}:{number}")
    # real copies more often than the hostile files (those are refused at once, whatever the mutation)
    base = rnd.choices(seeds, [1 if s.parent.name == "hostile" else 4 for s in seeds])[0]
    names = [name for name in MUTATORS for _ in range(WEIGHTS.get(name, 1))]
    operation = rnd.choice(names)
    data = MUTATORS[operation](rnd, base.read_bytes())
    if rnd.random() < 0.3:  # and sometimes a second blow
        data = MUTATORS[rnd.choice(names)](rnd, data)
    return Mutant(number, f"{number:05d}_{operation}_{base.stem[-24:]}{base.suffix}", operation, data)


# --- the corpus --------------------------------------------------------------------------------------

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"


def build_corpus(initiative: Any, folder: Path, *, with_ods: bool = False) -> tuple[list[Path], list[Path]]:
    """(seeds, good copies): filled partner copies, the blank copy, a copy holding hostile text, the
    hostile files of tests/data/hostile, and (with_ods, when LibreOffice is here) .ods re-saves."""
    import datetime as dt
    import shutil
    import subprocess

    from scripts.answers import input_cells, type_answers
    from tests.conftest import FIXED_NOW
    from tests.rawcells import type_raw
    from toolkit import api
    from toolkit.layout import workbook_layout

    copies = api.generate(initiative, folder, now=FIXED_NOW)
    layout = workbook_layout(initiative.kit, initiative.language)
    good = []
    for i, copy in enumerate(c for c in copies if c.partner_id):
        answers: dict[tuple[str, str, str], object] = {}
        for n, (_tab, kind, key, _row, _col) in enumerate(input_cells(layout)):
            if (n + i) % 3:
                answers[key] = (
                    dt.date(2026, 1 + i % 12, 10)
                    if kind == "date"
                    else initiative.people[i % len(initiative.people)]
                    if kind == "person"
                    else f"réponse {i} {key[1]}"
                )
        type_answers(copy.path, answers, layout)
        good.append(copy.path)
    hostile = folder / "hostile-text_cdc-hochelaga.xlsx"
    first = next(t for t, kind, *_ in input_cells(layout) if kind == "long_text")
    type_raw(
        good[0], {(first, "B5"): "\x13 PAGE \x14" + "x" * 40_000, (first, "C6"): "=1+1"}, save_as=hostile
    )
    blank = next(c.path for c in copies if c.partner_id is None)
    seeds = [*good, blank, hostile, *sorted(HOSTILE.iterdir())]
    if with_ods and shutil.which("soffice"):
        ods = folder / "ods"
        subprocess.run(
            [
                "soffice",
                "--headless",
                "--norestore",
                f"-env:UserInstallation=file://{folder / 'lo'}",
                "--convert-to",
                "ods",
                "--outdir",
                str(ods),
                *map(str, good[:2]),
            ],
            capture_output=True,
            timeout=180,
            check=False,
        )
        seeds += sorted(ods.glob("*.ods"))
    return seeds, good


# --- the campaign ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a campaign saw: counts per result, and every failure (a traceback, a hang, an unnamed source)."""

    mutants: int = 0
    read: int = 0  # pulled as a copy
    refused: dict[str, int] = field(default_factory=dict)  # source code -> count
    batches: int = 0
    failures: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)

    def summary(self) -> str:
        refused = ", ".join(f"{k} {v}" for k, v in sorted(self.refused.items()))
        return (
            f"{self.mutants} mutants: {self.read} read as copies, {sum(self.refused.values())} refused "
            f"with a reason ({refused}); {self.batches} batches merged and reported; "
            f"{len(self.failures)} failures, {len(self.hangs)} hangs"
        )


def run_campaign(
    initiative_path: Path,
    seeds: Sequence[Path],
    good: Sequence[Path],
    work: Path,
    *,
    count: int,
    seed: int = 0,
    batch: int = 50,
    budget: float = 120.0,
) -> Outcome:
    """Run `count` mutants of `seeds` (with the `good` copies alongside) in a child process."""
    context = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    )
    outcome = Outcome()
    start = 0
    while start < count:
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(
            target=_child,
            args=(
                sender,
                str(initiative_path),
                [str(s) for s in seeds],
                [str(g) for g in good],
                str(work),
                start,
                count,
                seed,
                batch,
            ),
        )
        child.start()
        sender.close()
        current = "start"
        start = count  # unless a hang says otherwise
        while True:
            if not receiver.poll(budget):
                child.kill()
                outcome.hangs.append(f"{current}: no answer within {budget:.0f} s")
                start = _resume_after(current, count)
                break
            try:
                message = receiver.recv()
            except EOFError:
                child.join(10)
                if child.exitcode not in (0, None):
                    outcome.failures.append(f"{current}: the child process died (exit {child.exitcode})")
                    start = _resume_after(current, count)
                break
            kind = message[0]
            if kind == "step":
                current = message[1]
            elif kind == "read":
                outcome.mutants += 1
                outcome.read += 1
            elif kind == "refused":
                outcome.mutants += 1
                outcome.refused[message[1]] = outcome.refused.get(message[1], 0) + 1
            elif kind == "batch":
                outcome.batches += 1
            elif kind == "fail":
                outcome.failures.append(message[1])
            elif kind == "done":
                break
        child.join(5)
        receiver.close()
    return outcome


def _resume_after(step: str, count: int) -> int:
    """The mutant to go on with after `step` hung or died ('mutant 12 …', 'batch ending at mutant 49')."""
    found = re.search(r"mutant (\d+)", step)
    return int(found.group(1)) + 1 if found else count


def _child(
    sender: Any,
    initiative_path: str,
    seeds: list[str],
    good: list[str],
    work: str,
    start: int,
    count: int,
    seed: int,
    batch: int,
) -> None:
    try:
        _campaign(
            sender,
            Path(initiative_path),
            [Path(s) for s in seeds],
            [Path(g) for g in good],
            Path(work),
            start,
            count,
            seed,
            batch,
        )
        sender.send(("done",))
    except BaseException:
        sender.send(("fail", "harness: " + traceback.format_exc()))
    finally:
        sender.close()


def _campaign(
    sender: Any,
    initiative_path: Path,
    seeds: list[Path],
    good: list[Path],
    work: Path,
    start: int,
    count: int,
    seed: int,
    batch: int,
) -> None:
    from toolkit import api
    from toolkit.problems import SOURCES

    initiative = api.load_initiative(initiative_path)
    good_read = api.pull(good, initiative)
    if good_read.errors:
        sender.send(("fail", f"good copies not read: {good_read.errors}"))
    pending: Members = []
    pending_names: list[str] = []
    for number in range(start, count):
        made = mutant(seed, number, seeds)
        sender.send(("step", f"mutant {number} {made.name}"))
        path = work / made.name
        path.write_bytes(made.data)
        try:
            pulled = api.pull([path], initiative)
        except BaseException:
            sender.send(("fail", f"{made.name}: pull raised\n{traceback.format_exc()}"))
            continue
        if len(pulled.submissions) + len(pulled.errors) != 1:
            sender.send(("fail", f"{made.name}: neither read nor named ({pulled})"))
        for error in pulled.errors:
            if error.code == "read_failed":  # the safety net caught a reader's bug: still a failure here
                sender.send(("fail", f"{made.name}: {error.message}"))
            if error.code not in SOURCES or not error.message.strip():
                sender.send(("fail", f"{made.name}: refused without a reason ({error})"))
            sender.send(("refused", error.code))
        if pulled.submissions:
            sender.send(("read",))
        path.unlink(missing_ok=True)  # what was read is in memory; thousands of files add up
        pending += [*pulled.submissions, *pulled.errors]
        pending_names.append(made.name)
        if len(pending_names) >= batch or number == count - 1:
            sender.send(("step", f"batch ending at mutant {number}"))
            failure = _downstream(initiative, good_read, pending, work / f"batch_{number:05d}")
            if failure is not None:
                culprits = [
                    n
                    for n, item in zip(pending_names, pending, strict=False)
                    if _downstream(initiative, good_read, [item], work / "alone")
                ]
                sender.send(
                    ("fail", f"batch {pending_names[0]}..{pending_names[-1]} (alone: {culprits}): {failure}")
                )
            sender.send(("batch",))
            pending, pending_names = [], []


def _downstream(initiative: Any, good: Any, items: Members, out: Path) -> str | None:
    """merge (master written), gaps, pull/gaps renderings, every report format, email and reminders."""
    from toolkit import api
    from toolkit.render import render_gaps, render_pull
    from toolkit.reports import formats
    from toolkit.reports.email import report_email
    from toolkit.reports.reminders import build_reminders, reminder_messages
    from toolkit.submission import PullResult, SourceProblem, Submission

    try:
        out.mkdir(parents=True, exist_ok=True)
        pulled = PullResult(
            (*good.submissions, *(i for i in items if isinstance(i, Submission))),
            tuple(i for i in items if isinstance(i, SourceProblem)),
            initiative.language,
        )
        for fmt in ("table", "json", "csv"):
            render_pull(pulled, fmt, initiative)
        render_pull(pulled, "csv", initiative, raw_csv=True)
        merged = api.merge(pulled, initiative, out=out / "maître.xlsx")
        kept = {s.source for s in (*merged.accepted, *merged.superseded, *merged.duplicates, *merged.ignored)}
        lost = [s.source for s in good.submissions if s.source not in kept]
        if lost:
            return f"good copies left out of the merge: {lost}"
        gaps = api.find_gaps(pulled, initiative, merged=merged)
        for fmt in ("table", "json", "csv", "md"):
            render_gaps(gaps, fmt, initiative.language)
        report = api.build_report(pulled, initiative, history_path=out / "history.sqlite")
        for name in formats.names():
            report.render(name).decode("utf-8") if formats.report_format(name).printable else report.render(
                name
            )
        report.write(out / "rapport.xlsx")
        if initiative.smtp is not None:
            report_email(report).as_bytes()
            reminder_messages(build_reminders(gaps, initiative), initiative)
        return None
    except BaseException:
        return traceback.format_exc()
