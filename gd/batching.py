"""Mini-batches: epochs, shuffling, and noisy but cheap gradient steps.

A data set is ``X`` (one example per row; a 1-D ``X`` holds one feature)
and targets ``y`` of the same length. The linear model is
``y_hat = X @ w + b`` and its loss is the mean squared error

    MSE = mean((y_hat - y) ** 2),

with no factor 1/2, so the gradient is ``2 / B * X.T @ (y_hat - y)`` for
``w`` and ``2 / B * sum(y_hat - y)`` for ``b`` over a batch of ``B`` rows.
Parameters are one flat array ``params = (w_1, ..., w_d, b)``; for a
single feature that is ``(w, b)``.

Shuffling permutes row indices, never the data: each batch is gathered
from ``X`` and ``y`` with its own indices, so a huge array is not copied
in shuffled order. When the data are too large to hold at all, ``stream``
and ``stream_descent`` draw each batch fresh from a seeded generator.

Every function that samples takes ``rng``: a ``numpy.random.Generator`` or
an integer seed. An integer seed gives the same order on every call; pass
one Generator to get a fresh order each time.
"""

from dataclasses import dataclass

import numpy as np

from gd import checks
from gd.optimizers import GradientDescent


def batches(X, y, batch_size, rng, shuffle=True, drop_last=False):
    """Return an iterator over the mini-batches of one epoch.

    Each row of `X` stays paired with its target in `y`. The order is
    drawn from `rng` when this function is called.

    Parameters
    ----------
    X : array_like of shape (n,) or (n, d)
        The examples, one per row, n at least 1.
    y : array_like of shape (n, ...)
        The targets, one per row of `X`.
    batch_size : int
        Rows per batch, at least 1. A batch size larger than n gives one
        batch holding all the data.
    rng : Generator or int or None
        Source of the shuffle; may be None only when `shuffle` is False.
    shuffle : bool, default True
        Visit the rows in a random order; otherwise in their stored order.
    drop_last : bool, default False
        Leave out the last batch when it is smaller than `batch_size`,
        unless it is the only one (`batch_size` larger than n).

    Returns
    -------
    iterator of (X_batch, y_batch)
        Batches of `batch_size` rows, the last possibly smaller.
    """
    X, y = _data(X, y)
    batch_size = checks.integer("batch_size", batch_size, 1)
    order = _order(len(X), rng, shuffle)
    return _one_epoch(X, y, batch_size, order, drop_last)


def epochs(X, y, batch_size, num_epochs, rng, shuffle=True,
           drop_last=False):
    """Return an iterator over the mini-batches of several epochs.

    Every epoch visits each row once, in a fresh order drawn from the same
    generator, so the order differs from one epoch to the next.

    Parameters
    ----------
    X, y, batch_size, shuffle, drop_last
        As for `batches`.
    num_epochs : int
        Number of passes over the data, at least 0.
    rng : Generator or int or None
        Source of the shuffles; may be None only when `shuffle` is False.

    Returns
    -------
    iterator of (epoch, X_batch, y_batch)
        `epoch` counts from 0.
    """
    X, y = _data(X, y)
    batch_size = checks.integer("batch_size", batch_size, 1)
    num_epochs = checks.integer("num_epochs", num_epochs, 0)
    if shuffle:
        rng = checks.rng(rng)
    return _epochs(X, y, batch_size, num_epochs, rng, shuffle, drop_last)


def stream(make_batch, batch_size, num_batches, rng):
    """Return an iterator over batches made on the fly.

    Nothing is stored: each batch is drawn fresh by
    ``make_batch(batch_size, rng)``, for data too large to hold, or an
    endless supply of new examples.

    Parameters
    ----------
    make_batch : callable
        ``make_batch(batch_size, rng) -> (X_batch, y_batch)``, drawing its
        randomness from the Generator it is given.
    batch_size : int
        Rows per batch, at least 1.
    num_batches : int
        Number of batches, at least 0.
    rng : Generator or int
        Source of randomness handed to `make_batch`.

    Returns
    -------
    iterator of (X_batch, y_batch)
    """
    batch_size = checks.integer("batch_size", batch_size, 1)
    num_batches = checks.integer("num_batches", num_batches, 0)
    rng = checks.rng(rng)
    return (make_batch(batch_size, rng) for _ in range(num_batches))


def predict(params, X):
    """Return the linear model's predictions ``y_hat = X @ w + b``.

    Parameters
    ----------
    params : array_like of shape (d + 1,)
        The weights ``w_1, ..., w_d`` followed by the bias ``b``.
    X : array_like of shape (n,) or (n, d)
        The examples; a 1-D `X` is one feature.

    Returns
    -------
    y_hat : ndarray of shape (n,)
    """
    X, w, b = _model(params, X)
    return X @ w + b


def mse(params, X, y):
    """Return the mean squared error ``mean((y_hat - y) ** 2)``.

    Parameters
    ----------
    params : array_like of shape (d + 1,)
        The weights followed by the bias, as for `predict`.
    X : array_like of shape (n,) or (n, d)
        The examples, n at least 1.
    y : array_like of shape (n,)
        The targets.

    Returns
    -------
    float
    """
    y_hat = predict(params, X)
    y = checks.targets("y", y, len(y_hat))
    return float(np.mean((y_hat - y) ** 2))


def mse_grad(params, X_batch, y_batch):
    """Return the gradient of the mean squared error over one batch.

    For a batch of B rows with residuals ``r = y_hat - y``, the gradient
    is ``2 / B * X.T @ r`` for the weights and ``2 / B * sum(r)`` for the
    bias. It is the mean of the single-example gradients.

    Parameters
    ----------
    params : array_like of shape (d + 1,)
        The weights followed by the bias, as for `predict`.
    X_batch : array_like of shape (B,) or (B, d)
        The batch's examples, B at least 1.
    y_batch : array_like of shape (B,)
        The batch's targets.

    Returns
    -------
    grad : ndarray of shape (d + 1,)
        The partial derivatives in the order of `params`.
    """
    X, w, b = _model(params, X_batch)
    y = checks.targets("y_batch", y_batch, len(X))
    y_hat = X @ w + b
    r = y_hat - y

    scale = 2.0 / len(r)
    grad_w = scale * (X.T @ r)
    grad_b = scale * np.sum(r)

    return np.append(grad_w, grad_b)


@dataclass(frozen=True)
class History:
    """The path of a mini-batch descent run.

    Row k of every array describes one recorded moment: the start (update
    0) and then every `record_every`-th update, plus the last one.

    Attributes
    ----------
    params : ndarray of shape (k, p)
        The parameters after that many updates.
    step : ndarray of shape (k,)
        The number of updates made so far.
    epoch : ndarray of shape (k,)
        The epoch of the batch behind the latest update (0 at the start).
    examples : ndarray of shape (k,)
        The number of examples whose gradients were computed so far.
    num_updates : int
        The number of updates made.
    diverged : bool
        Whether the run was stopped because the parameters blew up.
    diverged_at : int or None
        The update whose result was not finite or exceeded `max_abs`; that
        result is not recorded.
    """

    params: np.ndarray
    step: np.ndarray
    epoch: np.ndarray
    examples: np.ndarray
    num_updates: int
    diverged: bool
    diverged_at: int | None


def minibatch_descent(grad_fn, params0, X, y, batch_size, lr, num_epochs,
                      rng, record_every=1, shuffle=True, drop_last=False,
                      max_abs=1e8):
    """Run mini-batch gradient descent over a stored data set.

    Each update is ``params <- params - lr * grad_fn(params, X_b, y_b)``
    on the next batch ``X_b, y_b`` from `epochs`. The run stops, and is
    flagged, as soon as an update gives parameters that are not finite or
    larger than `max_abs` in size; it emits no overflow warning.

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(params, X_batch, y_batch) -> grad``, such as `mse_grad`.
    params0 : array_like of shape (p,)
        The starting parameters, finite.
    X, y : array_like
        The data, as for `batches`.
    batch_size : int
        Rows per batch, at least 1.
    lr : float or callable
        The learning rate (eta), at least 0, or a schedule ``t -> lr``
        where t counts updates from 0.
    num_epochs : int
        Number of passes over the data, at least 1.
    rng : Generator or int or None
        Source of the shuffles; may be None only when `shuffle` is False.
    record_every : int, default 1
        Record the parameters after every this many updates, at least 1.
    shuffle, drop_last : bool
        As for `batches`.
    max_abs : float, default 1e8
        The largest parameter size, above 0, before the run counts as
        diverged.

    Returns
    -------
    History
    """
    # A run with nothing to do is a mistake, as in `gd.run`.
    num_epochs = checks.integer("num_epochs", num_epochs, 1)
    batch_iter = epochs(X, y, batch_size, num_epochs, rng, shuffle,
                        drop_last)
    return _descend(grad_fn, params0, batch_iter, lr, record_every,
                    max_abs)


def stream_descent(grad_fn, params0, make_batch, batch_size, num_batches,
                   lr, rng, record_every=1, max_abs=1e8):
    """Run mini-batch gradient descent on batches made on the fly.

    The batches come from `stream`, so no data set is ever held in
    memory; a stream has no epochs, and the history's `epoch` is 0
    throughout.

    Parameters
    ----------
    grad_fn, params0, lr, record_every, max_abs
        As for `minibatch_descent`.
    make_batch : callable
        ``make_batch(batch_size, rng) -> (X_batch, y_batch)``.
    batch_size : int
        Rows per batch, at least 1.
    num_batches : int
        Number of batches, and so of updates, at least 1.
    rng : Generator or int
        Source of randomness handed to `make_batch`.

    Returns
    -------
    History
    """
    num_batches = checks.integer("num_batches", num_batches, 1)
    batch_iter = ((0, X_b, y_b) for X_b, y_b in
                  stream(make_batch, batch_size, num_batches, rng))
    return _descend(grad_fn, params0, batch_iter, lr, record_every,
                    max_abs)


@dataclass(frozen=True)
class Spread:
    """Mini-batch gradients drawn at one point, and how far they scatter.

    Attributes
    ----------
    grads : ndarray of shape (num_draws, p)
        One gradient per drawn batch.
    mean : ndarray of shape (p,)
        Their mean.
    full : ndarray of shape (p,)
        The gradient over all the data.
    spread : float
        The root mean squared distance of `grads` from `full`.
    """

    grads: np.ndarray
    mean: np.ndarray
    full: np.ndarray
    spread: float


def gradient_spread(grad_fn, params, X, y, batch_size, num_draws, rng):
    """Draw mini-batch gradients at one point and measure their scatter.

    Each batch holds `batch_size` distinct rows (drawn without
    replacement); batches are drawn independently of one another. When
    the batch gradient is the mean of single-example gradients (as for
    `mse_grad`), the spread falls like ``1 / sqrt(batch_size)``, times
    ``sqrt((n - B) / (n - 1))`` because rows are not repeated: see
    `expected_spread`. A batch of all n rows has spread 0.

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(params, X_batch, y_batch) -> grad``, such as `mse_grad`.
    params : array_like of shape (p,)
        The point where the gradients are taken.
    X, y : array_like
        The data, as for `batches`.
    batch_size : int
        Rows per batch, from 1 to n.
    num_draws : int
        Number of batches drawn, at least 1.
    rng : Generator or int
        Source of the draws.

    Returns
    -------
    Spread
    """
    X, y = _data(X, y)
    n = len(X)
    batch_size = checks.integer("batch_size", batch_size, 1, n)
    num_draws = checks.integer("num_draws", num_draws, 1)
    rng = checks.rng(rng)

    full = np.asarray(grad_fn(params, X, y), dtype=float)
    grads = np.empty((num_draws,) + full.shape)
    for k in range(num_draws):
        rows = rng.choice(n, size=batch_size, replace=False)
        grads[k] = grad_fn(params, X[rows], y[rows])

    distance2 = np.sum((grads - full) ** 2, axis=tuple(range(1, grads.ndim)))
    spread = float(np.sqrt(np.mean(distance2)))

    return Spread(grads, grads.mean(axis=0), full, spread)


def example_spread(grad_fn, params, X, y):
    """Return the spread of single-example gradients about the full one.

    This is sigma in `expected_spread`: the root mean squared distance of
    each example's gradient from the full-batch gradient, summed over the
    parameters. It calls `grad_fn` once per example.

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(params, X_batch, y_batch) -> grad``, such as `mse_grad`.
    params : array_like of shape (p,)
        The point where the gradients are taken.
    X, y : array_like
        The data, as for `batches`.

    Returns
    -------
    sigma : float
    """
    X, y = _data(X, y)

    full = np.asarray(grad_fn(params, X, y), dtype=float)
    grads = np.array([grad_fn(params, X[i:i + 1], y[i:i + 1])
                      for i in range(len(X))], dtype=float)

    distance2 = np.sum((grads - full) ** 2, axis=tuple(range(1, grads.ndim)))
    return float(np.sqrt(np.mean(distance2)))


def expected_spread(sigma, n, batch_size):
    """Return the expected spread of mini-batch gradients.

    For batches of B distinct rows out of n, the root mean squared
    distance of the batch gradient from the full gradient is

        sigma / sqrt(B) * sqrt((n - B) / (n - 1)),

    where sigma is the spread of single-example gradients
    (`example_spread`). The square root on the right is the
    finite-population correction: it is 1 for B = 1 and 0 for B = n.

    Parameters
    ----------
    sigma : float
        Spread of single-example gradients, at least 0.
    n : int
        Number of examples, at least 1.
    batch_size : int or array_like of int
        Batch size(s) B, each from 1 to n.

    Returns
    -------
    float or ndarray
        One value per batch size, shaped like `batch_size`.
    """
    sigma = checks.real("sigma", sigma, 0.0)
    n = checks.integer("n", n, 1)
    B = np.asarray(batch_size)
    if B.dtype.kind not in "iu" or np.any(B < 1) or np.any(B > n):
        raise ValueError(
            f"batch_size must be whole numbers from 1 to n = {n}, "
            f"got {batch_size!r}")
    B = B.astype(float)

    if n == 1:
        correction = np.zeros_like(B)
    else:
        correction = np.sqrt((n - B) / (n - 1))
    curve = sigma / np.sqrt(B) * correction

    return float(curve) if curve.ndim == 0 else curve


def _descend(grad_fn, params0, batch_iter, lr, record_every, max_abs):
    """Run the update loop over (epoch, X_batch, y_batch) triples."""
    params = checks.point("params0", params0, np.size(params0))
    record_every = checks.integer("record_every", record_every, 1)
    max_abs = checks.real("max_abs", max_abs, 0.0, low_open=True)
    optimizer = GradientDescent(lr)

    path, steps, epochs_seen, examples_seen = [params], [0], [0], [0]
    step, epoch, examples = 0, 0, 0
    diverged_at = None
    for batch_epoch, X_batch, y_batch in batch_iter:
        # Overflow is caught by the check below, so numpy need not warn.
        with np.errstate(over="ignore", invalid="ignore"):
            grad = grad_fn(params, X_batch, y_batch)
            new = optimizer.step(params, grad)

        if not np.all(np.isfinite(new)) or np.max(np.abs(new)) > max_abs:
            diverged_at = step + 1
            break
        params = new
        step += 1
        epoch = batch_epoch
        examples += len(X_batch)

        if step % record_every == 0:
            path.append(params)
            steps.append(step)
            epochs_seen.append(epoch)
            examples_seen.append(examples)

    if steps[-1] != step:
        path.append(params)
        steps.append(step)
        epochs_seen.append(epoch)
        examples_seen.append(examples)

    return History(np.array(path), np.array(steps), np.array(epochs_seen),
                   np.array(examples_seen), step, diverged_at is not None,
                   diverged_at)


def _data(X, y):
    """Return X and y as arrays, or raise if they do not pair up."""
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim not in (1, 2):
        raise ValueError(
            "X must be 1-D (one feature) or 2-D (one example per row), "
            f"got shape {X.shape}")
    if len(X) == 0:
        raise ValueError("X must hold at least one example, got none")
    if y.ndim == 0 or len(y) != len(X):
        raise ValueError(
            f"y must have one target per row of X ({len(X)}), "
            f"got shape {y.shape}")
    return X, y


def _model(params, X):
    """Return X as a 2-D float array, and the weights and bias."""
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, np.newaxis]
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(
            "X must be 1-D or 2-D with at least one example, "
            f"got shape {X.shape}")

    params = np.asarray(params, dtype=float)
    num_features = X.shape[1]
    if params.shape != (num_features + 1,):
        raise ValueError(
            f"params must be {num_features} weight(s) and a bias, shape "
            f"({num_features + 1},), got shape {params.shape}")

    return X, params[:-1], params[-1]


def _order(n, rng, shuffle):
    """Return the order in which one epoch visits the rows."""
    if not shuffle:
        return None
    return checks.rng(rng).permutation(n)


def _one_epoch(X, y, batch_size, order, drop_last):
    """Yield the batches of one epoch; `order` None means stored order."""
    n = len(X)
    stop = n - n % batch_size if drop_last else n
    if drop_last and stop == 0:
        # batch_size > n: the one batch is the whole data, kept whole.
        stop = n
    for start in range(0, stop, batch_size):
        end = min(start + batch_size, n)
        if order is None:
            yield X[start:end], y[start:end]
        else:
            rows = order[start:end]
            yield X[rows], y[rows]


def _epochs(X, y, batch_size, num_epochs, rng, shuffle, drop_last):
    """Yield (epoch, X_batch, y_batch) with a fresh order per epoch."""
    for epoch in range(num_epochs):
        order = _order(len(X), rng, shuffle)
        for X_batch, y_batch in _one_epoch(X, y, batch_size, order,
                                           drop_last):
            yield epoch, X_batch, y_batch
