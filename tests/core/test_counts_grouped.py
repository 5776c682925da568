"""Counts the window shows have thousands separators (``共 12,345 户``): a count put into a text by
``.format(n=len(rows))`` shows ``12345``. The source of gui/ is read: a ``len(…)`` or ``sum(…)`` given to
``.format`` as it is fails; written ``n=f"{len(rows):,}"`` it passes."""

from __future__ import annotations

import ast
from pathlib import Path

GUI = Path(__file__).resolve().parents[2] / "src" / "helpdesk_gui" / "gui"


def test_counts_given_to_format_are_grouped():
    bare = []
    for path in sorted(GUI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
                for value in [*node.args, *(k.value for k in node.keywords)]:
                    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("len", "sum"):
                        bare.append(f"{path.relative_to(GUI)}:{node.lineno} {ast.unparse(value)}")
    assert not bare, "counts without thousands separators (write f\"{len(x):,}\"): " + "; ".join(bare)
