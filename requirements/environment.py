"""Write `environment.yml` (the conda route) from `requirements/lock.txt`, or check that it is in step.

    python requirements/environment.py --write   # what `make lock` runs
    python requirements/environment.py --check   # exit 1 when environment.yml is out of step

Conda takes Python, Pango (WeasyPrint's text layout, with cairo and fontconfig) and WeasyPrint from
conda-forge, so the route serves Windows and macOS, which have no Pango of their own; WeasyPrint
is pinned to the lock's version. Everything else comes from PyPI through pip, from the lock with
its hashes, so both routes run the same versions.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "lock.txt"
TARGET = ROOT / "environment.yml"
PYTHON = "3.11"  # the lock's `--python-version`, and the Python every run on CI uses


def pins(lock: Path = LOCK) -> dict[str, str]:
    """Return the lock's package versions by name."""
    return dict(re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", lock.read_text(), re.MULTILINE))


def render(lock: Path = LOCK) -> str:
    """Return environment.yml as it should be for the lock."""
    weasyprint = pins(lock)["weasyprint"]
    return f"""\
# Generated from requirements/lock.txt by `make lock` (requirements/environment.py): do not edit by hand.
# The conda route, for Windows (and macOS or Linux without Pango):
#   conda env create -f environment.yml
#   conda activate sro-reporting
#   pip install --no-deps -e .
#   python -m ipykernel install --sys-prefix --name sro-reporting --display-name "Python (sro-reporting)"
name: sro-reporting
channels:
  - conda-forge
dependencies:
  - python={PYTHON}
  - pip
  - pango  # WeasyPrint's text layout library, with cairo, harfbuzz and fontconfig
  - weasyprint={weasyprint}  # the lock's version
  - pip:
      # The lock: every other package at its exact version, checked against its sha256.
      - --require-hashes
      - -r requirements/lock.txt
"""


def main(argv: list[str]) -> int:
    if argv == ["--write"]:
        TARGET.write_text(render())
        return 0
    if argv == ["--check"]:
        if TARGET.read_text() != render():
            print("environment.yml is out of step with requirements/lock.txt: run `make lock` "
                  "(or python requirements/environment.py --write)", file=sys.stderr)
            return 1
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
