#!/usr/bin/env python3
"""Set up and run the project with nothing but Python 3.11+ (stdlib only).

    python3 tools/dev.py run [--demo [N]]   set up .venv, then start the window (a demo register if asked)
    python3 tools/dev.py test               set up .venv with the dev tools, then run every test

The virtual environment lives in ``.venv`` and is reinstalled when ``pyproject.toml`` changes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_env(extras: str = "dev") -> None:
    if not PY.exists():
        print("正在创建虚拟环境 .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".installed-{extras}-{digest}"
    if not stamp.exists():
        print("正在安装依赖 ...", flush=True)
        subprocess.check_call([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"])
        subprocess.check_call([str(PY), "-m", "pip", "install", "-q", "-e", f"{ROOT}[{extras}]"])
        for old in VENV.glob(".installed-*"):
            old.unlink()
        stamp.touch()


def cmd_run(args: argparse.Namespace) -> int:
    ensure_env()
    env = dict(os.environ)
    data = args.data_dir or (str(ROOT / "demo-data") if args.demo else None)
    cli = [str(PY), "-m", "helpdesk_gui"] + (["--data-dir", data] if data else [])
    if args.demo and not (Path(data) / "helpdesk.db").exists():
        env.setdefault("HELPDESK_ADMIN_PASSWORD", "demo1234")
        subprocess.check_call(cli + ["init", "--county-code", "530122", "--union-name", "演示县总工会"], env=env)
        as_admin = {**env, "HELPDESK_USER": "admin", "HELPDESK_PASSWORD": env["HELPDESK_ADMIN_PASSWORD"]}
        subprocess.check_call(cli + ["demo", "--households", str(args.demo)], env=as_admin)
        print("演示数据已生成。登录：用户名 admin，密码 " + env["HELPDESK_ADMIN_PASSWORD"], flush=True)
    gui = [str(PY), "-m", "helpdesk_gui.gui.app"] + (["--data-dir", data] if data else [])
    return subprocess.call(gui, env=env)


def cmd_test(args: argparse.Namespace) -> int:
    ensure_env()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    code = subprocess.call([str(PY), "-m", "pytest", *args.pytest_args], cwd=ROOT, env=env)
    if code == 5:
        print("没有找到任何测试：按失败处理。", file=sys.stderr)
        return 1
    return code


def main() -> int:
    p = argparse.ArgumentParser(description="帮扶中心工作台：开发用的安装与运行脚本")
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="安装并启动窗口程序")
    r.add_argument("--demo", nargs="?", const=2000, type=int, metavar="N",
                   help="在 demo-data/ 中生成 N 户演示档案（默认 2000）后启动")
    r.add_argument("--data-dir", help="数据文件夹")
    t = sub.add_parser("test", help="安装并运行全部测试")
    t.add_argument("pytest_args", nargs="*", help="传给 pytest 的参数")
    args = p.parse_args()
    return cmd_run(args) if args.cmd == "run" else cmd_test(args)


if __name__ == "__main__":
    raise SystemExit(main())
