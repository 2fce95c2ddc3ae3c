"""The SOM tab's own controls under the parameter form: what Step takes, the map's
colouring, labels, glyphs and motion trace, drawing data or loading a CSV file.
The panel connects them."""

from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QGridLayout, QGroupBox, QHBoxLayout,
                               QLabel, QProgressBar, QPushButton)

__all__ = ["SOMControls"]


class SOMControls(QGroupBox):
    """The widgets, laid out; :meth:`show_draw_state` keeps the drawing buttons current."""

    def __init__(self, max_trace_speed: float) -> None:
        super().__init__("View and data")
        grid = QGridLayout(self)
        grid.addWidget(QLabel("Step ▸ takes"), 0, 0)
        self.granularity = QComboBox()
        self.granularity.setObjectName("step-granularity")
        self.granularity.addItem("one sample", "sample")
        self.granularity.addItem("one epoch", "epoch")
        self.granularity.setToolTip("One press of Step presents one input vector, or the rest of "
                                    "the current epoch")
        grid.addWidget(self.granularity, 0, 1)
        grid.addWidget(QLabel("map colour"), 1, 0)
        self.colouring = QComboBox()
        self.colouring.setObjectName("map-colouring")
        self.colouring.setToolTip("U-matrix: mean distance to the neighbours' weights (dark: "
                                  "close); hit count; quantization error per unit; or the value "
                                  "of one weight component")
        grid.addWidget(self.colouring, 1, 1)
        self.labels_check = QCheckBox("labels of the inputs each unit wins")
        self.labels_check.setChecked(True)
        grid.addWidget(self.labels_check, 2, 0, 1, 2)
        self.glyphs_check = QCheckBox("weight vectors as glyphs (letters)")
        self.glyphs_check.setChecked(True)
        grid.addWidget(self.glyphs_check, 3, 0, 1, 2)
        self.trace_check = QCheckBox("motion trace")
        self.trace_check.setToolTip("Each unit's path over the last frames (at up to "
                                    f"{max_trace_speed:g} steps/s; faster, frames are too far "
                                    "apart)")
        self.trace_check.setChecked(True)
        grid.addWidget(self.trace_check, 4, 0, 1, 2)

        row = QHBoxLayout()
        self.draw_button = QPushButton("✎ Draw data")
        self.draw_button.setObjectName("draw-data")
        self.draw_button.setCheckable(True)
        self.draw_button.setToolTip("Click or drag on the input space to place points, then "
                                    "train on them")
        row.addWidget(self.draw_button)
        self.load_button = QPushButton("Load CSV…")
        self.load_button.setObjectName("load-csv")
        self.load_button.setToolTip("Input vectors from a CSV file, one per line (a label "
                                    "column is allowed)")
        row.addWidget(self.load_button)
        grid.addLayout(row, 5, 0, 1, 2)
        self.csv_progress = QProgressBar()  # shown while a CSV file is read
        self.csv_progress.setObjectName("csv-progress")
        self.csv_progress.setRange(0, 100)
        self.csv_progress.setFormat("reading … %p%")
        self.csv_progress.hide()
        grid.addWidget(self.csv_progress, 8, 0, 1, 2)
        row = QHBoxLayout()
        self.use_drawn_button = QPushButton("Train on drawn points")
        self.use_drawn_button.setObjectName("use-drawn")
        row.addWidget(self.use_drawn_button)
        self.clear_drawn_button = QPushButton("Clear")
        row.addWidget(self.clear_drawn_button)
        grid.addLayout(row, 6, 0, 1, 2)
        self.draw_hint = QLabel()
        self.draw_hint.setWordWrap(True)
        grid.addWidget(self.draw_hint, 7, 0, 1, 2)
        self.show_draw_state(False, 0)

    def show_reading(self, share: float | None) -> None:
        """The CSV reading's progress (a share of the file), or None when none runs."""
        if share is None:
            self.csv_progress.hide()
            return
        self.csv_progress.setValue(round(100 * share))
        self.csv_progress.show()

    def show_draw_state(self, drawing: bool, count: int) -> None:
        """The drawing buttons and hint for ``count`` points drawn, in draw mode or not."""
        self.use_drawn_button.setEnabled(drawing and count > 0)
        self.clear_drawn_button.setEnabled(drawing and count > 0)
        self.use_drawn_button.setText(f"Train on {count} drawn point{'s' if count != 1 else ''}")
        self.draw_hint.setText("Click or drag on the input space to add points." if drawing else
                               "Draw your own 2-D data, or load vectors from a CSV file.")
