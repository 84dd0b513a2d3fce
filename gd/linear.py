"""Fitting a straight line by walking downhill on the (w, b) surface.

The model is a line, ``y_hat = w x + b``: the weight `w` is its slope and
the bias `b` is where it crosses the y axis. Its loss is the mean squared
error over the data,

    MSE(w, b) = mean((w x + b - y) ** 2),

the plain mean of the squared residuals: not its root, and not halved.
With that convention the gradient is ``2 mean(r x), 2 mean(r)`` for the
residuals ``r = w x + b - y``, and the Hessian is a constant matrix.

`LineLoss` and `LinearLoss` are objectives: they have ``dim``, ``f``,
``grad``, ``minima`` and ``bounds``, so a runner can walk on them, and
``hessian`` and ``curvature`` for the limits on the learning rate.
"""

from typing import NamedTuple

import numpy as np

from gd import checks


def predict(w, b, x):
    """Return the predictions ``y_hat = w x + b`` of one line or many.

    Parameters
    ----------
    w, b : float or ndarray
        Slope and intercept; arrays of the same shape hold many lines,
        for example a grid of (w, b) for a contour plot.
    x : float or ndarray
        The inputs.

    Returns
    -------
    y_hat : ndarray of shape ``np.shape(w) + np.shape(x)``
        Every line evaluated at every input.
    """
    w = np.asarray(w, dtype=float)
    b = np.asarray(b, dtype=float)
    x = np.asarray(x, dtype=float)
    if w.shape != b.shape:
        raise ValueError(
            f"w and b must have the same shape, got {w.shape} and {b.shape}")

    lines = (...,) + (np.newaxis,) * x.ndim
    return w[lines] * x + b[lines]


class LineLoss:
    """The mean squared error of a line over data points (x, y).

    ``f(params) = mean((w x + b - y) ** 2)`` with ``params[..., 0] = w``
    and ``params[..., 1] = b``: the mean of the squared residuals, not its
    root. `f` and `grad` work on one point of shape (2,) or on a whole grid
    of shape (..., 2).

    Parameters
    ----------
    x, y : array_like of shape (n,)
        The data: at least 2 points, and `x` not all equal.

    Attributes
    ----------
    dim : int
        Always 2: the weight w and the bias b.
    minima : list of ndarray
        The single minimum, the least-squares line ``[w*, b*]``.
    bounds : tuple
        ``((w_min, w_max), (b_min, b_max))``, a box centred on the minimum
        that holds the whole contour through the origin (w, b) = (0, 0),
        with a 10 % margin.
    """

    dim = 2

    def __init__(self, x, y):
        self.x, self.y = _line_data(x, y)
        self.minima = [np.array(least_squares(self.x, self.y))]
        self.bounds = _frame(self, self.minima[0])

    def f(self, params):
        """Return the mean squared error at `params`, shape (..., 2)."""
        params = _params(params, 2)
        w, b = params[..., 0], params[..., 1]

        r = predict(w, b, self.x) - self.y
        return np.mean(r ** 2, axis=-1)

    def grad(self, params):
        """Return the gradient ``(2 mean(r x), 2 mean(r))`` at `params`."""
        params = _params(params, 2)
        w, b = params[..., 0], params[..., 1]

        r = predict(w, b, self.x) - self.y
        dw = 2 * np.mean(r * self.x, axis=-1)
        db = 2 * np.mean(r, axis=-1)
        return np.stack([dw, db], axis=-1)

    def hessian(self):
        """Return the Hessian, the same 2 x 2 matrix at every point.

        ``H = 2 [[mean(x^2), mean(x)], [mean(x), 1]]``.
        """
        xx = np.mean(self.x ** 2)
        x1 = np.mean(self.x)
        return 2 * np.array([[xx, x1], [x1, 1.0]])

    def curvature(self):
        """Return the curvature and learning-rate limits of this loss.

        See `curvature_limits`.
        """
        return curvature_limits(self.hessian())

    def __repr__(self):
        return f"LineLoss(n={self.x.size})"


class LinearLoss:
    """The mean squared error of a linear model with d features.

    ``f(params) = mean((X w + b - y) ** 2)`` where ``params[..., :d]`` are
    the weights w and ``params[..., d]`` is the bias b. With one feature
    this is `LineLoss`.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The features, one row per example; no column may be constant,
        since the bias already plays that role.
    y : array_like of shape (n,)
        The targets.

    Attributes
    ----------
    dim : int
        d + 1: the weights, then the bias.
    minima : list of ndarray
        The single minimum, the least-squares weights and bias.
    bounds : tuple or None
        For one feature (dim 2), a box around the minimum as in
        `LineLoss`; None otherwise, because there is no plane to draw.
    """

    def __init__(self, X, y):
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[0] < 2 or X.shape[1] < 1:
            raise ValueError(
                "X must be a 2-D array with at least 2 rows and 1 column, "
                f"got shape {X.shape}")
        if not np.all(np.isfinite(X)):
            raise ValueError("X must hold only finite numbers")
        for j, spread in enumerate(np.ptp(X, axis=0)):
            if spread == 0:
                raise ValueError(
                    f"X must vary in every column: column {j} is constant")
        y = checks.targets("y", y, X.shape[0])

        self.X, self.y = X, y
        self.dim = X.shape[1] + 1
        design = np.column_stack([X, np.ones(X.shape[0])])
        self.minima = [np.linalg.lstsq(design, y, rcond=None)[0]]
        self.bounds = _frame(self, self.minima[0]) if self.dim == 2 else None

    def f(self, params):
        """Return the mean squared error at `params`, shape (..., d + 1)."""
        params = _params(params, self.dim)
        w, b = params[..., :-1], params[..., -1]

        r = w @ self.X.T + b[..., np.newaxis] - self.y
        return np.mean(r ** 2, axis=-1)

    def grad(self, params):
        """Return the gradient ``(2 X^T r / n, 2 mean(r))`` at `params`."""
        params = _params(params, self.dim)
        w, b = params[..., :-1], params[..., -1]

        r = w @ self.X.T + b[..., np.newaxis] - self.y
        dw = 2 * (r @ self.X) / self.y.size
        db = 2 * np.mean(r, axis=-1)
        return np.concatenate([dw, db[..., np.newaxis]], axis=-1)

    def hessian(self):
        """Return the Hessian, the same matrix at every point.

        ``H = 2 A^T A / n``, where ``A = [X, 1]`` has a column of ones for
        the bias.
        """
        design = np.column_stack([self.X, np.ones(self.y.size)])
        return 2 * design.T @ design / self.y.size

    def curvature(self):
        """Return the curvature and learning-rate limits of this loss.

        See `curvature_limits`.
        """
        return curvature_limits(self.hessian())

    def __repr__(self):
        n, d = self.X.shape
        return f"LinearLoss(n={n}, d={d})"


def least_squares(x, y):
    """Return the slope and intercept of the least-squares line.

    Uses the closed form ``w = cov(x, y) / var(x)`` and
    ``b = mean(y) - w mean(x)``.

    Parameters
    ----------
    x, y : array_like of shape (n,)
        The data: at least 2 points, and `x` not all equal.

    Returns
    -------
    w, b : float
    """
    x, y = _line_data(x, y)

    dx = x - np.mean(x)
    dy = y - np.mean(y)
    w = np.sum(dx * dy) / np.sum(dx ** 2)
    b = np.mean(y) - w * np.mean(x)
    return float(w), float(b)


class Curvature(NamedTuple):
    """How sharply a quadratic loss bends, and what that allows the rate.

    Attributes
    ----------
    L : float
        The largest eigenvalue of the Hessian: the steepest curvature.
    mu : float
        The smallest eigenvalue: the gentlest curvature.
    condition : float
        ``L / mu``, at least 1; large means a long, narrow valley.
    lr_best : float
        ``1 / L``: one step lands at the bottom along the steepest
        direction.
    lr_max : float
        ``2 / L``: gradient descent converges for rates below this and
        diverges above it.
    """

    L: float
    mu: float
    condition: float
    lr_best: float
    lr_max: float


def curvature_limits(hessian):
    """Return the curvature of a quadratic loss and its learning-rate limits.

    Parameters
    ----------
    hessian : array_like of shape (d, d)
        A symmetric positive definite matrix, such as ``loss.hessian()``.

    Returns
    -------
    Curvature
        ``L``, ``mu``, ``condition = L / mu``, ``lr_best = 1 / L`` and
        ``lr_max = 2 / L``.
    """
    H = np.asarray(hessian, dtype=float)
    if H.ndim != 2 or H.shape[0] != H.shape[1] or H.size == 0:
        raise ValueError(
            f"hessian must be a square matrix, got shape {H.shape}")
    if not np.all(np.isfinite(H)):
        raise ValueError("hessian must hold only finite numbers")
    scale = np.max(np.abs(H))
    if np.max(np.abs(H - H.T)) > 1e-12 * scale:
        raise ValueError("hessian must be symmetric, it is not")

    eig = np.linalg.eigvalsh(H)
    L, mu = float(eig[-1]), float(eig[0])
    # Rounding makes a singular matrix look slightly positive definite, so
    # eigenvalues within rounding distance of 0 count as 0.
    if mu <= H.shape[0] * np.finfo(float).eps * scale:
        raise ValueError(
            "hessian must be positive definite (all eigenvalues > 0), "
            f"its smallest eigenvalue is {mu:.3g}")

    return Curvature(L=L, mu=mu, condition=L / mu,
                     lr_best=1.0 / L, lr_max=2.0 / L)


def standardize(x):
    """Return `x` shifted and scaled to mean 0 and standard deviation 1.

    The standard deviation is the population one (divided by n).

    Parameters
    ----------
    x : array_like of shape (n,) or (n, d)
        One feature, or d features in columns; each must vary.

    Returns
    -------
    z : ndarray, the shape of `x`
        ``(x - mean) / std``.
    mean, std : float or ndarray of shape (d,)
        What was subtracted and divided by, per column.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim not in (1, 2) or x.shape[0] < 2:
        raise ValueError(
            "x must be an array of shape (n,) or (n, d) with n >= 2, "
            f"got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x must hold only finite numbers")
    spread = np.atleast_1d(np.ptp(x, axis=0))
    if np.any(spread == 0):
        where = "" if x.ndim == 1 else f" in column {np.argmin(spread)}"
        raise ValueError(
            f"x must vary: its values{where} are all equal, so the standard "
            "deviation is 0")

    mean = np.mean(x, axis=0)
    std = np.std(x, axis=0)
    z = (x - mean) / std
    if x.ndim == 1:
        return z, float(mean), float(std)
    return z, mean, std


def unstandardize_line(w, b, mean, std):
    """Return the line fitted on standardized inputs in the original units.

    A line ``w z + b`` with ``z = (x - mean) / std`` is the line
    ``(w / std) x + (b - w mean / std)``. For d features, `w`, `mean` and
    `std` are arrays of shape (d,).

    Parameters
    ----------
    w, b : float, or ndarray of shape (d,) and float
        Weight(s) and bias fitted on the standardized inputs.
    mean, std : float or ndarray of shape (d,)
        As returned by `standardize`; `std` must be positive.

    Returns
    -------
    w, b : float, or ndarray of shape (d,) and float
    """
    w = np.asarray(w, dtype=float)
    mean = np.asarray(mean, dtype=float)
    std = np.asarray(std, dtype=float)
    if np.any(~(std > 0)):
        raise ValueError(f"std must be positive, got {std!r}")

    w_x = w / std
    b_x = checks.real("b", b) - np.sum(w_x * mean)
    if w_x.ndim == 0:
        return float(w_x), float(b_x)
    return w_x, float(b_x)


def houses(n=100, rng=0, noise=20.0):
    """Return house sizes and room counts `X`, and prices `y`.

    Two features on very different scales: the floor area in square
    metres, spread evenly over 50 to 250, and the number of rooms, 1 to 6,
    which grows with the area (about one room per 45 square metres, give
    or take one). Prices, in thousands of euros, follow

        price = 50 + 3 * area + 10 * rooms + noise,

    about 3000 euros a square metre plus 10 000 euros a room.

    Parameters
    ----------
    n : int, default 100
        Number of houses, at least 2.
    rng : Generator or int, default 0
        Source of randomness.
    noise : float, default 20.0
        Standard deviation of the Gaussian noise on the price, in
        thousands of euros, at least 0.

    Returns
    -------
    X : ndarray of shape (n, 2)
        Columns: area in square metres, number of rooms (whole numbers).
    y : ndarray of shape (n,)
        Price in thousands of euros.
    """
    n = checks.integer("n", n, 2)
    noise = checks.real("noise", noise, 0.0)
    rng = checks.rng(rng)

    area = rng.uniform(50.0, 250.0, size=n)
    rooms = np.clip(np.rint(area / 45 + 0.7 * rng.standard_normal(n)), 1, 6)
    price = 50 + 3 * area + 10 * rooms + noise * rng.standard_normal(n)
    return np.column_stack([area, rooms]), price


def _line_data(x, y):
    """Return `x` and `y` as checked float arrays of shape (n,)."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size < 2:
        raise ValueError(
            f"x must be a 1-D array of at least 2 numbers, got shape "
            f"{x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x must hold only finite numbers")
    if np.ptp(x) == 0:
        raise ValueError(
            "x must vary: with all values equal the slope is undefined")
    return x, checks.targets("y", y, x.size)


def _params(params, dim):
    """Return `params` as a checked float array of shape (..., dim)."""
    params = np.asarray(params, dtype=float)
    if params.ndim == 0 or params.shape[-1] != dim:
        raise ValueError(
            f"params must have shape (..., {dim}), got {params.shape}")
    return params


def _frame(loss, center):
    """Return a box around `center` that holds the contour through 0.

    On a quadratic loss the contour through the origin is an ellipse; its
    half-width along axis i is ``sqrt(2 c (H^-1)_ii)``, with c the loss at
    the origin minus the loss at the minimum.
    """
    excess = float(loss.f(np.zeros(2)) - loss.f(center))
    if excess <= 0:
        # The best line is w = b = 0: no contour to frame, so use 1.
        excess = 1.0

    inverse = np.linalg.inv(loss.hessian())
    half = 1.1 * np.sqrt(2 * excess * np.diag(inverse))
    return tuple((float(c - h), float(c + h)) for c, h in zip(center, half))
