#!/usr/bin/env python3
"""Set up and run the project with nothing but Python 3.11+ (stdlib only).

    python3 tools/dev.py run [--demo [N]]   set up .venv, then start the window (a demo register if asked)
    python3 tools/dev.py test               set up .venv with the dev tools, then run every test

The virtual environment lives in ``.venv`` and is reinstalled when ``pyproject.toml`` changes. On Linux,
``run`` first checks the system libraries Qt's xcb platform plugin needs (a fresh 统信 UOS or 麒麟 install lacks
some) and names the packages to install, instead of Qt's English "could not load the Qt platform plugin" abort.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Callable, Mapping
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


#: The Debian package of each library ``ldd`` lists for PySide6's ``Qt/plugins/platforms/libqxcb.so`` (with the Qt
#: libraries it pulls; PySide6 6.11, Debian 12). 统信 UOS and 麒麟 are Debian-based and use the same names; where a
#: newer release renamed one (``libglib2.0-0t64``), apt picks the new name for the old.
XCB_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-icccm.so.4": "libxcb-icccm4", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1", "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0", "libxcb-shm.so.0": "libxcb-shm0", "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1", "libxcb-xfixes.so.0": "libxcb-xfixes0", "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-xinerama.so.0": "libxcb-xinerama0", "libxcb.so.1": "libxcb1", "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6", "libXau.so.6": "libxau6", "libXdmcp.so.6": "libxdmcp6",
    "libxkbcommon.so.0": "libxkbcommon0", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1", "libEGL.so.1": "libegl1", "libGLX.so.0": "libglx0", "libGLdispatch.so.0": "libglvnd0",
    "libOpenGL.so.0": "libopengl0", "libfontconfig.so.1": "libfontconfig1", "libfreetype.so.6": "libfreetype6",
    "libpng16.so.16": "libpng16-16", "libexpat.so.1": "libexpat1", "libbrotlidec.so.1": "libbrotli1",
    "libbrotlicommon.so.1": "libbrotli1", "libdbus-1.so.3": "libdbus-1-3", "libsystemd.so.0": "libsystemd0",
    "libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0", "libpcre2-8.so.0": "libpcre2-8-0",
    "libzstd.so.1": "libzstd1", "libz.so.1": "zlib1g", "liblzma.so.5": "liblzma5", "liblz4.so.1": "liblz4-1",
    "libbsd.so.0": "libbsd0", "libmd.so.0": "libmd0", "libcap.so.2": "libcap2", "libgcrypt.so.20": "libgcrypt20",
    "libgpg-error.so.0": "libgpg-error0", "libstdc++.so.6": "libstdc++6", "libgcc_s.so.1": "libgcc-s1",
    "libc.so.6": "libc6", "libm.so.6": "libc6", "libpthread.so.0": "libc6", "libdl.so.2": "libc6",
}


def missing_libraries(ldd_output: str) -> list[str]:
    """The libraries ``ldd`` reports as ``=> not found``, each once, in its order."""
    missing: list[str] = []
    for line in ldd_output.splitlines():
        name, arrow, where = line.strip().partition("=>")
        if arrow and where.strip().startswith("not found") and name.strip() not in missing:
            missing.append(name.strip())
    return missing


def missing_libraries_message(missing: list[str]) -> str:
    """What the clerk (or whoever sets the computer up) reads: which packages to install, in one command."""
    packages = list(dict.fromkeys(XCB_PACKAGES[name] for name in missing if name in XCB_PACKAGES))
    unknown = [name for name in missing if name not in XCB_PACKAGES]
    lines = ["无法启动窗口：这台电脑缺少图形界面（Qt 的 xcb 平台插件）需要的系统库：", "  " + "、".join(missing)]
    if packages:
        lines += ["请先安装这些软件包（需要管理员密码）：", "  sudo apt install " + " ".join(packages)]
    if unknown:
        lines.append("其中 " + "、".join(unknown) + " 不在已知清单中，可用“apt-file search 库名”查出所属的软件包。")
    lines.append("装好后重新运行：python3 tools/dev.py run")
    return "\n".join(lines)


def qxcb_plugin() -> Path | None:
    found = sorted(VENV.glob("lib/python3*/site-packages/PySide6/Qt/plugins/platforms/libqxcb.so"))
    return found[0] if found else None


def ldd_qxcb() -> str | None:
    """``ldd`` of the xcb plugin in ``.venv``; None if there is no plugin or no ``ldd`` to ask."""
    plugin, ldd = qxcb_plugin(), shutil.which("ldd")
    if plugin is None or ldd is None:
        return None
    try:
        return subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None


def qt_platform_problem(env: Mapping[str, str] | None = None, platform: str = sys.platform,
                        ldd: Callable[[], str | None] = ldd_qxcb) -> str | None:
    """Before the window starts on Linux with the xcb platform: the Chinese message naming the packages to
    install, or None when nothing is missing. Not checked on other systems, for another platform
    (``QT_QPA_PLATFORM=offscreen`` for tests and screenshots, wayland …), in a Wayland session, or when ``ldd``
    cannot answer (Qt then speaks for itself)."""
    env = os.environ if env is None else env
    if not platform.startswith("linux"):
        return None
    chosen = env.get("QT_QPA_PLATFORM", "")
    if chosen and not chosen.startswith("xcb"):
        return None
    if not chosen and env.get("XDG_SESSION_TYPE") == "wayland" and env.get("WAYLAND_DISPLAY"):
        return None
    output = ldd()
    missing = missing_libraries(output) if output else []
    return missing_libraries_message(missing) if missing else None


def cmd_run(args: argparse.Namespace) -> int:
    ensure_env()
    problem = qt_platform_problem()
    if problem:
        print(problem, file=sys.stderr, flush=True)
        return 1
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
