"""Where things are: the workspace (data, outputs, cache, notebooks, parameters); notebooks call these for defaults.

The workspace is one folder laid out like this project: `notebooks/`, `params/`, `data/demo/`,
`outputs/` and `.cache/`. It is, in this order:

1. the folder given: `sro-report --workspace DIR ...`, or `$SRO_WORKSPACE` (`$SRO_PROJECT` is its
   older name and still read); the option sets the variable, so the run's kernels see the same;
2. the checkout the package was installed from (`make setup` installs it editable);
3. else the current folder.

It is never found by walking up from the current folder: a `notebooks/` or `params/` folder that
someone else left in a parent folder runs nothing and sets no threshold. A run prints its
workspace first; `sro-report workspace` shows it.

A notebook's blank `data_dir` is the workspace's `data/demo`, a blank `out_dir` its
`outputs/interactive`. Parameter files and report notebooks are the workspace's own where it has
them, else the checkout's: a copy with only some notebooks still finds its school year.
"""

from __future__ import annotations

import os
from pathlib import Path

WORKSPACE_ENV = "SRO_WORKSPACE"
_OLD_ENV = "SRO_PROJECT"


def checkout() -> Path | None:
    """Return the checkout this package lives in (an editable install), or None."""
    here = Path(__file__).resolve().parents[1]
    return here if (here / "pyproject.toml").exists() and (here / "params").is_dir() else None


def workspace_source() -> tuple[Path, str]:
    """Return the workspace and, in words, what chose it."""
    for name in (WORKSPACE_ENV, _OLD_ENV):
        if value := os.environ.get(name, "").strip():
            return Path(value).expanduser().resolve(), f"${name}"
    if (home := checkout()) is not None:
        return home, "the checkout the package was installed from"
    return Path.cwd(), "the current folder"


def workspace() -> Path:
    """Return the workspace folder (see the module's doc)."""
    return workspace_source()[0]


def project_root() -> Path:
    """Return the workspace (the name older code and notebooks use)."""
    return workspace()


def _own_or_checkout(name: str) -> Path:
    own = workspace() / name
    if own.is_dir() or (home := checkout()) is None:
        return own
    return home / name


def notebooks_dir() -> Path:
    """Return the report notebooks' folder: the workspace's `notebooks/`, else the checkout's."""
    return _own_or_checkout("notebooks")


def params_dir() -> Path:
    """Return the parameter files' folder: the workspace's `params/`, else the checkout's."""
    return _own_or_checkout("params")


def demo_data_dir() -> Path:
    """Return the default data folder: `data/demo` in the workspace (where `make report` writes the demo)."""
    return workspace() / "data" / "demo"


def interactive_dir() -> Path:
    """Return where a notebook run by hand writes its tables: `outputs/interactive` in the workspace."""
    return workspace() / "outputs" / "interactive"


def cache_dir() -> Path:
    """Return the user's folder for cleaned snapshots: `$SRO_CACHE`, else `$XDG_CACHE_HOME/sro-reporting`
    (default `~/.cache/sro-reporting`); never the project, which others may read."""
    if env := os.environ.get("SRO_CACHE"):
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sro-reporting"


def ledger_dir() -> Path:
    """Return the ledger of what MPS has been handed: `$SRO_LEDGER`, else `ledger/` in the workspace (MPD's, not a run's)."""
    if env := os.environ.get("SRO_LEDGER", "").strip():
        return Path(env).expanduser()
    return workspace() / "ledger"


def resolve(path: str | os.PathLike | None, default: Path) -> Path:
    """Return `path` as a Path, or `default` where it is blank; relative paths are from the workspace."""
    if path is None or str(path).strip() == "":
        return default
    p = Path(path).expanduser()
    return p if p.is_absolute() else (Path.cwd() / p if (Path.cwd() / p).exists() else workspace() / p)
