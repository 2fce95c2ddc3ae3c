"""Inputs a sweep draws afresh for every run: MaxNet's random inputs, the noisy letters.

A question such as "for which ε does MaxNet find the winner?" is about inputs in
general, not one vector: each run of the sweep draws its own from its seed.  An
:class:`InputMaker` declares its own parameters (``m``, ``flips``) like a model's, so
they are set and varied like any other (``--set m=4``, ``--vary flips=0:20:11``), and it
fills in the model parameters it makes (``activations``; ``exemplars`` and ``inputs``).
A sweep uses a model's maker when one of the maker's parameters is given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from mechgui.engine.data import load_letters
from mechgui.engine.params import Float, Int, ParamSet

__all__ = ["MAKERS", "InputMaker", "input_rng", "maker_named", "makers_for"]


@dataclass(frozen=True, eq=False)
class RandomActivationsParams(ParamSet):
    """MaxNet with random inputs: m activations drawn uniformly from (1 − spread, 1]."""

    m: int = Int(4, "m, the number of nodes: each run draws its m initial activations "
                 "with its own seed", low=2, high=100_000, label="m (nodes)")
    spread: float = Float(1.0, "the activations are drawn uniformly from (1 − spread, 1]: "
                          "1 for any inputs in (0, 1], small for nearly equal ones", low=0,
                          high=1, low_open=True, step=0.05, label="input spread")


@dataclass(frozen=True, eq=False)
class NoisyLettersParams(ParamSet):
    """The Hamming net on the 21 letters of Fig 4.9 with k pixels flipped in each."""

    flips: int = Int(2, "k: the exemplars are the 21 letters of Fig 4.9; each run's inputs are "
                     "the same letters, in order, with k of their 63 pixels flipped at random",
                     low=0, high=63, label="k (flipped pixels)")


def _random_activations(p: RandomActivationsParams, rng: np.random.Generator) -> dict[str, Any]:
    return {"activations": 1.0 - p.spread * rng.random(p.m)}


def _noisy_letters(p: NoisyLettersParams, rng: np.random.Generator) -> dict[str, Any]:
    _, letters = load_letters(bipolar=True)
    noisy = letters.copy()
    for row in noisy:
        row[rng.choice(row.size, size=p.flips, replace=False)] *= -1
    return {"exemplars": letters, "inputs": noisy}


@dataclass(frozen=True)
class InputMaker:
    """Inputs drawn per run: its declarations (:attr:`params`), the model parameters it
    sets (:attr:`makes`) and how it draws them."""

    model: str
    name: str
    title: str
    params: type[ParamSet]
    makes: tuple[str, ...]
    draw: Callable[[Any, np.random.Generator], dict[str, Any]]

    def names(self) -> list[str]:
        return self.params.names()

    def make(self, values: Mapping[str, Any], seed: int) -> dict[str, Any]:
        """The model parameters drawn for a run with ``seed`` (``values``: the maker's)."""
        return self.draw(self.params.from_mapping(values), input_rng(seed))


def input_rng(seed: int) -> np.random.Generator:
    """The generator a run's inputs are drawn from: a stream of the run's seed apart from
    the one the simulation itself uses (``default_rng(seed)``)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1,)))


#: Per model, the makers it has.
MAKERS: dict[str, tuple[InputMaker, ...]] = {
    "maxnet": (InputMaker("maxnet", "random-inputs", "random inputs", RandomActivationsParams,
                          ("activations",), _random_activations),),
    "hamming": (InputMaker("hamming", "noisy-letters", "the 21 letters with k pixels flipped",
                           NoisyLettersParams, ("exemplars", "inputs"), _noisy_letters),),
}


def makers_for(model: str) -> tuple[InputMaker, ...]:
    return MAKERS.get(model, ())


def maker_named(model: str, keys: list[str]) -> InputMaker | None:
    """The maker of ``model`` one of whose parameters is among ``keys`` (None if none is)."""
    for maker in makers_for(model):
        if any(key in maker.names() for key in keys):
            return maker
    return None
