"""Small synthetic data sets, made from a seeded generator.

Nothing is ever downloaded. Every function takes ``rng``: a
``numpy.random.Generator`` or an integer seed.
"""

import numpy as np

from gd import checks


def practice_scores(n=30, rng=0, noise=6.0):
    """Return hours of practice `x` and test scores `y` on a noisy line.

    The scores follow ``y = 4 x + 40`` plus Gaussian noise, with `x`
    spread evenly at random over 0 to 12 hours.

    Parameters
    ----------
    n : int, default 30
        Number of students, at least 2.
    rng : Generator or int, default 0
        Source of randomness.
    noise : float, default 6.0
        Standard deviation of the noise on the scores, at least 0.

    Returns
    -------
    x, y : ndarray of shape (n,)
    """
    n = checks.integer("n", n, 2)
    noise = checks.real("noise", noise, 0.0)
    rng = checks.rng(rng)
    x = rng.uniform(0.0, 12.0, size=n)
    y = 4.0 * x + 40.0 + noise * rng.standard_normal(n)
    return x, y


def two_moons(n=200, rng=0, noise=0.1):
    """Return points `X` on two interleaved half circles and labels `y`.

    Class 0 lies on the upper arc centred at (0, 0), class 1 on the lower
    arc centred at (1, 0.5); no straight line separates them.

    Parameters
    ----------
    n : int, default 200
        Number of points, at least 2; the classes differ in size by at
        most one.
    rng : Generator or int, default 0
        Source of randomness.
    noise : float, default 0.1
        Standard deviation of the Gaussian noise added to each point.

    Returns
    -------
    X : ndarray of shape (n, 2)
    y : ndarray of shape (n,), values 0 and 1
    """
    n = checks.integer("n", n, 2)
    noise = checks.real("noise", noise, 0.0)
    rng = checks.rng(rng)
    n0 = (n + 1) // 2
    t0 = rng.uniform(0.0, np.pi, size=n0)
    t1 = rng.uniform(0.0, np.pi, size=n - n0)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([upper, lower]) + noise * rng.standard_normal((n, 2))
    y = np.concatenate([np.zeros(n0, dtype=int), np.ones(n - n0, dtype=int)])
    order = rng.permutation(n)
    return X[order], y[order]


def spirals(n=300, classes=3, rng=0, noise=0.2, turns=1.0):
    """Return points `X` on interleaved spiral arms and labels `y`.

    Parameters
    ----------
    n : int, default 300
        Number of points, at least `classes`.
    classes : int, default 3
        Number of arms, one class each, at least 2.
    rng : Generator or int, default 0
        Source of randomness.
    noise : float, default 0.2
        Standard deviation of the noise on each point's angle.
    turns : float, default 1.0
        How far each arm winds, in full turns (0.1 to 5).

    Returns
    -------
    X : ndarray of shape (n, 2), inside the unit disc plus noise
    y : ndarray of shape (n,), values 0 to classes - 1
    """
    classes = checks.integer("classes", classes, 2)
    n = checks.integer("n", n, classes)
    noise = checks.real("noise", noise, 0.0)
    turns = checks.real("turns", turns, 0.1, 5.0)
    rng = checks.rng(rng)
    y = np.arange(n) % classes
    r = rng.uniform(0.05, 1.0, size=n)
    angle = (2 * np.pi * turns * r + 2 * np.pi * y / classes
             + noise * rng.standard_normal(n))
    X = np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    order = rng.permutation(n)
    return X[order], y[order]
