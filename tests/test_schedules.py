"""Learning-rate schedules against values worked out by hand."""

import math

import numpy as np
import pytest

from gd import schedules
from gd.optimizers import GradientDescent


def test_constant_values():
    assert schedules.constant(0.3).values(4).tolist() == [0.3] * 4


def test_step_decay_values():
    lr = schedules.step_decay(0.8, drop=0.5, every=2)

    assert lr.values(5).tolist() == [0.8, 0.8, 0.4, 0.4, 0.2]


def test_step_decay_defaults_halve_every_ten_steps():
    lr = schedules.step_decay(1.0)

    assert [lr(0), lr(9), lr(10), lr(19), lr(20)] == [
        1.0, 1.0, 0.5, 0.5, 0.25]


def test_inverse_time_values():
    lr = schedules.inverse_time(1.0, k=0.5)

    expected = [1.0, 1 / 1.5, 1 / 2.0, 1 / 2.5, 1 / 3.0]
    np.testing.assert_allclose(lr.values(5), expected, rtol=1e-15)


def test_inverse_time_with_k_zero_is_constant():
    assert schedules.inverse_time(0.2, k=0.0).values(3).tolist() == [0.2] * 3


def test_cosine_values():
    lr = schedules.cosine(1.0, num_steps=4, lr_min=0.2)

    # 0.2 + 0.8 * (1 + cos(pi t / 4)) / 2 for t = 0..4, then held at 0.2.
    half = math.sqrt(2) / 2
    expected = [1.0, 0.2 + 0.4 * (1 + half), 0.6, 0.2 + 0.4 * (1 - half),
                0.2, 0.2, 0.2]
    np.testing.assert_allclose(lr.values(7), expected, rtol=1e-15)


def test_cosine_ends_at_zero_by_default():
    lr = schedules.cosine(0.5, num_steps=10)

    assert lr(0) == 0.5
    assert lr(5) == pytest.approx(0.25, rel=1e-15)
    assert lr(10) == pytest.approx(0.0, abs=1e-16)
    assert lr(1000) == 0.0


@pytest.mark.parametrize("make", [
    lambda: schedules.constant(0.1),
    lambda: schedules.step_decay(0.1, drop=0.5, every=3),
    lambda: schedules.inverse_time(0.1, k=0.2),
    lambda: schedules.cosine(0.1, num_steps=5),
])
def test_schedule_drives_gradient_descent(make):
    lr = make()
    opt = GradientDescent(lr)

    # On f(x) = x^2 / 2 the gradient is x, so each step scales x by
    # (1 - lr_t).
    x = np.array([1.0])
    expected = 1.0
    for t in range(8):
        x = opt.step(x, x)
        expected *= 1 - lr(t)
    assert x[0] == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("lr, label", [
    (schedules.constant(0.1), "constant(lr=0.1)"),
    (schedules.step_decay(0.8, 0.5, 2),
     "step_decay(lr=0.8, drop=0.5, every=2)"),
    (schedules.inverse_time(1.0, k=0.1), "inverse_time(lr=1, k=0.1)"),
    (schedules.cosine(0.1, 50, lr_min=0.01),
     "cosine(lr=0.1, num_steps=50, lr_min=0.01)"),
])
def test_label_and_repr(lr, label):
    assert lr.__name__ == label
    assert repr(lr) == label
    assert repr(GradientDescent(lr)) == f"GradientDescent(lr={label})"


@pytest.mark.parametrize("make, name", [
    (lambda: schedules.constant(-0.1), "lr"),
    (lambda: schedules.constant(math.nan), "lr"),
    (lambda: schedules.constant("0.1"), "lr"),
    (lambda: schedules.step_decay(-1.0), "lr"),
    (lambda: schedules.step_decay(0.1, drop=0.0), "drop"),
    (lambda: schedules.step_decay(0.1, drop=1.5), "drop"),
    (lambda: schedules.step_decay(0.1, every=0), "every"),
    (lambda: schedules.step_decay(0.1, every=2.5), "every"),
    (lambda: schedules.inverse_time(math.inf), "lr"),
    (lambda: schedules.inverse_time(0.1, k=-0.1), "k"),
    (lambda: schedules.cosine(-0.1, 10), "lr"),
    (lambda: schedules.cosine(0.1, 0), "num_steps"),
    (lambda: schedules.cosine(0.1, 10, lr_min=0.2), "lr_min"),
    (lambda: schedules.cosine(0.1, 10, lr_min=-0.01), "lr_min"),
    (lambda: schedules.constant(0.1)(-1), "t"),
    (lambda: schedules.constant(0.1)(1.5), "t"),
    (lambda: schedules.constant(0.1).values(-1), "num_steps"),
])
def test_bad_arguments_name_the_parameter(make, name):
    with pytest.raises(ValueError, match=rf"^{name} must"):
        make()
