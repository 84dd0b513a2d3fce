"""Chapter 1's pictures: a hiker on a trail and on a contour map."""

import ipywidgets as widgets
import numpy as np

from gd import checks, plots, runner
from gd.surfaces import FoggyMountain, Himmelblau, Rosenbrock, Saddle, Trail
from gd.widgets import Explorer, Flipbook, int_slider, register, slider


def _hiker_1d(surface, ax):
    # The artists a trail picture changes as the hiker moves.
    plots.trail(surface, ax)
    plots.minima(surface, ax)
    trace, = ax.plot([], [], "-o", color=plots.PALETTE["blue"], ms=3,
                     lw=1, alpha=0.7)
    tangent, = ax.plot([], [], "--", color=plots.PALETTE["purple"], lw=2)
    hiker, = ax.plot([], [], "o", ms=11, color=plots.PALETTE["orange"],
                     mec="black", zorder=5)
    banner = plots.banner(ax)
    xs, heights = surface.grid(50)
    ax.set_ylim(heights.min() - 0.5, heights.max() + 0.5)
    artists = trace, tangent, hiker, banner
    plots.animate(ax.figure, *artists, ax.title)
    return artists


def _show_1d(surface, path, k, artists):
    trace, tangent, hiker, banner = artists
    plots.show_status(banner, path)
    k = min(k, path.num_steps)
    x = path.points[: k + 1, 0]
    trace.set_data(x, path.losses[: k + 1])
    here = path.points[k]
    slope = float(surface.grad(here)[0])
    half = 0.09 * np.diff(surface.bounds[0])[0]
    tx = np.array([here[0] - half, here[0] + half])
    tangent.set_data(tx, path.losses[k] + slope * (tx - here[0]))
    hiker.set_data([here[0]], [path.losses[k]])
    return k, here[0], slope


def draw_hiker(surface, path, k, ax=None):
    """Draw the hiker on a 1-D trail after `k` steps of `path`; return ax.

    The blue dots are where the hiker has been, the dashed purple line
    the slope under their feet. The same picture as one frame of
    `trail_steps`, for a static figure.
    """
    ax = plots.ensure_ax(ax)
    k = min(checks.integer("k", k, 0), path.num_steps)
    plots.trail(surface, ax)
    plots.minima(surface, ax)
    x = path.points[: k + 1, 0]
    ax.plot(x, path.losses[: k + 1], "-o", color=plots.PALETTE["blue"],
            ms=3, lw=1, alpha=0.7)
    here = path.points[k]
    slope = float(surface.grad(here)[0])
    half = 0.09 * np.diff(surface.bounds[0])[0]
    tx = np.array([here[0] - half, here[0] + half])
    ax.plot(tx, path.losses[k] + slope * (tx - here[0]), "--", lw=2,
            color=plots.PALETTE["purple"])
    ax.plot(here[0], path.losses[k], "o", ms=11, mec="black",
            color=plots.PALETTE["orange"], zorder=5)
    return ax


@register("flipbook")
def trail_steps(surface=None, start=3.2, lr=0.1, num_steps=30):
    """Return a flipbook of the hiker on a 1-D trail, step by step.

    The dashed line is the slope the hiker feels under their feet.
    """
    surface = surface or Trail()
    path = runner.run(surface, start, lr=lr, num_steps=num_steps)
    fig, ax = plots.new_figure(5.6, 3.2)
    artists = _hiker_1d(surface, ax)

    def update(k):
        _show_1d(surface, path, k, artists)
        ax.set_title("after " + runner.steps_text(k), fontsize=10)

    def alt(k):
        k = min(k, path.num_steps)
        x = path.points[k, 0]
        slope = float(surface.grad(path.points[k])[0])
        return (f"Step {k}: the hiker stands at x = {x:.2f}, height "
                f"{path.losses[k]:.2f}, where the slope is {slope:.2f}.")

    return Flipbook(fig, update, range(path.num_steps + 1),
                    "steps taken", alt, fmt="{:d}")


@register("flipbook")
def trail_learning_rates(surface=None, start=3.2, lrs=None, num_steps=20):
    """Return a flipbook over the learning rate on a 1-D trail.

    Each frame is a whole walk of `num_steps` steps at one rate.
    """
    surface = surface or Trail()
    if lrs is None:
        lrs = [0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 0.85, 0.9, 1.0,
               1.2, 1.5, 1.8, 1.9, 2.0]
    fig, ax = plots.new_figure(5.6, 3.2)
    artists = _hiker_1d(surface, ax)
    paths = {lr: runner.run(surface, start, lr=lr, num_steps=num_steps)
             for lr in lrs}

    def update(lr):
        p = paths[lr]
        _show_1d(surface, p, p.num_steps, artists)
        ax.set_title(f"learning rate {lr:g}", fontsize=10)

    def alt(lr):
        p = paths[lr]
        return (f"Learning rate {lr:g}: after {p.num_steps} steps the "
                f"hiker is at x = {p.final[0]:.2f}; {p.describe()}.")

    return Flipbook(fig, update, lrs, "learning rate", alt)


def _map(surface, ax, log=False):
    plots.contours(surface, ax, scale="log" if log else "linear")
    plots.minima(surface, ax)
    trace, = ax.plot([], [], "-o", color=plots.PALETTE["red"], ms=3,
                     lw=1.5, zorder=3)
    hiker, = ax.plot([], [], "o", ms=11, color=plots.PALETTE["orange"],
                     mec="black", zorder=5)
    arrow = ax.quiver([0], [0], [0], [0], color="white", angles="xy",
                      scale_units="xy", scale=1, width=0.012, zorder=4)
    artists = trace, hiker, arrow, plots.banner(ax)
    plots.animate(ax.figure, *artists, ax.title)
    return artists


def _show_map(surface, path, k, artists, arrow_length):
    trace, hiker, arrow, banner = artists
    plots.show_status(banner, path)
    k = min(k, path.num_steps)
    trace.set_data(path.points[: k + 1, 0], path.points[: k + 1, 1])
    here = path.points[k]
    hiker.set_data([here[0]], [here[1]])
    g = surface.grad(here)
    norm = float(np.linalg.norm(g))
    # The arrow shrinks to nothing as the ground flattens.
    scale = arrow_length * min(1.0, norm / 0.5)
    down = -g / norm * scale if norm > 1e-12 else np.zeros(2)
    arrow.set_offsets([here])
    arrow.set_UVC([down[0]], [down[1]])
    return k


@register("flipbook")
def map_steps(surface=None, start=(3.0, 3.0), lr=0.3, num_steps=40):
    """Return a flipbook of the hiker on a contour map, step by step.

    The white arrow points straight downhill: against the gradient.
    """
    surface = surface or FoggyMountain()
    path = runner.run(surface, start, lr=lr, num_steps=num_steps)
    fig, ax = plots.new_figure(4.2, 3.8)
    artists = _map(surface, ax)
    length = 0.08 * np.diff(surface.bounds[0])[0]

    def update(k):
        _show_map(surface, path, k, artists, length)
        ax.set_title("after " + runner.steps_text(k), fontsize=10)

    def alt(k):
        k = min(k, path.num_steps)
        x, y = path.points[k]
        return (f"Step {k} on the contour map: the hiker is at "
                f"({x:.2f}, {y:.2f}), height {path.losses[k]:.2f}.")

    width = np.diff(surface.bounds[0])[0]
    return Flipbook(fig, update, _visible_moves(path, 0.005 * width),
                    "steps taken", alt, fmt="{:d}")


def _visible_moves(path, min_move):
    # The steps at which the hiker has moved at least `min_move` since
    # the last frame kept, and the last step: near flat ground the steps
    # become too small to see, and identical frames would only add weight.
    kept = [0]
    for k in range(1, path.num_steps + 1):
        moved = np.linalg.norm(path.points[k] - path.points[kept[-1]])
        if moved >= min_move or k == path.num_steps:
            kept.append(k)
    return kept


def basins(surface, lr=0.2, num=60, num_steps=400):
    """Return which valley each start on a grid walks down to.

    Returns
    -------
    X, Y : ndarray of shape (num, num)
        The starts.
    valley : ndarray of int, shape (num, num)
        The index in ``surface.minima`` of the valley reached, or -1 for
        a run that diverged or stopped elsewhere (such as on a saddle).
    """
    num = checks.integer("num", num, 2, 400)
    (x0, x1), (y0, y1) = surface.bounds
    X, Y = np.meshgrid(np.linspace(x0, x1, num), np.linspace(y0, y1, num))
    starts = np.column_stack([X.ravel(), Y.ravel()])
    finals, diverged = runner.run_many(surface, starts, lr, num_steps)
    minima = np.array(surface.minima)
    dist = np.linalg.norm(finals[:, None, :] - minima[None], axis=2)
    valley = np.argmin(dist, axis=1)
    valley[(dist.min(axis=1) > 1e-2) | diverged] = -1
    return X, Y, valley.reshape(X.shape)


def plot_basins(surface, ax=None, lr=0.2, num=60, num_steps=400):
    """Colour each start by the valley it walks down to; return ax."""
    from matplotlib.colors import ListedColormap

    ax = plots.ensure_ax(ax)
    X, Y, valley = basins(surface, lr, num, num_steps)
    colors = [plots.PALETTE["black"]] + plots.CYCLE[: len(surface.minima)]
    ax.pcolormesh(X, Y, valley, cmap=ListedColormap(colors),
                  vmin=-1.5, vmax=len(surface.minima) - 0.5,
                  shading="auto", alpha=0.55)
    plots.contours(surface, ax, filled=False)
    heights = [float(surface.f(m)) for m in surface.minima]
    for i, m in enumerate(surface.minima):
        deepest = " (deepest)" if i == int(np.argmin(heights)) else ""
        ax.plot(*m, "X", ms=12, color=plots.CYCLE[i], mec="black", mew=1.5,
                zorder=10, label=f"valley {i + 1}, height "
                f"{heights[i]:.2f}{deepest}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=1,
              fontsize=8, frameon=False)
    return ax


SURFACES = {
    "foggy mountain": FoggyMountain,
    "Himmelblau": Himmelblau,
    "Rosenbrock": Rosenbrock,
    "saddle": Saddle,
}


@register("explorer")
def map_explorer(surface="foggy mountain", x=3.0, y=3.0, lr=0.3,
                 num_steps=40):
    """Return a live explorer of descent on a contour map.

    Controls: the surface, the start (x, y), the learning rate and the
    number of steps.
    """
    made = {name: make() for name, make in SURFACES.items()}
    fig, ax = plots.new_figure(4.6, 4.0)
    state = {}

    def update(surface, x, y, lr, num_steps):
        s = made[surface]
        if state.get("surface") != surface:
            ax.clear()
            state["artists"] = _map(s, ax, log=(surface == "Rosenbrock"))
            state["surface"] = surface
        (x0, x1), (y0, y1) = s.bounds
        start = (x0 + (x1 - x0) * x, y0 + (y1 - y0) * y)
        p = runner.run(s, start, lr=lr, num_steps=num_steps)
        length = 0.08 * (x1 - x0)
        _show_map(s, p, p.num_steps, state["artists"], length)
        ax.set_title(f"{surface}, learning rate {lr:.3g}", fontsize=10)
        hint = " Try a smaller learning rate." if p.diverged else ""
        return (f"Start ({start[0]:.2f}, {start[1]:.2f}): {p.describe()}; "
                f"height {p.losses[-1]:.4g}.{hint}")

    controls = {
        "surface": widgets.Dropdown(options=list(SURFACES), value=surface,
                                    description="surface"),
        # Each surface has its own map, so the start is given as a share
        # of the way across it: 0 at the left (bottom) edge, 1 at the
        # right (top) edge. The status line gives the coordinates.
        "x": slider("start: left 0, right 1", 0.0, 1.0,
                    _frac(x, -3.5, 3.5)),
        "y": slider("start: bottom 0, top 1", 0.0, 1.0,
                    _frac(y, -3.5, 3.5)),
        "lr": slider("learning rate", 1e-3, 3.0, lr, log=True),
        "num_steps": int_slider("steps", 1, 300, num_steps),
    }
    return Explorer(fig, update, controls)


def _frac(v, lo, hi):
    return min(max((v - lo) / (hi - lo), 0.0), 1.0)


@register("explorer")
def trail_explorer(start=3.2, lr=0.1, num_steps=30):
    """Return a live explorer of descent on the 1-D trail.

    Controls: the start, the learning rate and the number of steps.
    """
    surface = Trail()
    fig, ax = plots.new_figure(5.6, 3.2)
    artists = _hiker_1d(surface, ax)
    lo, hi = surface.bounds[0]

    def update(start, lr, num_steps):
        p = runner.run(surface, start, lr=lr, num_steps=num_steps)
        k, x, slope = _show_1d(surface, p, p.num_steps, artists)
        ax.set_title(f"start {start:.2f}, learning rate {lr:.3g}",
                     fontsize=10)
        hint = " Try a smaller learning rate." if p.diverged else ""
        return (f"{p.describe().capitalize()}; the hiker ends at "
                f"x = {x:.3f}, height {p.losses[-1]:.4g}.{hint}")

    controls = {
        "start": slider("start x", lo, hi, start),
        "lr": slider("learning rate", 1e-3, 3.0, lr, log=True),
        "num_steps": int_slider("steps", 1, 200, num_steps),
    }
    return Explorer(fig, update, controls)
