"""Every surface's gradient against central finite differences, and its
listed minima against the gradient and the height around them."""

import numpy as np
import pytest

from gd import surfaces

ALL = surfaces.all_surfaces()


def central_difference(f, x, h=1e-6):
    grad = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        grad[i] = (f(x + e) - f(x - e)) / (2 * h)
    return grad


@pytest.mark.parametrize("name", sorted(ALL))
def test_gradient_matches_finite_differences(name):
    surface = ALL[name]
    rng = np.random.default_rng(20261204)
    lo = np.array([b[0] for b in surface.bounds])
    hi = np.array([b[1] for b in surface.bounds])
    for x in rng.uniform(lo, hi, size=(50, surface.dim)):
        numeric = central_difference(surface.f, x)
        exact = surface.grad(x)
        scale = 1 + np.max(np.abs(exact))
        np.testing.assert_allclose(exact, numeric, atol=1e-6 * scale)


@pytest.mark.parametrize("name", sorted(ALL))
def test_vectorized_over_a_grid(name):
    surface = ALL[name]
    rng = np.random.default_rng(7)
    points = rng.uniform(-1, 1, size=(4, 3, surface.dim))
    heights = surface.f(points)
    grads = surface.grad(points)
    assert heights.shape == (4, 3)
    assert grads.shape == points.shape
    np.testing.assert_allclose(heights[2, 1], surface.f(points[2, 1]))
    np.testing.assert_allclose(grads[2, 1], surface.grad(points[2, 1]))


@pytest.mark.parametrize("name", sorted(ALL))
def test_minima_are_flat_and_lowest_nearby(name):
    surface = ALL[name]
    assert surface.minima
    rng = np.random.default_rng(3)
    for m in surface.minima:
        assert np.linalg.norm(surface.grad(m)) < 1e-9
        around = m + 1e-3 * rng.standard_normal((40, surface.dim))
        assert np.all(surface.f(around) >= surface.f(m))


def test_known_values():
    # Hand-written values from each function's formula.
    assert ALL["parabola"].f(np.array([3.0])) == 9.0
    assert ALL["Rosenbrock"].f(np.array([0.0, 0.0])) == 1.0
    np.testing.assert_array_equal(ALL["Rosenbrock"].minima[0], [1, 1])
    assert ALL["Himmelblau"].f(np.array([0.0, 0.0])) == 170.0
    np.testing.assert_array_equal(ALL["Himmelblau"].minima[0], [3, 2])
    # Published approximate positions of Himmelblau's other minima.
    published = [(-2.805118, 3.131312), (-3.779310, -3.283186),
                 (3.584428, -1.848126)]
    for m, p in zip(ALL["Himmelblau"].minima[1:], published):
        np.testing.assert_allclose(m, p, atol=1e-6)
    assert ALL["saddle"].f(np.array([0.0, 1.0])) == -0.25
    np.testing.assert_array_equal(ALL["saddle"].grad(np.zeros(2)), [0, 0])


def test_bowl_condition_and_rotation():
    bowl = surfaces.Bowl(condition=25.0, angle=30.0)
    np.testing.assert_allclose(np.linalg.eigvalsh(bowl.hessian), [1, 25])
    c, s = np.cos(np.pi / 6), np.sin(np.pi / 6)
    long_axis = np.array([c, s])
    # Along the long axis the curvature is 1: f = t**2 / 2.
    np.testing.assert_allclose(bowl.f(2.0 * long_axis), 2.0)
    np.testing.assert_allclose(bowl.f(2.0 * np.array([-s, c])), 50.0)


def test_trail_minima_solve_the_derivative():
    trail = surfaces.Trail()
    for m in trail.minima:
        x = m[0]
        assert abs(x**3 / 5 - x + 0.25) < 1e-12
    assert len(trail.minima) == 2
    deep, shallow = trail.minima
    assert trail.f(deep) < trail.f(shallow)


def test_foggy_mountain_lists_every_valley():
    from gd.runner import run_many

    mountain = surfaces.FoggyMountain()
    (x0, x1), (y0, y1) = mountain.bounds
    X, Y = np.meshgrid(np.linspace(x0, x1, 25), np.linspace(y0, y1, 25))
    starts = np.column_stack([X.ravel(), Y.ravel()])
    finals, diverged = run_many(mountain, starts, 0.1, 3000, tol=1e-9)
    assert not diverged.any()
    minima = np.array(mountain.minima)
    dist = np.linalg.norm(finals[:, None] - minima[None], axis=2)
    assert np.all(dist.min(axis=1) < 1e-4)


def test_bad_shapes_and_values_are_named():
    with pytest.raises(ValueError, match=r"x must have shape \(\.\.\., 2\)"):
        ALL["Rosenbrock"].f(np.zeros(3))
    with pytest.raises(ValueError, match="condition"):
        surfaces.Bowl(condition=0.5)
    with pytest.raises(ValueError, match="a must be"):
        surfaces.Parabola(a=-1)
