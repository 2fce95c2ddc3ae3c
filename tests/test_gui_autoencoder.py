"""Autoencoder tab, driven through events: Space trains, the views show the snapshot (codes
by digit, samples from N(0, I), reconstructions, losses), a click or a drag on the codes
decodes that point on the engine thread, the interpolation, the AE and the VAE side by side,
lecture mode and a refused MNIST file."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from mechgui.app.panels.autoencoder import (
    CLASS_COLOURS,
    INTERPOLATION_STEPS,
    plane_points,
    spread_labels,
)
from mechgui.engine.digits import tile

from driving import open_ready, press, wait_for

pytestmark = pytest.mark.gui

SMALL = {"hidden_units": 16, "steps": 150, "batch_size": 64}


@pytest.fixture
def panel(qtbot, window):
    panel = open_ready(qtbot, window, "autoencoder")
    yield panel
    panel.pause()
    assert panel.render_errors == []


def _train(qtbot, window, panel, preset, **changes):
    """``preset`` made small, trained to its end by pressing Space, then a fresh detailed
    snapshot drawn."""
    panel.load_preset(preset)
    panel.submit_params(**{**SMALL, **changes})
    wait_for(qtbot, panel, lambda s: s["step"] == 0 and panel.form.params.hidden_units == 16)
    press(qtbot, window, Qt.Key.Key_Space)
    wait_for(qtbot, panel, lambda s: s["done"] and not panel.runner.playing)
    _refresh(qtbot, panel)
    return panel.snapshot


def _refresh(qtbot, panel):
    before = panel.frames_drawn
    panel.runner.refresh()
    qtbot.waitUntil(lambda: panel.frames_drawn > before, timeout=20_000)


def _engine(qtbot, panel, function):
    """``function(simulation)`` run on the engine thread; its value."""
    box = []
    panel.call_engine(function, on_return=box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=20_000)
    return box[0]


def _dots(view, digit):
    x, y = view.dots[digit].getData()
    return np.column_stack([x, y]) if x is not None else np.empty((0, 2))


def _at(view, x, y):
    """The viewport position of the code (x, y) in a latent plot."""
    canvas = view.plot.scene().views()[0]
    return canvas, canvas.mapFromScene(view.box.mapViewToScene(QPointF(x, y)))


def _inside(view, fx, fy):
    """The code at fractions (fx, fy) of the latent plot's shown ranges."""
    (x0, x1), (y0, y1) = view.box.viewRange()
    return x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)


def _tick(qtbot, check):
    """A click on a check box's square (its middle may be empty space right of its text)."""
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))


def _mosaic(images, shape, cols):
    return tile(np.asarray(images), shape, cols, gap=1, fill=0.12)


def test_helpers():
    codes = np.array([[0.5], [-1.0], [2.0]])
    points = plane_points(codes, np.array([3, 0, 9]))
    np.testing.assert_array_equal(points[:, 0], codes[:, 0])
    assert np.all(np.abs(points[:, 1] - [3, 0, 9]) <= 0.3)  # a 1-D code against its digit
    two = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(plane_points(two, np.zeros(2)), two)
    means = np.array([[0, 0], [0.01, 0], [0, 0], [np.nan, np.nan], [3, 3], [0.1, 0.1]], float)
    places = spread_labels(means, 0.5)
    assert np.all(np.isnan(places[3]))
    shown = places[[0, 1, 2, 4, 5]]
    gaps = np.hypot(*(shown[:, None, :] - shown[None, :, :]).transpose(2, 0, 1))
    assert gaps[np.triu_indices(5, 1)].min() >= 0.5 - 1e-6
    np.testing.assert_allclose(places[4], [3, 3], atol=1e-3)  # far names stay put
    assert len(set(CLASS_COLOURS)) == 10


def test_space_trains_and_the_views_show_the_snapshot(qtbot, window, panel):
    snap = _train(qtbot, window, panel, "vae-digits")
    assert snap["step"] == 150 and snap["variational"]
    view = panel.latent["vae"]
    for digit in range(10):
        np.testing.assert_allclose(_dots(view, digit), snap["latent"][snap["labels"] == digit],
                                   rtol=1e-6)
    prior_x, prior_y = view.prior_item.getData()
    np.testing.assert_allclose(np.column_stack([prior_x, prior_y]), snap["prior_points"])
    np.testing.assert_allclose(panel.samples["vae"].item.image,
                               _mosaic(snap["prior_samples"], (8, 8), None))
    np.testing.assert_allclose(panel.reconstruction_view.images,
                               np.concatenate([snap["inputs"], snap["reconstructions"]]))
    curves = panel.curves.curves
    for name in ("loss", "reconstruction_loss", "kl"):
        assert curves[name].isVisible()
        np.testing.assert_allclose(curves[name].getData()[1], snap["history"][name])
    assert panel.curves.readout.text() == (f"now: rec. {snap['reconstruction_loss']:.2f} · "
                                           f"KL {snap['kl']:.2f}")
    found = len(set(snap["prior_labels"].tolist()))
    assert f"N(0, I): {found} digits" in panel.samples["vae"].plot.titleLabel.text
    assert view.plot.titleLabel.text == "VAE, β = 1: step 150"
    # the run ended: the interpolation and the origin were decoded from the final weights
    qtbot.waitUntil(lambda: panel.interpolation is not None and panel.decoded is not None,
                    timeout=20_000)
    a, b, images = panel.interpolation
    assert (a, b) == panel.controls.digits() == (3, 7)
    assert images.shape == (INTERPOLATION_STEPS, 64)
    np.testing.assert_allclose(images, _engine(qtbot, panel, lambda sim: sim.interpolate(
        3, 7, INTERPOLATION_STEPS)), atol=1e-6)
    assert panel.interpolation_view.plot.titleLabel.text.startswith("Mean codes 3 → 7 (step 150)")
    np.testing.assert_array_equal(panel.decoded[0], [0.0, 0.0])
    assert panel.point_view.plot.titleLabel.text.startswith("z = (0.00, 0.00) decodes to a ")
    # another pair of digits, chosen in the combo boxes
    panel.controls.to_combo.setCurrentIndex(0)
    qtbot.waitUntil(lambda: panel.interpolation[:2] == (3, 0), timeout=20_000)
    ends = _engine(qtbot, panel, lambda sim: sim.decode(sim.class_means()[[3, 0]]))
    np.testing.assert_allclose(panel.interpolation[2][[0, -1]], ends, atol=1e-6)
    x, y = panel.latent["vae"].path_item.getData()
    np.testing.assert_allclose(np.column_stack([x, y]), snap["class_means"][[3, 0]], rtol=1e-6)


def test_a_click_and_a_drag_on_the_codes_decode_those_points(qtbot, window, panel):
    _train(qtbot, window, panel, "vae-digits", steps=60)
    view = panel.latent["vae"]
    target = _inside(view, 0.7, 0.3)
    tolerance = 0.01 * np.ptp(view.box.viewRange()[0])  # a pixel or two
    canvas, at = _at(view, *target)
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=at)
    qtbot.waitUntil(lambda: panel.decoded is not None
                    and np.allclose(panel.decoded[0], target, atol=tolerance), timeout=20_000)
    code, image = panel.decoded
    np.testing.assert_allclose(image, _engine(qtbot, panel, lambda sim: sim.decode(code)),
                               atol=1e-6)
    np.testing.assert_allclose(panel.point_view.images, image)
    x, y = view.marker.getData()
    np.testing.assert_allclose([x[0], y[0]], panel.clicked)
    assert view.marker.isVisible()
    assert "decodes to a " in panel.point_view.plot.titleLabel.text  # the classifier's
    # a drag through the codes decodes point after point: the last one wins
    shown = []
    original = panel.point_view.show
    panel.point_view.show = lambda *args, **kw: (shown.append(np.array(args[0])),
                                                 original(*args, **kw))
    path = [_inside(view, f, 1 - f) for f in (0.1, 0.3, 0.5, 0.7, 0.9)]
    points = [_at(view, px, py)[1] for px, py in path]
    viewport = canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=points[0])
    for point in points[1:]:
        QApplication.sendEvent(viewport, QMouseEvent(
            QEvent.Type.MouseMove, QPointF(point), viewport.mapToGlobal(QPointF(point)),
            Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=points[-1])
    qtbot.waitUntil(lambda: np.allclose(panel.decoded[0], path[-1], atol=tolerance)
                    and not panel.decoder.busy, timeout=20_000)
    assert len(shown) >= 2 and not np.allclose(shown[0], shown[-1])
    np.testing.assert_allclose(panel.point_view.images,
                               _engine(qtbot, panel, lambda sim: sim.decode(path[-1])),
                               atol=1e-3)


def test_the_autoencoder_and_the_vae_side_by_side(qtbot, window, panel):
    ae = _train(qtbot, window, panel, "ae-digits")
    assert not ae["variational"] and not panel.curves.curves["kl"].isVisible()
    assert panel.latent["ae"].plot.titleLabel.text == "Autoencoder: step 150"
    assert "not trained yet" in panel.latent["vae"].hint.textItem.toPlainText()
    vae = _train(qtbot, window, panel, "vae-digits")
    kept, live = panel.latent["ae"], panel.latent["vae"]
    assert kept.plot.titleLabel.text == "Autoencoder: step 150 (kept)"
    assert not kept.hint.isVisible()
    assert live.plot.titleLabel.text == "VAE, β = 1: step 150"
    for digit in (0, 7):
        np.testing.assert_allclose(_dots(kept, digit), ae["latent"][ae["labels"] == digit],
                                   rtol=1e-6)
        np.testing.assert_allclose(_dots(live, digit), vae["latent"][vae["labels"] == digit],
                                   rtol=1e-6)
    np.testing.assert_allclose(panel.samples["ae"].item.image,
                               _mosaic(ae["prior_samples"], (8, 8), None))
    assert not kept.box.drawing_enabled and live.box.drawing_enabled  # clicks: live run only


def test_lecture_mode_and_the_decoders_map(qtbot, window, panel):
    _train(qtbot, window, panel, "vae-digits", steps=40)
    view = panel.latent["vae"]
    normal = view.names[0].textItem.font().pointSize()
    window.set_lecture_mode(True)
    assert view.names[0].textItem.font().pointSize() > normal
    assert view.prior_item.opts["size"] > 7
    _tick(qtbot, panel.controls.grid_check)
    assert view.grid_item.isVisible()
    (x0, x1), (y0, y1) = panel.snapshot["grid_extent"]
    rect = view.grid_item.mapRectToParent(view.grid_item.boundingRect())
    np.testing.assert_allclose([rect.left(), rect.right(), rect.top(), rect.bottom()],
                               [x0, x1, y0, y1], rtol=1e-5)
    # each decoded digit drawn upright in its own cell of the codes' plane
    grid, side = panel.snapshot["decoded_grid"], 15
    image = view.grid_item.image
    dx, dy = (x1 - x0) / side, (y1 - y0) / side
    for cell in (0, 7, 16, 224):
        j, i = divmod(cell, side)  # row j from the bottom, column i from the left
        digit = grid[cell].reshape(8, 8)
        for k, m in ((0, 2), (7, 5), (3, 0)):  # pixel row k (0: the top), column m
            row, col = j * 8 + 7 - k, i * 8 + m
            assert image[row, col] == pytest.approx(digit[k, m], abs=1e-6)
            where = view.grid_item.mapToParent(QPointF(col + 0.5, row + 0.5))
            assert x0 + i * dx < where.x() < x0 + (i + 1) * dx
            assert y0 + j * dy < where.y() < y0 + (j + 1) * dy
            assert (where.y() - (y0 + j * dy)) / dy == pytest.approx((8 - k - 0.5) / 8)
    _tick(qtbot, panel.controls.prior_check)
    assert not view.prior_item.isVisible()
    image = window.grab().toImage()
    assert not image.isNull()
    assert panel.graphics.sceneRect().width() <= panel.graphics.width() + 2
    window.set_lecture_mode(False)
    assert view.names[0].textItem.font().pointSize() == normal


def test_a_file_that_is_not_mnist_is_refused_in_one_line(qtbot, window, panel, tmp_path):
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=np.zeros((3, 5, 5), np.uint8), y_train=np.arange(3))
    assert not panel.load_mnist(path)
    text = panel.message.text()
    assert panel.message.isVisible() and "\n" not in text
    assert text.startswith("data=") and "x_train has shape (3, 5, 5)" in text
    assert panel.form.params.dataset == "digits"  # nothing changed


def test_a_file_whose_pixels_cannot_be_read_leaves_the_run_as_it_was(qtbot, window, panel,
                                                                     tmp_path):
    """Its headers pass the check made at once; the engine reads the pixels, refuses them in
    one line, and the form shows again the parameters the run goes on with."""
    import gzip
    import struct

    path = tmp_path / "train-images-idx3-ubyte.gz"
    pixels = np.random.default_rng(0).integers(0, 256, 5 * 784, dtype=np.uint8).tobytes()
    path.write_bytes(gzip.compress(struct.pack(">IIII", 0x803, 5, 28, 28) + pixels)[:-40])
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(
        gzip.compress(struct.pack(">II", 0x801, 5) + bytes(5)))
    wait_for(qtbot, panel, lambda s: s["step"] == 0)
    assert panel.load_mnist(path)  # the headers are right
    qtbot.waitUntil(lambda: "not a readable gzip file" in panel.message.text(), timeout=20_000)
    assert "\n" not in panel.message.text() and panel.message.text().startswith("data=")
    qtbot.waitUntil(lambda: panel.form.params.dataset == "digits", timeout=20_000)
    assert panel.controls.mnist_label.text() == "none chosen"
    press(qtbot, window, Qt.Key.Key_Right)  # one step, on the digits
    wait_for(qtbot, panel, lambda s: s["step"] == 1 and s["image_shape"] == (8, 8))
