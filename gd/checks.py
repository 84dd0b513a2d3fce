"""Argument checks that name the parameter and the accepted range."""

import math
import numbers

import numpy as np


def real(name, value, low=-math.inf, high=math.inf, *,
         low_open=False, high_open=False):
    """Return `value` as a float, or raise if it is not a finite number
    in the range from `low` to `high`.

    Open ends (`low_open`, `high_open`) exclude the bound itself.
    """
    accepted = _range(low, high, low_open, high_open)
    ok_type = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok_type or not math.isfinite(value):
        raise ValueError(
            f"{name} must be a finite number in {accepted}, got {value!r}")
    value = float(value)
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if too_low or too_high:
        raise ValueError(f"{name} must be in {accepted}, got {value!r}")
    return value


def integer(name, value, low=0, high=None):
    """Return `value` as an int, or raise if it is not a whole number
    from `low` to `high` (no upper bound when `high` is None)."""
    ok_type = isinstance(value, numbers.Integral) and not isinstance(
        value, bool)
    upper = "" if high is None else f" and at most {high}"
    if not ok_type:
        raise ValueError(
            f"{name} must be a whole number of at least {low}{upper}, "
            f"got {value!r}")
    value = int(value)
    if value < low or (high is not None and value > high):
        raise ValueError(
            f"{name} must be a whole number of at least {low}{upper}, "
            f"got {value!r}")
    return value


def point(name, value, dim):
    """Return `value` as a finite float array of shape (dim,), or raise.

    A plain number is accepted for a one-dimensional problem.
    """
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be {dim} number(s), got {value!r}") from None
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.shape != (dim,):
        raise ValueError(
            f"{name} must have shape ({dim},) for this {dim}-D problem, "
            f"got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return arr


def targets(name, value, n):
    """Return `value` as a finite float array of shape (n,), or raise:
    one target per example."""
    y = np.asarray(value, dtype=float)
    if y.shape != (n,):
        raise ValueError(
            f"{name} must have shape ({n},), one target per example, "
            f"got shape {y.shape}")
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{name} must hold only finite numbers")
    return y


def rng(value):
    """Return a numpy Generator from a Generator or an integer seed.

    Global random state is never used: pass a seed or a Generator.
    """
    if isinstance(value, np.random.Generator):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return np.random.default_rng(int(value))
    raise ValueError(
        "rng must be a numpy.random.Generator or an integer seed, "
        f"got {value!r}")


def _range(low, high, low_open, high_open):
    left = "(" if low_open or low == -math.inf else "["
    right = ")" if high_open or high == math.inf else "]"
    return f"{left}{low:g}, {high:g}{right}"
