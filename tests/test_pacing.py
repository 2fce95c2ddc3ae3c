"""The pacing of an engine thread, with a fake clock: no Qt, no threads."""

import math

import pytest

from mechgui.app.pacing import MAX_CALL_STEPS, MAX_SPEED, Pacer, Pacing

UNDER_LOCK = Pacing.for_engine(releases_lock=False, max_fps=50)
OUTSIDE_LOCK = Pacing.for_engine(releases_lock=True, max_fps=40)


def measured(pacing: Pacing, step_seconds: float) -> Pacer:
    pacer = Pacer(pacing)
    pacer.record_call(10, 10 * step_seconds)
    return pacer


def test_one_step_until_a_step_has_been_measured():
    pacer = Pacer(UNDER_LOCK)
    assert pacer.next_call(now=0.0, slice_start=0.0, taken=0) == 1


def test_a_call_under_the_lock_takes_about_call_seconds():
    pacer = measured(UNDER_LOCK, 1e-5)
    assert pacer.next_call(now=0.0, slice_start=0.0, taken=0) == round(0.002 / 1e-5)


def test_an_engine_outside_the_lock_fills_the_time_to_the_next_frame_in_one_call():
    pacer = measured(OUTSIDE_LOCK, 1e-3)
    pacer.frame_taken(0.0, detail=True)
    # the frame is due 25 ms after the last one: 25 steps of 1 ms
    assert pacer.next_call(now=0.0, slice_start=0.0, taken=0) == 25
    # after that call, another would be shorter than a quarter of the slice: none
    assert pacer.next_call(now=0.020, slice_start=0.0, taken=20) == 0


def test_calls_are_bounded_however_cheap_a_step():
    pacer = measured(UNDER_LOCK, 1e-12)
    assert pacer.next_call(now=0.0, slice_start=0.0, taken=0) == MAX_CALL_STEPS


def test_a_slice_ends_after_the_command_latency():
    pacer = measured(UNDER_LOCK, 1e-4)
    pacer.frame_taken(0.0, detail=True)
    assert pacer.next_call(now=0.001, slice_start=0.0, taken=5) > 0
    # the frame (20 ms) would come later than the latency (12 ms): the slice ends then
    assert pacer.next_call(now=0.0121, slice_start=0.0, taken=100) == 0


def test_a_set_speed_takes_the_steps_the_clock_has_made_due():
    pacer = measured(UNDER_LOCK, 1e-6)
    pacer.set_speed(10, now=100.0)
    assert pacer.next_call(now=100.0, slice_start=100.0, taken=0) == 1  # the first at once
    pacer.record_call(1, 1e-6)
    assert pacer.next_call(now=100.05, slice_start=100.05, taken=0) == 0
    assert pacer.next_call(now=100.35, slice_start=100.35, taken=0) == 3
    assert pacer.tick_seconds() == pytest.approx(0.016)
    pacer.set_speed(MAX_SPEED, now=101.0)
    assert pacer.tick_seconds() == 0.0


def test_speeding_up_after_slow_calls_asks_for_a_frames_worth_not_thousands():
    """Calls cut short by the speed measure a step as dearer than it is (the call's own
    cost counts): after turning the speed up the call size is bounded by that estimate."""
    pacer = measured(UNDER_LOCK, 1e-4)
    pacer.set_speed(50, now=0.0)
    for i in range(50):
        pacer.record_call(1, 1e-4)
    pacer.set_speed(MAX_SPEED, now=1.0)
    assert pacer.next_call(now=1.0, slice_start=1.0, taken=0) == 1  # measured afresh
    pacer.record_call(1, 1e-4)
    assert pacer.next_call(now=1.0, slice_start=1.0, taken=0) == 20


def test_a_target_caps_the_call():
    pacer = measured(UNDER_LOCK, 1e-6)
    assert pacer.next_call(now=0.0, slice_start=0.0, taken=0, remaining=7) == 7
    assert pacer.next_call(now=0.0, slice_start=0.0, taken=0, remaining=0) == 0


def test_frames_come_at_most_max_fps_and_only_with_new_steps():
    pacer = measured(UNDER_LOCK, 1e-4)
    pacer.frame_taken(10.0, detail=True)
    assert not pacer.frame_due(10.05)  # nothing new to show
    pacer.record_call(3, 3e-4)
    assert not pacer.frame_due(10.01)
    assert pacer.frame_due(10.0195)  # 20 ms at 50 frames/s, a little early allowed


def test_slow_drawing_spaces_the_frames_out():
    pacer = Pacer(UNDER_LOCK)
    for _ in range(50):
        pacer.frame_drawn(0.030)
    # drawing may take half the GUI thread's time: 30 ms of drawing, a frame every 60 ms
    assert pacer.frame_interval == pytest.approx(0.060, rel=1e-3)
    outside = Pacer(OUTSIDE_LOCK)
    for _ in range(50):
        outside.frame_drawn(0.030)
    assert outside.frame_interval == pytest.approx(0.030 / 0.8, rel=1e-3)


def test_a_frame_of_one_step_is_detailed_and_a_fast_one_at_most_detail_rate():
    pacer = Pacer(Pacing(detail_rate=5))
    pacer.frame_taken(0.0, detail=True)
    pacer.record_call(1, 1e-3)
    assert pacer.wants_detail(0.01)  # one step: exact
    pacer.record_call(40, 1e-3)
    assert not pacer.wants_detail(0.1)
    assert pacer.wants_detail(0.2)
    pacer.frame_taken(0.2, detail=True)
    pacer.record_call(40, 1e-3)
    assert not pacer.wants_detail(0.35)


def test_new_knobs_keep_the_measured_costs():
    pacer = Pacer(UNDER_LOCK)
    pacer.frame_drawn(0.1)
    pacer.record_call(10, 0.01)
    pacer.use(OUTSIDE_LOCK)
    assert pacer.step_seconds == pytest.approx(1e-3)
    assert pacer.frame_interval == pytest.approx(0.3 * 0.1 / 0.8)
    assert math.isclose(pacer.call_size(0.02), 20)
