"""Optimizers: one step recomputed from the formula written out here."""

import numpy as np
import pytest

from gd.optimizers import GradientDescent


@pytest.mark.parametrize("shape", [(1,), (2,), (3, 4)])
@pytest.mark.parametrize("lr", [0.0, 0.01, 0.5, 2.0])
def test_gradient_descent_step(shape, lr):
    rng = np.random.default_rng(11)
    x, g = rng.standard_normal(shape), rng.standard_normal(shape)
    opt = GradientDescent(lr)
    np.testing.assert_array_equal(opt.step(x, g), x - lr * g)
    assert opt.t == 1


def test_schedule_is_called_with_the_step_count():
    seen = []

    def schedule(t):
        seen.append(t)
        return 1.0 / (t + 1)

    opt = GradientDescent(schedule)
    x = np.array([1.0])
    for _ in range(3):
        x = opt.step(x, np.array([1.0]))
    # 1 - 1 - 1/2 - 1/3
    assert x[0] == pytest.approx(1 - 1 - 0.5 - 1 / 3)
    assert seen == [0, 1, 2]
    opt.reset()
    assert opt.t == 0


@pytest.mark.parametrize("lr", [-1.0, float("nan"), "fast", None])
def test_bad_learning_rate_names_lr(lr):
    with pytest.raises(ValueError, match="^lr"):
        GradientDescent(lr)


def test_shape_mismatch_is_named():
    with pytest.raises(ValueError, match="grad must have the shape"):
        GradientDescent(0.1).step(np.zeros(2), np.zeros(3))
