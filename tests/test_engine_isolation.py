"""The engine is pure numpy/torch: nothing under mechgui/engine may import Qt."""

import ast
from pathlib import Path

import mechgui.engine

ENGINE = Path(mechgui.engine.__file__).parent
FORBIDDEN = ("PySide6", "PySide2", "PyQt5", "PyQt6", "pyqtgraph", "shiboken6", "qtpy")


def test_no_qt_import_under_engine():
    offenders = []
    for path in sorted(ENGINE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
                names = [a.value for a in node.args if isinstance(a, ast.Constant)]
            offenders += [f"{path.name}:{node.lineno} {n}" for n in names
                          if n.split(".")[0] in FORBIDDEN]
    assert not offenders, offenders


def test_engine_runs_without_loading_qt_or_torch(python):
    code = ("import sys, mechgui.engine as e\n"
            "for m in ('maxnet', 'mexican_hat', 'hamming'):\n"
            "    s = e.create(m); s.step(3); s.snapshot()\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'pyqtgraph', 'torch', 'shiboken6')]\n"
            "print(','.join(bad))\n")
    assert python(code).strip() == ""
