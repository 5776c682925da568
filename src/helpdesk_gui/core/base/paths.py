"""Where things live: the data folder (platformdirs, ``--data-dir`` / ``HELPDESK_DATA_DIR``) and the
read-only resources (``resources/``, ``forms/``) of a checkout, an installed wheel or a frozen app.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs

APP_NAME = "helpdesk-gui"
APP_AUTHOR = "helpdesk"
DB_FILE = "helpdesk.db"
ENV_DATA_DIR = "HELPDESK_DATA_DIR"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: explicit override, then ``HELPDESK_DATA_DIR``, then the platform's user data dir."""
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def db_path(folder: Path) -> Path:
    return folder / DB_FILE


def log_path(folder: Path) -> Path:
    return folder / "logs" / "helpdesk.log"


def _roots() -> list[Path]:
    roots: list[Path] = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        roots.append(Path(frozen))
    here = Path(__file__).resolve()
    package = here.parents[2]             # <...>/helpdesk_gui/core/base/paths.py
    roots.append(package.parents[1])     # checkout: <repo>/src/helpdesk_gui
    roots.append(package / "_data")      # wheel: data copied into the package
    roots.append(Path(sys.prefix) / "share" / APP_NAME)
    return roots


def resource(*parts: str) -> Path:
    """The one function that finds ``resources/...`` and ``forms/...`` wherever we run from."""
    for root in _roots():
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    raise FileNotFoundError("/".join(parts))


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Write a file whole or not at all: the block writes to ``path.part``, which then replaces ``path``;
    on any failure the part is removed and ``path`` is left as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    try:
        yield part
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
