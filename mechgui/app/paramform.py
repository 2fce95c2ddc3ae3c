"""A parameter form generated from a mechanism's declarations.

Every declared parameter gets an editor chosen by its spec — a spin box with
the declared bounds for a number, a combo box for a choice, a check box for a
flag, a text editor for a vector or matrix — with the one-line help as its
tooltip.  Edits are validated by the parameter set itself
(:meth:`ParamSet.replace`), so the form refuses exactly what the engine, the
CLI and the API refuse, with the same message, shown under the field it names.
A refused edit leaves the form's last good parameters in force.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mechgui.engine import ParameterError, ParamSet
from mechgui.engine.params import ArraySpec, ChoiceSpec, FlagSpec, NumberSpec, Spec

__all__ = ["ParamForm", "MatrixEdit"]

_INT_LIMIT = 2**31 - 1


class MatrixEdit(QPlainTextEdit):
    """A matrix editor, one row per line; commits on focus-out or Ctrl+Return."""

    committed = Signal()

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
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self._commit()

    def _commit(self) -> None:
        if self._dirty:
            self._dirty = False
            self.committed.emit()


class ParamForm(QWidget):
    """Editors for one :class:`ParamSet` class.

    ``paramsEdited(object)`` carries a new, valid parameter set after each
    accepted edit; :meth:`set_params` shows parameters from elsewhere (a
    preset, the engine) without emitting.
    """

    paramsEdited = Signal(object)

    def __init__(self, params: ParamSet, parent: QWidget | None = None,
                 hidden: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self.params = params
        self._editors: dict[str, QWidget] = {}
        self._errors: dict[str, QLabel] = {}
        self._specs: dict[str, Spec] = {}
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for spec in type(params).specs():
            if spec.name in hidden:
                continue
            editor = self._make_editor(spec)
            editor.setObjectName(f"param-{spec.name}")
            tip = f"<b>{spec.name}</b>: {spec.help}<br>allowed: {spec.allowed()}"
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
            layout.addRow(label, box)
            self._editors[spec.name] = editor
            self._errors[spec.name] = error
            self._specs[spec.name] = spec
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

    def set_params(self, params: ParamSet) -> None:
        """Show ``params`` (validated elsewhere) and clear any message."""
        self.params = params
        self._clear_errors()
        self._show(params)

    def submit(self, name: str, value: Any) -> bool:
        """Validate one change like an edit in the form would; True if accepted."""
        try:
            new = self.params.replace(**{name: value})
        except ParameterError as exc:
            self._clear_errors()
            target = exc.name if exc.name in self._errors else name
            if target in self._errors:
                self._errors[target].setText(str(exc))
                self._errors[target].show()
            self._show(self.params, only=name, keep_text=True)
            return False
        self._clear_errors()
        if not new.changed(self.params):
            return True
        self.params = new
        self._show(new, skip=name)
        self.paramsEdited.emit(new)
        return True

    # -- editors -------------------------------------------------------------------
    def _make_editor(self, spec: Spec) -> QWidget:
        name = spec.name
        if isinstance(spec, NumberSpec):
            return self._number_editor(spec)
        if isinstance(spec, ChoiceSpec):
            combo = QComboBox()
            combo.addItems(list(spec.choices))
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
            combo.currentTextChanged.connect(lambda text, n=name: self.submit(n, text))
            return combo
        if isinstance(spec, FlagSpec):
            box = QCheckBox()
            box.toggled.connect(lambda on, n=name: self.submit(n, on))
            return box
        if isinstance(spec, ArraySpec):
            if spec.ndim == 1:
                line = QLineEdit()
                line.setPlaceholderText("numbers separated by commas")
                line.editingFinished.connect(lambda n=name, w=line: self._submit_text(n, w.text()))
                return line
            edit = MatrixEdit()
            edit.setPlaceholderText("one row per line, numbers separated by commas")
            edit.committed.connect(lambda n=name, w=edit: self._submit_text(n, w.toPlainText()))
            return edit
        line = QLineEdit()
        line.editingFinished.connect(lambda n=name, w=line: self._submit_text(n, w.text()))
        return line

    def _number_editor(self, spec: NumberSpec) -> QAbstractSpinBox:
        low = spec.low if spec.low is not None else -1e9
        high = spec.high if spec.high is not None else 1e9
        if spec.integer:
            box: QAbstractSpinBox = QSpinBox()
            low_i = int(max(math.ceil(low), -_INT_LIMIT))
            high_i = int(min(math.floor(high), _INT_LIMIT))
            if spec.optional:
                box.setSpecialValueText("auto")
                low_i -= 1
            box.setRange(low_i, high_i)
            box.setSingleStep(int(spec.step or 1))
        else:
            box = QDoubleSpinBox()
            box.setDecimals(spec.decimals)
            step = spec.step or 10 ** (1 - spec.decimals) * 10
            if spec.optional:
                box.setSpecialValueText("auto")
                low -= step
            box.setRange(low, high)
            box.setSingleStep(step)
        box.setKeyboardTracking(False)
        box.setAccelerated(True)
        box.valueChanged.connect(lambda value, s=spec, b=box: self._submit_number(s, b, value))
        return box

    def _submit_number(self, spec: NumberSpec, box: QAbstractSpinBox, value: float) -> None:
        if spec.optional and value == box.minimum():
            self.submit(spec.name, None)
        else:
            self.submit(spec.name, int(value) if spec.integer else float(value))

    def _submit_text(self, name: str, text: str) -> None:
        self.submit(name, text if text.strip() else "")

    # -- showing values --------------------------------------------------------------
    def _show(self, params: ParamSet, only: str | None = None, skip: str | None = None,
              keep_text: bool = False) -> None:
        for name, editor in self._editors.items():
            if (only is not None and name != only) or name == skip:
                continue
            spec = self._specs[name]
            value = getattr(params, name)
            editor.blockSignals(True)
            try:
                if isinstance(editor, (QSpinBox, QDoubleSpinBox)):
                    editor.setValue(editor.minimum() if value is None else value)
                elif isinstance(editor, QComboBox):
                    editor.setCurrentText(str(value))
                elif isinstance(editor, QCheckBox):
                    editor.setChecked(bool(value))
                elif isinstance(editor, MatrixEdit):
                    if not keep_text:
                        editor.set_text(_matrix_text(value))
                elif isinstance(editor, QLineEdit):
                    if not keep_text:
                        editor.setText(spec.format(value))
            finally:
                editor.blockSignals(False)

    def _clear_errors(self) -> None:
        for label in self._errors.values():
            label.clear()
            label.hide()


def _matrix_text(value: Any) -> str:
    arr = np.asarray(value)
    if arr.ndim != 2:
        return ""
    def num(x: float) -> str:
        return str(int(x)) if float(x).is_integer() else f"{x:g}"
    return "\n".join(", ".join(num(x) for x in row) for row in arr)
