"""Where things are: the project folder, the demo data, the cache; notebooks call these for defaults."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """Return the project folder: `$SRO_PROJECT`, else the checkout this package lives in, else cwd."""
    if env := os.environ.get("SRO_PROJECT"):
        return Path(env)
    here = Path(__file__).resolve().parents[1]
    if (here / "pyproject.toml").exists() and (here / "params").is_dir():
        return here
    return Path.cwd()


def demo_data_dir() -> Path:
    """Return the folder `make report` writes the demo data set to."""
    return project_root() / "data" / "demo"


def cache_dir() -> Path:
    """Return the user's folder for cleaned snapshots: `$SRO_CACHE`, else `$XDG_CACHE_HOME/sro-reporting`
    (default `~/.cache/sro-reporting`); never the project, which others may read."""
    if env := os.environ.get("SRO_CACHE"):
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sro-reporting"


def resolve(path: str | os.PathLike | None, default: Path) -> Path:
    """Return `path` as a Path, or `default` where it is blank; relative paths are from the project."""
    if path is None or str(path).strip() == "":
        return default
    p = Path(path).expanduser()
    return p if p.is_absolute() else (Path.cwd() / p if (Path.cwd() / p).exists() else project_root() / p)
