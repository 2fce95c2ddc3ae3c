"""What never imports what (ARCHITECTURE.md): checked on the source and in fresh interpreters."""

import ast
from pathlib import Path

import pytest

import mechgui

PACKAGE = Path(mechgui.__file__).parent


def imports_of_node(node: ast.AST, path: Path) -> list[str]:
    """The module names one import statement of ``path`` imports (relative ones resolved)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            parts = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-node.level]
            base = ".".join(parts + ((base,) if base else ()))
        return [base]
    return []


def imports_of(path: Path) -> list[str]:
    """Every module name a source file imports, anywhere in it."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [name for node in ast.walk(tree) for name in imports_of_node(node, path)]


def test_pacing_is_pure():
    """The pacing decides from numbers alone: no Qt, no threads, no clock of its own."""
    names = imports_of(PACKAGE / "app" / "pacing.py")
    assert not [n for n in names if n.split(".")[0] in ("PySide6", "pyqtgraph", "threading",
                                                         "time", "mechgui")], names


def test_the_engine_never_imports_the_app_or_the_command_line():
    offenders = [f"{p.relative_to(PACKAGE)}: {n}" for p in sorted((PACKAGE / "engine").rglob("*.py"))
                 for n in imports_of(p) if n.startswith(("mechgui.app", "mechgui.cli"))]
    assert not offenders, offenders


def test_the_sweep_engine_imports_neither_qt_nor_the_app():
    """mechgui.explore plans and runs sweeps for the CLI and the window alike: no Qt, no
    pyqtgraph, nothing of the window or the command line (and the engine never imports it)."""
    offenders = [f"{p.relative_to(PACKAGE)}: {n}" for p in sorted((PACKAGE / "explore").rglob("*.py"))
                 for n in imports_of(p)
                 if n.split(".")[0] in ("PySide6", "pyqtgraph", "shiboken6")
                 or n.startswith(("mechgui.app", "mechgui.cli"))]
    offenders += [f"{p.relative_to(PACKAGE)}: {n}" for p in sorted((PACKAGE / "engine").rglob("*.py"))
                  for n in imports_of(p) if n.startswith("mechgui.explore")]
    assert not offenders, offenders


def test_workspaces_import_neither_qt_nor_the_app_and_the_engine_never_imports_them():
    """mechgui.workspace reads and writes workspaces for the CLI and the window alike: no Qt,
    no pyqtgraph, nothing of the window or the command line (and the engine never imports
    it); torch only inside the calls that load or save the GAN's networks."""
    offenders = [f"{p.relative_to(PACKAGE)}: {n}" for p in sorted((PACKAGE / "workspace").rglob("*.py"))
                 for n in imports_of(p)
                 if n.split(".")[0] in ("PySide6", "pyqtgraph", "shiboken6")
                 or n.startswith(("mechgui.app", "mechgui.cli"))]
    offenders += [f"{p.relative_to(PACKAGE)}: {n}" for p in sorted((PACKAGE / "engine").rglob("*.py"))
                  for n in imports_of(p) if n.startswith("mechgui.workspace")]
    assert not offenders, offenders


def test_reading_a_workspace_loads_no_engine_libraries(python):
    """Opening a workspace checks every tab's parameters through their declarations alone:
    no torch, numba or Qt (the window reads it off its thread, the engines load theirs)."""
    code = ("import sys\nfrom mechgui.engine.resources import resource_path\n"
            "from mechgui.workspace import read_workspace, workspace_text\n"
            "opened = read_workspace(resource_path('workspaces', 'chapter4-lecture.toml'))\n"
            "assert not opened.refused\nworkspace_text(opened.workspace)\n"
            "print(','.join(m for m in sys.modules if m.split('.')[0] in "
            "('torch', 'numba', 'PySide6', 'pyqtgraph')))\n")
    assert python(code).strip() == ""


def test_listing_metrics_and_planning_a_sweep_load_no_engine_libraries(python):
    """Metrics are declared beside the parameters: listing them (a form, --help) and
    planning a sweep load no torch, numba or Qt; the workers load those."""
    code = ("import sys\nfrom mechgui.engine.metrics import metrics_for\n"
            "from mechgui.explore import build_sweep\n"
            "for m in ('maxnet', 'mexican_hat', 'hamming', 'som', 'gan'):\n"
            "    metrics_for(m)\n"
            "build_sweep('gan', vary=['lr_g=1e-4:1e-2:3:log', 'k=1,2'])\n"
            "build_sweep('som', vary=['learning_rate=0.1:0.5:3'])\n"
            "print(','.join(m for m in sys.modules if m.split('.')[0] in "
            "('torch', 'numba', 'PySide6', 'pyqtgraph')))\n")
    assert python(code).strip() == ""


def test_the_window_never_imports_torch_or_numba_at_module_level():
    """Torch and numba load on engine threads (inside the functions that run there):
    imported on the GUI thread they freeze the window for seconds."""
    offenders = []
    for path in sorted((PACKAGE / "app").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in tree.body:  # module level only
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for name in imports_of_node(node, path):
                    if name.split(".")[0] in ("torch", "numba") or name.startswith(
                            ("mechgui.engine.gan.model", "mechgui.engine.gan.passes",
                             "mechgui.engine.gan.networks", "mechgui.engine.som.kernels")):
                        offenders.append(f"{path.relative_to(PACKAGE)}: {name}")
    assert not offenders, offenders


@pytest.mark.parametrize("model", ["maxnet", "mexican_hat", "hamming", "som", "gan"])
def test_a_models_parameters_load_without_its_engines_libraries(python, model):
    code = ("import sys\nfrom mechgui.engine import params_class\n"
            f"params_class({model!r})().to_dict()\n"
            "print(','.join(m for m in sys.modules if m.split('.')[0] in "
            "('torch', 'numba', 'PySide6')))\n")
    assert python(code).strip() == ""


def test_every_tab_builds_without_importing_torch_on_the_gui_thread(python):
    """Building every panel (its form, plots and controls) loads no torch or numba: those
    load on the engine threads, where they cannot freeze the window."""
    code = ("import os, sys\nos.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
            "from PySide6.QtWidgets import QApplication\napp = QApplication([])\n"
            "from mechgui.app.main_window import TABS\nimport importlib\n"
            "for _, _, target in TABS:\n"
            "    module, _, cls = target.partition(':')\n"
            "    getattr(importlib.import_module(module), cls)()\n"
            "print(','.join(m for m in sys.modules if m.split('.')[0] in ('torch', 'numba')))\n")
    out = python(code)
    assert out.strip().splitlines()[-1:] in ([], [""]), out
