"""Tests of gd.minibatch against loops and formulas written out here."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import gd
from gd import batching, minibatch

X_SMALL = np.array([-1.5, -0.5, 0.0, 0.5, 1.5, 2.0])
Y_SMALL = np.array([1.0, 2.0, 2.5, 4.0, 5.0, 7.5])


def test_full_losses_match_the_definition():
    rng = np.random.default_rng(3)
    P = rng.normal(size=(7, 2)) * 5
    expected = [np.mean((w * X_SMALL + b - Y_SMALL) ** 2) for w, b in P]

    assert minibatch.full_losses(P, X_SMALL, Y_SMALL) == pytest.approx(
        expected, rel=1e-12)
    assert minibatch.full_losses(P[0], X_SMALL, Y_SMALL) == pytest.approx(
        expected[0], rel=1e-12)


def test_full_losses_reject_mismatched_data():
    with pytest.raises(ValueError, match="^y must have shape"):
        minibatch.full_losses([1.0, 2.0], X_SMALL, Y_SMALL[:-1])
    with pytest.raises(ValueError, match="^params must end in"):
        minibatch.full_losses([1.0, 2.0, 3.0], X_SMALL, Y_SMALL)


def hand_rolled_budget(X, y, batch_size, lr, budget, seed, params0):
    """Mini-batch descent written out: a fresh permutation per epoch."""
    rng = np.random.default_rng(seed)
    w, b = params0
    used = 0
    while True:
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            if used + len(rows) > budget:
                return np.mean((w * X + b - y) ** 2), used
            r = w * X[rows] + b - y[rows]
            w, b = (w - lr * 2 * np.mean(r * X[rows]),
                    b - lr * 2 * np.mean(r))
            used += len(rows)


@pytest.mark.parametrize("batch_size, budget", [(1, 9), (2, 12), (4, 17),
                                                (6, 30), (5, 13)])
def test_loss_after_budget_matches_a_hand_rolled_loop(batch_size, budget):
    expected, used = hand_rolled_budget(X_SMALL, Y_SMALL, batch_size, 0.1,
                                        budget, 7, (0.0, 1.0))
    got = minibatch.loss_after_budget(X_SMALL, Y_SMALL, batch_size, 0.1,
                                      budget, 7, params0=(0.0, 1.0))
    history = minibatch.budget_run(X_SMALL, Y_SMALL, batch_size, 0.1,
                                   budget, 7, params0=(0.0, 1.0))

    assert got == pytest.approx(expected, rel=1e-12)
    assert history.examples[-1] == used <= budget


def test_budget_run_on_the_full_batch_is_plain_descent():
    # Full batch: every step uses all six rows, so 20 examples buy 3 steps.
    history = minibatch.budget_run(X_SMALL, Y_SMALL, 6, 0.1, 20, None,
                                   params0=(0.0, 1.0), shuffle=False)
    params = np.array([0.0, 1.0])
    for _ in range(3):
        params = params - 0.1 * batching.mse_grad(params, X_SMALL, Y_SMALL)

    assert history.num_updates == 3
    assert history.params[-1] == pytest.approx(params, rel=1e-12)


def test_diverged_budget_run_gives_infinite_loss():
    loss = minibatch.loss_after_budget(X_SMALL, Y_SMALL, 6, 5.0, 600, 0)
    assert loss == float("inf")


def test_noisy_descent_without_noise_is_gradient_descent():
    saddle = gd.surfaces.Saddle()
    points = minibatch.noisy_descent(saddle, (1.5, 0.3), 0.1, 25, 0.0, 0)
    reference = gd.run(saddle, (1.5, 0.3), lr=0.1, num_steps=25, tol=0)

    assert points == pytest.approx(reference.points, rel=1e-12)


def test_noisy_descent_adds_the_drawn_noise():
    # One step by hand: x1 = x0 - lr * (grad(x0) + noise * z).
    saddle = gd.surfaces.Saddle()
    z = np.random.default_rng(11).standard_normal(2)
    x0 = np.array([1.0, 0.0])
    grad = np.array([2 * 1.0, 0.0 ** 3 - 0.0])
    expected = x0 - 0.2 * (grad + 0.5 * z)

    points = minibatch.noisy_descent(saddle, x0, 0.2, 1, 0.5, 11)
    assert points[1] == pytest.approx(expected, rel=1e-12)


def test_window_is_square_and_holds_start_and_bottom():
    (w0, w1), (b0, b1) = minibatch.window(X_SMALL, Y_SMALL, (0.0, 40.0))
    best = np.polyfit(X_SMALL, Y_SMALL, 1)

    assert w1 - w0 == pytest.approx(b1 - b0)
    for w, b in [(0.0, 40.0), best]:
        assert w0 < w < w1 and b0 < b < b1


def test_window_keeps_extra_points_inside():
    (w0, w1), (b0, b1) = minibatch.window(X_SMALL, Y_SMALL, (0.0, 40.0),
                                          points=[[-30.0, 90.0]])
    assert w0 < -30.0 and b1 > 90.0
    assert w1 - w0 == pytest.approx(b1 - b0)


def test_practice_problem_is_standardized():
    X, y = minibatch.practice_problem(n=50, rng=4)
    assert X.shape == y.shape == (50,)
    assert X.mean() == pytest.approx(0.0, abs=1e-12)
    assert X.std() == pytest.approx(1.0)


def test_batch_size_panels_draw_two_rows():
    X, y = minibatch.practice_problem(n=60, rng=1)
    fig, axes = plt.subplots(2, 3)
    got = minibatch.batch_size_panels(X, y, 0, batch_sizes=(1, 6, 60),
                                      num_draws=20, axes=axes)
    assert got.shape == (2, 3)
    assert all(ax.has_data() for ax in got.ravel())
    plt.close(fig)


def test_log_ticks_label_only_the_chosen_values():
    fig, ax = plt.subplots()
    try:
        ax.loglog([1, 500], [2, 60])
        minibatch.log_ticks(ax, xticks=[1, 10, 100, 500], yticks=[2, 20])
        fig.canvas.draw()
        labels = [t.get_text() for t in ax.get_xticklabels()]
        assert labels == ["1", "10", "100", "500"]
        assert [t.get_text() for t in ax.get_yticklabels()] == ["2", "20"]
        minor = ax.xaxis.get_minor_formatter()
        assert minor(3.0) == ""
    finally:
        plt.close(fig)


def test_cloud_limits_hold_every_gradient_of_every_batch_size():
    X, y = minibatch.practice_problem(n=80, rng=2)
    spreads = [batching.gradient_spread(batching.mse_grad, (0.0, 40.0), X,
                                        y, B, 50, rng=5) for B in (1, 8)]
    (g0, g1), (h0, h1) = minibatch.cloud_limits(spreads)

    assert g1 - g0 == pytest.approx(h1 - h0)
    for s in spreads:
        G = np.vstack([s.grads, s.full])
        assert np.all((G[:, 0] > g0) & (G[:, 0] < g1))
        assert np.all((G[:, 1] > h0) & (G[:, 1] < h1))


def test_axes_say_weight_bias_and_gradient():
    # The book's words: weight w and bias b; "slope" is not a parameter.
    X, y = minibatch.practice_problem(n=60, rng=1)
    fig, axes = plt.subplots(2, 2)
    minibatch.batch_size_panels(X, y, 0, batch_sizes=(1, 60), num_epochs=1,
                                num_draws=20, axes=axes)
    top, bottom = axes[0, 0], axes[1, 0]
    assert top.get_xlabel() == "gradient along w"
    assert top.get_ylabel() == "gradient along b"
    assert bottom.get_xlabel() == "weight w"
    assert bottom.get_ylabel() == "bias b"
    assert axes[1, 1].get_title() == "1 step"
    plt.close(fig)


def test_noisy_descent_stops_a_blow_up_quietly(strict):
    saddle = gd.surfaces.Saddle()
    points = minibatch.noisy_descent(saddle, (1.5, 0.3), 50.0, 100, 1.0, 0)
    assert len(points) < 101
    assert np.all(np.isfinite(points))
