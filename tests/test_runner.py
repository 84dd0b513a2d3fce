"""The runner against hand calculations on f(x) = x**2 from x = 1."""

import warnings

import numpy as np
import pytest

import gd
from gd.surfaces import Parabola

SQUARE = Parabola()  # f(x) = x**2, f'(x) = 2x: one step maps x to (1 - 2 lr) x


def test_small_rate_creeps():
    path = gd.run(SQUARE, 1.0, lr=0.1, num_steps=10)
    # Each step multiplies x by 1 - 2 * 0.1 = 0.8, and 0.8**10 = 0.1073741824.
    assert path.final[0] == pytest.approx(0.1073741824, abs=1e-12)
    assert path.status == "out of steps"
    assert path.num_steps == 10
    assert not path.diverged


def test_half_reaches_the_bottom_in_one_step():
    path = gd.run(SQUARE, 1.0, lr=0.5, num_steps=10)
    assert path.final[0] == 0.0
    assert path.converged and path.stopped_at == 1
    np.testing.assert_array_equal(path.points[:, 0], [1.0, 0.0])


def test_one_bounces_forever():
    path = gd.run(SQUARE, 1.0, lr=1.0, num_steps=10)
    np.testing.assert_array_equal(path.points[:, 0], [1, -1] * 5 + [1])
    np.testing.assert_array_equal(path.losses, np.ones(11))
    assert path.status == "out of steps"
    assert not path.diverged


def test_too_large_diverges():
    path = gd.run(SQUARE, 1.0, lr=1.1, num_steps=10)
    # x is multiplied by 1 - 2.2 = -1.2 each step: 1.2**10 = 6.1917364224.
    assert path.final[0] == pytest.approx(6.1917364224, abs=1e-10)
    assert path.num_steps == 10
    assert path.status == "diverging" and path.diverged
    assert path.diverged_at == 1


@pytest.mark.parametrize("lr", [1e3, 1e100, 1e300])
def test_huge_rate_stops_early_without_warnings(lr):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            path = gd.run(SQUARE, 1.0, lr=lr, num_steps=1000)
    assert path.status == "diverged" and path.diverged
    assert path.num_steps < 1000
    assert np.all(np.isfinite(path.points))
    assert np.all(np.isfinite(path.losses))
    assert "diverged" in path.describe()


def test_path_arrays_line_up():
    path = gd.run(gd.surfaces.Rosenbrock(), (-1.5, 2.0), lr=1e-3,
                  num_steps=30)
    assert path.points.shape == (31, 2)
    assert path.losses.shape == (31,) and path.grad_norms.shape == (31,)
    surface = gd.surfaces.Rosenbrock()
    np.testing.assert_allclose(path.losses, surface.f(path.points))
    np.testing.assert_allclose(
        path.grad_norms, np.linalg.norm(surface.grad(path.points), axis=1))


def test_run_matches_a_hand_written_loop():
    surface = gd.surfaces.FoggyMountain()
    x = np.array([2.5, -0.5])
    for _ in range(25):
        x = x - 0.2 * surface.grad(x)
    path = gd.run(surface, (2.5, -0.5), lr=0.2, num_steps=25)
    np.testing.assert_array_equal(path.final, x)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"lr": -0.1}, "lr"),
        ({"lr": float("nan")}, "lr"),
        ({"lr": float("inf")}, "lr"),
        ({"num_steps": 0}, "num_steps"),
        ({"num_steps": 2.5}, "num_steps"),
        ({"start": [1.0, 2.0]}, "start"),
        ({"start": float("nan")}, "start"),
        ({"tol": -1.0}, "tol"),
    ],
)
def test_bad_input_names_the_parameter(kwargs, name):
    args = {"start": 1.0, "lr": 0.1, "num_steps": 10} | kwargs
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        gd.run(SQUARE, **args)


def test_optimizer_and_lr_together_is_an_error():
    with pytest.raises(ValueError, match="either lr or optimizer"):
        gd.run(SQUARE, 1.0, gd.GradientDescent(0.1), lr=0.1)


def test_run_many_agrees_with_run():
    surface = gd.surfaces.Himmelblau()
    starts = np.array([[0.0, 0.0], [-1.0, 1.0], [4.0, -4.0]])
    finals, diverged = gd.run_many(surface, starts, 0.01, 200, tol=0.0)
    for start, final in zip(starts, finals):
        path = gd.run(surface, start, lr=0.01, num_steps=200, tol=0.0)
        np.testing.assert_allclose(final, path.final, rtol=1e-12)
    assert not diverged.any()


def test_run_many_flags_blow_ups_quietly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            finals, diverged = gd.run_many(
                SQUARE, [[1.0], [0.0]], 1e300, 10)
    np.testing.assert_array_equal(diverged, [True, False])
    assert np.all(np.isfinite(finals))


@pytest.mark.parametrize("start", [1e7, 1e80, 1e200])
def test_start_off_the_map_is_rejected_quietly(start, strict):
    with pytest.raises(ValueError, match="^start must have every coordinate"):
        gd.run(gd.surfaces.Trail(), start, lr=0.1)


def test_start_where_the_loss_is_too_large_is_rejected(strict):
    # Trail height at 1e5 is about 1e20 / 20 = 5e18, above max_loss.
    with pytest.raises(ValueError, match="^start must be where the loss"):
        gd.run(gd.surfaces.Trail(), 1e5, lr=0.1)


def test_a_walk_that_keeps_bouncing_says_so():
    # lr = 1 on x**2 bounces between 1 and -1 with the loss flat: that is
    # not a rise. On the trail, lr = 1 bounces across the left valley.
    flat = gd.run(SQUARE, 1.0, lr=1.0, num_steps=10)
    assert "bouncing" not in flat.describe()
    bouncy = gd.run(gd.surfaces.Trail(), 3.2, lr=1.0, num_steps=20)
    assert bouncy.describe().startswith("still walking after 20 steps, "
                                        "bouncing")
