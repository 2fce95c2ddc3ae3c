"""Property tests: every declared parameter refuses bad values with a message naming it,
and any valid parameters run without NaN or exception."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mechgui.cli import main
from mechgui.engine import MODELS, ParameterError, create, model_class
from mechgui.engine.params import ArraySpec, ChoiceSpec, FlagSpec, NumberSpec

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def invalid_values(spec):
    """A strategy of values the declaration must refuse."""
    junk = st.sampled_from(["abc", "", "1,,2x", [], {}, object()])
    if isinstance(spec, NumberSpec):
        options = [junk, st.sampled_from([math.nan, math.inf, -math.inf, True])]
        if spec.low is not None:
            below = st.floats(max_value=spec.low, exclude_max=not spec.low_open, allow_nan=False,
                              allow_infinity=False, min_value=spec.low - 1e6)
            options.append(below)
        if spec.high is not None:
            above = st.floats(min_value=spec.high, exclude_min=not spec.high_open, allow_nan=False,
                              allow_infinity=False, max_value=spec.high + 1e6)
            options.append(above)
        if spec.integer:
            options.append(st.sampled_from([0.5, 1.5, 2.25]))
        return st.one_of(options)
    if isinstance(spec, ChoiceSpec):
        return st.one_of(junk, st.text(max_size=12).filter(lambda s: s not in spec.choices
                                                            and s.strip().lower() not in ("none", "auto")),
                         st.integers())
    if isinstance(spec, FlagSpec):
        return st.sampled_from(["maybe", 2, -1, 0.5, [], "abc"])
    if isinstance(spec, ArraySpec):
        width = max(spec.min_cols, 1)
        def shaped(value):
            return [[value] * width] * max(spec.min_len, 1) if spec.ndim == 2 else [value] * max(spec.min_len, 1)
        options = [st.just(shaped(math.nan)), st.just(shaped(math.inf)), st.just("1, x, 3"),
                   st.just(shaped("a")), st.just(7)]
        if spec.min_len > 1:
            options.append(st.just(shaped(0.0)[: spec.min_len - 1]))
        if spec.values is not None:
            options.append(st.just(shaped(0.5)))
        if spec.low is not None:
            options.append(st.just(shaped(spec.low - 1)))
        wrong_ndim = [1.0] * width if spec.ndim == 2 else [[1.0, 1.0]] * spec.min_len
        options.append(st.just(wrong_ndim))
        return st.one_of(options)
    raise AssertionError(f"no strategy for {spec}")


def all_specs():
    for model in MODELS:
        for spec in model_class(model).Params.specs():
            yield pytest.param(model, spec, id=f"{model}.{spec.name}")


@pytest.mark.parametrize("model, spec", list(all_specs()))
@FAST
@given(data=st.data())
def test_invalid_values_are_refused_with_a_message_naming_the_parameter(model, spec, data):
    value = data.draw(invalid_values(spec).filter(
        lambda v: not (spec.optional and isinstance(v, str) and v.strip().lower() in ("", "none", "auto"))))
    with pytest.raises(ParameterError) as info:
        model_class(model).Params.from_mapping({spec.name: value})
    assert info.value.name == spec.name
    assert str(info.value).startswith(f"{spec.name}=")
    assert "is not allowed: " in str(info.value)


@pytest.mark.parametrize("model", list(MODELS))
def test_defaults_are_valid_and_round_trip_through_text(model):
    params = model_class(model).Params()
    for spec in params.specs():
        value = getattr(params, spec.name)
        again = spec.parse(spec.format(value))
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(again, value)
        else:
            assert again == value


@FAST
@given(text=st.text(min_size=1, max_size=10).filter(lambda s: "=" not in s and "\x00" not in s))
def test_cli_and_api_give_the_same_message(text):
    try:
        create("maxnet", epsilon=text)
    except ParameterError as exc:
        expected = f"error: {exc}"
    else:
        return
    import contextlib
    import io
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert main(["run", "maxnet", "--set", f"epsilon={text}", "--steps", "1"]) == 2
    assert err.getvalue().strip() == expected.strip()


def finite_snapshot(snap):
    for key, value in snap.items():
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            assert np.all(np.isfinite(value)), key
        elif isinstance(value, float):
            assert math.isfinite(value), key


positive = st.floats(min_value=0, max_value=100, allow_nan=False)


@FAST
@given(epsilon=st.floats(min_value=1e-6, max_value=1.0), acts=st.lists(positive, min_size=2, max_size=40),
       cap=st.integers(1, 300))
def test_any_valid_maxnet_runs(epsilon, acts, cap):
    net = create("maxnet", epsilon=epsilon, activations=acts, max_steps=cap)
    net.step(cap + 5)
    snap = net.snapshot()
    finite_snapshot(snap)
    assert snap["status"] in ("converged", "all_zero", "tie", "max_steps")
    assert net.step_count <= cap
    if snap["status"] == "converged":
        assert np.count_nonzero(snap["activations"]) == 1


@FAST
@given(r1=st.integers(0, 5), extra=st.integers(1, 6),
       c1=st.floats(min_value=1e-3, max_value=10), c2=st.floats(min_value=-10, max_value=-1e-3),
       x_max=st.floats(min_value=1e-3, max_value=1000), t_max=st.integers(1, 15),
       signal=st.lists(st.floats(min_value=-1000, max_value=1000), min_size=2, max_size=60))
def test_any_valid_mexican_hat_runs(r1, extra, c1, c2, x_max, t_max, signal):
    net = create("mexican_hat", r1=r1, r2=r1 + extra, c1=c1, c2=c2, x_max=x_max, t_max=t_max,
                 signal=signal)
    net.step(t_max)
    snap = net.snapshot()
    finite_snapshot(snap)
    assert snap["done"]
    assert np.all((snap["activations"] >= 0) & (snap["activations"] <= x_max))


bipolar = st.sampled_from([-1, 1])


@FAST
@given(data=st.data(), m=st.integers(2, 6), n=st.integers(1, 16), count=st.integers(1, 4),
       epsilon=st.one_of(st.none(), st.floats(min_value=1e-3, max_value=1.0)))
def test_any_valid_hamming_net_runs(data, m, n, count, epsilon):
    exemplars = data.draw(st.lists(st.lists(bipolar, min_size=n, max_size=n), min_size=m, max_size=m))
    inputs = data.draw(st.lists(st.lists(bipolar, min_size=n, max_size=n), min_size=count, max_size=count))
    net = create("hamming", exemplars=exemplars, inputs=inputs, epsilon=epsilon, max_steps=500)
    net.step(count * 502)
    snap = net.snapshot()
    finite_snapshot(snap)
    assert snap["status"] == "done" and len(snap["winners"]) == count
    agree = np.array(inputs) @ np.array(exemplars).T / 2 + n / 2
    for row, winner in zip(agree, snap["winners"]):
        if winner is not None:  # the winner is a nearest exemplar
            assert row[winner] == row.max()
