"""Bugs reach a dialog and a log file, never the terminal; a failed save says so."""

import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from mechgui.app import errors
from mechgui.files import SaveError, write_atomically

pytestmark = pytest.mark.gui


def test_a_bug_opens_one_dialog_with_the_details_and_where_the_log_is(qtbot, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setattr(errors, "log_file", lambda: tmp_path / "mechgui.log")
    monkeypatch.setattr(errors.ErrorReporter, "DIALOGS", True)
    for handler in list(errors._log.handlers):
        errors._log.removeHandler(handler)
    reporter = errors.ErrorReporter()
    reporter.report("drawing: ZeroDivisionError: division by zero", "Traceback …\nZeroDivisionError")
    reporter.report("a second one, while the first is open", "…")
    box = None

    def dialog_open():
        nonlocal box
        box = next((w for w in QApplication.topLevelWidgets()
                    if isinstance(w, QMessageBox) and w.isVisible()), None)
        return box is not None

    qtbot.waitUntil(dialog_open)
    assert "ZeroDivisionError" in box.text() and str(tmp_path / "mechgui.log") in box.text()
    assert box.detailedText() == "Traceback …\nZeroDivisionError"
    copy = next(b for b in box.buttons() if b.text() == "Copy details")
    qtbot.mouseClick(copy, Qt.MouseButton.LeftButton)
    assert "ZeroDivisionError" in QApplication.clipboard().text()
    assert box.isVisible()  # copying does not close it
    open_boxes = [w for w in QApplication.topLevelWidgets()
                  if isinstance(w, QMessageBox) and w.isVisible()]
    assert len(open_boxes) == 1  # the second report did not stack a second dialog
    box.close()
    text = (tmp_path / "mechgui.log").read_text(encoding="utf-8")
    assert "ZeroDivisionError" in text and "a second one" in text
    for handler in list(errors._log.handlers):
        errors._log.removeHandler(handler)
        handler.close()


def test_uncaught_exceptions_go_to_the_reporter_not_the_terminal(qtbot, capsys, monkeypatch):
    import sys
    import threading

    reporter = errors.ErrorReporter()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    errors.use(reporter)
    errors.install()
    try:
        raise RuntimeError("in a slot")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    worker = threading.Thread(target=lambda: 1 / 0)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(reporter.reports) == 2)
    errors.use(None)
    assert "RuntimeError: in a slot" in reporter.reports[0][0]
    assert "ZeroDivisionError" in reporter.reports[1][0]
    assert "Traceback" not in capsys.readouterr().err


def test_writing_atomically_leaves_the_old_file_when_it_fails(tmp_path, monkeypatch):
    import errno

    path = tmp_path / "kept.json"
    path.write_text("old", encoding="utf-8")
    write_atomically(path, "new")
    assert path.read_text(encoding="utf-8") == "new"

    def full_disk(*args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full_disk)  # the disk fills while the new file is written
    with pytest.raises(SaveError, match="could not write .*No space left"):
        write_atomically(path, "newer")
    assert path.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.json"]  # no temporary left
    with pytest.raises(SaveError, match="could not write"):  # a folder that is a file
        write_atomically(path / "inside.json", "x")


def test_saving_a_snapshot_where_it_cannot_be_written_says_so(window, qtbot, tmp_path,
                                                            monkeypatch):
    panel = window.panel()
    qtbot.waitUntil(lambda: panel.snapshot is not None)
    target = tmp_path / "missing-folder" / "maxnet.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: getattr(window, "last_warning", None) is not None
                    and window.last_warning.isVisible())
    assert "Nothing was saved" in window.last_warning.text()
    assert str(target) in window.last_warning.text()
    window.last_warning.close()
    good = tmp_path / "maxnet.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(good), ""))
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(good.exists)
    assert '"model": "maxnet"' in good.read_text(encoding="utf-8")


def test_a_drawing_bug_is_reported_once_and_the_tab_keeps_working(window, qtbot, monkeypatch):
    """A render that raises reaches the error dialog once (not once a frame), naming the
    tab; the step counter goes on, and a later good frame is drawn."""
    panel = window.panel()
    qtbot.waitUntil(lambda: panel.snapshot is not None)
    render = type(panel).render
    broken = [True]

    def render_or_fail(self, snap):
        if broken[0]:
            raise ZeroDivisionError("division by zero")
        render(self, snap)

    monkeypatch.setattr(type(panel), "render", render_or_fail)
    for step in (1, 2):  # two frames, each drawn (and failing) before the next step
        qtbot.keyClick(window, Qt.Key.Key_Right)
        qtbot.waitUntil(lambda s=step: panel.transport.step_label.text() == f"step {s}")
    assert len(window.errors.reports) == 1
    summary, details = window.errors.reports[0]
    assert summary == "Drawing the MaxNet tab failed: ZeroDivisionError: division by zero"
    assert "render_or_fail" in details
    broken[0] = False
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: panel.transport.step_label.text() == "step 3")
    assert len(panel.render_errors) == 2  # the two failed frames; the third drew
    panel.render_errors.clear()
    window.errors.reports.clear()
