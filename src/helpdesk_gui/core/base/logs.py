"""Logging to a file in the data folder. Unexpected errors go there, never to the clerk's screen."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from helpdesk_gui.core.base.paths import log_path

_configured: set[Path] = set()


def configure(data_folder: Path) -> Path:
    path = log_path(data_folder)
    if path in _configured:
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5,
                                                                        encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("helpdesk_gui")
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    _configured.add(path)
    return path
