"""Tests of gd.batching against values worked out by hand."""

import math

import numpy as np
import pytest

from gd import batching

# The running example: x = 1..10 on the line y = 2 x, starting at w = 0
# with the bias held at 0, so every residual is y_hat - y = -2 x.
X_LINE = np.arange(1.0, 11.0)
Y_LINE = 2.0 * X_LINE


def no_bias_grad(params, X_batch, y_batch):
    """Gradient of the MSE of y_hat = w x, the bias fixed at 0."""
    full = batching.mse_grad(params, X_batch, y_batch)
    return np.array([full[0], 0.0])


# --- batches and epochs ----------------------------------------------------

def test_batch_sizes_of_one_epoch():
    sizes = [len(X_b) for X_b, _ in
             batching.batches(X_LINE, Y_LINE, 4, None, shuffle=False)]
    dropped = [len(X_b) for X_b, _ in
               batching.batches(X_LINE, Y_LINE, 4, None, shuffle=False,
                                drop_last=True)]

    assert sizes == [4, 4, 2]
    assert dropped == [4, 4]


def test_batch_larger_than_data_is_one_batch():
    for drop_last in (False, True):
        got = list(batching.batches(X_LINE, Y_LINE, 25, 0,
                                    drop_last=drop_last))
        assert len(got) == 1
        assert sorted(got[0][0]) == list(X_LINE)


def test_unshuffled_batches_keep_stored_order():
    got = [list(X_b) for X_b, _ in
           batching.batches(X_LINE, Y_LINE, 4, None, shuffle=False)]
    assert got == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]


def test_batch_gradients_by_hand():
    # dMSE/dw = 2 / B * sum(x * (w x - 2 x)) = -4 / B * sum(x ** 2) at w = 0
    #   x = 1..4:  sum x^2 = 1 + 4 + 9 + 16 = 30,     -4 * 30 / 4 = -30
    #   x = 5..8:  25 + 36 + 49 + 64 = 174,           -4 * 174 / 4 = -174
    #   x = 9, 10: 81 + 100 = 181,                    -4 * 181 / 2 = -362
    #   all ten:   385,                               -4 * 385 / 10 = -154
    params = np.zeros(2)
    pairs = batching.batches(X_LINE, Y_LINE, 4, None, shuffle=False)
    grads = [no_bias_grad(params, X_b, y_b)[0] for X_b, y_b in pairs]
    full = no_bias_grad(params, X_LINE, Y_LINE)[0]

    assert grads == pytest.approx([-30.0, -174.0, -362.0])
    assert full == pytest.approx(-154.0)

    # Weighted by batch size the batches recover the full gradient:
    # (4 * -30 + 4 * -174 + 2 * -362) / 10 = -1540 / 10 = -154.
    weighted = np.average(grads, weights=[4, 4, 2])
    assert weighted == pytest.approx(full)

    # The plain mean over-counts the small last batch: -566 / 3 = -188.67.
    plain = np.mean(grads)
    assert plain == pytest.approx(-566.0 / 3.0)
    assert plain != pytest.approx(full)


def test_epochs_count_updates():
    def count(drop_last):
        return len(list(batching.epochs(X_LINE, Y_LINE, 4, 3, 0,
                                        drop_last=drop_last)))

    # 3 epochs of 3 batches (4, 4, 2), or of 2 batches when dropping.
    assert count(False) == 9
    assert count(True) == 6


def test_shuffled_pairs_stay_together():
    X = np.arange(10.0)
    y = 3.0 * X + 1.0
    rng = np.random.default_rng(7)

    seen = {}
    for epoch, X_b, y_b in batching.epochs(X, y, 3, 5, rng):
        np.testing.assert_array_equal(y_b, 3.0 * X_b + 1.0)
        seen.setdefault(epoch, []).extend(X_b)

    assert sorted(seen) == [0, 1, 2, 3, 4]
    for order in seen.values():
        assert sorted(order) == list(X)

    orders = {tuple(order) for order in seen.values()}
    assert len(orders) == 5


def test_two_dimensional_rows_stay_together():
    X = np.arange(20.0).reshape(10, 2)
    y = X[:, 0] - 2.0 * X[:, 1]

    for X_b, y_b in batching.batches(X, y, 4, 3):
        assert X_b.shape[1] == 2
        np.testing.assert_array_equal(y_b, X_b[:, 0] - 2.0 * X_b[:, 1])


def test_same_seed_same_batches_other_seed_different():
    def first_epoch(rng):
        return [tuple(X_b) for X_b, _ in
                batching.batches(X_LINE, Y_LINE, 4, rng)]

    assert first_epoch(11) == first_epoch(11)
    assert first_epoch(11) != first_epoch(12)

    # One Generator passed twice moves on, so the order changes.
    rng = np.random.default_rng(11)
    assert first_epoch(rng) != first_epoch(rng)


def test_same_seed_same_epochs():
    def run(seed):
        return [(e, tuple(X_b)) for e, X_b, _ in
                batching.epochs(X_LINE, Y_LINE, 3, 4, seed)]

    assert run(5) == run(5)
    assert run(5) != run(6)


@pytest.mark.parametrize("kwargs, name", [
    ({"y": np.arange(9.0)}, "y"),
    ({"X": np.zeros((10, 2, 2))}, "X"),
    ({"X": np.zeros(0), "y": np.zeros(0)}, "X"),
    ({"batch_size": 0}, "batch_size"),
    ({"batch_size": 2.5}, "batch_size"),
    ({"batch_size": True}, "batch_size"),
    ({"rng": None}, "rng"),
    ({"rng": 0.5}, "rng"),
])
def test_batches_reject_bad_arguments(kwargs, name):
    args = {"X": X_LINE, "y": Y_LINE, "batch_size": 4, "rng": 0}
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        batching.batches(**args)


def test_epochs_reject_bad_count():
    with pytest.raises(ValueError, match="num_epochs"):
        batching.epochs(X_LINE, Y_LINE, 4, -1, 0)


# --- the model and its gradient --------------------------------------------

def test_mse_grad_two_features_by_hand():
    # w = (1, 0), b = 1: y_hat = (1 + 1, 3 + 1) = (2, 4), r = (1, 2).
    # grad_w = 2 / 2 * X.T @ r = (1 * 1 + 3 * 2, 2 * 1 + 4 * 2) = (7, 10)
    # grad_b = 2 / 2 * (1 + 2) = 3
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    y = np.array([1.0, 2.0])
    params = np.array([1.0, 0.0, 1.0])

    np.testing.assert_allclose(batching.predict(params, X), [2.0, 4.0])
    np.testing.assert_allclose(batching.mse_grad(params, X, y),
                               [7.0, 10.0, 3.0])
    # MSE = (1 ** 2 + 2 ** 2) / 2 = 2.5, no factor 1/2.
    assert batching.mse(params, X, y) == pytest.approx(2.5)


def test_mse_grad_line_with_bias_by_hand():
    # w = 0, b = 0 on y = 2 x: r = -2 x, grad_b = 2 / 10 * sum(-2 x)
    # = -4 * 55 / 10 = -22; grad_w = -154 as above.
    grad = batching.mse_grad([0.0, 0.0], X_LINE, Y_LINE)
    np.testing.assert_allclose(grad, [-154.0, -22.0])


def test_mse_grad_matches_finite_differences():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((6, 3))
    y = rng.standard_normal(6)
    params = rng.standard_normal(4)
    h = 1e-6

    numeric = []
    for i in range(4):
        e = np.zeros(4)
        e[i] = h
        up = batching.mse(params + e, X, y)
        down = batching.mse(params - e, X, y)
        numeric.append((up - down) / (2 * h))

    np.testing.assert_allclose(batching.mse_grad(params, X, y), numeric,
                               rtol=1e-6)


def test_mse_grad_rejects_wrong_params():
    with pytest.raises(ValueError, match="params"):
        batching.mse_grad([1.0, 2.0, 3.0], X_LINE, Y_LINE)


# --- mini-batch descent -----------------------------------------------------

def test_descent_first_updates_by_hand():
    # lr = 0.01, w = 0, no bias, batches (1..4), (5..8), (9, 10):
    #   w1 = 0 - 0.01 * -30 = 0.3
    #   grad on 5..8 at w1: 2 / 4 * sum(x * (0.3 x - 2 x)) = -1.7 * 174 / 2
    #   = -147.9, so w2 = 0.3 + 1.479 = 1.779
    history = batching.minibatch_descent(
        no_bias_grad, [0.0, 0.0], X_LINE, Y_LINE, 4, 0.01, 1, None,
        shuffle=False)

    assert history.params[1, 0] == pytest.approx(0.3)
    assert history.params[2, 0] == pytest.approx(1.779)
    assert history.num_updates == 3
    assert not history.diverged


def test_descent_history_bookkeeping():
    # 3 epochs of batches (4, 4, 2): 9 updates; examples after each:
    # 4 8 10 14 18 20 24 28 30. Recording every 4th update and the last
    # gives steps 0, 4, 8, 9; update 4 opens epoch 1, updates 8, 9 are in
    # epoch 2.
    history = batching.minibatch_descent(
        batching.mse_grad, [0.0, 0.0], X_LINE, Y_LINE, 4, 0.001, 3, 0,
        record_every=4)

    np.testing.assert_array_equal(history.step, [0, 4, 8, 9])
    np.testing.assert_array_equal(history.epoch, [0, 1, 2, 2])
    np.testing.assert_array_equal(history.examples, [0, 14, 28, 30])
    assert history.params.shape == (4, 2)
    assert history.num_updates == 9

    dropped = batching.minibatch_descent(
        batching.mse_grad, [0.0, 0.0], X_LINE, Y_LINE, 4, 0.001, 3, 0,
        drop_last=True)
    assert dropped.num_updates == 6
    assert dropped.examples[-1] == 24


def test_descent_converges_on_a_noiseless_line():
    X = np.linspace(-1.0, 1.0, 50)
    y = 3.0 * X + 1.0

    history = batching.minibatch_descent(
        batching.mse_grad, [0.0, 0.0], X, y, 5, 0.1, 30, 1)

    np.testing.assert_allclose(history.params[-1], [3.0, 1.0], atol=1e-4)
    assert not history.diverged


def test_descent_flags_divergence_without_warnings():
    # The largest curvature of a batch like (9, 10) is about
    # 2 * (81 + 100) / 2 = 181, so lr = 1 is far past 2 / 181.
    history = batching.minibatch_descent(
        batching.mse_grad, [0.0, 0.0], X_LINE, Y_LINE, 4, 1.0, 1000, 0)

    assert history.diverged
    assert history.diverged_at == history.num_updates + 1
    assert history.num_updates < 3000
    assert np.all(np.isfinite(history.params))
    assert np.max(np.abs(history.params)) <= 1e8
    assert history.step[-1] == history.num_updates


def test_divergence_on_the_first_update_keeps_the_start():
    # w1 = 0 - 1e7 * -30 = 3e8 > max_abs = 1e8 at once.
    history = batching.minibatch_descent(
        no_bias_grad, [0.0, 0.0], X_LINE, Y_LINE, 4, 1e7, 2, None,
        shuffle=False)

    assert history.diverged
    assert history.diverged_at == 1
    assert history.num_updates == 0
    np.testing.assert_array_equal(history.params, [[0.0, 0.0]])
    np.testing.assert_array_equal(history.step, [0])


def test_divergence_to_overflow_is_caught():
    # A huge max_abs lets the parameters overflow to inf; still no warning.
    history = batching.minibatch_descent(
        batching.mse_grad, [0.0, 0.0], X_LINE, Y_LINE, 4, 1.0, 1000, 0,
        max_abs=1e300)

    assert history.diverged
    assert np.all(np.isfinite(history.params))


def test_descent_accepts_a_schedule():
    history = batching.minibatch_descent(
        no_bias_grad, [0.0, 0.0], X_LINE, Y_LINE, 4,
        lambda t: 0.01 if t == 0 else 0.0, 1, None, shuffle=False)
    np.testing.assert_allclose(history.params[:, 0], [0.0, 0.3, 0.3, 0.3])


def test_stream_descent_learns_from_fresh_batches():
    def make_batch(batch_size, rng):
        x = rng.uniform(-1.0, 1.0, size=batch_size)
        return x, 3.0 * x + 1.0

    history = batching.stream_descent(
        batching.mse_grad, [0.0, 0.0], make_batch, 32, 400, 0.2, 4,
        record_every=100)

    np.testing.assert_array_equal(history.step, [0, 100, 200, 300, 400])
    np.testing.assert_array_equal(history.examples, 32 * history.step)
    np.testing.assert_allclose(history.params[-1], [3.0, 1.0], atol=1e-6)


def test_stream_is_reproducible():
    def make_batch(batch_size, rng):
        x = rng.standard_normal(batch_size)
        return x, -x

    first = [X_b.tolist() for X_b, _ in batching.stream(make_batch, 3, 4, 9)]
    again = [X_b.tolist() for X_b, _ in batching.stream(make_batch, 3, 4, 9)]
    assert first == again
    assert len(first) == 4


@pytest.mark.parametrize("kwargs, name", [
    ({"record_every": 0}, "record_every"),
    ({"max_abs": 0.0}, "max_abs"),
    ({"params0": [0.0, np.nan]}, "params0"),
    ({"lr": -0.1}, "lr"),
    ({"num_epochs": 0}, "num_epochs"),
    ({"num_epochs": -1}, "num_epochs"),
    ({"num_epochs": 1.5}, "num_epochs"),
])
def test_descent_rejects_bad_arguments(kwargs, name):
    args = {"grad_fn": batching.mse_grad, "params0": [0.0, 0.0],
            "X": X_LINE, "y": Y_LINE, "batch_size": 4, "lr": 0.01,
            "num_epochs": 1, "rng": 0}
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        batching.minibatch_descent(**args)



@pytest.mark.parametrize("num_batches", [0, -3, 2.0])
def test_stream_descent_rejects_bad_num_batches(num_batches):
    def make_batch(batch_size, rng):
        x = rng.standard_normal(batch_size)
        return x, -x

    with pytest.raises(ValueError, match="num_batches must be a whole "
                                         "number of at least 1"):
        batching.stream_descent(batching.mse_grad, [0.0, 0.0], make_batch,
                                4, num_batches, 0.1, 0)


def test_descent_needs_one_epoch():
    with pytest.raises(ValueError, match="num_epochs must be a whole "
                                         "number of at least 1, got 0"):
        batching.minibatch_descent(batching.mse_grad, [0.0, 0.0], X_LINE,
                                   Y_LINE, 4, 0.01, 0, 0)
    history = batching.minibatch_descent(batching.mse_grad, [0.0, 0.0],
                                         X_LINE, Y_LINE, 4, 0.01, 1, 0)
    assert history.num_updates == 3


# --- gradient spread ---------------------------------------------------------

def test_example_spread_by_hand():
    # At w = b = 0 on y = 2 x, one example's gradient is
    # 2 * (0 - 2 x) * (x, 1) = (-4 x^2, -4 x); the full one is (-154, -22).
    # sigma^2 = 16 Var(x^2) + 16 Var(x) over x = 1..10, with
    # Var(x) = (100 - 1) / 12 = 8.25 and
    # Var(x^2) = 25333 / 10 - 38.5^2 = 1051.05.
    sigma = batching.example_spread(batching.mse_grad, [0.0, 0.0], X_LINE,
                                    Y_LINE)
    assert sigma == pytest.approx(math.sqrt(16 * (1051.05 + 8.25)))


def test_expected_spread_by_hand():
    # sigma = 2, n = 10, B = 4: 2 / 2 * sqrt(6 / 9) = sqrt(2 / 3).
    assert batching.expected_spread(2.0, 10, 4) == pytest.approx(
        math.sqrt(2.0 / 3.0))
    curve = batching.expected_spread(2.0, 10, [1, 10])
    np.testing.assert_allclose(curve, [2.0, 0.0])
    assert batching.expected_spread(2.0, 1, 1) == 0.0

    with pytest.raises(ValueError, match="batch_size"):
        batching.expected_spread(2.0, 10, 11)


def test_gradient_spread_follows_theory():
    rng = np.random.default_rng(2024)
    n = 200
    X = rng.uniform(-2.0, 2.0, size=(n, 2))
    y = X @ np.array([1.5, -0.5]) + 0.3 + rng.standard_normal(n)
    params = np.array([0.2, 0.1, -0.4])
    num_draws = 2000

    sigma = batching.example_spread(batching.mse_grad, params, X, y)
    for batch_size in (1, 4, 16, 64, 150):
        result = batching.gradient_spread(batching.mse_grad, params, X, y,
                                          batch_size, num_draws, rng)
        expected = batching.expected_spread(sigma, n, batch_size)

        # The squared spread is a mean of num_draws squared distances;
        # its relative error is about sqrt(2 / num_draws) = 3 %, so 10 %
        # on the spread is a wide margin.
        assert result.spread == pytest.approx(expected, rel=0.10)
        assert result.grads.shape == (num_draws, 3)
        # The batch gradients are unbiased: their mean is the full one
        # up to a few standard errors.
        error = np.linalg.norm(result.mean - result.full)
        assert error < 5 * expected / math.sqrt(num_draws)


def test_gradient_spread_of_full_batch_is_zero():
    result = batching.gradient_spread(batching.mse_grad, [0.0, 0.0], X_LINE,
                                      Y_LINE, 10, 20, 0)

    np.testing.assert_allclose(result.full, [-154.0, -22.0])
    assert result.spread == pytest.approx(0.0, abs=1e-10)


def test_gradient_spread_rejects_bad_sizes():
    with pytest.raises(ValueError, match="batch_size"):
        batching.gradient_spread(batching.mse_grad, [0.0, 0.0], X_LINE,
                                 Y_LINE, 11, 5, 0)
    with pytest.raises(ValueError, match="num_draws"):
        batching.gradient_spread(batching.mse_grad, [0.0, 0.0], X_LINE,
                                 Y_LINE, 4, 0, 0)
