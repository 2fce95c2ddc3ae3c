"""The GAN's model overview beside the plane: z → G → G(z) and x into D → D(x) → the two
losses, each loss's update going back to its network (dashed).

The network the last update trained lights up in its colour with its loss, the frozen one
is greyed (from the snapshot's ``last_update``: slow motion's passes, Step D, Step G).  A
click on a part selects it (the formula strip explains it) and, where the part is one of
the plane's layers, shows or hides that layer; Tab and Shift+Tab move the selection from
part to part (then on to the next widget), Return shows or hides the selected part's layer
and Escape clears the selection.  Everything is painted, the selection included, so a
screenshot of the window shows it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (QBrush, QColor, QFocusEvent, QFont, QFontMetricsF, QKeyEvent,
                           QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen, QPolygonF)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ...theme import NORMAL, Theme
from .formulas import NODE_KEYS, NODE_LAYERS

__all__ = ["ModelOverview", "NODE_CELLS", "STATE_WORDS", "lit_and_frozen"]

#: Each part's cell (column, row) in the drawing.
NODE_CELLS = {"z": (0, 0), "x": (2, 0), "G": (0, 1), "G(z)": (0, 2), "D": (1, 2),
              "D(x)": (1, 3), "loss_g": (0, 3), "loss_d": (2, 3)}
#: The arrows of the data's way: (from, to).
_EDGES = (("z", "G"), ("G", "G(z)"), ("G(z)", "D"), ("x", "D"), ("D", "D(x)"),
          ("D(x)", "loss_g"), ("D(x)", "loss_d"))
#: Which side each part belongs to (its network's colour), None for data.
_SIDE = {"G": "G", "loss_g": "G", "D": "D", "loss_d": "D"}
#: The networks' colours (as the banner above the pages).
_COLOURS = {"D": "#0072B2", "G": "#C24E00"}
_FROZEN_FILL, _FROZEN_INK = QColor("#E6E6E6"), QColor("#8C8C8C")
_DATA_EDGE = QColor("#5A6270")
_EDGE_INK = QColor("#6E6E6E")
_SELECTED = QColor("#CC79A7")
#: The mark each layer's part carries (the colours of the plane's layers).
_LAYER_INK = {"manifold": "#0072B2", "generated": "#D55E00", "real": "#1A1A1A",
              "heatmap": "#E8A23C", "arrows": "#5A2D82"}
#: Words over the drawing by the snapshot's ``last_update``.
STATE_WORDS = {"none": "nothing trained yet", "D": "D trained · G frozen",
               "G": "G trained · D frozen", "D and G": "D, then G trained"}
#: The text in each part ("_" starts a subscript).
_LABELS = {"z": "z", "G": "G", "G(z)": "G(z)", "x": "x", "D": "D", "D(x)": "D(x)",
           "loss_d": "L_D", "loss_g": "L_G"}
_TIPS = {"z": "the noise z (click: G's noise grid on or off)",
         "G": "the generator G",
         "G(z)": "the generated samples G(z) (click: on or off)",
         "x": "the real data x (click: on or off)",
         "D": "the discriminator D",
         "D(x)": "D's output D(x) (click: D's map on or off; click the plane for D there)",
         "loss_d": "D's loss L_D",
         "loss_g": "G's loss L_G (click: its gradient arrows on or off)"}


def lit_and_frozen(last_update: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The parts lit (the networks the last update trained, with their losses) and greyed
    (the network it kept frozen, with its loss) for a snapshot's ``last_update``."""
    trained = {"D": ("D",), "G": ("G",), "D and G": ("D", "G")}.get(last_update, ())
    frozen = tuple(side for side in ("D", "G") if trained and side not in trained)
    parts = {"D": ("D", "loss_d"), "G": ("G", "loss_g")}
    return (tuple(p for side in trained for p in parts[side]),
            tuple(p for side in frozen for p in parts[side]))


class ModelOverview(QWidget):
    """The overview's drawing; ``layerToggled(layer, on)`` when a click or Return asks to show
    or hide a layer, ``selectionChanged(part or None)``."""

    layerToggled = Signal(str, bool)
    selectionChanged = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gan-overview")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.setAccessibleName("GAN model overview")
        #: The part selected (a key of NODE_CELLS) or None.
        self.selected: str | None = None
        #: The snapshot's ``last_update`` shown.
        self.last_update = "none"
        #: Whether each layer is shown in the plane.
        self.layers_shown = {layer: True for layer in NODE_LAYERS.values()}
        self._theme = NORMAL
        self._room: int | None = None  # the most width it may take (None: as it likes)
        self._points = 10.0            # its font's size, fitted to the room
        self._rects: dict[str, QRectF] = {}
        self._fit()

    # -- state ---------------------------------------------------------------------------
    def show_training(self, last_update: str) -> None:
        """Light the part the last update trained and grey the frozen one."""
        if last_update != self.last_update:
            self.last_update = last_update
            self.update()

    def lit(self) -> tuple[str, ...]:
        return lit_and_frozen(self.last_update)[0]

    def frozen(self) -> tuple[str, ...]:
        return lit_and_frozen(self.last_update)[1]

    def state_words(self) -> str:
        return STATE_WORDS.get(self.last_update, STATE_WORDS["none"])

    def set_layer_shown(self, layer: str, on: bool) -> None:
        if self.layers_shown.get(layer) != on:
            self.layers_shown[layer] = on
            self.update()

    def select(self, node: str | None) -> None:
        if node is not None and node not in NODE_CELLS:
            raise KeyError(node)
        if node != self.selected:
            self.selected = node
            self.update()
            self.selectionChanged.emit(node)

    def node_rect(self, node: str) -> QRectF:
        """Where ``node`` is drawn, in the widget's coordinates."""
        return QRectF(self._rects[node])

    def node_at(self, pos: QPointF) -> str | None:
        for node, rect in self._rects.items():
            if rect.adjusted(-3, -3, 3, 3).contains(pos):
                return node
        return None

    def toggle_layer(self, node: str) -> bool:
        """Show or hide ``node``'s layer (through ``layerToggled``); False if it has none."""
        layer = NODE_LAYERS.get(node)
        if layer is None:
            return False
        self.layerToggled.emit(layer, not self.layers_shown[layer])
        return True

    # -- size ----------------------------------------------------------------------------
    def restyle(self, theme: Theme) -> None:
        self._theme = theme
        self._fit()
        self.update()

    def set_room(self, width: int) -> None:
        """Take at most ``width`` pixels across (the font shrinks to fit, down to 7 points)."""
        if width != self._room:
            self._room = width
            self._fit()
            self.update()

    def _font(self, scale: float = 1.0, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, self._points * scale))
        font.setBold(bold)
        return font

    def _fit(self) -> None:
        """Size the parts for the theme's font (the keys' size, a point more at a desk),
        smaller where the room given is too narrow; fix the widget's width, and the least
        height it needs (rows closer together than it would like)."""
        self._points = self._theme.legend_size + (0.0 if self._theme.name == "lecture" else 1.0)
        self._measure()
        while self._room is not None and self._width > self._room and self._points > 7.0:
            self._points -= 0.5
            self._measure()
        self.setFixedWidth(self._width)
        self.setMinimumHeight(self._height(0.35))
        self.updateGeometry()
        self._place()

    def _measure(self) -> None:
        """The parts' size, the gaps and the width for the font's size now."""
        metrics = QFontMetricsF(self._font(bold=True))
        pad = metrics.height() * 0.3
        mark = metrics.height() * 0.4  # a layer's mark before the text
        width = max(metrics.horizontalAdvance(t.replace("_", "")) for t in _LABELS.values())
        self._node = QSize(round(width + 2.4 * pad + mark), round(metrics.height() + 2 * pad))
        self._col_gap = round(self._node.height() * 0.6)
        self._loop = round(self._node.height() * 0.45)  # room left of the drawing for G's loop
        header = QFontMetricsF(self._font(0.85, bold=True))
        self._top = round(header.height() * 1.5)
        w = self._loop + 3 * self._node.width() + 2 * self._col_gap + 6
        header_width = header.horizontalAdvance(STATE_WORDS["G"]) + 8
        self._width = max(w, round(header_width))

    def _height(self, gap: float) -> int:
        """The drawing's height with rows ``gap`` node heights apart."""
        node = self._node.height()
        return round(self._top + 4 * node + 3 * gap * node + 8)

    def _place(self) -> None:
        """The parts' rectangles: rows up to ¾ of a node apart, as far as the height allows,
        the drawing centred in the widget."""
        node = self._node
        room = (self.height() - self._height(0.0)) / (3 * node.height())
        gap = round(node.height() * min(0.75, max(0.35, room)))
        left = self._loop + max(0, (self.width() - self._width) // 2)
        used = self._top + 4 * node.height() + 3 * gap
        top = self._top + max(0, (self.height() - used) // 2)
        self._origin = QPointF(left, top)
        for key, (col, row) in NODE_CELLS.items():
            x = left + col * (node.width() + self._col_gap)
            y = top + row * (node.height() + gap)
            self._rects[key] = QRectF(x, y, node.width(), node.height())

    def sizeHint(self) -> QSize:
        return QSize(self._width, self._height(0.75))

    def minimumSizeHint(self) -> QSize:
        return QSize(self._width, self._height(0.35))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place()

    # -- painting ------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        lit, frozen = lit_and_frozen(self.last_update)
        self._paint_header(painter)
        width = 2.5 if self._theme.name == "lecture" else 1.5
        for a, b in _EDGES:
            self._arrow(painter, a, b, QPen(_EDGE_INK, width))
        for side, loss in (("G", "loss_g"), ("D", "loss_d")):
            colour = QColor(_COLOURS[side]) if side in lit else _FROZEN_INK
            pen = QPen(colour, width * (1.4 if side in lit else 1.0), Qt.PenStyle.DashLine)
            self._update_arrow(painter, side, loss, pen)
        for key in NODE_CELLS:
            self._paint_node(painter, key, key in lit, key in frozen)
        painter.end()

    def _paint_header(self, painter: QPainter) -> None:
        painter.setFont(self._font(0.85, bold=True))
        colour = {"D": _COLOURS["D"], "G": _COLOURS["G"], "D and G": "#00694D"}.get(
            self.last_update, "#5A6270")
        painter.setPen(QColor(colour))
        rect = QRectF(0, self._origin.y() - self._top, self.width(), self._top * 0.8)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.state_words())

    def _paint_node(self, painter: QPainter, key: str, lit: bool, frozen: bool) -> None:
        rect = self._rects[key]
        side = _SIDE.get(key)
        lecture = self._theme.name == "lecture"
        edge_width = 2.5 if lecture else 1.5
        if lit:
            fill, ink = QColor(_COLOURS[side]), QColor("white")
            edge = QPen(QColor(_COLOURS[side]).darker(130), edge_width + 1)
        elif frozen:
            fill, ink = _FROZEN_FILL, _FROZEN_INK
            edge = QPen(_FROZEN_INK, edge_width, Qt.PenStyle.DashLine)
        else:
            fill, ink = QColor("white"), QColor(self._theme.foreground)
            edge = QPen(QColor(_COLOURS[side]) if side else _DATA_EDGE, edge_width)
        layer = NODE_LAYERS.get(key)
        hidden = layer is not None and not self.layers_shown[layer]
        if hidden:  # a layer switched off: the part fades and its outline breaks
            ink = QColor(ink)
            ink.setAlphaF(0.45)
            edge.setStyle(Qt.PenStyle.DotLine)
        radius = rect.height() / 2 if side is None else rect.height() * 0.18
        painter.setPen(edge)
        painter.setBrush(QBrush(fill))
        painter.drawRoundedRect(rect, radius, radius)
        if key == self.selected:
            ring = QPen(_SELECTED, 3.5 if lecture else 2.5)
            painter.setPen(ring)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            grow = ring.widthF() + 1.5
            painter.drawRoundedRect(rect.adjusted(-grow, -grow, grow, grow), radius + grow,
                                    radius + grow)
        text_rect = QRectF(rect)
        if layer is not None:
            mark = rect.height() * 0.3
            centre = QPointF(rect.left() + rect.height() * 0.36, rect.center().y())
            painter.setPen(QPen(QColor(_LAYER_INK[layer]), 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush if hidden else QBrush(QColor(_LAYER_INK[layer])))
            painter.drawEllipse(centre, mark / 2, mark / 2)
            text_rect.setLeft(centre.x() + mark / 2)
        self._label(painter, text_rect, _LABELS[key], ink)

    def _label(self, painter: QPainter, rect: QRectF, text: str, ink: QColor) -> None:
        """``text`` centred in ``rect``, what follows "_" as a subscript."""
        main, _, sub = text.partition("_")
        font = self._font(bold=True)
        small = self._font(0.7, bold=True)
        m_main, m_small = QFontMetricsF(font), QFontMetricsF(small)
        width = m_main.horizontalAdvance(main) + (m_small.horizontalAdvance(sub) if sub else 0)
        x = rect.center().x() - width / 2
        base = rect.center().y() + (m_main.ascent() - m_main.descent()) / 2
        painter.setPen(ink)
        painter.setFont(font)
        painter.drawText(QPointF(x, base), main)
        if sub:
            painter.setFont(small)
            painter.drawText(QPointF(x + m_main.horizontalAdvance(main),
                                     base + m_small.ascent() * 0.35), sub)

    def _arrow(self, painter: QPainter, a: str, b: str, pen: QPen) -> None:
        """A straight arrow between two parts' outlines."""
        ra, rb = self._rects[a], self._rects[b]
        start, end = _edge_point(ra, rb.center()), _edge_point(rb, ra.center())
        painter.setPen(pen)
        painter.drawLine(start, end)
        _head(painter, start, end, pen)

    def _update_arrow(self, painter: QPainter, side: str, loss: str, pen: QPen) -> None:
        """The dashed way from a loss back to its network (the update)."""
        ra, rb = self._rects[loss], self._rects[side]
        path = QPainterPath()
        if side == "G":  # around the left of G(z)
            start = QPointF(ra.left(), ra.center().y())
            end = QPointF(rb.left(), rb.center().y())
            out = ra.left() - self._loop * 0.8
            path.moveTo(start)
            path.cubicTo(QPointF(out, start.y()), QPointF(out, end.y()), end)
            before = QPointF(out * 0.5 + end.x() * 0.5, end.y())
        else:            # from D's loss up to D's lower right corner
            start = QPointF(ra.center().x(), ra.top())
            end = QPointF(rb.right() - rb.height() * 0.25, rb.bottom())
            path.moveTo(start)
            path.quadTo(QPointF(start.x(), end.y() + (start.y() - end.y()) * 0.2), end)
            before = QPointF(end.x() + 1, end.y() + 4)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        solid = QPen(pen)
        solid.setStyle(Qt.PenStyle.SolidLine)
        _head(painter, before, end, solid)

    # -- mouse and keys ------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        node = self.node_at(event.position())
        self.select(node)
        if node is not None:
            self.toggle_layer(node)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        node = self.node_at(event.position())
        shape = Qt.CursorShape.PointingHandCursor if node else Qt.CursorShape.ArrowCursor
        if self.cursor().shape() != shape:
            self.setCursor(shape)
        super().mouseMoveEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            node = self.node_at(event.position() if hasattr(event, "position")
                                else QPointF(event.pos()))
            if node is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), _TIPS[node], self)
            return True
        return super().event(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab / Shift+Tab: the next or previous part; past the last one, the next widget."""
        order = list(NODE_KEYS)
        if self.selected is None:
            index = 0 if next else len(order) - 1
        else:
            index = order.index(self.selected) + (1 if next else -1)
        if 0 <= index < len(order):
            self.select(order[index])
            return True
        self.select(None)
        return super().focusNextPrevChild(next)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        reason = event.reason()
        if self.selected is None and reason in (Qt.FocusReason.TabFocusReason,
                                                Qt.FocusReason.BacktabFocusReason):
            first = reason == Qt.FocusReason.TabFocusReason
            self.select(NODE_KEYS[0] if first else NODE_KEYS[-1])

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected is not None:
            self.toggle_layer(self.selected)
        elif key == Qt.Key.Key_Escape and self.selected is not None:
            self.select(None)
        else:
            super().keyPressEvent(event)
            return
        event.accept()


def _edge_point(rect: QRectF, toward: QPointF) -> QPointF:
    """Where the line from ``rect``'s centre toward ``toward`` leaves the rectangle."""
    c = rect.center()
    dx, dy = toward.x() - c.x(), toward.y() - c.y()
    if dx == 0 and dy == 0:
        return c
    sx = (rect.width() / 2) / abs(dx) if dx else float("inf")
    sy = (rect.height() / 2) / abs(dy) if dy else float("inf")
    s = min(sx, sy)
    return QPointF(c.x() + dx * s, c.y() + dy * s)


def _head(painter: QPainter, start: QPointF, end: QPointF, pen: QPen) -> None:
    """An arrow head at ``end``, pointing along start → end."""
    dx, dy = end.x() - start.x(), end.y() - start.y()
    length = (dx * dx + dy * dy) ** 0.5
    if length == 0:
        return
    ux, uy = dx / length, dy / length
    size = 4.0 + pen.widthF() * 2.2
    left = QPointF(end.x() - ux * size - uy * size * 0.5, end.y() - uy * size + ux * size * 0.5)
    right = QPointF(end.x() - ux * size + uy * size * 0.5, end.y() - uy * size - ux * size * 0.5)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(pen.color()))
    painter.drawPolygon(QPolygonF([end, left, right]))
