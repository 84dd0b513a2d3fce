"""Chapter 4's pictures and sliders: mini-batch walks on a line fit.

The problem throughout is a line ``y_hat = w * x + b`` fitted by mean
squared error (`gd.batching.mse`), with parameters ``params = (w, b)``.
Every function that samples takes ``rng``: a ``numpy.random.Generator`` or
an integer seed.
"""

import numpy as np
from matplotlib.ticker import (
    FixedLocator,
    FuncFormatter,
    MaxNLocator,
    NullFormatter,
)

from gd import batching, checks, data, plots, runner
from gd.linear import LineLoss, least_squares, standardize
from gd.widgets import Explorer, Flipbook, int_slider, register, slider

# The batch sizes the flipbook and the static panels step through.
BATCH_SIZES = (1, 2, 5, 10, 20, 50, 100, 200, 500)


def practice_problem(n=500, rng=0):
    """Return practice hours (standardized) and test scores.

    Parameters
    ----------
    n : int, default 500
        Number of students, at least 2.
    rng : Generator or int, default 0
        Source of randomness, handed to `gd.data.practice_scores`.

    Returns
    -------
    X : ndarray of shape (n,)
        Hours of practice shifted and scaled to mean 0 and spread 1.
    y : ndarray of shape (n,)
        Test scores.
    """
    hours, y = data.practice_scores(n, rng)
    X, _, _ = standardize(hours)
    return X, y


def full_losses(params, X, y):
    """Return the loss over all the data at each row of `params`.

    Parameters
    ----------
    params : array_like of shape (k, 2) or (2,)
        Points ``(w, b)``, such as a history's ``params``.
    X, y : array_like of shape (n,)
        One feature and the targets.

    Returns
    -------
    ndarray of shape (k,), or float for a single point
    """
    P = np.asarray(params, dtype=float)
    if P.shape[-1:] != (2,):
        raise ValueError(
            f"params must end in (w, b), got shape {P.shape}")
    loss = LineLoss(X, y).f(P)
    return float(loss) if P.ndim == 1 else loss


def budget_run(X, y, batch_size, lr, budget, rng, params0=(0.0, 40.0),
               shuffle=True):
    """Run mini-batch descent until `budget` examples have been used.

    Batches come from `gd.batching.epochs`, one shuffled pass after
    another; the run stops after the last update whose examples still fit
    in the budget.

    Parameters
    ----------
    X, y : array_like of shape (n,)
        One feature and the targets.
    batch_size : int
        Rows per batch, at least 1.
    lr : float
        The learning rate, at least 0.
    budget : int
        Number of examples whose gradients may be computed, at least 1.
    rng : Generator or int or None
        Source of the shuffles; may be None only when `shuffle` is False.
    params0 : pair of float, default (0, 40)
        The starting ``(w, b)``.
    shuffle : bool, default True
        Visit the rows in a fresh random order each epoch.

    Returns
    -------
    gd.batching.History
        Every update recorded.
    """
    batch_size = checks.integer("batch_size", batch_size, 1)
    budget = checks.integer("budget", budget, 1)
    n = len(X)
    num_epochs = -(-budget // n)
    history = batching.minibatch_descent(
        batching.mse_grad, params0, X, y, batch_size, lr, num_epochs, rng,
        shuffle=shuffle)
    keep = history.examples <= budget
    k = int(np.count_nonzero(keep))
    return batching.History(
        history.params[:k], history.step[:k], history.epoch[:k],
        history.examples[:k], int(history.step[k - 1]), history.diverged,
        history.diverged_at)


def loss_after_budget(X, y, batch_size, lr, budget, rng,
                      params0=(0.0, 40.0), shuffle=True):
    """Return the loss over all the data after `budget` examples.

    The arguments are those of `budget_run`. A run that diverged gives
    ``inf``.
    """
    history = budget_run(X, y, batch_size, lr, budget, rng, params0,
                         shuffle)
    if history.diverged:
        return float("inf")
    return full_losses(history.params[-1], X, y)


class _NoisySlope:
    # The surface as a walk with noisy gradients feels it: the same
    # height, and a slope with Gaussian noise added at every reading.
    def __init__(self, surface, noise, rng):
        self.surface, self.noise, self.rng = surface, noise, rng
        self.dim = surface.dim

    def f(self, x):
        return self.surface.f(x)

    def grad(self, x):
        z = self.rng.standard_normal(self.dim)
        return self.surface.grad(x) + self.noise * z


def noisy_descent(surface, start, lr, num_steps, noise, rng):
    """Walk downhill on `surface` with Gaussian noise added to each slope.

    Each step is ``x <- x - lr * (grad(x) + noise * z)`` with ``z`` a
    standard normal vector from `rng`: a stand-in for the error of a
    mini-batch gradient. The walk is `gd.run`'s, so a step that blows
    up ends it early instead of filling the path with inf or nan.

    Parameters
    ----------
    surface : object with `dim`, `f` and `grad`
    start : array_like of shape (dim,)
    lr : float
        The learning rate, at least 0.
    num_steps : int
        Number of steps, at least 1.
    noise : float
        Standard deviation of the noise on each slope, at least 0.
    rng : Generator or int

    Returns
    -------
    points : ndarray of shape (num_steps + 1, dim)
        Fewer rows if the walk blew up, or, with no noise, reached flat
        ground.
    """
    noise = checks.real("noise", noise, 0.0)
    noisy = _NoisySlope(surface, noise, checks.rng(rng))
    return runner.run(noisy, start, lr=lr, num_steps=num_steps).points


def window(X, y, params0=(0.0, 40.0), margin=6.0, points=None):
    """Return map bounds ``((w0, w1), (b0, b1))`` around start and bottom.

    The window is square, so that the round contours of a standardized
    line fit look round. `points`, an array of shape (k, 2) such as a
    history's ``params``, are kept inside it too.
    """
    best = least_squares(X, y)
    inside = np.vstack([best, params0] + (
        [] if points is None else [np.asarray(points, dtype=float)]))
    lo = inside.min(axis=0) - margin
    hi = inside.max(axis=0) + margin
    centre, half = (lo + hi) / 2, np.max(hi - lo) / 2
    return tuple((float(c - half), float(c + half)) for c in centre)


def loss_map(X, y, ax=None, bounds=None, levels=15):
    """Draw the full-data loss over the (w, b) plane; return ax.

    The levels are spaced evenly in log(1 + height above the lowest
    point drawn), so both the floor and the walls show; `bounds` is the
    box to draw, by default `window` around the start and the bottom.
    """
    ax = plots.contours(LineLoss(X, y), ax, num=120, levels=levels,
                        scale="log", bounds=bounds or window(X, y))
    plots.minima(LineLoss(X, y), ax)
    ax.set_xlabel("weight w")
    ax.set_ylabel("bias b")
    return ax


def walk(history, ax=None, color=None, label=None, markersize=2):
    """Draw a mini-batch history's path on a (w, b) map; return ax."""
    ax = plots.ensure_ax(ax)
    color = color or plots.PALETTE["red"]
    P = history.params
    ax.plot(P[:, 0], P[:, 1], "-o", color=color, ms=markersize, lw=1,
            label=label, zorder=3)
    ax.plot(*P[0], "o", ms=8, mfc="white", mec=color, mew=2, zorder=4)
    ax.plot(*P[-1], "o", ms=8, color=color, mec="black", zorder=5)
    return ax


def cloud(spread, ax=None, color=None, label=None):
    """Scatter mini-batch gradients around the full gradient; return ax.

    `spread` is a `gd.batching.Spread`. The full gradient is a black
    cross.
    """
    ax = plots.ensure_ax(ax)
    color = color or plots.PALETTE["blue"]
    G = spread.grads
    ax.scatter(G[:, 0], G[:, 1], s=6, color=color, alpha=0.5,
               label=label, linewidths=0)
    ax.plot(*spread.full, "+", ms=14, mew=2.5,
            color=plots.PALETTE["black"], zorder=5)
    ax.set_xlabel("gradient along w")
    ax.set_ylabel("gradient along b")
    return ax


def log_ticks(ax, xticks=None, yticks=None):
    """Label log-scaled axes of `ax` with plain numbers at chosen ticks.

    Only `xticks` (on the x axis) and `yticks` (on the y axis) are
    labelled, as plain numbers such as 20 or 0.5, and the in-between
    ticks are left unlabelled; an axis given None keeps its labels.
    """
    plain = FuncFormatter(lambda value, _: f"{value:g}")
    for axis, ticks in ((ax.xaxis, xticks), (ax.yaxis, yticks)):
        if ticks is None:
            continue
        axis.set_major_locator(FixedLocator(ticks))
        axis.set_major_formatter(plain)
        axis.set_minor_formatter(NullFormatter())
    return ax


def _walks(X, y, lr, num_epochs, rng, batch_sizes):
    rng = checks.rng(rng)
    return {B: batching.minibatch_descent(
        batching.mse_grad, (0.0, 40.0), X, y, B, lr, num_epochs, rng)
        for B in batch_sizes}


def _clouds(X, y, num_draws, rng, batch_sizes, params=(0.0, 40.0)):
    rng = checks.rng(rng)
    return {B: batching.gradient_spread(batching.mse_grad, params, X, y,
                                        B, num_draws, rng)
            for B in batch_sizes}


def cloud_limits(spreads, margin=0.06):
    """Return one square box ``((gw0, gw1), (gb0, gb1))`` for all clouds.

    The box holds every gradient of every `gd.batching.Spread` in
    `spreads` and their full gradients, with `margin` (a share of its
    side) to spare, so that clouds drawn in it for different batch sizes
    can be compared frame by frame. Both sides have one length, so that
    a round cloud looks round.
    """
    points = np.vstack([np.vstack([s.grads, s.full]) for s in spreads])
    lo, hi = points.min(axis=0), points.max(axis=0)
    centre = (lo + hi) / 2
    half = (0.5 + margin) * max(float(np.max(hi - lo)), 1e-9)
    return tuple((float(c - half), float(c + half)) for c in centre)


def batch_size_panels(X, y, rng, batch_sizes=(1, 10, 100, 500), lr=0.05,
                      num_epochs=2, num_draws=300, axes=None):
    """Draw gradient clouds (top row) and walks (bottom row) per batch size.

    The static counterpart of `batch_size_flipbook`. Without `axes`, the
    figure is 1.95 inches wide per batch size, so that four batch sizes
    fill the page's text column without being shrunk, with three ticks
    per axis.

    Returns
    -------
    axes : ndarray of shape (2, len(batch_sizes))
    """
    clouds = _clouds(X, y, num_draws, rng, batch_sizes)
    walks = _walks(X, y, lr, num_epochs, rng, batch_sizes)
    if axes is None:
        import matplotlib.pyplot as plt
        _, axes = plt.subplots(2, len(batch_sizes),
                               figsize=(1.95 * len(batch_sizes), 4.7),
                               layout="constrained")
    limits = cloud_limits(clouds.values())
    bounds = window(X, y)
    for j, B in enumerate(batch_sizes):
        top, bottom = axes[0, j], axes[1, j]
        cloud(clouds[B], top)
        top.set_xlim(*limits[0])
        top.set_ylim(*limits[1])
        top.set_title(f"batch size {B}", fontsize=10)
        loss_map(X, y, bottom, bounds)
        walk(walks[B], bottom)
        bottom.set_title(runner.steps_text(walks[B].num_updates),
                         fontsize=10)
        for ax in (top, bottom):
            ax.xaxis.set_major_locator(MaxNLocator(3))
            ax.yaxis.set_major_locator(MaxNLocator(3))
            ax.tick_params(labelsize=9)
            ax.xaxis.label.set_fontsize(9)
            ax.yaxis.label.set_fontsize(9)
        if j:
            top.set_ylabel("")
            bottom.set_ylabel("")
    return axes


@register("flipbook")
def batch_size_flipbook(X=None, y=None, rng=0, lr=0.05, num_epochs=2,
                        num_draws=300, batch_sizes=BATCH_SIZES):
    """Return a flipbook over the batch size.

    Left: mini-batch gradients at the start around the full gradient.
    Right: the walk of `num_epochs` epochs with that batch size.
    """
    if X is None or y is None:
        X, y = practice_problem(rng=0)
    batch_sizes = [b for b in batch_sizes if b <= len(X)]
    clouds = _clouds(X, y, num_draws, rng, batch_sizes)
    walks = _walks(X, y, lr, num_epochs, rng, batch_sizes)

    fig, (left, right) = plots.new_figure(7.2, 3.4, ncols=2)
    limits = cloud_limits(clouds.values())
    dots = left.scatter([], [], s=6, color=plots.PALETTE["blue"],
                        alpha=0.5, linewidths=0)
    cross, = left.plot(*clouds[batch_sizes[0]].full, "+", ms=14, mew=2.5,
                       color=plots.PALETTE["black"], zorder=5)
    left.set_xlim(*limits[0])
    left.set_ylim(*limits[1])
    left.set_xlabel("gradient along w")
    left.set_ylabel("gradient along b")
    loss_map(X, y, right, window(X, y))
    trace, = right.plot([], [], "-o", color=plots.PALETTE["red"], ms=2,
                        lw=1, zorder=3)
    end, = right.plot([], [], "o", ms=8, color=plots.PALETTE["red"],
                      mec="black", zorder=5)
    right.plot(0.0, 40.0, "o", ms=8, mfc="white",
               mec=plots.PALETTE["red"], mew=2, zorder=4)
    epochs = "1 epoch" if num_epochs == 1 else f"{num_epochs} epochs"
    # The cross is redrawn after the dots so that it stays on top.
    plots.animate(fig, dots, cross, trace, end, left.title, right.title)

    def update(B):
        dots.set_offsets(clouds[B].grads)
        P = walks[B].params
        trace.set_data(P[:, 0], P[:, 1])
        end.set_data([P[-1, 0]], [P[-1, 1]])
        left.set_title(f"batch size {B}: spread {clouds[B].spread:.1f}",
                       fontsize=10)
        right.set_title(f"{runner.steps_text(walks[B].num_updates)} in "
                        f"{epochs}", fontsize=10)

    def alt(B):
        w, b = walks[B].params[-1]
        return (f"Batch size {B}: the gradients scatter by "
                f"{clouds[B].spread:.1f} around the full gradient; the "
                f"walk takes {walks[B].num_updates} steps and ends at "
                f"w = {w:.1f}, b = {b:.1f}.")

    return Flipbook(fig, update, batch_sizes, "batch size", alt,
                    fmt="{:d}")


@register("explorer")
def minibatch_explorer(batch_size=10, lr=0.05, seed=0, num_epochs=2):
    """Return a live explorer of mini-batch descent on the line fit.

    Controls: the batch size, the learning rate and the shuffling seed.
    Left: the walk on the (w, b) map; right: the loss against examples
    processed.
    """
    X, y = practice_problem(rng=0)
    n = len(X)
    fig, (left, right) = plots.new_figure(7.6, 3.4, ncols=2)
    loss_map(X, y, left, window(X, y))
    left.plot(0.0, 40.0, "o", ms=8, mfc="white", mec=plots.PALETTE["red"],
              mew=2, zorder=4)
    trace, = left.plot([], [], "-o", color=plots.PALETTE["red"], ms=2,
                       lw=1, zorder=3)
    curve, = right.plot([], [], color=plots.PALETTE["blue"])
    right.axhline(full_losses(least_squares(X, y), X, y), ls="--",
                  color=plots.PALETTE["black"], lw=1)
    right.set_xlim(0, num_epochs * n)
    right.set_yscale("log")
    right.set_ylim(20, 1e4)
    right.set_xlabel("examples processed")
    right.set_ylabel("loss over all the data")
    banner = plots.banner(right)
    plots.animate(fig, trace, curve, banner, left.title)

    def update(batch_size, lr, seed):
        h = batching.minibatch_descent(batching.mse_grad, (0.0, 40.0), X,
                                       y, batch_size, lr, num_epochs, seed)
        losses = full_losses(h.params, X, y)
        trace.set_data(h.params[:, 0], h.params[:, 1])
        curve.set_data(h.examples, np.clip(losses, 20, 1e4))
        plots.show_status(banner, h)
        left.set_title(f"batch size {batch_size}, learning rate {lr:.3g}",
                       fontsize=10)
        if h.diverged:
            return (f"Diverged at step {h.diverged_at}: the learning "
                    "rate is too large for this batch size.")
        return (f"{runner.steps_text(h.num_updates)}; the loss over all "
                f"the data ends at {losses[-1]:.2f}.")

    controls = {
        "batch_size": int_slider("batch size", 1, n, batch_size),
        "lr": slider("learning rate", 1e-3, 2.0, lr, log=True),
        "seed": int_slider("shuffling seed", 0, 20, seed),
    }
    return Explorer(fig, update, controls)
