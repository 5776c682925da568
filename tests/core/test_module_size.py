"""No module of the program over 460 lines: a longer one is split by responsibility (issue 15)."""

from pathlib import Path

import helpdesk_gui

PACKAGE = Path(helpdesk_gui.__file__).parent
MAX_LINES = 460
#: Data, not code: each migration freezes its schema and seed rows as written.
DATA_DIRS = ("core/migrations/",)

def lines_of(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_is_over_the_limit():
    long = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name.startswith(DATA_DIRS):
            continue
        if (n := lines_of(path)) > MAX_LINES:
            long[name] = n
    assert long == {}, f"modules over {MAX_LINES} lines (split them by responsibility): {long}"

