#!/usr/bin/env bash
# Smoke test of the frozen app in dist/helpdesk-gui/ (run packaging/build.sh first):
# the console executable creates a database, fills 100 demo households, checks it, prints a PDF,
# exports an Excel batch and takes a backup (with HELPDESK_SMOKE_PG_URL, also on that server); the window
# executable logs in offscreen and saves the register page as a PNG.
#   packaging/smoke.sh [BUNDLE_DIR]        (default dist/helpdesk-gui)
set -euo pipefail
cd "$(dirname "$0")/.."
BUNDLE="${1:-dist/helpdesk-gui}"
CLI="$BUNDLE/helpdesk"
GUI="$BUNDLE/helpdesk-gui"
[[ -x "$CLI" && -x "$GUI" ]] || { echo "smoke: no frozen app in $BUNDLE (run packaging/build.sh)" >&2; exit 1; }

TMP="$(mktemp -d "${TMPDIR:-/tmp}/helpdesk-smoke.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
export HELPDESK_ADMIN_PASSWORD="Smoke-Adm1n!"
export HELPDESK_USER=admin HELPDESK_PASSWORD="$HELPDESK_ADMIN_PASSWORD"   # every command but init runs as a user
unset HELPDESK_DATA_DIR

step() { printf '\n== %s\n' "$*"; }

step "Qt's Chinese texts (qtbase_zh_CN.qm) in the bundle"
QM="$(find "$BUNDLE" -name qtbase_zh_CN.qm -print -quit)"
[[ -n "$QM" ]] || { echo "smoke: qtbase_zh_CN.qm missing: standard buttons would be English" >&2; exit 1; }
echo "$QM"

step "helpdesk --version"
"$CLI" --version

step "helpdesk init"
"$CLI" --data-dir "$TMP" init --county-code 530122 --union-name "某某县总工会"

step "helpdesk demo --households 100"
"$CLI" --data-dir "$TMP" demo --households 100

step "helpdesk check"
"$CLI" --data-dir "$TMP" check

step "helpdesk print monthly (reportlab + bundled fonts)"
"$CLI" --data-dir "$TMP" print monthly --from 2026-01-01 --to 2026-01-31 --out "$TMP/monthly.pdf"
[[ "$(head -c 4 "$TMP/monthly.pdf")" == "%PDF" ]] || { echo "smoke: monthly.pdf is not a PDF" >&2; exit 1; }

step "helpdesk batch export --full (xlsx)"
"$CLI" --data-dir "$TMP" batch export --full "$TMP/batch.xlsx"

step "helpdesk backup"
"$CLI" --data-dir "$TMP" backup "$TMP/copy.db"

step "helpdesk-gui --screenshot (offscreen)"
QT_QPA_PLATFORM=offscreen HELPDESK_USER=admin HELPDESK_PASSWORD="$HELPDESK_ADMIN_PASSWORD" \
    "$GUI" --data-dir "$TMP" --screenshot "$TMP/shot.png" --page register
SIZE=$(stat -c %s "$TMP/shot.png" 2>/dev/null || echo 0)
if (( SIZE < 20000 )); then
    echo "smoke: screenshot missing or nearly empty ($SIZE bytes)" >&2
    exit 1
fi
echo "screenshot: $SIZE bytes"
if [[ -n "${HELPDESK_SMOKE_SHOT:-}" ]]; then
    cp "$TMP/shot.png" "$HELPDESK_SMOKE_SHOT" && echo "copied to $HELPDESK_SMOKE_SHOT"
fi

if [[ -n "${HELPDESK_SMOKE_PG_URL:-}" ]]; then   # an empty PostgreSQL database: the bundled psycopg and schema.sql
    step "helpdesk --database … init / demo / check / stats (the centre's server)"
    "$CLI" --data-dir "$TMP/desk" --database "$HELPDESK_SMOKE_PG_URL" init --county-code 530122 --union-name "某某县总工会"
    "$CLI" --data-dir "$TMP/desk" --database "$HELPDESK_SMOKE_PG_URL" demo --households 100
    "$CLI" --data-dir "$TMP/desk" --database "$HELPDESK_SMOKE_PG_URL" check
    "$CLI" --data-dir "$TMP/desk" --database "$HELPDESK_SMOKE_PG_URL" stats --json | head -c 200; echo
fi

step "bundle size"
du -sh "$BUNDLE"
echo
echo "smoke: OK"
