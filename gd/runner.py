"""Walk downhill: run an optimizer on a surface and record the path."""

from dataclasses import dataclass

import numpy as np

from gd import checks
from gd.optimizers import GradientDescent


@dataclass(frozen=True)
class Path:
    """Where a run went and how it ended.

    Attributes
    ----------
    points : ndarray of shape (n + 1, dim)
        The start and the point after each step taken. Every entry is
        finite: a step that would blow up is not recorded.
    losses : ndarray of shape (n + 1,)
        The height at each point.
    grad_norms : ndarray of shape (n + 1,)
        The steepness (length of the gradient) at each point.
    status : str
        ``"converged"``: the ground became flat (gradient length at most
        `tol`) and the run stopped there. ``"diverged"``: a step threw
        the point beyond `max_norm`, or its loss beyond `max_loss`, and
        the run stopped before it. ``"diverging"``: the steps ran out
        while the loss was above where it started and still rising.
        ``"out of steps"``: the steps ran out, none of the above.
    stopped_at : int or None
        For ``"converged"`` the step that reached flat ground; for
        ``"diverged"`` the step that blew up (not recorded); else None.
    """

    points: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    status: str
    stopped_at: int | None

    @property
    def num_steps(self):
        """Number of steps recorded."""
        return len(self.points) - 1

    @property
    def final(self):
        """The last recorded point."""
        return self.points[-1]

    @property
    def converged(self):
        return self.status == "converged"

    @property
    def diverged(self):
        """True when the run blew up or was climbing when it ended."""
        return self.status in ("diverged", "diverging")

    @property
    def diverged_at(self):
        """The first step whose loss rose above the start, if diverged.

        For a run stopped by a blow-up with no earlier rise, the step
        that blew up.
        """
        if not self.diverged:
            return None
        above = np.flatnonzero(self.losses > self.losses[0])
        if above.size:
            return int(above[0])
        return self.stopped_at

    def describe(self):
        """Say in words how the run ended."""
        if self.status == "converged":
            return f"reached flat ground after {steps_text(self.stopped_at)}"
        if self.status == "diverged":
            return (f"diverged: step {self.stopped_at} threw the point "
                    "off the map, so the run stopped")
        if self.status == "diverging":
            return (f"diverging: the loss has been climbing since step "
                    f"{self.diverged_at}")
        rises = int(np.sum(np.diff(self.losses) > 0))
        if rises > self.num_steps // 3:
            return (f"still walking after {steps_text(self.num_steps)}, "
                    f"bouncing: the loss rose on {steps_text(rises)}")
        return f"still walking after {steps_text(self.num_steps)}"


def run(surface, start, optimizer=None, num_steps=50, *, lr=None,
        tol=1e-8, max_norm=1e6, max_loss=1e12):
    """Walk downhill on `surface` from `start` and return the `Path`.

    Parameters
    ----------
    surface : object
        Anything with ``dim``, ``f(x)`` and ``grad(x)``, such as a
        surface from `gd.surfaces` or a model's loss.
    start : float or array_like of shape (dim,)
        Where the walk begins; finite.
    optimizer : Optimizer, optional
        How to step. Default: ``GradientDescent(lr)``. It is reset
        before the run.
    num_steps : int, default 50
        The most steps to take, from 1 to 1,000,000.
    lr : float, optional
        The learning rate for the default optimizer, at least 0
        (default 0.1). Give either `lr` or `optimizer`, not both.
    tol : float, default 1e-8
        Stop when the gradient is no longer than this (at least 0).
    max_norm, max_loss : float, default 1e6 and 1e12
        A step that takes the point further than `max_norm` from the
        origin, or the loss above `max_loss` in size, counts as blowing
        up: the run stops before recording it. (`max_norm` bounds each
        coordinate.)

    Returns
    -------
    Path
    """
    dim = checks.integer("surface.dim", getattr(surface, "dim", None), 1)
    x = checks.point("start", start, dim)
    num_steps = checks.integer("num_steps", num_steps, 1, 1_000_000)
    tol = checks.real("tol", tol, 0.0)
    max_norm = checks.real("max_norm", max_norm, 0.0, low_open=True)
    max_loss = checks.real("max_loss", max_loss, 0.0, low_open=True)
    if optimizer is None:
        optimizer = GradientDescent(0.1 if lr is None else lr)
    elif lr is not None:
        raise ValueError("give either lr or optimizer, not both")
    if float(np.max(np.abs(x))) > max_norm:
        raise ValueError(
            f"start must have every coordinate between -{max_norm:g} and "
            f"{max_norm:g} (max_norm), got {start!r}")
    with np.errstate(over="ignore", invalid="ignore"):
        loss0 = float(surface.f(x))
    if not abs(loss0) <= max_loss:
        raise ValueError(
            f"start must be where the loss is finite and at most "
            f"max_loss = {max_loss:g} in size; there it is {loss0:g}")
    optimizer.reset()

    points, losses, norms = [x], [loss0], []
    status, stopped_at = "out of steps", None
    for step in range(1, num_steps + 1):
        with np.errstate(over="ignore", invalid="ignore"):
            g = surface.grad(points[-1])
            norms.append(float(np.linalg.norm(g)))
        if norms[-1] <= tol:
            status, stopped_at = "converged", step - 1
            break

        with np.errstate(over="ignore", invalid="ignore"):
            x = optimizer.step(points[-1], g)
        if not _safe(x, max_norm):
            status, stopped_at = "diverged", step
            break

        with np.errstate(over="ignore", invalid="ignore"):
            loss = float(surface.f(x))
        if not abs(loss) <= max_loss:
            status, stopped_at = "diverged", step
            break
        points.append(x)
        losses.append(loss)
    if len(norms) < len(points):
        with np.errstate(over="ignore", invalid="ignore"):
            norms.append(float(np.linalg.norm(surface.grad(points[-1]))))
        if status == "out of steps" and norms[-1] <= tol:
            status, stopped_at = "converged", len(points) - 1

    losses = np.array(losses)
    rising = len(losses) > 1 and losses[-1] > losses[-2]
    if status == "out of steps" and rising and losses[-1] > losses[0]:
        status = "diverging"
    return Path(np.array(points), losses, np.array(norms), status,
                stopped_at)


def _safe(x, max_norm):
    if not np.all(np.isfinite(x)):
        return False
    return float(np.max(np.abs(x))) <= max_norm


def steps_text(n):
    """Return "1 step" or "n steps", for titles and sentences."""
    return "1 step" if n == 1 else f"{n} steps"


def run_many(surface, starts, lr, num_steps=200, *, tol=1e-6,
             max_norm=1e6):
    """Run plain gradient descent from many starts at once.

    A vectorized twin of `run` for pictures that need thousands of runs,
    such as which valley each start ends in.

    Parameters
    ----------
    surface : object
        Anything with ``dim``, ``f`` and ``grad`` that accepts a batch
        of points of shape ``(n, dim)``.
    starts : array_like of shape (n, dim)
    lr : float
        The learning rate, at least 0.
    num_steps : int, default 200
        Steps for every run, from 1 to 100,000.
    tol, max_norm : float
        As in `run`: a run whose gradient is no longer than `tol` stops
        moving; a run that leaves `max_norm` is frozen and flagged.

    Returns
    -------
    finals : ndarray of shape (n, dim)
        Where each run ended (its last safe point).
    diverged : ndarray of bool, shape (n,)
    """
    dim = checks.integer("surface.dim", getattr(surface, "dim", None), 1)
    x = np.array(starts, dtype=float)
    if x.ndim != 2 or x.shape[1] != dim or not np.all(np.isfinite(x)):
        raise ValueError(
            f"starts must be finite with shape (n, {dim}), "
            f"got shape {x.shape}")
    lr = checks.real("lr", lr, 0.0)
    num_steps = checks.integer("num_steps", num_steps, 1, 100_000)
    active = np.ones(len(x), dtype=bool)
    diverged = np.zeros(len(x), dtype=bool)

    for _ in range(num_steps):
        g = surface.grad(x[active])
        moving = np.linalg.norm(g, axis=1) > tol
        with np.errstate(over="ignore", invalid="ignore"):
            proposal = x[active] - lr * g
        bad = ~np.all(np.isfinite(proposal), axis=1)
        bad |= np.max(np.abs(np.nan_to_num(proposal)), axis=1) > max_norm
        idx = np.flatnonzero(active)
        ok = moving & ~bad
        x[idx[ok]] = proposal[ok]
        diverged[idx[bad & moving]] = True
        active[idx[bad | ~moving]] = False
        if not active.any():
            break
    return x, diverged
