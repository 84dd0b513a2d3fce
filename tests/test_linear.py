"""The line-fitting loss, its curvature and the learning-rate limits."""

import numpy as np
import pytest

from gd import data, linear
from gd.optimizers import GradientDescent

# Seed of the random (w, b) points the derivatives are checked at.
SEED = 20240601


@pytest.fixture
def scores():
    return data.practice_scores(n=30, rng=0)


def central_difference(fun, p, h):
    """Return the central difference of `fun` at `p` along each axis."""
    columns = []
    for i in range(p.size):
        e = np.zeros_like(p)
        e[i] = h
        columns.append((fun(p + e) - fun(p - e)) / (2 * h))
    return np.stack(columns, axis=-1)


def descend(loss, lr, start, num_steps):
    """Return the point reached by plain gradient descent on `loss`."""
    opt = GradientDescent(lr)
    p = np.asarray(start, dtype=float)
    for _ in range(num_steps):
        p = opt.step(p, loss.grad(p))
    return p


# --- predict ---------------------------------------------------------------


def test_predict_one_line():
    y_hat = linear.predict(2.0, 1.0, np.array([0.0, 1.0, 3.0]))

    np.testing.assert_array_equal(y_hat, [1.0, 3.0, 7.0])


def test_predict_grid_of_lines():
    w = np.array([[0.0, 1.0], [2.0, -1.0]])
    b = np.array([[5.0, 0.0], [1.0, 2.0]])
    x = np.array([1.0, 2.0, 3.0])

    y_hat = linear.predict(w, b, x)

    assert y_hat.shape == (2, 2, 3)
    np.testing.assert_array_equal(y_hat[1, 0], [3.0, 5.0, 7.0])
    np.testing.assert_array_equal(y_hat[1, 1], [1.0, 0.0, -1.0])


def test_predict_rejects_mismatched_w_and_b():
    with pytest.raises(ValueError, match="w and b"):
        linear.predict(np.zeros(2), np.zeros(3), 1.0)


# --- LineLoss: value, gradient, Hessian ------------------------------------


def test_loss_is_mean_squared_error_not_its_root():
    loss = linear.LineLoss([0.0, 1.0, 2.0], [1.0, 1.0, 4.0])

    # The line y = x has residuals -1, 0, -2: MSE = (1 + 0 + 4) / 3.
    assert loss.f(np.array([1.0, 0.0])) == pytest.approx(5 / 3, rel=1e-15)


def test_loss_on_a_grid_matches_point_by_point(scores):
    loss = linear.LineLoss(*scores)
    w, b = np.meshgrid(np.linspace(-2, 8, 4), np.linspace(0, 80, 3))
    grid = np.stack([w, b], axis=-1)

    values = loss.f(grid)
    grads = loss.grad(grid)

    assert values.shape == (3, 4)
    assert grads.shape == (3, 4, 2)
    for i in range(3):
        for j in range(4):
            assert values[i, j] == loss.f(grid[i, j])
            np.testing.assert_array_equal(grads[i, j], loss.grad(grid[i, j]))


def test_gradient_matches_finite_differences(scores):
    loss = linear.LineLoss(*scores)
    rng = np.random.default_rng(SEED)

    # The loss is quadratic, so central differences are exact apart from
    # rounding, and a large step keeps the rounding small.
    for p in rng.uniform([-10, -50], [20, 150], size=(50, 2)):
        numeric = central_difference(loss.f, p, h=1e-2)
        np.testing.assert_allclose(loss.grad(p), numeric, rtol=1e-8,
                                   atol=1e-8)


def test_hessian_matches_finite_differences_of_gradient(scores):
    loss = linear.LineLoss(*scores)
    rng = np.random.default_rng(SEED)

    for p in rng.uniform([-10, -50], [20, 150], size=(10, 2)):
        numeric = central_difference(loss.grad, p, h=1e-2)
        np.testing.assert_allclose(loss.hessian(), numeric, rtol=1e-9)


def test_hessian_by_hand():
    loss = linear.LineLoss([1.0, 2.0, 3.0], [0.0, 0.0, 0.0])

    # mean(x^2) = 14 / 3 and mean(x) = 2.
    expected = 2 * np.array([[14 / 3, 2.0], [2.0, 1.0]])
    np.testing.assert_allclose(loss.hessian(), expected, rtol=1e-15)


def test_params_of_the_wrong_shape_are_rejected(scores):
    loss = linear.LineLoss(*scores)

    with pytest.raises(ValueError, match=r"^params must have shape"):
        loss.f(np.zeros(3))


@pytest.mark.parametrize("x, y, name", [
    ([1.0], [1.0], "x"),
    ([[1.0, 2.0]], [1.0, 2.0], "x"),
    ([1.0, 1.0, 1.0], [1.0, 2.0, 3.0], "x"),
    ([1.0, np.nan], [1.0, 2.0], "x"),
    ([1.0, 2.0], [1.0, 2.0, 3.0], "y"),
    ([1.0, 2.0], [1.0, np.inf], "y"),
])
def test_bad_data_is_rejected(x, y, name):
    with pytest.raises(ValueError, match=rf"^{name} must"):
        linear.LineLoss(x, y)
    with pytest.raises(ValueError, match=rf"^{name} must"):
        linear.least_squares(x, y)


# --- the minimum -----------------------------------------------------------


def test_least_squares_by_hand():
    # The points (0, 1), (1, 3), (2, 5) lie on y = 2 x + 1.
    w, b = linear.least_squares([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])

    assert w == pytest.approx(2.0, rel=1e-15)
    assert b == pytest.approx(1.0, rel=1e-15)


def test_minimum_is_least_squares_and_polyfit(scores):
    x, y = scores
    loss = linear.LineLoss(x, y)

    np.testing.assert_allclose(loss.minima[0], linear.least_squares(x, y),
                               rtol=1e-12)
    np.testing.assert_allclose(loss.minima[0], np.polyfit(x, y, 1),
                               rtol=1e-12)
    np.testing.assert_allclose(loss.grad(loss.minima[0]), [0.0, 0.0],
                               atol=1e-10)


def test_gradient_descent_finds_polyfit_line(scores):
    x, y = scores
    loss = linear.LineLoss(x, y)
    lr = loss.curvature().lr_best

    # The condition number is about 220, so the slow direction shrinks by
    # about 1 - 1 / 220 per step: 8000 steps take it far below 1e-8.
    p = descend(loss, lr, start=[0.0, 0.0], num_steps=8000)

    np.testing.assert_allclose(p, np.polyfit(x, y, 1), rtol=0, atol=1e-8)
    np.testing.assert_allclose(p, linear.least_squares(x, y), rtol=0,
                               atol=1e-8)


def test_gradient_descent_on_standardized_data_is_fast(scores):
    x, y = scores
    z, mean, std = linear.standardize(x)
    loss = linear.LineLoss(z, y)

    # On standardized data the Hessian is 2 I, so lr = 1 / 2 lands on the
    # minimum in one step; run a few more to absorb rounding.
    p = descend(loss, 0.5, start=[0.0, 0.0], num_steps=3)

    np.testing.assert_allclose(loss.hessian(), 2 * np.eye(2), atol=1e-14)
    w, b = linear.unstandardize_line(p[0], p[1], mean, std)
    np.testing.assert_allclose([w, b], np.polyfit(x, y, 1), rtol=0,
                               atol=1e-8)


def test_bounds_frame_the_minimum_and_the_origin(scores):
    loss = linear.LineLoss(*scores)
    (w_lo, w_hi), (b_lo, b_hi) = loss.bounds
    w_star, b_star = loss.minima[0]

    assert w_lo < 0 < w_hi and b_lo < 0 < b_hi
    assert w_star == pytest.approx((w_lo + w_hi) / 2, rel=1e-12)
    assert b_star == pytest.approx((b_lo + b_hi) / 2, rel=1e-12)


# --- learning-rate limits on a 1-D quadratic -------------------------------


def quadratic_steps(a, lr, x0, num_steps):
    """Return x_0, ..., x_num_steps of GD on f(x) = (a / 2) x^2."""
    opt = GradientDescent(lr)
    xs = [np.array([x0])]
    for _ in range(num_steps):
        x = xs[-1]
        xs.append(opt.step(x, a * x))
    return np.concatenate(xs)


@pytest.mark.parametrize("a", [0.5, 3.0, 4.0])
def test_rate_one_over_a_lands_in_one_step(a):
    xs = quadratic_steps(a, 1 / a, x0=2.0, num_steps=1)

    assert xs[1] == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("a", [0.5, 3.0, 4.0])
def test_rate_two_over_a_bounces_forever(a):
    xs = quadratic_steps(a, 2 / a, x0=2.0, num_steps=100)

    expected = 2.0 * (-1.0) ** np.arange(101)
    np.testing.assert_allclose(xs, expected, rtol=1e-12)


@pytest.mark.parametrize("a", [0.5, 3.0, 4.0])
def test_rate_just_above_two_over_a_grows(a):
    xs = quadratic_steps(a, 2.01 / a, x0=2.0, num_steps=200)

    # Each step multiplies x by 1 - 2.01 = -1.01.
    assert np.all(np.diff(np.abs(xs)) > 0)
    assert abs(xs[-1]) == pytest.approx(2.0 * 1.01 ** 200, rel=1e-10)


@pytest.mark.parametrize("a", [0.5, 3.0, 4.0])
def test_rate_just_below_two_over_a_shrinks(a):
    xs = quadratic_steps(a, 1.99 / a, x0=2.0, num_steps=200)

    # Each step multiplies x by 1 - 1.99 = -0.99.
    assert np.all(np.diff(np.abs(xs)) < 0)
    assert abs(xs[-1]) == pytest.approx(2.0 * 0.99 ** 200, rel=1e-10)


# --- learning-rate limits on the line loss ---------------------------------


def test_curvature_limits_by_hand():
    limits = linear.curvature_limits([[4.0, 0.0], [0.0, 1.0]])

    assert limits == (4.0, 1.0, 4.0, 0.25, 0.5)
    assert limits.L == 4.0 and limits.mu == 1.0 and limits.condition == 4.0
    assert limits.lr_best == 0.25 and limits.lr_max == 0.5


def test_curvature_limits_of_a_rotated_matrix():
    # Eigenvalues 5 and 1 along the diagonals: [[3, 2], [2, 3]].
    limits = linear.curvature_limits(np.array([[3.0, 2.0], [2.0, 3.0]]))

    np.testing.assert_allclose(limits, [5.0, 1.0, 5.0, 0.2, 0.4],
                               rtol=1e-14)


@pytest.mark.parametrize("factor, converges", [(0.999, True), (1.001, False)])
def test_line_loss_limit_two_over_l(scores, factor, converges):
    loss = linear.LineLoss(*scores)
    lr = factor * loss.curvature().lr_max
    start = np.array([0.0, 0.0])
    start_distance = np.linalg.norm(start - loss.minima[0])

    # Along the steepest direction each step multiplies the distance by
    # about 0.998 or 1.002: 6000 steps shrink it below 1e-5 or grow it
    # beyond 1e5.
    p = descend(loss, lr, start, num_steps=6000)

    distance = np.linalg.norm(p - loss.minima[0])
    if converges:
        assert distance < 1e-3 * start_distance
    else:
        assert distance > 1e3 * start_distance


@pytest.mark.parametrize("matrix, message", [
    ([[1.0, 2.0, 3.0]], "square"),
    ([1.0, 2.0], "square"),
    ([[1.0, 0.5], [0.0, 1.0]], "symmetric"),
    ([[1.0, 0.0], [0.0, np.nan]], "finite"),
    ([[1.0, 0.0], [0.0, 0.0]], "positive definite"),
    ([[1.0, 0.0], [0.0, -2.0]], "positive definite"),
    ([[1.0, 1.0], [1.0, 1.0]], "positive definite"),
])
def test_curvature_limits_rejects_bad_matrices(matrix, message):
    with pytest.raises(ValueError, match=f"^hessian must .*{message}"):
        linear.curvature_limits(matrix)


# --- standardizing ---------------------------------------------------------


def test_standardize_gives_mean_zero_std_one(scores):
    x, _ = scores

    z, mean, std = linear.standardize(x)

    assert np.mean(z) == pytest.approx(0.0, abs=1e-15)
    assert np.std(z) == pytest.approx(1.0, rel=1e-14)
    assert mean == pytest.approx(np.sum(x) / x.size, rel=1e-14)
    assert std == pytest.approx(
        np.sqrt(np.sum((x - mean) ** 2) / x.size), rel=1e-14)
    np.testing.assert_allclose(z * std + mean, x, rtol=1e-14)


def test_standardize_by_hand():
    # Mean 2, population variance (1 + 0 + 1) / 3.
    z, mean, std = linear.standardize([1.0, 2.0, 3.0])

    assert mean == 2.0
    assert std == pytest.approx(np.sqrt(2 / 3), rel=1e-15)
    np.testing.assert_allclose(z, np.array([-1.0, 0.0, 1.0]) / std)


def test_standardize_columns():
    X, _ = linear.houses(n=40, rng=1)

    Z, mean, std = linear.standardize(X)

    np.testing.assert_allclose(np.mean(Z, axis=0), [0.0, 0.0], atol=1e-14)
    np.testing.assert_allclose(np.std(Z, axis=0), [1.0, 1.0], rtol=1e-14)
    assert mean.shape == std.shape == (2,)


@pytest.mark.parametrize("x", [
    [0.1, 0.1, 0.1],
    [[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]],
    [[1.0]],
])
def test_standardize_rejects_constant_or_too_short_x(x):
    with pytest.raises(ValueError, match="^x must"):
        linear.standardize(x)


def test_unstandardize_line_gives_least_squares_on_x(scores):
    x, y = scores
    z, mean, std = linear.standardize(x)

    w, b = linear.unstandardize_line(*linear.least_squares(z, y), mean, std)

    w_x, b_x = linear.least_squares(x, y)
    assert w == pytest.approx(w_x, rel=1e-12)
    assert b == pytest.approx(b_x, rel=1e-12)


def test_unstandardize_line_by_hand():
    # 3 z + 1 with z = (x - 10) / 2 is 1.5 x - 15 + 1.
    assert linear.unstandardize_line(3.0, 1.0, 10.0, 2.0) == (1.5, -14.0)


def test_unstandardize_line_rejects_non_positive_std():
    with pytest.raises(ValueError, match="^std must be positive"):
        linear.unstandardize_line(1.0, 0.0, 0.0, 0.0)


# --- more than one feature -------------------------------------------------


def test_linear_loss_with_one_feature_is_line_loss(scores):
    x, y = scores
    line = linear.LineLoss(x, y)
    general = linear.LinearLoss(x[:, np.newaxis], y)
    grid = np.random.default_rng(SEED).uniform(-5, 50, size=(4, 3, 2))

    assert general.dim == line.dim == 2
    np.testing.assert_allclose(general.f(grid), line.f(grid), rtol=1e-13)
    np.testing.assert_allclose(general.grad(grid), line.grad(grid),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(general.hessian(), line.hessian(),
                               rtol=1e-15)
    np.testing.assert_allclose(general.minima[0], line.minima[0],
                               rtol=1e-12)
    np.testing.assert_allclose(general.bounds, line.bounds, rtol=1e-12)


def test_linear_loss_derivatives_match_finite_differences():
    loss = linear.LinearLoss(*linear.houses(n=50, rng=2))
    rng = np.random.default_rng(SEED)

    assert loss.dim == 3 and loss.bounds is None
    for p in rng.uniform([-5, -50, -100], [10, 50, 300], size=(20, 3)):
        numeric = central_difference(loss.f, p, h=1e-2)
        np.testing.assert_allclose(loss.grad(p), numeric, rtol=1e-7)
        numeric = central_difference(loss.grad, p, h=1e-2)
        np.testing.assert_allclose(loss.hessian(), numeric, rtol=1e-7)


def test_linear_loss_minimum_has_zero_gradient():
    X, y = linear.houses(n=200, rng=3)
    loss = linear.LinearLoss(X, y)

    # The normal equations: X^T r = 0 and sum(r) = 0 at the minimum.
    w, b = loss.minima[0][:2], loss.minima[0][2]
    r = X @ w + b - y
    np.testing.assert_allclose(X.T @ r, [0.0, 0.0], atol=1e-6)
    assert np.sum(r) == pytest.approx(0.0, abs=1e-8)


def test_standardizing_houses_shrinks_the_condition_number():
    X, y = linear.houses(n=100, rng=0)
    Z, _, _ = linear.standardize(X)

    raw = linear.LinearLoss(X, y).curvature().condition
    scaled = linear.LinearLoss(Z, y).curvature().condition

    assert raw > 1e4
    assert scaled < 100


@pytest.mark.parametrize("X, y, name", [
    (np.ones(5), np.ones(5), "X"),
    (np.column_stack([np.arange(5.0), np.ones(5)]), np.ones(5), "X"),
    (np.ones((5, 1)) * np.arange(5.0)[:, None], np.ones(4), "y"),
])
def test_linear_loss_rejects_bad_data(X, y, name):
    with pytest.raises(ValueError, match=rf"^{name} must"):
        linear.LinearLoss(X, y)


# --- the houses data -------------------------------------------------------


def test_houses_ranges_and_seeding():
    X, y = linear.houses(n=500, rng=7)

    area, rooms = X[:, 0], X[:, 1]
    assert X.shape == (500, 2) and y.shape == (500,)
    assert np.all((area >= 50) & (area <= 250))
    assert set(np.unique(rooms)) <= {1.0, 2.0, 3.0, 4.0, 5.0, 6.0}
    X2, y2 = linear.houses(n=500, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(y, linear.houses(n=500, rng=8)[1])


def test_houses_without_noise_follow_the_stated_formula():
    X, y = linear.houses(n=20, rng=0, noise=0.0)

    np.testing.assert_allclose(y, 50 + 3 * X[:, 0] + 10 * X[:, 1],
                               rtol=1e-14)


@pytest.mark.parametrize("kwargs, name", [
    ({"n": 1}, "n"),
    ({"noise": -1.0}, "noise"),
    ({"rng": 1.5}, "rng"),
])
def test_houses_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name} must"):
        linear.houses(**kwargs)
