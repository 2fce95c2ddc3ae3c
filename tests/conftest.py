"""Test configuration.

Qt runs offscreen, so the suite needs no display, and settings go to a
throw-away folder.  An autouse fixture fails any test that leaves an engine
thread running, a window open, an exception in an engine thread, or an error
while drawing a snapshot.
"""

import os
import sys
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="mechgui-test-config-")
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="mechgui-test-data-")  # the log file


@pytest.fixture
def window(qtbot, tmp_path):
    """The main window as on a first start (fresh settings, the first tab), shown and
    active, so that keys reach it; closed at the end."""
    from PySide6.QtCore import QSettings

    from mechgui.app import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    main = MainWindow(settings=settings)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    yield main
    main.close()


#: How long a wait for something the window must do gives up, unless a test says: the
#: deadline of a test, not a bound on how fast it happens (that is for benchmarks/).  A
#: machine whose cores are kept busy by other work can take many times the idle time.
DEADLINE_MS = 60_000


@pytest.fixture
def qtbot(qtbot):
    """pytest-qt's ``qtbot``, whose waits give up after :data:`DEADLINE_MS` instead of 5 s."""
    for name in ("waitUntil", "waitSignal", "waitSignals", "waitExposed", "waitActive",
                 "waitCallback"):
        wait = getattr(qtbot, name)

        def patient(*args, _wait=wait, timeout=DEADLINE_MS, **kwargs):
            return _wait(*args, timeout=timeout, **kwargs)

        setattr(qtbot, name, patient)
    return qtbot


@pytest.fixture
def python():
    """Runs code in a fresh interpreter (what a module imports is seen there alone);
    returns its standard output and fails the test on a non-zero exit."""
    import subprocess

    def run(code: str, timeout: float = 120, env: dict | None = None) -> str:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=timeout, env=env)
        assert out.returncode == 0, out.stderr
        return out.stdout

    return run


def _shown_windows(app) -> list:
    """The top-level widgets still shown.  (No collection can free one of them while
    they are listed: the session's collector runs only from the GUI thread's timer.)"""
    return [widget for widget in app.topLevelWidgets() if widget.isVisible()]


@pytest.fixture(scope="session", autouse=True)
def no_error_dialogs():
    """A bug fails its test (the checks below) rather than open a dialog that waits."""
    from mechgui.app.errors import ErrorReporter

    ErrorReporter.DIALOGS = False


@pytest.fixture(scope="session", autouse=True)
def gui_thread_collector(qapp):
    """As in the app, Python's garbage collector runs on the GUI thread only: an
    automatic collection on an engine thread could free a Qt object there (a widget
    or plot item of an earlier test) and deadlock with the GUI thread or crash."""
    from mechgui.app.interpreter import GuiThreadCollector

    collector = GuiThreadCollector(qapp)
    yield collector
    collector.stop()


@pytest.fixture(autouse=True)
def qt_leftovers(request, gui_thread_collector):
    """Fail a test that leaves threads, windows or swallowed errors behind."""
    runner_module = sys.modules.get("mechgui.app.runner")
    before = set(map(id, runner_module.all_runners())) if runner_module else set()
    yield
    gui_thread_collector.collect()  # tests without an event loop collect here
    runner_module = sys.modules.get("mechgui.app.runner")
    if runner_module is None:
        return
    from PySide6.QtWidgets import QApplication

    from mechgui.app.panel import all_panels

    app = QApplication.instance()
    windows = _shown_windows(app) if app else []
    for window in windows:
        window.close()
    leftovers = runner_module.live_runners()
    for runner in leftovers:
        runner.shutdown()
    expected = request.node.get_closest_marker("engine_errors") is not None
    errors = [] if expected else [e.details for r in runner_module.all_runners()
                                  if id(r) not in before for e in r.errors]
    drawing = [e for p in all_panels() for e in p.render_errors]
    for panel in all_panels():
        panel.render_errors.clear()
    assert not leftovers, f"engine threads left running: {leftovers}"
    assert not windows, f"windows left open: {[w.windowTitle() for w in windows]}"
    assert not errors, "exception in an engine thread:\n" + "\n".join(errors)
    assert not drawing, "exception while drawing a snapshot:\n" + "\n".join(drawing)
