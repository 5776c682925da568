"""A PostgreSQL server for the tests, and a fresh empty database per test (fixtures in tests/conftest.py).

Where the server comes from, first that applies:

1. ``HELPDESK_TEST_PG_URL``: a server URL such as ``postgresql://postgres@/postgres?host=/tmp/x&port=5433``
   (a role that may CREATE DATABASE);
2. ``initdb`` on PATH (or in /usr/lib/postgresql/*/bin): a throw-away cluster in a temporary folder,
   listening only on a Unix socket there, with durability off (it is thrown away), stopped at the end
   of the session. PostgreSQL refuses to run as root: as root the cluster runs as the unprivileged
   ``postgres`` (or ``nobody``) account through ``runuser``;
3. otherwise the tests that need it are skipped ("没有 PostgreSQL").
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ENV = "HELPDESK_TEST_PG_URL"
PORT = 5432  # the socket lives in the cluster's own folder, so the usual port never clashes


def _bindir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True):
        return Path(candidate).parent
    return None


def _run_as() -> list[str]:
    """The command prefix that runs the server as an unprivileged account when we are root."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    for account in ("postgres", "nobody"):
        try:
            pwd.getpwnam(account)
        except KeyError:
            continue
        if runuser:
            return [runuser, "-u", account, "--"]
    pytest.skip("没有 PostgreSQL：以 root 运行，且找不到可运行 PostgreSQL 的普通账户")


@contextmanager
def server(*, durable: bool = False) -> Iterator[str]:
    """Yield a server URL (see the module docstring); skip when there is no PostgreSQL. ``durable``: a
    server as a centre runs it (fsync on, 256 MB of shared buffers), for benchmarks; the tests' server
    skips the disk flushes."""
    url = os.environ.get(ENV)
    if url and not durable:
        yield url
        return
    bindir = _bindir()
    if bindir is None:
        pytest.skip("没有 PostgreSQL")
    prefix = _run_as()
    root = Path(tempfile.mkdtemp(prefix="hdpg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if prefix:
        shutil.chown(root, user=prefix[2])
        shutil.chown(sock, user=prefix[2])
    run = {"cwd": root, "check": True, "capture_output": True}
    try:
        subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                        "-E", "UTF8", "--no-locale"], **run)  # type: ignore[call-overload]
        options = f"-k {sock} -c listen_addresses='' -p {PORT + durable} " + (
            "-c shared_buffers=256MB" if durable else "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"),
                        "-o", options, "-w", "start"], **run)  # type: ignore[call-overload]
    except subprocess.CalledProcessError as e:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"没有 PostgreSQL：测试服务器未能启动（{e.stderr.decode(errors='replace').strip()[:200]}）")
    try:
        yield f"postgresql://postgres@/postgres?host={sock}&port={PORT + durable}"
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       cwd=root, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def with_dbname(url: str, dbname: str) -> str:
    """The same server, another database."""
    if "://" in url:
        parts = urlsplit(url)
        return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))
    from psycopg.conninfo import make_conninfo
    return make_conninfo(url, dbname=dbname)


def create_database(server_url: str) -> tuple[str, str]:
    """Create an empty database ``t_<random>``; its (URL, name)."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        # a UTF-8 character class, as the README asks of a centre's database (pg_trgm's letters for Chinese)
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\' LC_COLLATE \'C\' '
                      "LC_CTYPE 'C.UTF-8'")
    return with_dbname(server_url, name), name


def drop_databases(server_url: str, names: list[str]) -> None:
    import psycopg
    if names:
        with psycopg.connect(server_url, autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """Create an empty database ``t_<random>``, yield its URL, drop it afterwards."""
    url, name = create_database(server_url)
    try:
        yield url
    finally:
        drop_databases(server_url, [name])
