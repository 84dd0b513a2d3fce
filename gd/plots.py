"""Plot helpers with one colour-blind-safe palette.

Every helper takes an optional ``ax``, draws on it, and returns it; titles
and captions are left to the notebook.
"""

import io
import textwrap

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from gd import checks

# The Okabe-Ito palette, distinguishable with the common forms of colour
# blindness (Okabe and Ito, "Color Universal Design", 2008).
PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "red": "#D55E00",
    "purple": "#CC79A7",
}
# The order in which several lines on one plot take their colours.
CYCLE = [PALETTE[k] for k in
         ("blue", "orange", "green", "red", "purple", "sky", "black")]
# A perceptually uniform map, readable in grey and by colour-blind readers.
CMAP = "cividis"
LINEWIDTH = 2.0

STYLE = {
    "axes.prop_cycle": mpl.cycler(color=CYCLE),
    "lines.linewidth": LINEWIDTH,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
    # Flipbook frames are shown at their size in pixels. At 96 dots per
    # inch, the inch of a web page, a 10-point label is 10 points on the
    # page too.
    "figure.dpi": 96,
}


def use_style():
    """Apply the book's plot style to matplotlib (white backgrounds,
    the palette, one line width)."""
    mpl.rcParams.update(STYLE)


def new_figure(width=6.0, height=3.5, ncols=1, nrows=1, mosaic=None,
               height_ratios=None):
    """Return a figure and its axes, made without pyplot.

    Such a figure is never registered with pyplot, so redrawing it for a
    slider leaves no figure open. Use it for flipbooks and explorers.

    The axes are one axes, or an array of ``nrows * ncols``; with a
    `mosaic` (as for matplotlib's ``subplot_mosaic``), a dict of named
    axes, whose rows may have `height_ratios`.
    """
    with mpl.rc_context(STYLE):
        fig = Figure(figsize=(width, height), layout="constrained")
        FigureCanvasAgg(fig)
        if mosaic is not None:
            return fig, fig.subplot_mosaic(mosaic,
                                           height_ratios=height_ratios)
        axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, (axes[0, 0] if axes.size == 1 else axes.ravel())


def animate(fig, *artists):
    """Mark `artists` as the parts of `fig` that change between frames.

    `to_png` then draws the rest of the figure once, keeps it, and on
    later calls redraws only these artists over it, which is many times
    faster for a slider. Call `forget_background` after changing
    anything else (such as clearing an axes).
    """
    for artist in artists:
        artist.set_animated(True)
    fig._downhill_dynamic = list(artists)
    fig._downhill_background = None


def forget_background(fig):
    """Make the next `to_png` redraw the whole figure."""
    fig._downhill_background = None


def to_png(fig, colors=64):
    """Render `fig` to PNG bytes.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    colors : int or None, default 64
        Number of colours kept (2 to 256): 64 keeps line art crisp and
        makes the file about four times smaller, for pages that store
        many frames. None keeps every colour and compresses quickly, for
        live pictures that are never stored.
    """
    canvas = fig.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        canvas = FigureCanvasAgg(fig)
    dynamic = getattr(fig, "_downhill_dynamic", None)
    if dynamic:
        if fig._downhill_background is None:
            canvas.draw()
            fig._downhill_background = canvas.copy_from_bbox(fig.bbox)
        else:
            canvas.restore_region(fig._downhill_background)
        for artist in dynamic:
            fig.draw_artist(artist)
    else:
        canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(),
                             canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    image = image.convert("RGB")
    out = io.BytesIO()
    if colors is None:
        image.save(out, format="PNG", compress_level=1)
    else:
        image = image.quantize(colors=colors, dither=0,
                               method=Image.Quantize.MEDIANCUT)
        image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def ensure_ax(ax):
    """Return `ax`, or the axes of a new figure when `ax` is None."""
    if ax is None:
        return new_figure()[1]
    return ax


def trail(surface, ax=None, num=400, color=None):
    """Draw a 1-D surface as a trail: height against position."""
    ax = ensure_ax(ax)
    xs, heights = surface.grid(num)
    ax.plot(xs, heights, color=color or PALETTE["black"], lw=LINEWIDTH)
    ax.set_xlim(*surface.bounds[0])
    ax.set_xlabel("position x")
    ax.set_ylabel("loss (height)")
    return ax


def contours(surface, ax=None, num=200, levels=20, scale="linear",
             filled=True, colorbar=False, bounds=None):
    """Draw a 2-D surface as a contour map; return ax.

    Parameters
    ----------
    surface : object
        Anything with ``f`` (vectorized over a grid) and, unless `bounds`
        is given, ``bounds``: a surface from `gd.surfaces` or a model's
        loss such as `gd.linear.LineLoss`.
    num : int, default 200
        Grid points along each axis, from 2 to 2000.
    levels : int or sequence, default 20
        The contour levels, as for matplotlib's ``contour``.
    scale : {"linear", "log", "sqrt"}, default "linear"
        How the levels are spaced in the height above the lowest point
        drawn: evenly, evenly in log(1 + height), which shows both the
        floor and the walls of steep surfaces like Rosenbrock's, or
        evenly in its square root, which makes the contours of a
        quadratic bowl evenly spaced ellipses.
    bounds : tuple, optional
        The box ``((xmin, xmax), (ymin, ymax))`` to draw; default the
        surface's own.
    """
    ax = ensure_ax(ax)
    num = checks.integer("num", num, 2, 2000)
    if scale not in ("linear", "log", "sqrt"):
        raise ValueError(
            f"scale must be 'linear', 'log' or 'sqrt', got {scale!r}")
    (x0, x1), (y0, y1) = surface.bounds if bounds is None else bounds
    X, Y = np.meshgrid(np.linspace(x0, x1, num), np.linspace(y0, y1, num))
    Z = surface.f(np.stack([X, Y], axis=-1))
    if scale == "log":
        Z = np.log1p(Z - Z.min())
    elif scale == "sqrt":
        Z = np.sqrt(Z - Z.min())
    if filled:
        cs = ax.contourf(X, Y, Z, levels=levels, cmap=CMAP, alpha=0.9)
        ax.contour(X, Y, Z, levels=levels, colors="white",
                   linewidths=0.4, alpha=0.6)
    else:
        cs = ax.contour(X, Y, Z, levels=levels, cmap=CMAP, linewidths=1)
    if colorbar:
        label = {"linear": "loss (height)",
                 "log": "log(1 + height above lowest)",
                 "sqrt": "square root of height above lowest"}[scale]
        ax.figure.colorbar(cs, ax=ax, label=label)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return ax


def minima(surface, ax=None, color=None):
    """Mark the surface's listed minima with crosses.

    The crosses sit above paths drawn by `path` and similar traces, and
    below the markers of where a walk starts and ends.
    """
    ax = ensure_ax(ax)
    for m in surface.minima:
        if surface.dim == 1:
            ax.plot(m[0], float(surface.f(m)), "x", ms=9, mew=2,
                    color=color or PALETTE["green"], zorder=3.5)
        else:
            ax.plot(m[0], m[1], "x", ms=9, mew=2,
                    color=color or PALETTE["yellow"], zorder=3.5)
    return ax


def path(p, ax=None, surface=None, color=None, label=None,
         markersize=4):
    """Draw a run's path: on the trail in 1-D, on the map in 2-D.

    The start is a hollow circle, the end a filled one. A run that
    diverged ends in a red triangle.
    """
    ax = ensure_ax(ax)
    color = color or PALETTE["red"]
    if p.points.shape[1] == 1:
        xs, ys = p.points[:, 0], p.losses
    else:
        xs, ys = p.points[:, 0], p.points[:, 1]
    ax.plot(xs, ys, "-o", color=color, ms=markersize, lw=1.5,
            label=label, zorder=3)
    ax.plot(xs[0], ys[0], "o", ms=9, mfc="white", mec=color, mew=2,
            zorder=4)
    end = "^" if p.diverged else "o"
    ax.plot(xs[-1], ys[-1], end, ms=10, color=color, mec="black",
            zorder=5)
    return ax


def loss_curve(p, ax=None, color=None, label=None, log=False):
    """Draw the loss at each step of a run."""
    ax = ensure_ax(ax)
    steps = np.arange(len(p.losses))
    ax.plot(steps, p.losses, "-", color=color or PALETTE["blue"],
            label=label)
    if log:
        ax.set_yscale("symlog", linthresh=1e-6)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    return ax


def banner(ax, y=0.92):
    """Return an empty text box near the top of `ax` for `show_status`.

    `y` is its height as a share of the axes. Mark the box with `animate`
    if the figure is redrawn for a slider.
    """
    return ax.text(0.5, y, "", transform=ax.transAxes, ha="center",
                   va="top", color=PALETTE["red"], fontsize=11,
                   fontweight="bold", zorder=6, visible=False,
                   bbox={"fc": "white", "ec": PALETTE["red"]})


def show_status(box, p, width=None):
    """Name a divergence on the picture itself, in a `banner`.

    A diverging walk leaves the picture, so the words stay where the
    path was; for any other run the box is hidden.

    Parameters
    ----------
    box : matplotlib.text.Text
        A box made by `banner`.
    p : Path or History
        A run from `gd.run`, or any record with ``diverged`` and
        ``diverged_at`` (such as `gd.batching.History`).
    width : int, optional
        Wrap the words at this many characters, for a narrow panel.
    """
    status = getattr(p, "status", "diverged" if p.diverged else "")
    if status == "diverged":
        step = getattr(p, "stopped_at", None) or p.diverged_at
        text = f"DIVERGED at step {step}: thrown off the map"
    elif status == "diverging":
        text = f"DIVERGING since step {p.diverged_at}"
    else:
        text = ""
    if width:
        text = textwrap.fill(text, width)
    box.set_text(text)
    box.set_visible(bool(text))
    return box
