"""Verifying the audit trail (``helpdesk check``): the chain, its signatures, its anchor, the household seals.

``chain_problems`` walks every row once: the SHA-256 link to the previous row, the row's own hash,
its signature under the data folder's key (a row with none after the first signed one was not
written by the program), then compares the chain with the anchor file (fewer rows: the end was
deleted; another hash: rewritten and re-chained). It names the first bad row by id, time, user
and action. ``household_problems`` checks the seals (each signed, as many as the row says) and
compares every household's content now with its last seal: a household changed, added or deleted
without the program no longer matches. Both return Chinese sentences; an empty list is all well.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from helpdesk_gui.core.access import chain, fingerprint, keyring
from helpdesk_gui.core.access.audit_labels import ACTION_LABELS
from helpdesk_gui.core.access.keyring import Anchor
from helpdesk_gui.core.db import on_server

LIMIT = 20


def _label(rid: int, at: str, username: str, action: str) -> str:
    return f"审计日志第 {rid} 行（{at.replace('T', ' ')[:19]}，{username}，{ACTION_LABELS.get(action, action)}）"


@dataclass
class _Walk:
    """What one pass over the chain found."""
    rows: int = 0
    first_bad: str | None = None
    first_signed: int | None = None
    last: tuple[int, str, str] | None = None                 # id, hash, signature of the last row
    at_anchor: tuple[int, str, str] | None = None            # rows up to it, hash, signature of the anchor's row
    unknown_keys: dict[str, list[object]] = field(default_factory=dict)   # key id → [first row's label, last id, rows]
    sealing: dict[int, tuple[str, int, str]] = field(default_factory=dict)  # row id → signature, sealed, label


def _has_signatures(db: Database) -> bool:
    """Whether the audit trail has its signature column (an SQLite file from before it may be opened read
    only). A server's register is always of the program's own schema version (``core.db.open_server``)."""
    if on_server(db):
        return True
    return any(r[1] == "mac" for r in db.execute("PRAGMA table_info(audit_log)"))


def _walk(db: Database, keys: dict[str, bytes], anchor_id: int | None) -> _Walk:
    w = _Walk()
    prev = chain.GENESIS  # the first row links to the genesis hash, so deleting it is detected too
    for rid, at, user, action, entity, eid, before, after, prev_hash, h, mac, sealed in db.execute(
            "SELECT id, at, username, action, entity, entity_id, before, after, prev_hash, hash, mac, sealed "
            "FROM audit_log ORDER BY id"):
        w.rows += 1
        if w.first_bad is None:
            label = _label(rid, at, user, action)
            if prev_hash != prev:
                w.first_bad = f"{label}与上一行的链接断开（上一行被删除或修改）"
            elif chain.digest(prev_hash, at, user, action, entity, eid, before, after) != h:
                w.first_bad = f"{label}的内容与其哈希值不符（该行被修改）"
            elif mac is None:
                if w.first_signed is not None:
                    w.first_bad = f"{label}没有密钥签名：不是本程序写入的（可能是伪造后追加或插入的行）"
            else:
                if w.first_signed is None:
                    w.first_signed = rid
                ok = keyring.verify(keys, mac, keyring.row_message(h, int(sealed)))
                if ok is None:
                    span = w.unknown_keys.setdefault(keyring.signed_by(mac), [label, rid, 0])
                    span[1], span[2] = rid, int(str(span[2])) + 1
                elif not ok:
                    w.first_bad = f"{label}的密钥签名不符：该行被改写，或整条链被不用密钥重新计算过"
            if sealed:
                w.sealing[rid] = (mac or "", int(sealed), label)
        prev = h
        w.last = (rid, h, mac or "")
        if rid == anchor_id:
            w.at_anchor = (w.rows, h, mac or "")
    return w


def _anchor_problems(folder: Path, anchor: Anchor, keys: dict[str, bytes], w: _Walk) -> list[str]:
    where = keyring.anchor_path(folder)
    out: list[str] = []
    ok = keyring.verify(keys, anchor.mac, anchor.message())
    if ok is False:
        out.append(f"审计锚点文件 {where} 的签名不符：锚点被改动过")
    elif ok is None:
        out.append(f"审计锚点文件 {where} 由数据文件夹中没有的密钥 {keyring.signed_by(anchor.mac)} 签名，无法核验")
    said = f"锚点（{anchor.at.replace('T', ' ')[:19]} 记下）记录审计日志共 {anchor.rows} 行、最后一行是第 {anchor.last_id} 行"
    if w.at_anchor is None or w.rows < anchor.rows:
        out.append(f"审计日志比锚点记录的少：{said}，数据库中现只有 {w.rows} 行"
                   + (f"（最后一行是第 {w.last[0]} 行）" if w.last else "")
                   + "。末尾的记录被删除了，或数据库被换成了较早的副本")
    elif w.at_anchor[1:] != (anchor.last_hash, anchor.last_mac):
        out.append(f"审计日志第 {anchor.last_id} 行与锚点记录的不符：{said}，该行或它之前的记录被改写过（链被重新计算）")
    elif w.at_anchor[0] != anchor.rows:
        out.append(f"审计日志到第 {anchor.last_id} 行为止有 {w.at_anchor[0]} 行，{said}：其间的记录被删除或插入过")
    return out


def chain_problems(db: Database) -> list[str]:
    """Every problem of the chain, its key and its anchor, the first bad row first."""
    folder = chain.folder_of(db)
    if not _has_signatures(db):
        return ["数据库尚未升级到当前结构版本：请用本程序以可写方式打开一次（启动窗口程序或执行任一修改命令）后再检查"]
    keys, current = keyring.load(folder) if folder else ({}, None)
    anchor: Anchor | None = None
    out: list[str] = []
    if folder is not None:
        try:
            anchor = keyring.read_anchor(folder)
        except keyring.AnchorUnreadable as e:
            out.append(f"审计锚点文件 {keyring.anchor_path(folder)} 无法读取（{e}）：无法确认审计日志末尾没有被删除")
    w = _walk(db, keys, anchor.last_id if anchor else None)
    if w.first_bad:
        out.insert(0, w.first_bad)
    if folder is None:
        return out
    key_file = keyring.key_path(folder)
    if w.first_signed is None:
        if w.rows and current is None and anchor is None:
            out.append("审计日志尚未用密钥封存：请用本程序以可写方式打开一次（启动窗口程序或执行任一修改命令），"
                       "程序会在升级后首次打开时封存")
        elif w.rows:
            out.append("数据文件夹中有审计密钥或锚点，但审计日志中没有一行带密钥签名：签名被清除，或数据库被换成了别的文件")
    elif current is None:
        out.append(f"审计密钥文件 {key_file} 缺失：审计日志从第 {w.first_signed} 行起带有密钥签名，无法核验这些行是否被改写。"
                   "请找回原来的 audit.key 放回数据文件夹")
    else:
        for kid, (first, last, n) in w.unknown_keys.items():
            out.append(f"{first}起、到第 {last} 行为止共 {n} 行由密钥 {kid} 签名，数据文件夹中没有这把密钥"
                       f"（{key_file.name} 曾缺失或被替换），无法核验这些行是否被改写。"
                       "如找到原来的 audit.key，请改名为 audit-旧.key 放回数据文件夹")
    if anchor is not None:
        out += _anchor_problems(folder, anchor, keys, w)
    elif w.first_signed is not None and not any("锚点" in p for p in out):
        out.append(f"审计锚点文件 {keyring.anchor_path(folder)} 缺失：无法确认审计日志末尾没有被删除")
    return out


def _seals(db: Database) -> Iterator[tuple[int, int, str, str]]:
    yield from db.execute("SELECT audit_id, household_id, content_hash, mac FROM audit_households "
                          "ORDER BY audit_id, household_id")


def household_problems(db: Database, *, limit: int = LIMIT) -> list[str]:
    """Seals that were tampered with, and households whose content is not what their last audit row sealed."""
    if not _has_signatures(db):
        return []
    folder = chain.folder_of(db)
    keys, _current = keyring.load(folder) if folder else ({}, None)
    sealing = {int(rid): (str(mac or ""), int(n)) for rid, mac, n in db.execute(
        "SELECT id, mac, sealed FROM audit_log WHERE sealed > 0")}
    if not sealing:
        return []  # not sealed yet (said by chain_problems)
    out: list[str] = []
    counts: dict[int, int] = {}
    latest: dict[int, str] = {}
    for aid, hid, content, mac in _seals(db):
        counts[aid] = counts.get(aid, 0) + 1
        latest[hid] = content
        info = sealing.get(aid)
        if info is None:
            out.append(f"审计日志第 {aid} 行不存在或未登记档案内容，却有它为档案（内部编号 {hid}）记下的内容：该记录是伪造的")
        elif keyring.verify(keys, mac, keyring.seal_message(info[0], hid, content)) is False:
            out.append(f"审计日志第 {aid} 行为档案（内部编号 {hid}）记下的内容签名不符：该记录被改写过")
    for rid, (_mac, n) in sealing.items():
        if counts.get(rid, 0) != n:
            out.append(f"审计日志第 {rid} 行记下了 {n} 户档案的内容，现只有 {counts.get(rid, 0)} 户：其余的记录被删除了")
    changed: list[int] = []
    unsealed: list[int] = []
    seen: set[int] = set()
    for hid, content in fingerprint.iter_hashes(db):
        seen.add(hid)
        last = latest.get(hid)
        if last is None:
            unsealed.append(hid)
        elif last != content:
            changed.append(hid)
    names = _archive_numbers(db, [*changed[:limit], *unsealed[:limit]])
    out += [f"档案 {names[h]} 的内容与审计日志最后一次记录不一致（可能被绕过程序修改）" for h in changed[:limit]]
    out += [f"档案 {names[h]} 没有任何审计记录（可能被绕过程序添加）" for h in unsealed[:limit]]
    gone = sorted(set(latest) - seen)
    out += [f"审计日志记录过的档案（内部编号 {h}）已不在数据库中（可能被绕过程序删除）" for h in gone[:limit]]
    more = max(len(changed) - limit, 0) + max(len(unsealed) - limit, 0) + max(len(gone) - limit, 0)
    if more:
        out.append(f"另有 {more} 户档案与审计日志不一致，未逐一列出")
    return out


def _archive_numbers(db: Database, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return {int(i): str(a) for i, a in db.execute(f"SELECT id, archive_no FROM households WHERE id IN ({marks})", ids)}
