"""Frozen entry point of ``helpdesk-gui`` (the window).

A windowed Windows executable has no console: PyInstaller leaves ``sys.stdout`` / ``sys.stderr`` as
None, so ``--version`` or a message meant for the terminal would crash. Send them to the null device.
"""

import os
import sys

for _name in ("stdout", "stderr"):
    if getattr(sys, _name) is None:
        setattr(sys, _name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - lives as long as the app

from helpdesk_gui.gui.app import main  # noqa: E402

raise SystemExit(main())
