"""Shared by the throughput benchmarks: an engine and a plain torch loop of the same size
measured in alternating rounds of the same run, so that a machine whose speed drifts (a
shared virtual machine) weighs on both alike."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import numpy as np
import torch

from mechgui.engine.gan import use_training_threads

Stepper = Callable[[int], object]


def rate(step: Stepper, seconds: float, chunk: int = 50) -> float:
    """Steps per second of ``step(chunk)`` over about ``seconds``."""
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        step(chunk)
        done += chunk
    return done / (time.perf_counter() - start)


def alternate(engine: Stepper, plain: Stepper | None, seconds: float, rounds: int
              ) -> tuple[float, float | None]:
    """Median steps/s of ``engine`` and ``plain`` (None: not measured) in ``rounds``
    alternating rounds of ``seconds / rounds`` each, after a warm-up of 50 steps each."""
    engine(50)
    if plain is not None:
        plain(50)
    engine_rates, plain_rates = [], []
    for _ in range(rounds):
        engine_rates.append(rate(engine, seconds / rounds))
        if plain is not None:
            plain_rates.append(rate(plain, seconds / rounds))
    return float(np.median(engine_rates)), \
        float(np.median(plain_rates)) if plain_rates else None


def setup_line() -> str:
    """Torch's threads set as the CLI and the window set them, and a line saying so."""
    threads = use_training_threads()
    return (f"torch {torch.__version__}, {threads} thread(s), cores {os.cpu_count()}, "
            f"load average {os.getloadavg()[0]:.2f}")
