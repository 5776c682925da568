"""One program per data folder: an OS lock on ``helpdesk.lock``, released by the OS if we crash.

The lock file also says who holds it (user, computer, process, since when), so a second program
can tell the clerk who is using the data and offer to open it read-only.
"""

from __future__ import annotations

import datetime as _dt
import getpass
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

LOCK_FILE = "helpdesk.lock"
_INFO_SIZE = 1024  # holder info lives in the first KB; the lock is on a byte after it


@dataclass(frozen=True)
class Holder:
    user: str
    host: str
    pid: int
    since: str

    def describe(self) -> str:
        when = self.since[:16].replace("T", " ")
        return f"{self.user}（计算机 {self.host}，进程 {self.pid}，自 {when} 起）"


def _lock(fh: IO[bytes]) -> bool:
    fh.seek(_INFO_SIZE)
    if os.name == "nt":
        import msvcrt
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    import fcntl
    try:
        fcntl.lockf(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _INFO_SIZE)
    except OSError:
        return False
    return True


class InstanceLock:
    """Hold it for the life of the program: ``lock = InstanceLock(folder); if not lock.acquire(): ...``."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_FILE
        self._fh: IO[bytes] | None = None

    def acquire(self, wait_seconds: float = 0.0) -> bool:
        """Take the lock; if another program holds it, try again for up to ``wait_seconds``."""
        deadline = time.monotonic() + wait_seconds
        while not self._try():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.2)
        return True

    def _try(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+b")  # noqa: SIM115 - kept open while the lock is held
        if not _lock(fh):
            fh.close()
            return False
        info = {"user": getpass.getuser(), "host": socket.gethostname(), "pid": os.getpid(),
                "since": _dt.datetime.now().astimezone().isoformat(timespec="seconds")}
        data = json.dumps(info, ensure_ascii=False).encode("utf-8")[:_INFO_SIZE].ljust(_INFO_SIZE, b" ")
        fh.seek(0)
        fh.truncate()
        fh.write(data)
        fh.flush()
        self._fh = fh
        return True

    def holder(self) -> Holder | None:
        """Who holds the lock (as written by them), or None if unreadable."""
        try:
            raw = self.path.read_bytes()[:_INFO_SIZE]
            info = json.loads(raw.decode("utf-8").strip() or "{}")
            return Holder(str(info["user"]), str(info["host"]), int(info["pid"]), str(info["since"]))
        except (OSError, ValueError, KeyError):
            return None

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    @property
    def held(self) -> bool:
        return self._fh is not None
