"""Scans attached to an archive: copied into the data folder under their SHA-256, never moved.

The same file attached twice is stored once. The database keeps the material type, a title and
the stored name (``attachments/ab/abcdef….pdf``), relative to the data folder.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from helpdesk_gui.core.base.errors import ValidationError

MAX_BYTES = 50 * 1024 * 1024


def store(folder: Path, source: Path) -> tuple[str, str]:
    """Copy ``source`` into the data folder; returns (sha256, stored path relative to the folder)."""
    if not source.is_file():
        raise ValidationError("附件", "文件不存在或无法读取", str(source))
    if source.stat().st_size > MAX_BYTES:
        raise ValidationError("附件", "文件超过 50 MB，请压缩或分页扫描", source.name)
    digest = hashlib.sha256()
    with open(source, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    sha = digest.hexdigest()
    relative = Path("attachments") / sha[:2] / (sha + source.suffix.lower())
    target = folder / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        shutil.copyfile(source, tmp)
        tmp.replace(target)
    return sha, relative.as_posix()


def path_of(folder: Path, stored: str) -> Path:
    return folder / stored
