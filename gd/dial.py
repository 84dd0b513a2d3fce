"""Chapter 2's pictures: a line fitting itself, and the learning-rate dial.

The chapter fits a line ``y_hat = w x + b`` to hours of practice and test
scores by walking downhill on the mean squared error over (w, b). A
`LineProblem` bundles the data, the choice of measuring hours raw or
standardized, the loss and its learning-rate limits; the flipbooks,
explorers and figure helpers below draw from it.
"""


import numpy as np

from gd import batching, checks, data, plots, runner
from gd.linear import LineLoss, standardize, unstandardize_line
from gd.widgets import Explorer, Flipbook, int_slider, register, slider

# The data a factory draws when it is called with no arguments.
DEFAULT_SEED = 12


class LineProblem:
    """Fitting a line to hours of practice and scores, ready to walk.

    Parameters
    ----------
    hours, scores : array_like of shape (n,), optional
        The data; default ``gd.data.practice_scores(30, DEFAULT_SEED)``.
    standardized : bool, default True
        Fit on standardized hours ``z = (hours - mean) / std`` instead of
        raw hours. The line is then ``y_hat = w z + b``: `w` is the score
        gained per standard deviation of practice and `b` the score at
        average practice.

    Attributes
    ----------
    x : ndarray of shape (n,)
        The feature the line is fitted on: hours or z.
    loss : LineLoss
        The mean squared error over (w, b).
    limits : Curvature
        ``loss.curvature()``: L, mu, condition, lr_best = 1/L and
        lr_max = 2/L.
    frame : tuple
        A square box ``((w_lo, w_hi), (b_lo, b_hi))`` around the best
        (w, b) holding `loss.bounds`, for maps drawn with equal axes.
    """

    def __init__(self, hours=None, scores=None, standardized=True):
        if hours is None and scores is None:
            hours, scores = data.practice_scores(30, DEFAULT_SEED)
        elif hours is None or scores is None:
            raise ValueError("give both hours and scores, or neither")
        self.hours = np.asarray(hours, dtype=float)
        self.scores = np.asarray(scores, dtype=float)
        self.standardized = bool(standardized)
        if self.standardized:
            self.x, self.mean, self.std = standardize(self.hours)
        else:
            self.x, self.mean, self.std = self.hours, 0.0, 1.0
        self.loss = LineLoss(self.x, self.scores)
        self.limits = self.loss.curvature()
        self.best = self.loss.minima[0]
        self.floor = float(self.loss.f(self.best))
        half = max(hi - lo for lo, hi in self.loss.bounds) / 2
        self.frame = tuple((float(c - half), float(c + half))
                           for c in self.best)

    def in_hours(self, params):
        """Return the line (w, b) as slope and intercept in raw hours."""
        w, b = params
        return unstandardize_line(w, b, self.mean, self.std)

    def __repr__(self):
        kind = "standardized" if self.standardized else "raw"
        return f"LineProblem(n={self.hours.size}, {kind} hours)"


def steps_to_converge(surface, start, lrs, tol=1e-6, max_steps=1000,
                      max_norm=1e6):
    """Count the steps plain gradient descent needs to reach the bottom.

    "The bottom" means a loss within `tol` of the loss at
    ``surface.minima[0]``. All learning rates run at once, vectorized.

    Parameters
    ----------
    surface : object
        Anything with ``dim``, ``f``, ``grad`` (on batches of shape
        (k, dim)) and ``minima``, such as a `LineLoss`.
    start : float or array_like of shape (dim,)
        Where every run begins.
    lrs : float or array_like of shape (k,)
        The learning rates, each at least 0.
    tol : float, default 1e-6
        How close to the lowest loss counts as there (> 0).
    max_steps : int, default 1000
        The most steps each run takes.
    max_norm : float, default 1e6
        A run whose point leaves this box has diverged.

    Returns
    -------
    steps : ndarray of int, shape (k,)
        Steps taken to get within `tol`; 0 if the start already is; -1
        for a run that never got there.
    diverged : ndarray of bool, shape (k,)
        True for a run that left the box, or that ended further from the
        minimum than it began (a rising zigzag that ran out of steps).
    """
    dim = checks.integer("surface.dim", getattr(surface, "dim", None), 1)
    x0 = checks.point("start", start, dim)
    lrs = np.atleast_1d(np.asarray(lrs, dtype=float))
    if lrs.ndim != 1 or not np.all(np.isfinite(lrs)) or np.any(lrs < 0):
        raise ValueError("lrs must be a 1-D array of finite rates >= 0")
    tol = checks.real("tol", tol, 0.0, low_open=True)
    max_steps = checks.integer("max_steps", max_steps, 1, 1_000_000)
    max_norm = checks.real("max_norm", max_norm, 0.0, low_open=True)

    best = np.asarray(surface.minima[0], dtype=float)
    floor = float(surface.f(best))
    x = np.tile(x0, (lrs.size, 1))
    steps = np.full(lrs.size, -1)
    diverged = np.zeros(lrs.size, dtype=bool)
    there = surface.f(x) - floor <= tol
    steps[there] = 0
    active = ~there

    for k in range(1, max_steps + 1):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        with np.errstate(over="ignore", invalid="ignore"):
            new = x[idx] - lrs[idx, np.newaxis] * surface.grad(x[idx])
        finite = np.all(np.isfinite(new), axis=1)
        bad = ~finite
        bad[finite] = np.max(np.abs(new[finite]), axis=1) > max_norm
        diverged[idx[bad]] = True
        active[idx[bad]] = False

        good = idx[~bad]
        x[good] = new[~bad]
        reached = good[surface.f(x[good]) - floor <= tol]
        steps[reached] = k
        active[reached] = False

    start_gap = np.linalg.norm(x0 - best)
    diverged |= active & (np.linalg.norm(x - best, axis=1) > start_gap)
    return steps, diverged


def where_on_dial(lr, limits):
    """Say in words where the rate `lr` sits against 1/L and 2/L."""
    ratio = lr / limits.lr_best
    if np.isclose(ratio, 1.0):
        return "at 1/L: lands on the floor of the steepest slope"
    if ratio < 1:
        return "below 1/L: falls short each step, creeps in"
    if ratio < 2 and not np.isclose(ratio, 2.0):
        return "between 1/L and 2/L: overshoots, zigzags in"
    if np.isclose(ratio, 2.0):
        return "at 2/L: bounces from side to side for ever"
    return "above 2/L: each overshoot grows, diverges"


def dial_zone(lr, limits):
    """Say in a clause where `lr` sits against 1/L and 2/L, and so what
    a walk at that rate does on a bowl."""
    ratio = lr / limits.lr_best
    if np.isclose(ratio, 1.0):
        return ("exactly 1/L and below 2/L, so its first step lands on "
                "the floor")
    if ratio < 1:
        return ("below both 1/L and 2/L, so each step falls short of the "
                "floor and the walk creeps in")
    if np.isclose(ratio, 2.0):
        return ("exactly 2/L, so the walk bounces between two points for "
                "ever")
    if ratio < 2:
        return ("between 1/L and 2/L, so each step overshoots the floor "
                "by less than the last and the walk zigzags in")
    return ("above both 1/L and 2/L, so each step overshoots further "
            "than the last and the walk diverges")


def outcome(path, floor):
    """Say in a sentence how the walk `path` ended, against the lowest
    loss `floor`."""
    last = path.losses[-1]
    if path.status == "converged":
        steps = "1 step" if path.stopped_at == 1 else \
            f"{path.stopped_at} steps"
        return (f"It reached flat ground after {steps}, with mean squared "
                f"error {last:.4g} against a best of {floor:.4g}.")
    if path.status == "diverged":
        return (f"At step {path.stopped_at} it was thrown off the map and "
                "the run stopped.")
    if path.status == "diverging":
        return (f"Its error has been climbing since step "
                f"{path.diverged_at} and is {last:.3g} after "
                f"{path.num_steps} steps, against a best of {floor:.4g}.")
    return (f"After {path.num_steps} steps it has not yet come to rest, "
            f"with mean squared error {last:.4g} against a best of "
            f"{floor:.4g}.")


def last_on_map(problem, path, k=None):
    """Return the last step, up to `k`, whose point is inside the picture.

    The picture is the box ``problem.frame`` that the maps draw; a
    diverging walk leaves it, and its lines leave the data panel with
    it, so a picture shows the line of this step instead.
    """
    k = path.num_steps if k is None else min(k, path.num_steps)
    (w0, w1), (b0, b1) = problem.frame
    w, b = path.points[: k + 1].T
    with np.errstate(invalid="ignore"):
        inside = (w >= w0) & (w <= w1) & (b >= b0) & (b <= b1)
    shown = np.flatnonzero(inside)
    return int(shown[-1]) if shown.size else 0


def plot_loss_map(problem, ax=None, levels=12, frame=None):
    """Draw the loss over (w, b) as a contour map, minimum marked.

    The levels are evenly spaced in the square root of the height above
    the lowest loss, so on this bowl-shaped loss the contour lines are
    evenly spaced ellipses. `frame` is the box ``((w_lo, w_hi), (b_lo,
    b_hi))`` to draw, by default ``problem.frame``; the axes are equal.
    """
    ax = plots.contours(problem.loss, ax, num=100, levels=levels,
                        scale="sqrt", bounds=frame or problem.frame)
    plots.minima(problem.loss, ax)
    unit = "z" if problem.standardized else "hour"
    ax.set_xlabel(f"weight w (points per {unit})")
    ax.set_ylabel("bias b (points)")
    return ax


def plot_fit(problem, params=None, ax=None, color=None):
    """Draw the data and, if given, the line at `params` = (w, b)."""
    ax = plots.ensure_ax(ax)
    ax.plot(problem.hours, problem.scores, "o", ms=4,
            color=plots.PALETTE["black"], alpha=0.7)
    lo, hi = _score_range(problem)
    ax.set_xlim(*_hour_range(problem))
    ax.set_ylim(lo, hi)
    ax.set_xlabel("hours of practice")
    ax.set_ylabel("test score")
    if params is not None:
        _line_artist(problem, ax, color).set_data(
            *_line_points(problem, params))
    return ax


def _hour_range(problem):
    pad = 0.05 * np.ptp(problem.hours)
    return problem.hours.min() - pad, problem.hours.max() + pad


def _score_range(problem):
    # From a little below zero, so the flat line of a walk from (0, 0)
    # shows above the axis.
    pad = 0.15 * np.ptp(problem.scores)
    return (min(0.0, problem.scores.min() - pad) - 0.3 * pad,
            problem.scores.max() + pad)


def _line_artist(problem, ax, color=None):
    line, = ax.plot([], [], "-", color=color or plots.PALETTE["orange"],
                    lw=plots.LINEWIDTH)
    return line


def _line_points(problem, params):
    w, b = problem.in_hours(params)
    xs = np.array(_hour_range(problem))
    return xs, w * xs + b


def plot_steps_vs_lr(problem, lrs, start=(0.0, 0.0), tol=1e-6,
                     max_steps=1000, ax=None):
    """Plot the steps needed to reach the bottom against the rate.

    The x axis is logarithmic, with dashed lines at 1/L and 2/L. Runs
    that diverge are marked with red triangles along the top; runs still
    walking after `max_steps` are marked with grey circles there.
    """
    ax = plots.ensure_ax(ax)
    lrs = np.sort(np.asarray(lrs, dtype=float))
    steps, diverged = steps_to_converge(problem.loss, start, lrs, tol,
                                        max_steps)
    ok = steps >= 0
    ax.plot(lrs[ok], steps[ok], "o-", ms=4, color=plots.PALETTE["blue"],
            label="reached the bottom")
    top = 1.3 * max_steps
    slow = ~ok & ~diverged
    if slow.any():
        ax.plot(lrs[slow], np.full(slow.sum(), top), "o", ms=5,
                color="grey", label=f"not there after {max_steps} steps")
    if diverged.any():
        ax.plot(lrs[diverged], np.full(diverged.sum(), top), "^", ms=7,
                color=plots.PALETTE["red"], label="diverged")
    _mark_limits(ax, problem.limits)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(0.7, 6 * max_steps)
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("steps to reach the bottom")
    ax.legend(loc="lower left", fontsize=8)
    return ax


def _mark_limits(ax, limits, labels=True):
    # Dashed vertical lines at 1/L and 2/L, labelled at the top.
    for value, text in ((limits.lr_best, "1/L"), (limits.lr_max, "2/L")):
        ax.axvline(value, ls="--", lw=1.2, color=plots.PALETTE["black"])
        if labels:
            ax.annotate(text, (value, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(3, -2), textcoords="offset points",
                        va="top", fontsize=9)


def plot_walk_panels(problem, path, steps, axes):
    """Draw a run at a few step counts: line on top, map below.

    `axes` has shape (2, len(steps)).
    """
    for j, k in enumerate(steps):
        k = min(k, path.num_steps)
        top, bottom = axes[0, j], axes[1, j]
        plot_fit(problem, path.points[k], ax=top)
        top.set_title("after " + runner.steps_text(k), fontsize=10)
        plot_loss_map(problem, ax=bottom)
        part = path.points[: k + 1]
        bottom.plot(part[:, 0], part[:, 1], "-o", ms=4, lw=1.2,
                    mec="white", mew=0.5, color=plots.PALETTE["red"])
        bottom.plot(*part[-1], "o", ms=8, color=plots.PALETTE["orange"],
                    mec="black")
        if j:
            top.set_ylabel("")
            bottom.set_ylabel("")
    return axes


def _walk_figure(problem):
    # The two side-by-side panels of the walk: data and map.
    fig, axes = plots.new_figure(5.6, 2.9, ncols=2)
    fit_ax, map_ax = axes
    plot_fit(problem, ax=fit_ax)
    line = _line_artist(problem, fit_ax)
    plot_loss_map(problem, ax=map_ax)
    trace, = map_ax.plot([], [], "-o", color=plots.PALETTE["red"], ms=4,
                         mec="white", mew=0.5, lw=1.2)
    here, = map_ax.plot([], [], "o", ms=9, color=plots.PALETTE["orange"],
                        mec="black", zorder=5)
    title = fig.suptitle("", fontsize=10)
    banner = plots.banner(map_ax)
    artists = line, trace, here, title, banner
    plots.animate(fig, *artists)
    return fig, artists


def _show_walk(problem, path, k, artists):
    # Draw the walk up to step k; return the step whose line is drawn:
    # k itself, or the last step still on the map if the walk left it.
    line, trace, here, title, banner = artists
    k = min(k, path.num_steps)
    shown = last_on_map(problem, path, k)
    line.set_data(*_line_points(problem, path.points[shown]))
    line.set_linestyle("-" if shown == k else "--")
    trace.set_data(path.points[: k + 1, 0], path.points[: k + 1, 1])
    here.set_data([path.points[shown, 0]], [path.points[shown, 1]])
    plots.show_status(banner, path, width=22)
    return shown


def line_text(w, b, x="hours"):
    """Write the line ``score = w x + b`` with its signs in place.

    >>> line_text(23.444, -0.18)
    'score = 23.44 x hours - 0.18'
    """
    sign = "-" if b < 0 else "+"
    return f"score = {w:.2f} x {x} {sign} {abs(b):.2f}"


def _describe_point(problem, params, loss):
    w, b = params
    return (f"w = {w:.2f}, b = {b:.2f}, so the line is "
            f"{line_text(*problem.in_hours(params))}; mean squared error "
            f"{loss:.1f}")


@register("flipbook")
def walk_steps(problem=None, start=(0.0, 0.0), lr=0.15, num_steps=20):
    """Return a flipbook of the line fitting itself, step by step.

    Left: the data and the current line. Right: the path so far on the
    contour map of the loss over (w, b).
    """
    problem = problem or LineProblem()
    path = runner.run(problem.loss, start, lr=lr, num_steps=num_steps)
    fig, artists = _walk_figure(problem)

    def update(k):
        k = _show_walk(problem, path, k, artists)
        artists[3].set_text(f"after {runner.steps_text(k)} "
                            f"(learning rate {lr:g}): "
                            f"MSE {path.losses[k]:.1f}")

    def alt(k):
        k = min(k, path.num_steps)
        return (f"Step {k}: "
                + _describe_point(problem, path.points[k], path.losses[k])
                + ". The point on the map moves towards the yellow cross "
                "as the line moves into the cloud of data.")

    return Flipbook(fig, update, range(path.num_steps + 1), "steps taken",
                    alt, fmt="{:d}")


@register("explorer")
def walk_explorer(problem=None, w0=0.0, b0=0.0, lr=0.15, num_steps=20):
    """Return a live explorer of the line fitting itself.

    Controls: the start (w0, b0), the learning rate and the number of
    steps.
    """
    problem = problem or LineProblem()
    fig, artists = _walk_figure(problem)
    (wlo, whi), (blo, bhi) = problem.frame
    limits = problem.limits

    def update(w0, b0, lr, num_steps):
        p = runner.run(problem.loss, (w0, b0), lr=lr, num_steps=num_steps)
        shown = _show_walk(problem, p, p.num_steps, artists)
        title = (f"learning rate {lr:.3g} "
                 f"= {lr / limits.lr_best:.2f} x (1/L)")
        if p.status == "diverged":
            note = (f"Diverged: at step {p.stopped_at} the point had "
                    "flown so far that the run stopped. ")
        else:
            note = f"{p.describe().capitalize()}. "
        if shown < p.num_steps:
            title += f"; dashed: the line at step {shown}"
            note += ("The path has left the picture; the dashed line is "
                     "the last one whose point is still inside it, at "
                     f"step {shown}: ")
        artists[3].set_text(title)
        return (note + _describe_point(problem, p.points[shown],
                                       p.losses[shown]) + ".")

    controls = {
        "w0": slider("start w", wlo, whi, w0),
        "b0": slider("start b", blo, bhi, b0),
        "lr": slider("learning rate", limits.lr_best / 100,
                     limits.lr_max * 1.5, lr, log=True),
        "num_steps": int_slider("steps", 1, 300, num_steps),
    }
    return Explorer(fig, update, controls)


def default_rates(limits):
    """Return learning rates from well below 1/L to just above 2/L."""
    ratios = [0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8, 1.96,
              2.04, 2.2]
    return [float(f"{r * limits.lr_best:.3g}") for r in ratios]


@register("flipbook")
def learning_rates(problem=None, start=(0.0, 0.0), lrs=None, num_steps=20):
    """Return a flipbook over the learning rate, marked with 1/L and 2/L.

    Each frame is a whole walk of `num_steps` steps: its path on the map,
    its loss curve, and a ruler showing where the rate sits against the
    limits 1/L and 2/L.
    """
    problem = problem or LineProblem()
    limits = problem.limits
    lrs = default_rates(limits) if lrs is None else list(lrs)
    paths = {lr: runner.run(problem.loss, start, lr=lr,
                            num_steps=num_steps) for lr in lrs}

    fig, axes = plots.new_figure(
        5.6, 3.6, mosaic=[["map", "loss"], ["ruler", "ruler"]],
        height_ratios=[1, 0.22])
    plot_loss_map(problem, ax=axes["map"])
    trace, = axes["map"].plot([], [], "-o", color=plots.PALETTE["red"],
                              ms=4, mec="white", mew=0.5, lw=1.2)
    end, = axes["map"].plot([], [], "o", ms=8, mec="black",
                            color=plots.PALETTE["orange"], zorder=5)
    curve, = axes["loss"].plot([], [], "-", color=plots.PALETTE["blue"])
    loss_ax = axes["loss"]
    loss_ax.set_yscale("log")
    loss_ax.set_xlim(0, num_steps)
    start_loss = float(problem.loss.f(np.asarray(start, dtype=float)))
    loss_ax.set_ylim(0.5 * problem.floor, 30 * start_loss)
    loss_ax.axhline(problem.floor, ls=":", color=plots.PALETTE["black"],
                    lw=1)
    loss_ax.set_xlabel("step")
    loss_ax.set_ylabel("mean squared error (log)")
    marker = _ruler(axes["ruler"], limits, lrs)
    title = fig.suptitle("", fontsize=10)
    # The loss panel has room low on its right, under a climbing curve.
    banner = plots.banner(loss_ax, y=0.3)
    banner.set_x(0.6)
    plots.animate(fig, trace, end, curve, marker, title, banner)

    def update(lr):
        p = paths[lr]
        trace.set_data(p.points[:, 0], p.points[:, 1])
        end.set_data([p.final[0]], [p.final[1]])
        curve.set_data(np.arange(p.num_steps + 1), p.losses)
        marker.set_data([lr], [0.5])
        title.set_text(f"learning rate {lr:.3g}: "
                       f"{where_on_dial(lr, limits)}")
        plots.show_status(banner, p, width=16)

    def alt(lr):
        p = paths[lr]
        return (f"Learning rate {lr:.3g} is {lr / limits.lr_best:.2f} "
                f"times 1/L, {dial_zone(lr, limits)}. "
                + outcome(p, problem.floor))

    return Flipbook(fig, update, lrs, "learning rate", alt, fmt="{:.3g}")


def _ruler(ax, limits, lrs):
    # A strip of learning rates with the zones between the limits.
    lo, hi = min(lrs) / 1.3, max(lrs) * 1.3
    ax.axvspan(lo, limits.lr_best, color=plots.PALETTE["sky"], alpha=0.35)
    ax.axvspan(limits.lr_best, limits.lr_max, color=plots.PALETTE["green"],
               alpha=0.3)
    ax.axvspan(limits.lr_max, hi, color=plots.PALETTE["red"], alpha=0.35)
    _mark_limits(ax, limits, labels=False)
    for value, text in ((limits.lr_best, "1/L"), (limits.lr_max, "2/L")):
        ax.text(value, 1.05, text, ha="center", va="bottom", fontsize=9,
                transform=ax.get_xaxis_transform())
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xlabel("learning rate (log scale): creeps | zigzags | diverges",
                  fontsize=9)
    marker, = ax.plot([], [], "v", ms=10, color=plots.PALETTE["black"])
    return marker


def plot_dial_panels(problem, lrs, axes, start=(0.0, 0.0), num_steps=20):
    """Draw one map per learning rate with its walk of `num_steps` steps.

    A walk that diverges soon leaves the picture, so its panel names the
    divergence in a red box (`gd.plots.banner`) in the empty lower right
    corner, and its title turns red.
    """
    for ax, lr in zip(axes, lrs):
        p = runner.run(problem.loss, start, lr=lr, num_steps=num_steps)
        plot_loss_map(problem, ax=ax)
        plots.path(p, ax=ax, markersize=3)
        title = ax.set_title(f"learning rate {lr:g} "
                             f"= {lr / problem.limits.lr_best:.2f} x (1/L)",
                             fontsize=10)
        banner = plots.banner(ax, y=0.24)
        banner.set_x(0.76)
        plots.show_status(banner, p, width=12)
        if banner.get_visible():
            title.set_color(plots.PALETTE["red"])
    return axes


def noisy_walk(problem, lr, num_steps, batch_size, rng,
               start=(0.0, 0.0)):
    """Walk downhill with the gradient of a few random examples per step.

    Each step draws `batch_size` examples without replacement, takes the
    gradient of their mean squared error, and steps against it. This is
    a first taste of mini-batches: cheap, noisy steps.

    Parameters
    ----------
    problem : LineProblem
    lr : float or callable
        The learning rate, or a schedule ``t -> lr`` (t from 0).
    num_steps : int
        Steps to take, at least 1.
    batch_size : int
        Examples per step, from 1 to the number of examples.
    rng : Generator or int
        Source of the random draws.
    start : array_like of shape (2,), default (0, 0)

    Returns
    -------
    points : ndarray of shape (num_steps + 1, 2)
        Fewer rows if the walk blew up: it stops before a step that
        would (see `gd.batching.stream_descent`).
    losses : ndarray of shape (len(points),)
        The mean squared error on all the data at each point.
    """
    num_steps = checks.integer("num_steps", num_steps, 1, 100_000)
    n = problem.x.size
    batch_size = checks.integer("batch_size", batch_size, 1, n)

    def draw(size, rng):
        pick = rng.choice(n, size=size, replace=False)
        return problem.x[pick], problem.scores[pick]

    history = batching.stream_descent(
        batching.mse_grad, checks.point("start", start, 2), draw,
        batch_size, num_steps, lr, rng)
    return history.params, problem.loss.f(history.params)
