"""A parameter form generated from a mechanism's declarations.

Every declared parameter gets an editor chosen by its spec: a number field (typed text,
↑/↓ or the wheel while focused step it), a combo box for a choice, a check box for a
flag, a text field for a vector or a matrix; its help is the tooltip.  An edit is
validated by the parameter set itself (:meth:`ParamSet.replace`), so the form refuses
what the engine, the CLI and the API refuse, with the same reason, naming the field by
the label the user sees.  A refused text stays in its field with its message until it
is fixed or reverted (Escape); nothing is changed silently.  Only the parameters that
apply under the others (:attr:`Spec.applies`) are shown.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from mechgui.engine import ParameterError, ParamSet
from mechgui.engine.params import ArraySpec, ChoiceSpec, FlagSpec, NumberSpec, Spec

__all__ = ["ParamForm", "MatrixEdit", "NumberEdit", "user_message"]

#: Steps of ↑/↓ that PageUp/PageDown take.
PAGE_STEPS = 10


def user_message(error: ParameterError, params: type[ParamSet]) -> str:
    """``error`` for a person: the parameter named by its label."""
    try:
        label = params.spec(error.name).display_name
    except ParameterError:
        label = error.name
    return error.labelled(label)


class TextEdit(QLineEdit):
    """A text field (a vector, say): Enter commits it and hands the keyboard back to the
    window; Escape reverts it (the form shows the value in force) and does the same;
    leaving it commits what was typed."""

    committed = Signal()
    reverted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.returnPressed.connect(self._enter)

    @Slot()
    def _enter(self) -> None:
        self.setModified(False)
        self.committed.emit()
        self.clearFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.reverted.emit()
            self.clearFocus()
        else:
            super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        if self.isModified():
            self.setModified(False)
            self.committed.emit()


class NumberEdit(TextEdit):
    """A number as typed, checked as typed (never clamped); ↑/↓, PageUp/PageDown and the
    wheel (only while the field has the keyboard) step it by the declared increment."""

    def __init__(self, spec: NumberSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._spec = spec

    def value(self) -> Any:
        """The number shown, or None (auto, or text that is not a number)."""
        try:
            return self._spec.parse(self.text())
        except ParameterError:
            return None

    def step_by(self, steps: int) -> None:
        """Add ``steps`` increments and commit; a step that would leave the bounds is not taken."""
        spec = self._spec
        current = self.value()
        if current is None:
            current = spec.low if spec.low is not None and not spec.low_open else 0
        value = round(current + steps * (spec.step or 1), spec.decimals)
        try:
            value = spec.coerce(int(value) if spec.integer else value)
        except ParameterError:
            return
        self.setText(spec.format(value))
        self.committed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        steps = {Qt.Key.Key_Up: 1, Qt.Key.Key_Down: -1, Qt.Key.Key_PageUp: PAGE_STEPS,
                 Qt.Key.Key_PageDown: -PAGE_STEPS}.get(event.key())
        if steps is not None:
            self.step_by(steps)
        else:
            super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if not self.hasFocus():
            event.ignore()  # the side panel scrolls instead
            return
        turns = event.angleDelta().y() // 120
        if turns:
            self.step_by(turns)
        event.accept()


class MatrixEdit(QPlainTextEdit):
    """A matrix editor, one row per line; Ctrl+Enter (or leaving it) commits, Escape reverts."""

    committed = Signal()
    reverted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setMaximumHeight(120)
        self._dirty = False
        self.textChanged.connect(self._mark)

    @Slot()
    def _mark(self) -> None:
        self._dirty = True

    def set_text(self, text: str) -> None:
        self.blockSignals(True)
        self.setPlainText(text)
        self.blockSignals(False)
        self._dirty = False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._commit()
            self.clearFocus()
            return
        if event.key() == Qt.Key.Key_Escape:
            self._dirty = False
            self.reverted.emit()
            self.clearFocus()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self._commit()

    def _commit(self) -> None:
        if self._dirty:
            self._dirty = False
            self.committed.emit()


class _WheelOnlyWhenFocused(QObject):
    """Lets a wheel turn reach a combo box only while it has the keyboard."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and not watched.hasFocus():  # type: ignore[attr-defined]
            event.ignore()
            return True
        return False


class ParamForm(QWidget):
    """Editors for one :class:`ParamSet` class.

    ``paramsEdited(object)`` carries a new, valid parameter set after each accepted
    edit; :meth:`set_params` shows parameters from elsewhere (a preset, the engine)
    without emitting.
    """

    paramsEdited = Signal(object)

    def __init__(self, params: ParamSet, parent: QWidget | None = None,
                 hidden: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self.params = params
        self._editors: dict[str, QWidget] = {}
        self._rows: dict[str, tuple[QLabel, QWidget]] = {}
        self._errors: dict[str, QLabel] = {}
        self._specs: dict[str, Spec] = {}
        #: Fields holding text that was refused, with the message shown under them.
        self._refused: dict[str, str] = {}
        self._wheel_guard = _WheelOnlyWhenFocused(self)
        self._layout = QFormLayout(self)
        self._layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for spec in type(params).specs():
            if spec.name not in hidden:
                self._add_row(spec)
        self._show(params)

    # -- public ------------------------------------------------------------------
    def editor(self, name: str) -> QWidget:
        return self._editors[name]

    def error_text(self, name: str) -> str:
        """The message shown under ``name`` ('' when none)."""
        label = self._errors.get(name)
        return label.text() if label is not None and not label.isHidden() else ""

    def errors(self) -> dict[str, str]:
        return {n: lab.text() for n, lab in self._errors.items() if not lab.isHidden()}

    def is_shown(self, name: str) -> bool:
        """Whether ``name``'s row is shown (it applies under the other values)."""
        return name in self._rows and not self._rows[name][1].isHidden()

    def set_params(self, params: ParamSet) -> None:
        """Show ``params`` (validated elsewhere) and clear every message."""
        self.params = params
        self._refused.clear()
        self._show(params)

    def submit(self, name: str, value: Any) -> bool:
        """Validate one change like an edit in the form would; True if accepted."""
        try:
            new = self.params.replace(**{name: value})
        except ParameterError as exc:
            self._refuse(name, exc)
            return False
        self._refused.pop(name, None)
        changed = bool(new.changed(self.params))
        self.params = new
        self._show(new, skip=name)
        if changed:
            self.paramsEdited.emit(new)
        return True

    def revert(self, name: str) -> None:
        """Show the value in force again in ``name``'s editor, and drop its message."""
        self._refused.pop(name, None)
        self._show(self.params)

    # -- editors -------------------------------------------------------------------
    def _add_row(self, spec: Spec) -> None:
        editor = self._make_editor(spec)
        editor.setObjectName(f"param-{spec.name}")
        when = spec.applies_text()
        tip = (f"<b>{spec.display_name}</b> ({spec.name}): {spec.help}<br>allowed: "
               f"{spec.allowed()}" + (f"<br>applies when {when}" if when else ""))
        editor.setToolTip(tip)
        label = QLabel(spec.display_name)
        label.setToolTip(tip)
        error = QLabel()
        error.setObjectName(f"error-{spec.name}")
        error.setWordWrap(True)
        error.setStyleSheet("color: #B03A00;")
        error.hide()
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        col.addWidget(editor)
        col.addWidget(error)
        self._layout.addRow(label, box)
        self._editors[spec.name] = editor
        self._rows[spec.name] = (label, box)
        self._errors[spec.name] = error
        self._specs[spec.name] = spec

    def _make_editor(self, spec: Spec) -> QWidget:
        name = spec.name
        if isinstance(spec, ChoiceSpec):
            combo = QComboBox()
            combo.addItems(list(spec.choices))
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
            combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            combo.installEventFilter(self._wheel_guard)
            combo.currentTextChanged.connect(lambda text, n=name: self.submit(n, text))
            return combo
        if isinstance(spec, FlagSpec):
            box = QCheckBox()
            box.toggled.connect(lambda on, n=name: self.submit(n, on))
            return box
        if isinstance(spec, NumberSpec):
            editor: QWidget = NumberEdit(spec)
        elif isinstance(spec, ArraySpec) and spec.ndim == 2:
            editor = MatrixEdit()
            editor.setPlaceholderText("one row per line, numbers separated by commas")
        else:
            editor = TextEdit()
            if isinstance(spec, ArraySpec):
                editor.setPlaceholderText("numbers separated by commas")
        editor.committed.connect(lambda n=name: self._submit_text(n))
        editor.reverted.connect(lambda n=name: self.revert(n))
        return editor

    def _submit_text(self, name: str) -> None:
        editor = self._editors[name]
        text = editor.toPlainText() if isinstance(editor, MatrixEdit) else editor.text()
        self.submit(name, text if text.strip() else "")

    def _refuse(self, name: str, error: ParameterError) -> None:
        """Show why ``name``'s new value was refused, under the field the reason names (a
        rule between two fields may name the other, shown then even if it did not apply);
        a text field keeps its text."""
        target = error.name if error.name in self._editors else name
        if target != name:
            self._refused.pop(name, None)
        self._refused[target] = user_message(error, type(self.params))
        self._show(self.params)

    # -- showing values --------------------------------------------------------------
    def _show(self, params: ParamSet, skip: str | None = None) -> None:
        """Editors, messages and shown rows for ``params``; a field holding refused text
        keeps it (and ``skip``, the field just edited, keeps what was typed)."""
        for name, editor in self._editors.items():
            holds_text = isinstance(editor, (QLineEdit, MatrixEdit))
            if name != skip and not (holds_text and name in self._refused):
                self._show_value(editor, self._specs[name], getattr(params, name))
            message = self._refused.get(name, "")
            self._errors[name].setText(message)
            self._errors[name].setVisible(bool(message))
            if not holds_text and name in self._refused:
                del self._refused[name]  # a choice reverts at once; its message goes next time
        for name, (_, box) in self._rows.items():
            self._layout.setRowVisible(box, params.applies(name) or name in self._refused)

    @staticmethod
    def _show_value(editor: QWidget, spec: Spec, value: Any) -> None:
        editor.blockSignals(True)
        try:
            if isinstance(editor, QComboBox):
                editor.setCurrentText(str(value))
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, MatrixEdit):
                editor.set_text(_matrix_text(value))
            elif isinstance(editor, QLineEdit):
                editor.setText(spec.format(value))
                editor.setModified(False)
        finally:
            editor.blockSignals(False)


def _matrix_text(value: Any) -> str:
    arr = np.asarray(value)
    if arr.ndim != 2:
        return ""

    def num(x: float) -> str:
        return str(int(x)) if float(x).is_integer() else f"{x:g}"
    return "\n".join(", ".join(num(x) for x in row) for row in arr)
