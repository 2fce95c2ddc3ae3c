"""The Kohonen self-organizing map of chapter 4 (Kohonen 1989), Steps 0–8.

The m = rows·cols cluster units hold weight vectors w_j (one row of ``weights``
per unit).  Step 0 sets the weights, α and R; then, for each input vector x:

    Step 3   D(j) = Σ_i (w_ij − x_i)²            for every unit j,
    Step 4   J = argmin_j D(j)                      (ties: the lowest index),
    Step 5   w_j(new) = w_j(old) + α h(d(J, j)) [x − w_j(old)]
             for every unit j in the neighbourhood of J,

with d the grid distance (:mod:`.geometry`) and h the neighbourhood function
(:mod:`.schedules`).  After each epoch (one pass over the data) α and R are
reduced (Steps 6–7); the run stops after ``epochs`` epochs (Step 8).

With ``distance=ellipse`` or ``membership=fuzzy`` the map is one of the notes'
"Extensions of SOM" (per-unit hyper-ellipses Σ_j, soft memberships): Steps 3–5 are then
those of :mod:`.extended`, in numpy.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import numpy as np

from ..base import RUNNING, Frozen, Simulation, freeze
from ..datasets import load_dataset
from ..history import History
from ..params import ParamSet
from .clusters import SOM_CLOUDS, make_clusters
from .extended import ExtendedTraining, fcm_memberships
from .extended import best_two_units as extended_best_two
from .extended import data_distances as extended_distances
from .geometry import (TOPOLOGY_CODE, grid_distance, grid_positions, largest_grid_distance,
                       lattice_edges)
from .params import SOMParams
from .quality import (best_two_units, data_winners, quantization_error, topographic_error,
                      u_matrix)
from .schedules import learning_rate_at, neighborhood_table, radius_at

__all__ = ["DONE", "HISTORY_ROWS", "MAX_SNAPSHOT_PAIRS", "SOM"]

DONE = "done"
#: Snapshots carry every input's winner (and the hit map) while inputs × units is at
#: most this (a few milliseconds); beyond, :meth:`SOM.maps` computes them on demand.
MAX_SNAPSHOT_PAIRS = 600_000
#: Epochs the ``history_*`` curves keep: every epoch up to 4096, then every 2nd, 4th, …
#: (2¹² + 1 rows, so that halving keeps the first and the newest).
HISTORY_ROWS = 4097
#: The columns of the history, after its epoch.
HISTORY_COLUMNS = ("learning_rate", "radius", "quantization_error", "topographic_error")
#: Input × unit × component terms per piece of a measurement over all the data, when a long
#: reset reports its progress (a few milliseconds each).
MEASURE_PIECE = 1_000_000
#: With fuzzy memberships every unit learns a little: ``updated`` lists those whose rate
#: is above this share of the largest.
SHOWN_RATE = 1e-3
#: Whether the compiled kernels can be had (they release the interpreter lock).
_NUMBA = importlib.util.find_spec("numba") is not None

#: The compiled kernels (:mod:`.kernels`): None until the first training call, False without numba.
_kernels: Any = None


def _load_kernels() -> Any:
    """The numba kernels, imported (and compiled) on the first training call; None without numba."""
    global _kernels
    if _kernels is None:
        try:
            from . import kernels
        except ImportError:  # numba missing: the numpy path gives the same results
            _kernels = False
        else:
            _kernels = kernels
    return _kernels or None


class SOM(Simulation):
    """The Kohonen self-organizing map of chapter 4 (Examples 4.4–4.7).

    One :meth:`step` presents one input vector (Steps 3–5); an epoch is one pass
    over the data (:meth:`step_epoch` runs the rest of the current one).
    ``step(n)`` trains many inputs in one compiled call, with exactly the result
    of ``n`` single steps.  The status is ``running`` until ``epochs`` epochs are
    done, then ``done``.  :attr:`data` and :attr:`labels` are read-only and
    replaced only on reset.
    """

    name = "som"
    title = "Kohonen SOM"
    Params = SOMParams
    run_limit: ClassVar[int] = 10_000_000
    detail_keys: ClassVar[tuple[str, ...]] = ("u_matrix", "hit_map", "data_winners",
                                              "data_distances", "memberships")

    @property
    def steps_release_gil(self) -> bool:  # type: ignore[override]
        """Training runs in numba kernels compiled with ``nogil`` (when numba is installed),
        except the extensions' numpy path."""
        return _NUMBA and not self.params.extended

    # -- Step 0: set-up ---------------------------------------------------------
    def _reset(self) -> None:
        p = self.params
        # A map over a million inputs takes a while: each stage reports (and may stop).
        self._report_progress(0.0)
        if p.dataset == "custom":
            data, labels, shape = np.array(p.data, dtype=float), None, None
        elif p.dataset in SOM_CLOUDS:
            (data, _), labels, shape = make_clusters(p.dataset, p.points, p.data_seed), None, None
        else:
            data, labels, shape = load_dataset(p.dataset, p.points, p.data_seed)
        if labels is None:
            labels = list(map(str, range(1, len(data) + 1)))
        # frozen once: every snapshot until the next reset shares these
        self._frozen_data = Frozen(np.ascontiguousarray(data, dtype=np.float64))
        self._frozen_labels = Frozen(tuple(labels))
        self.data: np.ndarray = self._frozen_data.value
        self.labels: tuple[str, ...] = self._frozen_labels.value
        self.input_shape = shape
        self._topology_code = TOPOLOGY_CODE[p.topology]
        self._max_distance = largest_grid_distance(p.rows, p.cols, p.topology)
        self._report_progress(0.0)
        self.weights = np.ascontiguousarray(self._initial_weights(), dtype=np.float64)
        self._report_progress(0.0)
        self._ext = self._extension()
        self.epoch = 0
        self.position = 0
        self.order = self._epoch_order()
        self._schedule()
        self.winner: int | None = None
        self.input_index: int | None = None
        self._distances = np.empty(p.units)
        #: The weights before the last input was presented (for explaining its Step 5).
        self._weights_before = np.empty_like(self.weights)
        self._last_table = self._table
        self._last_alpha, self._last_radius = self._alpha, self._radius
        self._last_neighborhood = p.neighborhood
        self._history = History(len(HISTORY_COLUMNS), HISTORY_ROWS, "thin")
        self._newest: tuple[int, tuple[float, ...]] | None = None  # the last epoch's row
        if len(self.data) * p.units > MAX_SNAPSHOT_PAIRS:
            _load_kernels()  # a long measurement: compiled, as after the first training call
        self._measure(self._report_progress)
        self.initial_quantization_error = self.quantization_error
        self.initial_topographic_error = self.topographic_error

    def _initial_weights(self) -> np.ndarray:
        """The explicit matrix, or random / sample / PCA initialisation."""
        p = self.params
        if p.initial_weights is not None:
            return np.array(p.initial_weights, dtype=float)
        data, m = self.data, p.units
        if p.init == "sample":
            replace = m > len(data)
            return data[self.rng.choice(len(data), size=m, replace=replace)].copy()
        if p.init == "pca":
            return self._pca_weights()
        low, high = data.min(axis=0), data.max(axis=0)
        return low + (high - low) * self.rng.random((m, data.shape[1]))

    def _pca_weights(self) -> np.ndarray:
        """Units spread over the plane of the first two principal components (±2 std)."""
        p = self.params
        data = self.data
        mean = data.mean(axis=0)
        centred = data - mean
        n = data.shape[1]
        if len(data) > 1 and np.any(centred):
            _, s, vt = np.linalg.svd(centred, full_matrices=False)
            std = s / math.sqrt(len(data) - 1)
        else:
            vt, std = np.eye(n), np.zeros(n)
        axes = [vt[k] * std[k] * 2.0 if k < len(std) else np.zeros(n) for k in range(2)]
        if p.topology == "linear":
            t = np.linspace(-1.0, 1.0, p.units) if p.units > 1 else np.zeros(1)
            return mean + t[:, None] * axes[0]
        pos = grid_positions(p.rows, p.cols, p.topology)
        span = np.ptp(pos, axis=0)
        unit = np.where(span > 0, (pos - pos.min(axis=0)) / np.where(span > 0, span, 1) * 2 - 1, 0)
        return mean + unit[:, :1] * axes[0] + unit[:, 1:] * axes[1]

    def _extension(self) -> ExtendedTraining | None:
        """The extended SOM's training state (:mod:`.extended`), or None for the standard map."""
        p = self.params
        if not p.extended:
            return None
        spread = float(np.mean(np.var(self.data, axis=0))) if len(self.data) > 1 else 0.0
        return ExtendedTraining(p.units, self.data.shape[1], p.distance == "ellipse",
                                p.fuzzifier if p.membership == "fuzzy" else None,
                                p.sigma_rate, spread if spread > 0 else 1.0,
                                (p.rows, p.cols, p.topology))

    @property
    def sigmas(self) -> np.ndarray | None:
        """Each unit's Σ_j (m × n × n) with ``distance=ellipse``, else None."""
        return None if self._ext is None else self._ext.sigmas

    def _epoch_order(self) -> np.ndarray:
        """The order of the inputs in the coming epoch: data order, or a fresh permutation."""
        n = len(self.data)
        if self.params.order == "shuffled":
            return self.rng.permutation(n).astype(np.int64)
        return np.arange(n, dtype=np.int64)

    def _schedule(self) -> None:
        """α, R and the neighbourhood table of the current epoch (Steps 6–7)."""
        p = self.params
        self._alpha = float(learning_rate_at(p, self.epoch))
        self._radius = float(radius_at(p, self.epoch))
        self._table = neighborhood_table(p.neighborhood, p.topology, self._alpha, self._radius,
                                         self._max_distance)
        if self._ext is not None:
            self._ext.set_table(self._table)

    # -- measuring the map --------------------------------------------------------
    def _best_two(self, progress: Callable[[float], None] | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Winner, runner-up and D(J) of every input: compiled once training has loaded
        the kernels (``_kernels`` is False when numba is missing), numpy before.

        With ``progress`` the inputs go in pieces of about :data:`MEASURE_PIECE` terms,
        each followed by ``progress(fraction done)`` (which may raise to stop)."""
        data, weights = self.data, self.weights
        n = len(data)
        piece = n if progress is None else max(1, MEASURE_PIECE // max(1, weights.size))
        best = np.empty(n, dtype=np.int64)
        second = np.empty(n, dtype=np.int64)
        best_d = np.empty(n)
        for start in range(0, n, piece):
            stop = min(n, start + piece)
            if self.sigmas is not None:
                best[start:stop], second[start:stop], best_d[start:stop] = \
                    extended_best_two(data[start:stop], weights, self.sigmas)
            elif _kernels:
                _kernels.best_two_units(data[start:stop], weights, best[start:stop],
                                        second[start:stop], best_d[start:stop])
            else:
                best[start:stop], second[start:stop], best_d[start:stop] = \
                    best_two_units(data[start:stop], weights)
            if progress is not None:
                progress(stop / n)
        return best, second, best_d

    def _data_winners(self) -> tuple[np.ndarray, np.ndarray]:
        """The winner J of every input and its D(J), for the current weights."""
        if _kernels or self.sigmas is not None:
            best, _, best_d = self._best_two()
            return best, best_d
        return data_winners(self.data, self.weights)  # cheaper than sorting for the runner-up

    def _measure(self, progress: Callable[[float], None] | None = None) -> None:
        """Quantization and topographic error over the whole data set."""
        p = self.params
        best, second, best_d = self._best_two(progress)
        self.quantization_error = quantization_error(best_d)
        self.topographic_error = topographic_error(p.rows, p.cols, p.topology, best, second)

    # -- Steps 1-8: training ------------------------------------------------------
    @property
    def samples_per_epoch(self) -> int:
        return len(self.data)

    def step(self, n: int = 1) -> int:
        """Present up to ``n`` inputs (stopping when done); return how many were shown.

        Runs whole stretches of an epoch in one compiled call; epoch ends fall
        exactly where ``n`` single steps would put them.
        """
        taken = 0
        n = int(n)
        while taken < n and not self.done:
            count = min(n - taken, self.samples_per_epoch - self.position)
            self._train(count)
            taken += count
            self.step_count += count
        return taken

    def step_epoch(self) -> int:
        """Present the rest of the current epoch (a whole epoch at an epoch boundary)."""
        if self.done:
            return 0
        return self.step(self.samples_per_epoch - self.position)

    def _step(self) -> None:
        self._train(1)

    def _train(self, count: int) -> None:
        """Steps 3–5 for ``count`` inputs of the current epoch (not past its end), then
        the epoch's end if reached."""
        start, stop = self.position, self.position + count
        if count > 1:
            self._train_inputs(start, stop - 1)
        # the last input alone, the weights kept before it (what a view explains)
        np.copyto(self._weights_before, self.weights)
        winner = self._train_inputs(stop - 1, stop)
        self.winner = int(winner)
        self.input_index = int(self.order[stop - 1])
        self._last_table = self._table
        self._last_alpha, self._last_radius = self._alpha, self._radius
        self._last_neighborhood = self.params.neighborhood
        self.position = stop
        if self.position >= self.samples_per_epoch:
            self._end_epoch()

    def _train_inputs(self, start: int, stop: int) -> int:
        """Steps 3–5 for the inputs ``order[start:stop]``; the last one's winner."""
        p = self.params
        kernels = _load_kernels() if self._ext is None else None
        if self._ext is not None:
            return self._train_extended(start, stop)
        if kernels is not None:
            return kernels.train_samples(self.data, self.order, start, stop, self.weights,
                                         self._topology_code, p.rows, p.cols, self._table,
                                         self._distances)
        return self._train_numpy(start, stop)

    def _train_numpy(self, start: int, stop: int) -> int:
        """The same Steps 3–5 as the compiled kernel, one numpy call per input."""
        p = self.params
        units = np.arange(p.units)
        table = self._table
        winner = 0
        for t in range(start, stop):
            x = self.data[self.order[t]]
            self._distances[:] = ((self.weights - x) ** 2).sum(axis=1)
            winner = int(np.argmin(self._distances))
            near, rates = self._rates_around(winner, units, table)
            self.weights[near] += rates[:, None] * (x - self.weights[near])
        return winner

    def _train_extended(self, start: int, stop: int) -> int:
        """Steps 3–5 of the extended SOM (:mod:`.extended`) for each input in turn."""
        present, data, order = self._ext.present, self.data, self.order
        winner = 0
        for t in range(start, stop):
            winner = present(data[order[t]], self.weights, self._distances)
        return winner

    def _rates_around(self, winner: int, units: np.ndarray, table: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
        """The units within reach of ``table`` around ``winner``, and their rates α·h(d)."""
        p = self.params
        d = grid_distance(p.rows, p.cols, p.topology, winner, units)
        near = np.flatnonzero(d < len(table))
        return near, table[d[near].astype(np.int64)]

    def _end_epoch(self) -> None:
        """Steps 6–8: measure, record, reduce α and R, stop after the last epoch."""
        self.epoch += 1
        self.position = 0
        self._measure()
        row = (self._alpha, self._radius, self.quantization_error, self.topographic_error)
        self._history.add(self.epoch, row)
        self._newest = (self.epoch, row)
        self.order = self._epoch_order()
        self._schedule()
        if self.epoch >= self.params.epochs:
            self.status = DONE

    def _apply_live(self, old: ParamSet, changed: list[str]) -> None:
        """New schedule parameters apply from the current epoch on; more epochs resume a done run."""
        if self._ext is not None:
            p = self.params
            self._ext.sigma_rate = p.sigma_rate
            self._ext.fuzzifier = p.fuzzifier if p.membership == "fuzzy" else None
        self._schedule()
        if self.position == 0:
            self.status = DONE if self.epoch >= self.params.epochs else RUNNING

    # -- what a view sees ---------------------------------------------------------
    def _updated(self) -> tuple[np.ndarray, np.ndarray]:
        """The units that learned on the last step, and their nonzero rates α·h(d)."""
        if self.winner is None:
            return np.empty(0, dtype=np.int64), np.empty(0)
        if self._ext is not None:
            rates = self._ext.last_rates
            shown = np.flatnonzero(rates > SHOWN_RATE * rates.max()) if rates.max() > 0 \
                else np.empty(0, dtype=np.int64)
            return shown, rates[shown]
        near, rates = self._rates_around(self.winner, np.arange(self.params.units),
                                         self._last_table)
        keep = rates != 0
        return near[keep], rates[keep]

    def _step_explained(self) -> dict[str, Any]:
        """The last step's operands for every unit: ``weights_before``, ``grid_distances``
        d(J, j) and ``unit_rates`` (the rate each unit learned with, 0 if none); and
        ``neighborhood`` (the h of that step: hard or gaussian)."""
        p = self.params
        if self.winner is None:
            return {"weights_before": None, "grid_distances": None, "unit_rates": None,
                    "neighborhood": p.neighborhood}  # (the next step's h)
        units = np.arange(p.units)
        d = None if p.topology == "none" else \
            grid_distance(p.rows, p.cols, p.topology, self.winner, units)
        if self._ext is not None:
            rates = self._ext.last_rates.copy()
        else:
            rates = np.zeros(p.units)
            near, near_rates = self._rates_around(self.winner, units, self._last_table)
            rates[near] = near_rates
        return {"weights_before": self._weights_before, "grid_distances": d,
                "unit_rates": rates, "neighborhood": self._last_neighborhood}

    def _snapshot(self) -> dict[str, Any]:
        """The state after the last step.

        ``weights`` (m × n); ``winner`` J, ``input`` x, ``input_index`` (its row of
        ``data``) and ``distances`` D(j) of the last input (None before the first
        step); ``updated`` and ``update_rates`` (the units that learned on that
        step, at α·h(d)); ``epoch`` (completed), ``epochs``, ``sample`` (inputs
        shown in this epoch), ``samples_per_epoch``; ``learning_rate`` α and
        ``radius`` R of the last step (of epoch 1 before it); quantization and
        topographic error of the whole data (at reset and after each epoch), their
        initial values and the per-epoch ``history_*`` curves; ``rows``, ``cols``,
        ``topology``; ``data`` (N × n) and ``labels`` (one per input), shared by
        every snapshot until the next reset; ``input_shape`` ((9, 7) for the
        letters, else None).  The extensions: ``distance`` and ``membership`` (the
        parameters), ``fuzzifier`` m (None with hard memberships), ``sigmas`` (each
        unit's Σ_j, m × n × n; None for the Euclidean distance) and
        ``input_memberships`` (u_j of the last input; None unless fuzzy or before the
        first step).  With fuzzy memberships ``updated`` lists the units whose rate
        is above :data:`SHOWN_RATE` of the largest.  The last step's operands (None
        before the first step): ``weights_before`` (the weights just before its input),
        ``grid_distances`` (d(J, j) of every unit; None without topology) and
        ``unit_rates`` (every unit's rate α·h(d), or its fuzzy rate; 0 where it did not
        learn); ``neighborhood``
        (h of that step, or of the next one before the first: hard or gaussian).
        """
        p = self.params
        updated, rates = self._updated()
        shown = self.winner is not None
        return {
            "weights": self.weights,
            "winner": self.winner,
            "input": self.data[self.input_index] if shown else None,
            "input_index": self.input_index,
            "distances": self._distances if shown else None,
            "updated": updated,
            "update_rates": rates,
            "epoch": self.epoch,
            "epochs": p.epochs,
            "sample": self.position,
            "samples_per_epoch": self.samples_per_epoch,
            "learning_rate": self._last_alpha if shown else self._alpha,
            "radius": self._last_radius if shown else self._radius,
            "quantization_error": self.quantization_error,
            "topographic_error": self.topographic_error,
            "initial_quantization_error": self.initial_quantization_error,
            "initial_topographic_error": self.initial_topographic_error,
            **self.history(),
            "rows": p.rows,
            "cols": p.cols,
            "topology": p.topology,
            "data": self._frozen_data,
            "labels": self._frozen_labels,
            "input_shape": self.input_shape,
            "distance": p.distance,
            "membership": p.membership,
            "fuzzifier": p.fuzzifier if p.membership == "fuzzy" else None,
            "sigmas": self.sigmas,
            "input_memberships": self._ext.last_memberships
            if shown and p.membership == "fuzzy" else None,
            **self._step_explained(),
        }

    def history(self) -> dict[str, np.ndarray]:
        """The per-epoch curves ``history_epoch``, ``history_learning_rate``, …: α and R
        of each epoch, QE and TE at its end; every epoch of a run of up to
        :data:`HISTORY_ROWS` − 1, then thinned (every 2nd, 4th, … epoch), always with
        the last epoch."""
        h = self._history
        steps, rows = h.steps, h.rows
        if self._newest is not None and steps[-1] != self._newest[0]:
            steps = np.append(steps, self._newest[0])
            rows = np.vstack([rows, self._newest[1]])
        out = {"history_epoch": steps.copy()}
        for i, name in enumerate(HISTORY_COLUMNS):
            out[f"history_{name}"] = rows[:, i].copy()
        return out

    def _snapshot_detail(self) -> dict[str, Any]:
        """The :attr:`detail_keys` for the current weights, so that a view colours its
        map without computing anything: ``u_matrix``, ``hit_map``, ``data_winners``
        (J of every input) and ``data_distances`` (their D(J)); the data-dependent
        ones are None when inputs × units exceeds :data:`MAX_SNAPSHOT_PAIRS`
        (use :meth:`maps`); ``memberships`` (N × m, every input's fuzzy memberships,
        each row summing to 1) with ``membership=fuzzy``, else None.
        """
        p = self.params
        out: dict[str, Any] = {"u_matrix": u_matrix(self.weights, p.rows, p.cols, p.topology),
                               "hit_map": None, "data_winners": None, "data_distances": None,
                               "memberships": None}
        if len(self.data) * p.units <= MAX_SNAPSHOT_PAIRS:
            best, best_d = self._data_winners()
            out.update(hit_map=np.bincount(best, minlength=p.units), data_winners=best,
                       data_distances=best_d)
            if p.membership == "fuzzy":
                out["memberships"] = self.memberships()
        return out

    def memberships(self) -> np.ndarray:
        """(N, m) every input's memberships u_j (fuzzy c-means with this fuzzifier; with
        hard memberships 1 for the winner, 0 for the others); each row sums to 1."""
        p = self.params
        d = extended_distances(self.data, self.weights, self.sigmas)
        if p.membership == "fuzzy":
            return fcm_memberships(d, p.fuzzifier)
        hard = np.zeros_like(d)
        hard[np.arange(len(d)), np.argmin(d, axis=1)] = 1.0
        return hard

    def maps(self) -> dict[str, Any]:
        """On demand, for the current weights, frozen like a snapshot: ``u_matrix``,
        ``hit_map``, ``label_map`` (per unit, the labels of the inputs it wins: Fig
        4.10's table), ``unit_inputs`` (per unit, the data rows it wins), ``winners``.
        """
        p = self.params
        if self.sigmas is not None:
            best = self._best_two()[0]
        else:
            best, _, _ = best_two_units(self.data, self.weights)
        hits = np.bincount(best, minlength=p.units)
        unit_inputs = [np.flatnonzero(best == u) for u in range(p.units)]
        return freeze({
            "u_matrix": u_matrix(self.weights, p.rows, p.cols, p.topology),
            "hit_map": hits,
            "label_map": [[self.labels[i] for i in rows] for rows in unit_inputs],
            "unit_inputs": unit_inputs,
            "winners": best,
        })

    def positions(self) -> np.ndarray:
        """(m, 2) drawing positions of the units (see :func:`.geometry.grid_positions`)."""
        p = self.params
        return grid_positions(p.rows, p.cols, p.topology)

    def edges(self) -> np.ndarray:
        """(E, 2) unit pairs to join when drawing (see :func:`.geometry.lattice_edges`)."""
        p = self.params
        return lattice_edges(p.rows, p.cols, p.topology)

    def summary(self, snap: Mapping[str, Any]) -> dict[str, str]:
        winner = snap["winner"]
        return {
            "epoch": str(snap["epoch"]),
            "input": "-" if snap["input_index"] is None else self.labels[snap["input_index"]],
            "winner": "-" if winner is None else str(winner + 1),
            "α": f"{snap['learning_rate']:.4g}",
            "R": f"{snap['radius']:.3g}",
            "QE": f"{snap['quantization_error']:.4f}",
            "TE": f"{snap['topographic_error']:.3f}",
        }
