"""The HTML report as a person sees it: rendered by headless Chromium (Debian `chromium`), with its charts.

Two checks, from two angles: Chromium's DOM after load says each chart image decoded to its real size
(`naturalWidth`), and a screenshot shows the heatmap's colours (and many more pixels of them than the
same page with its images removed). The page is a local file and self-contained: nothing is fetched.

Without Chromium the tests fail with what to install, unless TOOLKIT_SKIP_CHROMIUM=1.

The README's screenshot comes from here too:
    python3 -m tests.test_report_chromium docs/report-sample.png
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import EXAMPLE, ROOT, Cells, fill
from toolkit import api
from toolkit.reports import Report, build_report

pytestmark = pytest.mark.chromium

PROGRESS, BACKBONE = "Canevas des progrès", "Infrastructure de soutien"
WEEK1 = dt.datetime(2026, 11, 2, 13, 0, tzinfo=dt.UTC)  # Monday 8:00 in Montréal
WEEK2 = WEEK1 + dt.timedelta(days=7)
GREEN, RED, GREY = (0x27, 0xAE, 0x60), (0xC0, 0x39, 0x2B), (0xD9, 0xD9, 0xD9)  # charts.py: 100 %, 0 %, none
SCREENSHOT = ROOT / "docs" / "report-sample.png"
MAX_SCREENSHOT_BYTES = 300_000
PROBE = """<script>
window.addEventListener("load", () => {
  const found = Array.from(document.images, (img) => ({
    alt: img.alt, complete: img.complete, width: img.naturalWidth, height: img.naturalHeight}));
  const out = document.createElement("pre");
  out.id = "image-probe";
  out.textContent = JSON.stringify(found);
  document.body.appendChild(out);
});
</script>
"""


def chromium_command() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def chromium() -> str:
    command = chromium_command()
    if command is None:
        if os.environ.get("TOOLKIT_SKIP_CHROMIUM") == "1":
            pytest.skip("Chromium is not installed and TOOLKIT_SKIP_CHROMIUM=1")
        pytest.fail(
            "Chromium is not installed: run `apt-get install -y --no-install-recommends chromium` "
            "(or `bash scripts/setup.sh --test`), or set TOOLKIT_SKIP_CHROMIUM=1 to skip these tests"
        )
    return command


def run_chromium(chromium: str, page: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Headless, no sandbox (root in containers), no network side-channels, a throwaway profile."""
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        done = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                *options,
                page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            env={**os.environ, "HOME": profile},
        )
    assert done.returncode == 0, f"chromium failed ({done.returncode}):\n{done.stderr[-3000:]}"
    return done


def screenshot(chromium: str, page: Path, target: Path, size: tuple[int, int]) -> Image.Image:
    run_chromium(chromium, page, f"--screenshot={target}", f"--window-size={size[0]},{size[1]}")
    assert target.is_file(), f"chromium wrote no screenshot for {page}"
    return Image.open(target).convert("RGB")


# --- a sample report: two weeks of the sample initiative ------------------------------------------------


def sample_report(folder: Path) -> Report:
    """Week 1: CDC answers nearly everything, CPE a little; week 2: École Baril and the CIUSSS answer."""
    initiative = api.load_initiative(EXAMPLE)
    copies = {c.partner_id: c.path for c in api.generate(initiative, folder / "copies", now=WEEK1)}
    returns = folder / "returns"
    returns.mkdir()
    progress: Cells = {(PROGRESS, f"B{row}"): "Ateliers et rencontres de quartier" for row in range(5, 11)}
    progress |= {(PROGRESS, f"C{row}"): dt.datetime(2026, 10, 15) for row in range(5, 11)}
    backbone: Cells = {
        (BACKBONE, f"{col}{row}"): "À préciser en comité" for row in range(5, 11) for col in "CDE"
    }
    owners: Cells = {(BACKBONE, f"B{row}"): "Mamadou Diallo" for row in range(5, 9)}

    def send_back(partner: str, cells: Cells, when: dt.datetime) -> None:
        target = returns / copies[partner].name
        shutil.copy(copies[partner], target)
        fill(target, cells)
        os.utime(target, (when.timestamp(), when.timestamp()))

    history = folder / "history.sqlite"
    send_back("cdc-hochelaga", progress | backbone | owners, WEEK1 - dt.timedelta(days=3))
    send_back("cpe-les-lucioles", {(PROGRESS, "B5"): "Halte-garderie", (PROGRESS, "C5"): "31/02/2026"}, WEEK1)
    build_report(api.pull([returns], initiative), initiative, history_path=history, now=WEEK1)
    send_back("ecole-baril", progress | backbone | {(BACKBONE, "B9"): "Sophie Tremblay"}, WEEK2)
    send_back("ciusss-est", progress | {(BACKBONE, "B5"): "Jean-François Gagnon"}, WEEK2)
    return build_report(api.pull([returns], initiative), initiative, history_path=history, now=WEEK2)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return sample_report(tmp_path_factory.mktemp("sample"))


@pytest.fixture
def page(report: Report, tmp_path: Path) -> Iterator[Path]:
    yield report.write(tmp_path / "rapport.html")


# --- the checks -----------------------------------------------------------------------------------------


def test_every_chart_decodes_in_chromium(chromium: str, report: Report, page: Path, tmp_path: Path) -> None:
    html = page.read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html.replace("https://www.w3.org", "")
    probe = tmp_path / "probe.html"
    probe.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = run_chromium(chromium, probe, "--dump-dom", "--virtual-time-budget=10000").stdout
    found = re.search(r'<pre id="image-probe">(.*?)</pre>', dom, re.S)
    assert found, f"the page's load handler never ran; DOM starts:\n{dom[:1500]}"
    images = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    expected = {image.alt: Image.open(io.BytesIO(image.data)).size for image in report.images()}
    assert len(images) == len(expected) == 2, images
    assert all(image["complete"] for image in images), images
    assert {image["alt"]: (image["width"], image["height"]) for image in images} == expected


def near(pixel: tuple[int, int, int], colour: tuple[int, int, int], tolerance: int = 10) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def colour_counts(image: Image.Image) -> dict[str, int]:
    counts = Counter(image.getdata())
    return {
        name: sum(n for pixel, n in counts.items() if near(pixel, colour))
        for name, colour in (("green", GREEN), ("red", RED), ("grey", GREY))
    }


def test_the_screenshot_shows_the_charts(chromium: str, page: Path, tmp_path: Path) -> None:
    size = (1200, 5000)
    shot = screenshot(chromium, page, tmp_path / "with.png", size)
    assert len(set(shot.getdata())) > 200, "the screenshot is (nearly) blank"
    with_charts = colour_counts(shot)

    bare = tmp_path / "bare.html"
    bare.write_text(
        re.sub(r'<img [^>]*src="[^"]*"', "<img ", page.read_text(encoding="utf-8")), encoding="utf-8"
    )
    without = colour_counts(screenshot(chromium, bare, tmp_path / "without.png", size))
    # Heatmap cells are about 260 × 45 px each: thousands of pixels of each colour come from the chart.
    for colour in ("green", "red", "grey"):
        assert with_charts[colour] - without[colour] > 3000, (colour, with_charts, without)


def test_the_readme_screenshot_is_a_small_png() -> None:
    assert SCREENSHOT.is_file(), f"missing {SCREENSHOT}: python3 -m tests.test_report_chromium {SCREENSHOT}"
    assert SCREENSHOT.stat().st_size < MAX_SCREENSHOT_BYTES
    with Image.open(SCREENSHOT) as image:
        assert image.format == "PNG" and image.size[0] >= 600


def make_screenshot(target: Path, chromium: str) -> None:
    """The top of the sample report down to the heatmap, scaled and quantized to stay under 300 KB."""
    with tempfile.TemporaryDirectory(prefix="report-sample-") as folder:
        page = sample_report(Path(folder)).write(Path(folder) / "rapport.html")
        shot = screenshot(chromium, page, Path(folder) / "shot.png", (1100, 2600))
    width = 820
    image = shot.resize((width, round(shot.height * width / shot.width)), Image.Resampling.LANCZOS)
    image = image.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    target.parent.mkdir(parents=True, exist_ok=True)
    image.save(target, optimize=True)
    print(f"{target}: {image.size[0]}×{image.size[1]}, {target.stat().st_size // 1000} KB")


if __name__ == "__main__":
    command = chromium_command()
    if command is None:
        sys.exit("chromium is not installed")
    make_screenshot(Path(sys.argv[1]) if len(sys.argv) > 1 else SCREENSHOT, command)
