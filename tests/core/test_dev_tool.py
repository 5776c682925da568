"""tools/dev.py run on a fresh Linux desktop (统信 UOS, 麒麟): missing system libraries of Qt's xcb plugin are
named as the packages to install, in Chinese, before Qt would abort in English."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_DEV = Path(__file__).resolve().parents[2] / "tools" / "dev.py"


@pytest.fixture(scope="module")
def dev():
    spec = importlib.util.spec_from_file_location("helpdesk_dev_tool", _DEV)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


#: as ldd prints it for PySide6's libqxcb.so on a minimal install
LDD = """\
\tlinux-vdso.so.1 (0x00007ffd5c3f2000)
\tlibQt6XcbQpa.so.6 => /home/u/helpdesk/.venv/lib/python3.11/site-packages/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x00007f1)
\tlibxkbcommon-x11.so.0 => not found
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f2)
\tlibxcb-render-util.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibdeskfake.so.9 => not found
\t/lib64/ld-linux-x86-64.so.2 (0x00007f3)
"""


def test_a_missing_xcb_library_is_named_as_the_package_to_install(dev):
    message = dev.qt_platform_problem(env={"DISPLAY": ":0"}, platform="linux", ldd=lambda: LDD)
    assert message is not None and message.startswith("无法启动窗口")
    install = next(line for line in message.splitlines() if "sudo apt install" in line).split()
    assert install[3:] == ["libxkbcommon-x11-0", "libxcb-cursor0", "libxcb-icccm4", "libxcb-render-util0"]
    assert "libdeskfake.so.9" in message and "apt-file search" in message     # not in the table: how to find it
    assert "python3 tools/dev.py run" in message


def test_only_the_not_found_lines_count(dev):
    assert dev.missing_libraries(LDD) == ["libxkbcommon-x11.so.0", "libxcb-cursor.so.0", "libxcb-icccm.so.4",
                                          "libxcb-render-util.so.0", "libdeskfake.so.9"]
    complete = "\n".join(line for line in LDD.splitlines() if "not found" not in line)
    assert dev.qt_platform_problem(env={}, platform="linux", ldd=lambda: complete) is None


@pytest.mark.parametrize(("platform", "env"), [
    ("win32", {}), ("darwin", {}),
    ("linux", {"QT_QPA_PLATFORM": "offscreen"}),                              # tests, --screenshot
    ("linux", {"QT_QPA_PLATFORM": "wayland"}),
    ("linux", {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}),
])
def test_no_check_where_the_xcb_plugin_is_not_the_one_loaded(dev, platform, env):
    asked = []
    assert dev.qt_platform_problem(env=env, platform=platform, ldd=lambda: asked.append(1) or LDD) is None
    assert asked == []


def test_no_ldd_answer_means_no_verdict(dev):
    assert dev.qt_platform_problem(env={"QT_QPA_PLATFORM": "xcb"}, platform="linux", ldd=lambda: None) is None


def test_every_library_of_the_real_plugin_has_a_package(dev):
    """The table covers what ldd lists for the installed PySide6 (where the xcb plugin is present)."""
    found = importlib.util.find_spec("PySide6")                               # located, not imported
    assert found is not None and found.submodule_search_locations
    plugin = Path(list(found.submodule_search_locations)[0]) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists() or not sys.platform.startswith("linux"):
        pytest.skip("no xcb plugin here")
    import shutil
    import subprocess
    if shutil.which("ldd") is None:
        pytest.skip("no ldd")
    output = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, timeout=60).stdout
    system = {line.split()[0] for line in output.splitlines() if "=> /lib" in line or "=> /usr" in line}
    assert system and system <= set(dev.XCB_PACKAGES), system - set(dev.XCB_PACKAGES)
