#!/usr/bin/env bash
# Linux build of the one-folder app: dist/helpdesk-gui/ (helpdesk-gui + helpdesk) and
# dist/helpdesk-gui-<version>-linux.zip.  Run from anywhere:  packaging/build.sh
# Uses .venv (created if missing) and the project's "build" extra (PyInstaller).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
if [[ ! -x "$PY" ]]; then
    python3 -m venv .venv
fi
# Install the project with its "build" extra, unless it is already there (a re-install would touch the
# venv under running programs); HELPDESK_BUILD_REINSTALL=1 forces it.
if [[ "${HELPDESK_BUILD_REINSTALL:-0}" == 1 ]] || ! "$PY" -c "import PyInstaller, helpdesk_gui" 2>/dev/null; then
    "$PY" -m pip install --quiet -e ".[build]"
fi

"$PY" -m PyInstaller --noconfirm --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/helpdesk.spec

VERSION="$(cat build/VERSION)"
ZIP="dist/helpdesk-gui-${VERSION}-linux.zip"
rm -f "$ZIP"
# Python's zipfile keeps the executable bits (no dependency on the zip tool).
"$PY" - "$ZIP" <<'PYEOF'
import os, sys, zipfile
from pathlib import Path
out, root = Path(sys.argv[1]), Path("dist")
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
    for path in sorted((root / "helpdesk-gui").rglob("*")):
        info = zipfile.ZipInfo.from_file(path, path.relative_to(root))
        if path.is_dir():
            z.writestr(info, b"")
            continue
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(path, "rb") as fh:
            z.writestr(info, fh.read())
PYEOF
echo "bundle:  $(du -sh dist/helpdesk-gui | cut -f1)  dist/helpdesk-gui/"
echo "zip:     $(du -sh "$ZIP" | cut -f1)  $ZIP"
