"""Is the data folder on a network share? SQLite (and WAL above all) must not live on one."""

from __future__ import annotations

import os
from pathlib import Path

_NETWORK_FS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "9p", "afs", "ncpfs", "davfs", "fuse.davfs2"}


def is_network_path(path: Path) -> bool:
    path = path.resolve()
    if os.name == "nt":
        text = str(path)
        if text.startswith("\\\\"):
            return True
        import ctypes
        drive = os.path.splitdrive(text)[0] + "\\"
        return bool(ctypes.windll.kernel32.GetDriveTypeW(drive) == 4)  # type: ignore[attr-defined]
    best, fstype = "", ""
    try:
        with open("/proc/mounts", encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) >= 3 and str(path).startswith(parts[1]) and len(parts[1]) > len(best):
                    best, fstype = parts[1], parts[2]
    except OSError:
        return False
    return fstype in _NETWORK_FS


def warning(path: Path) -> str:
    """A Chinese warning when ``path`` is on a network share, else empty."""
    if is_network_path(path):
        return (f"数据文件夹 {path} 位于网络共享盘上。SQLite 数据库放在网络盘上可能损坏，"
                "请把数据文件夹设在本机硬盘上，再用“备份”功能复制到网络盘或 U 盘。")
    return ""
