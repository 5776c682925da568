"""Where the register lives: the data folder's own SQLite file (the default), or a centre's
PostgreSQL server on its LAN.

The server is named by a URL, ``postgresql://user[:password]@host[:port]/dbname`` (libpq's form,
``?host=/socket/dir`` for a Unix socket). It is chosen, first found wins, by ``--database URL``, by
the environment variable ``HELPDESK_DATABASE_URL``, or by the data folder's ``server.json`` (saved
by ``helpdesk server use`` and by the first-run dialog). The saved URL never holds the password: the
password goes to the system keyring when the ``keyring`` package and a keyring are there, otherwise
to ``server.secret`` in the data folder, a file only its owner can read (mode 0600; on Windows the
data folder is already the user's own). The data folder stays the desk's own either way: its lock,
log, backups, keys and settings.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from helpdesk_gui.core.base.errors import HelpdeskError

ENV = "HELPDESK_DATABASE_URL"
SETTINGS = "server.json"
SECRET = "server.secret"
KEYRING_SERVICE = "helpdesk-gui"


class BadServerUrl(HelpdeskError):
    exit_code = 2


@dataclass(frozen=True)
class Server:
    """A PostgreSQL server: its URL without the password, and the password apart."""

    url: str
    password: str = ""

    @property
    def dsn(self) -> str:
        """The URL with the password, for psycopg (never shown, never saved)."""
        if not self.password:
            return self.url
        parts = urlsplit(self.url)
        user, _, host = parts.netloc.rpartition("@")
        netloc = f"{user}:{quote(self.password, safe='')}@{host}" if user else parts.netloc
        return urlunsplit(parts._replace(netloc=netloc))

    @property
    def shown(self) -> str:
        """What a clerk is told: host, port and database, e.g. ``192.168.1.10:5432/helpdesk``."""
        parts = urlsplit(self.url)
        query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
        host = parts.hostname or unquote(query.get("host", "")) or "localhost"
        port = parts.port or query.get("port") or 5432
        return f"{host}:{port}{parts.path or '/'}"


def parse(text: str) -> Server:
    """A server URL as typed (password included or not) → ``Server``; a Chinese error when it is not one."""
    text = (text or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("postgresql", "postgres"):
        raise BadServerUrl(f"服务器地址“{text}”格式不正确：应以 postgresql:// 开头，"
                           "例如 postgresql://helpdesk@192.168.1.10:5432/helpdesk。")
    if not parts.path.strip("/"):
        raise BadServerUrl(f"服务器地址“{text}”缺少数据库名（地址最后的 /数据库名）。")
    try:
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        raise BadServerUrl(f"服务器地址“{text}”中的端口不是数字。") from None
    password = unquote(parts.password or "")
    netloc = parts.netloc
    if parts.password is not None:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.split(':', 1)[0]}@{host}"
    return Server(urlunsplit(parts._replace(scheme="postgresql", netloc=netloc)), password)


def make(host: str, port: str | int, dbname: str, user: str, password: str = "") -> Server:
    """A server from the first-run dialog's fields (checked as ``parse`` checks a URL)."""
    host, dbname, user = host.strip(), dbname.strip(), user.strip()
    if not host:
        raise BadServerUrl("请填写服务器地址（如 192.168.1.10）。")
    if not user:
        raise BadServerUrl("请填写服务器上的用户名。")
    port = str(port).strip() or "5432"
    if host.startswith("/"):   # a Unix socket directory (a server on this computer)
        text = f"postgresql://{quote(user, safe='')}@/{quote(dbname, safe='')}?host={host}&port={port}"
    else:
        text = f"postgresql://{quote(user, safe='')}@{host}:{port}/{quote(dbname, safe='')}"
    return Server(parse(text).url, password)


def chosen(folder: Path, given: str | None = None) -> Server | None:
    """The server this run uses (``--database``, then ``HELPDESK_DATABASE_URL``, then the folder's
    ``server.json``), or None for the folder's own SQLite file."""
    for text in (given, os.environ.get(ENV)):
        if text:
            server = parse(text)
            if not server.password:
                server = Server(server.url, _saved_password(folder, server.url))
            return server
    saved = read_settings(folder)
    if saved is None:
        return None
    return Server(str(saved["url"]), _saved_password(folder, str(saved["url"])))


def read_settings(folder: Path) -> dict[str, Any] | None:
    path = Path(folder) / SETTINGS
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        parse(str(data["url"]))
    except (ValueError, KeyError, TypeError, BadServerUrl) as e:
        raise BadServerUrl(f"数据文件夹中的服务器设置 {path} 已损坏（{e}）。请重新设置服务器地址，"
                           "或删除这个文件改回使用本机数据库。") from None
    return dict(data)


def save(folder: Path, server: Server) -> str:
    """Point the data folder at ``server`` (the password kept apart). Returns where the password went."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    where = _save_password(folder, server) if server.password else "（无密码）"
    tmp = folder / (SETTINGS + ".part")
    tmp.write_text(json.dumps({"url": server.url}, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, folder / SETTINGS)
    return where


def forget(folder: Path) -> bool:
    """Point the data folder back at its own SQLite file. True when it had a server."""
    saved = read_settings(folder)
    if saved is None:
        return False
    kr = _keyring()
    if kr is not None:
        try:
            kr.delete_password(KEYRING_SERVICE, str(saved["url"]))
        except Exception:  # noqa: BLE001 (nothing saved there, or no usable keyring)
            pass
    (Path(folder) / SECRET).unlink(missing_ok=True)
    (Path(folder) / SETTINGS).unlink()
    return True


# ------------------------------------------------------------------------------------------ the password

def _keyring() -> Any:
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    if isinstance(keyring.get_keyring(), fail.Keyring):
        return None
    return keyring


def _save_password(folder: Path, server: Server) -> str:
    kr = _keyring()
    if kr is not None:
        try:
            kr.set_password(KEYRING_SERVICE, server.url, server.password)
            (folder / SECRET).unlink(missing_ok=True)
            return "系统密钥环"
        except Exception:  # noqa: BLE001 (a keyring that refuses: fall back to the private file)
            pass
    path = folder / SECRET
    tmp = folder / (SECRET + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"url": server.url, "password": server.password}, fh)
    os.replace(tmp, path)
    return f"{path}（仅本用户可读）"


def _saved_password(folder: Path, url: str) -> str:
    kr = _keyring()
    if kr is not None:
        try:
            found = kr.get_password(KEYRING_SERVICE, url)
            if found:
                return str(found)
        except Exception:  # noqa: BLE001 (an unusable keyring: try the file)
            pass
    path = Path(folder) / SECRET
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            return ""
        if data.get("url") == url:
            return str(data.get("password", ""))
    return ""


# ------------------------------------------------------------------------------------------ connecting

class ServerUnavailable(HelpdeskError):
    """The server cannot be reached (cable, address, server down) or refuses the login."""

    exit_code = 1


#: Seconds to wait for the server before telling the clerk it cannot be reached.
CONNECT_TIMEOUT = 5


def connect(server: Server) -> Any:
    """A psycopg connection to ``server`` (autocommit off), or ``ServerUnavailable`` in Chinese."""
    try:
        import psycopg
    except ImportError:
        raise ServerUnavailable("本程序缺少连接 PostgreSQL 服务器所需的组件 psycopg，请重新安装程序。") from None
    try:
        return psycopg.connect(server.dsn, connect_timeout=CONNECT_TIMEOUT, application_name="helpdesk-gui")
    except psycopg.OperationalError as e:
        raise ServerUnavailable(_why(server, str(e))) from None


def _why(server: Server, text: str) -> str:
    low = text.lower()
    if "password authentication failed" in low or "no password supplied" in low:
        reason = "用户名或密码不对"
    elif "does not exist" in low and "database" in low:
        reason = "服务器上没有这个数据库（请让信息管理员先建库）"
    elif "timeout" in low or "timed out" in low:
        reason = f"{CONNECT_TIMEOUT} 秒内没有应答（网线、地址或服务器是否开机？）"
    elif "connection refused" in low or "no such file" in low or "could not connect" in low:
        reason = "服务器没有在这个地址和端口上运行"
    elif "could not translate host name" in low:
        reason = "找不到这个服务器名称"
    else:
        reason = "连接被拒绝"
    return f"无法连接到服务器 {server.shown}：{reason}。没有读写任何数据。"


class ServerLost(HelpdeskError):
    """The connection to the server broke during a statement: what was being saved was not saved (the
    server rolls back a transaction whose connection is gone), unless it broke during the COMMIT itself."""

    exit_code = 1

    def __init__(self, shown: str, at_commit: bool = False) -> None:
        if at_commit:
            text = (f"保存时与服务器 {shown} 的连接中断，无法确认是否已经保存。请检查网络后，重新打开这条记录看一看："
                    "已保存的会显示修改后的内容，没有的请再保存一次。")
        else:
            text = (f"与服务器 {shown} 的连接中断，刚才的操作没有保存（服务器已撤销，没有写入一半的数据）。"
                    "填写的内容还在，请检查网线或等服务器恢复后再保存；程序会自动重新连接。")
        super().__init__(text)


@dataclass(frozen=True)
class Status:
    version: str                     # PostgreSQL's
    schema: int                      # our schema version (0: no register there)
    counts: dict[str, int]           # rows per table of ours ({} when there is no register)


def status(server: Server) -> Status:
    """What is on the server (``helpdesk server status``)."""
    from helpdesk_gui.core.db import pg
    conn = connect(server)
    try:
        found = conn.execute("SHOW server_version").fetchone()
        counts = pg.table_counts(conn) if pg.existing_tables(conn) else {}
        schema = pg.schema_version(conn) if counts else 0
        conn.rollback()
    finally:
        conn.close()
    return Status(str(found[0]) if found else "?", schema, counts)
