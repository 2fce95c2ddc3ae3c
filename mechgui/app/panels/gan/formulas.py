"""The GAN tab's explanations as text, without Qt: the last losses as the chapter 4 notes'
formulas with the engine's numbers in them (``loss_terms`` of the snapshot), D at the point
the user chose (``probe``), what each part of the model overview is, and the read-outs under
the mouse (D's map, the nearest samples, a curve's value at a step).

Every number is the snapshot's, only formatted: the view never computes a loss or D itself.
Formulas are plain text; :func:`as_html` sets the losses' subscripts for a label.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .geometry import number

__all__ = ["signed", "total_of", "d_loss_formula", "g_loss_formula", "loss_lines",
           "probe_lines", "node_lines", "plane_hover", "curve_hover", "as_html", "NODE_KEYS",
           "NODE_LAYERS", "NODE_NAMES", "CURVE_COLUMNS"]

#: The model overview's parts, in the order Tab visits them.
NODE_KEYS = ("z", "G", "G(z)", "x", "D", "D(x)", "loss_d", "loss_g")
#: Their names as the overview writes them.
NODE_NAMES = {"z": "z", "G": "G", "G(z)": "G(z)", "x": "x", "D": "D", "D(x)": "D(x)",
              "loss_d": "D's loss", "loss_g": "G's loss"}
#: The plane's layer each part shows (a click on the part shows or hides it).
NODE_LAYERS = {"z": "manifold", "G(z)": "generated", "x": "real", "D(x)": "heatmap",
               "loss_g": "arrows"}

# The losses' formulas (the chapter 4 notes' minimax game, its non-saturating variant, least
# squares and WGAN-GP), per network: (the parts of L_D, L_G).
_D_PARTS = {
    "probability": ("−(1/m) Σ log D(xᵢ)", "(1/m) Σ log(1 − D(G(zᵢ)))"),
    "least-squares": ("(1/2m) Σ (D(xᵢ) − 1)²", "(1/2m) Σ D(G(zᵢ))²"),
    "wgan-gp": ("(1/m) Σ C(xᵢ)", "(1/m) Σ C(G(zᵢ))", "λ (1/m) Σ (‖∇C(x̂ᵢ)‖ − 1)²"),
}
_G_LOSS = {"minimax": "(1/m) Σ log(1 − D(G(zᵢ)))",
           "non-saturating": "−(1/m) Σ log D(G(zᵢ))",
           "least-squares": "(1/2m) Σ (D(G(zᵢ)) − 1)²",
           "wgan-gp": "−(1/m) Σ C(G(zᵢ))"}
# One sample's terms at a point: (in L_D as a real sample, as a generated one, in L_G).
_POINT_TERMS = {"minimax": ("−log D(x)", "−log(1 − D(x))", "log(1 − D(x))"),
                "non-saturating": ("−log D(x)", "−log(1 − D(x))", "−log D(x)"),
                "least-squares": ("½(D(x) − 1)²", "½D(x)²", "½(D(x) − 1)²"),
                "wgan-gp": ("−C(x)", "C(x)", "−C(x)")}


def signed(value: Any, spec: str = ".3f") -> str:
    """``value`` as :func:`~.geometry.number` writes it ("–" while there is none), with a
    true minus sign."""
    return number(value, spec).replace("-", "−")


def _point(values: Sequence[float], spec: str = ".2f") -> str:
    return "(" + ", ".join(signed(v, spec) for v in values) + ")"


def total_of(parts: Sequence[Any]) -> str:
    """The parts as a sum: ``0.512 + 0.801``, ``−0.153 + 0.145``, ``0.614 − 0.300``."""
    text = ""
    for i, value in enumerate(parts):
        shown = signed(value)
        if i == 0:
            text = shown
        elif shown.startswith("−"):
            text += " − " + shown[1:]
        else:
            text += " + " + shown
    return text


def _finite(value: Any) -> bool:
    return value is not None and math.isfinite(float(value))


def _d_forms(loss: str) -> tuple[str, ...]:
    if loss in ("minimax", "non-saturating"):
        return _D_PARTS["probability"]
    return _D_PARTS[loss]


def d_loss_formula(terms: Mapping[str, Any]) -> str:
    """L_D of the last D update (``snapshot["loss_terms"]["D"]``) as the sum of its parts,
    e.g. ``L_D = −(1/m) Σ log D(xᵢ) − (1/m) Σ log(1 − D(G(zᵢ))) = 0.614 + 0.769 = 1.383``."""
    loss = str(terms["loss"])
    forms = _d_forms(loss)
    if loss == "wgan-gp":
        # −E C(x) + E C(G(z)) + λ·penalty: the first part's sign is the formula's
        formula = f"−{forms[0]} + {forms[1]} + {forms[2]}"
        parts = [terms["real"], terms["generated"], terms["penalty"]]
    elif loss == "least-squares":
        formula = f"{forms[0]} + {forms[1]}"
        parts = [terms["real"], terms["generated"]]
    else:
        formula = f"{forms[0]} − {forms[1]}"
        parts = [terms["real"], terms["generated"]]
    head = f"L_D = {formula}"
    if not _finite(terms["total"]):
        return f"{head}   (no update of D yet)"
    if all(_finite(p) for p in parts):
        return f"{head} = {total_of(parts)} = {signed(terms['total'])}"
    return f"{head} = {signed(terms['total'])}"


def g_loss_formula(terms: Mapping[str, Any]) -> str:
    """L_G of the last G update (``snapshot["loss_terms"]["G"]``), e.g.
    ``L_G = −(1/m) Σ log D(G(zᵢ)) = 0.950``."""
    head = f"L_G = {_G_LOSS[str(terms['loss'])]}"
    if not _finite(terms["total"]):
        return f"{head}   (no update of G yet)"
    return f"{head} = {signed(terms['total'])}"


def _settings_note(terms: Mapping[str, Any], params: Any, network: str) -> str:
    """Where the formula's settings are not the parameters now set (a live change since
    that network's last update): which ones it ran under."""
    notes = []
    if terms["loss"] != params.loss:
        notes.append(f"the {terms['loss']} loss")
    if terms["batch_size"] != params.batch_size:
        notes.append(f"m = {terms['batch_size']}")
    if network == "D" and terms["loss"] == "wgan-gp" and terms["gp_weight"] != params.gp_weight:
        notes.append(f"λ = {terms['gp_weight']:g}")
    if not notes:
        return ""
    return f" — {network}'s last update ran under " + ", ".join(notes)


def loss_lines(snap: Mapping[str, Any], params: Any, batch: bool = False) -> list[str]:
    """The two losses of the last updates, one line each; ``batch`` names m (and λ)."""
    terms = snap["loss_terms"]
    d, g = terms["D"], terms["G"]
    d_line, g_line = d_loss_formula(d), g_loss_formula(g)
    if batch:
        d_line += f"   (m = {d['batch_size']}"
        d_line += f", λ = {d['gp_weight']:g})" if d["loss"] == "wgan-gp" else ")"
        g_line += f"   (m = {g['batch_size']})"
    return [d_line + _settings_note(d, params, "D"), g_line + _settings_note(g, params, "G")]


def probe_lines(probe: Mapping[str, Any] | None, loss: str, hint: str = "") -> list[str]:
    """D at the chosen point (``snapshot["probe"]``) under ``loss``, and one sample's terms
    there; ``hint`` when no point is chosen."""
    if probe is None:
        return [hint or "D(x): click a point of the plane to see D(x) there and its terms"]
    at = _point(probe["point"])
    output, value = probe["output"], probe["value"]
    if loss in ("minimax", "non-saturating"):
        first = f"D(x) at x = {at}: D(x) = σ(ℓ(x)) = σ({signed(output)}) = {signed(value)}"
    elif loss == "least-squares":
        first = f"D(x) at x = {at}: D(x) = {signed(value)}   (D's score: least squares, no σ)"
    else:
        first = f"C(x) at x = {at}: C(x) = {signed(value)}   (the critic, unbounded)"
    real, generated, in_g = _POINT_TERMS[loss]
    push = probe["push"]
    second = (f"one sample there adds to L_D: real {real} = {signed(probe['as_real'])}, "
              f"generated {generated} = {signed(probe['as_generated'])};  "
              f"to L_G: {in_g} = {signed(probe['g_term'])}, "
              f"which pushes it by ({', '.join(_push(v) for v in push)})")
    return [first, second]


def _push(value: float) -> str:
    text = signed(value)
    return text if text.startswith("−") or text == "–" else "+" + text


def _shown(snap: Mapping[str, Any], key: str) -> str:
    return f"{len(snap[key]):,}"


def node_lines(node: str, snap: Mapping[str, Any], params: Any) -> list[str]:
    """What the overview's part ``node`` is, and its numbers in ``snap`` (one or two lines)."""
    p = params
    net = f"{p.hidden_layers} hidden layers of {p.hidden_units} {p.activation} units"
    if node == "z":
        prior = "N(0, I)" if p.noise == "gaussian" else "U[−1, 1]"
        grid = np.shape(snap["manifold"]) if "manifold" in snap else ()
        size = f"{grid[0]} × {grid[1]} grid" if len(grid) == 3 and grid[0] > 1 else "line"
        plural = "s" if p.noise_dim > 1 else ""
        return [f"z ~ p_z = {prior} in {p.noise_dim} dimension{plural}: G's input noise",
                f"the noise grid: G's image of a {size} of z (lines through the plane)"]
    if node == "G":
        trained = (f"trained in pass 2 (D frozen): descends L_G · {snap['g_updates']:,} "
                   "updates so far")
        return [f"G, the generator: z ↦ G(z), {net}", trained]
    if node == "G(z)":
        shown = (f"G(z), generated samples: {_shown(snap, 'samples')} shown (a fixed batch "
                 f"of noise); each update draws m = {p.batch_size} new z")
        called = f"D calls {number(snap.get('accuracy_fake'), '.0%')} of the shown samples fake"
        return [shown, called]
    if node == "x":
        shown = (f"x ~ p_data ({p.dataset}): {_shown(snap, 'real')} real samples shown; each "
                 f"update draws m = {p.batch_size}")
        return [shown, f"D calls {number(snap.get('accuracy_real'), '.0%')} of them real"]
    if node == "D":
        output = {"probability": "D(x) = σ(ℓ(x)), the probability that x is real",
                  "score": "D(x), a score: 1 real, 0 generated",
                  "critic": "C(x), a critic: higher is more real"}[str(snap["d_output"])]
        trained = (f"trained in pass 1 (G frozen): descends L_D, k = {p.k} per iteration"
                   f" · {snap['d_updates']:,} updates so far")
        return [f"D, the discriminator: {output}; ℓ: {net}", trained]
    if node == "D(x)":
        return probe_lines(snap.get("probe"), str(p.loss))
    if node == "loss_d":
        return [loss_lines(snap, p, batch=True)[0],
                "the real samples' part + the generated samples' part, on the last D batch"]
    if node == "loss_g":
        return [loss_lines(snap, p, batch=True)[1],
                "its gradient moves G; the arrows show it at the first generated samples"]
    raise KeyError(node)


def _nearest(points: np.ndarray, x: float, y: float) -> np.ndarray | None:
    if len(points) == 0:
        return None
    d2 = (points[:, 0] - x) ** 2 + (points[:, 1] - y) ** 2
    return points[int(np.argmin(d2))]


def plane_hover(snap: Mapping[str, Any], x: float, y: float) -> str:
    """The plane under the mouse at (x, y): D on its map's nearest grid point (the value
    the map's colour shows there), and the nearest real and generated samples shown."""
    parts = []
    if "d_grid" in snap:
        gx, gy = np.asarray(snap["grid_x"]), np.asarray(snap["grid_y"])
        j = int(np.argmin(np.abs(gx - x)))
        i = int(np.argmin(np.abs(gy - y)))
        name = "C" if snap["d_output"] == "critic" else "D"
        value = float(np.asarray(snap["d_grid"])[i, j])
        parts.append(f"{name}{_point((gx[j], gy[i]))} = {signed(value)}")
    for key, word in (("real", "nearest real"), ("samples", "nearest generated")):
        nearest = _nearest(np.asarray(snap[key]), x, y)
        if nearest is not None:
            parts.append(f"{word} {_point(nearest)}")
    return "  ·  ".join(parts)


#: The curves' plots: (title, [(history, column, name, format)]).
CURVE_COLUMNS = {
    "losses": ("Losses", [("history", "loss_d", "D", ".3f"), ("history", "loss_g", "G", ".3f")]),
    "accuracy": ("D's accuracy", [("history", "accuracy_real", "on real data", ".2f"),
                                  ("history", "accuracy_fake", "on generated", ".2f")]),
    "metrics": ("Metrics", [("metric_history", "js_divergence", "JS", ".3f"),
                            ("metric_history", "modes_covered", "modes covered", ".0f"),
                            ("metric_history", "high_quality", "near a mode", ".1f")]),
}


def curve_hover(snap: Mapping[str, Any], plot: str, step: float) -> str:
    """A curve plot's values at the history's row nearest ``step`` (each row is the mean of
    ``window`` steps once the history has been thinned)."""
    title, columns = CURVE_COLUMNS[plot]
    table = snap[columns[0][0]]
    steps = np.asarray(table["step"])
    if steps.size == 0:
        return f"{title}: nothing recorded yet"
    row = int(np.argmin(np.abs(steps - step)))
    values = []
    for _, column, name, spec in columns:
        value = float(np.asarray(table[column])[row])
        if not math.isfinite(value):
            continue
        text = signed(value, spec)
        if column == "high_quality":
            text += " %"
        if column == "modes_covered" and snap["metrics"].get("modes_total"):
            text += f"/{snap['metrics']['modes_total']}"
        values.append(f"{name} {text}")
    window = int(table.get("window", 1))
    at = f"step {int(steps[row]):,}" + (f" (mean of {window} steps)" if window > 1 else "")
    return f"{title} at {at}: " + " · ".join(values)


def as_html(text: str) -> str:
    """``text`` for a rich-text label: the losses' subscripts set, the rest escaped."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("L_D", "L<sub>D</sub>").replace("L_G", "L<sub>G</sub>").replace(
        "p_z", "p<sub>z</sub>").replace("p_data", "p<sub>data</sub>")
