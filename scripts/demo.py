"""The demo: run the toolkit end to end on the sample initiative (examples/initiative.yaml).

Writes into demo-output/ (or the folder given as first argument) and says where everything is.
"""

from __future__ import annotations

import sys
from pathlib import Path

import toolkit

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "initiative.yaml"


def main(out: Path) -> None:
    initiative = toolkit.load_initiative(EXAMPLE)
    copies = toolkit.generate(initiative, out / "copies")
    print(f"{len(copies)} classeurs de partenaires dans {out / 'copies'}")
    for copy in copies:
        print(f"  {copy.path.name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "demo-output")
