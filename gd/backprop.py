"""Chapter 3's pictures and sliders: blame flowing back, a network learning.

The chapter's training runs are described once here, as :class:`Recipe`
objects (:data:`MOONS`, :data:`SPIRALS`), so that the notebook and the
tests train exactly the same network on exactly the same data.
"""

from dataclasses import dataclass

import numpy as np
from matplotlib.colors import LinearSegmentedColormap, ListedColormap

from gd import checks, data, nn, plots
from gd.autodiff import Value, draw_graph, sigmoid, topological_order
from gd.widgets import Flipbook, register


@dataclass(frozen=True)
class Recipe:
    """Everything that decides a training run: data, network, descent.

    Parameters
    ----------
    dataset : {"two_moons", "spirals"}
        The function of :mod:`gd.data` that makes the points.
    n : int
        Number of points.
    noise : float
        The data set's noise.
    data_seed : int
        Seed of the data set.
    sizes : tuple of int
        Layer widths of the network, the last being the number of outputs.
    activation : str
        Activation of the hidden layers.
    init_seed : int
        Seed of the network's initial weights.
    lr : float
        Learning rate.
    num_steps : int
        Number of full-batch gradient descent steps.
    """

    dataset: str
    n: int
    noise: float
    data_seed: int
    sizes: tuple
    activation: str
    init_seed: int
    lr: float
    num_steps: int

    def data(self):
        """Return the points `X`, shape (n, 2), and labels `y`."""
        if self.dataset == "two_moons":
            return data.two_moons(self.n, rng=self.data_seed,
                                  noise=self.noise)
        if self.dataset == "spirals":
            return data.spirals(self.n, classes=self.sizes[-1],
                                rng=self.data_seed, noise=self.noise)
        raise ValueError(
            f"dataset must be 'two_moons' or 'spirals', got {self.dataset!r}")

    def network(self):
        """Return the untrained network, always with the same weights."""
        return nn.ArrayMLP(2, self.sizes, self.activation,
                           rng=self.init_seed)

    def train(self, snapshot_steps=()):
        """Make the data and the network, train, and return all four.

        Returns
        -------
        X, y : ndarray
            The data.
        model : ArrayMLP
            The trained network.
        history : dict
            What :func:`gd.nn.train` returns.
        """
        X, y = self.data()
        model = self.network()
        history = nn.train(model, X, y, lr=self.lr,
                           num_steps=self.num_steps,
                           snapshot_steps=snapshot_steps)
        return X, y, model, history


# Two moons that no straight line separates, and a small network.
MOONS = Recipe(dataset="two_moons", n=200, noise=0.2, data_seed=3,
               sizes=(8, 8, 1), activation="tanh", init_seed=0,
               lr=0.5, num_steps=500)

# Three spiral arms: a job for softmax and cross-entropy.
SPIRALS = Recipe(dataset="spirals", n=300, noise=0.2, data_seed=3,
                 sizes=(16, 16, 3), activation="tanh", init_seed=0,
                 lr=0.5, num_steps=1000)

# The steps the flipbook and the small multiples show: dense early,
# where the boundary moves most, sparse later.
MOONS_FRAMES = tuple(list(range(0, 100, 10)) + list(range(100, 200, 20))
                + list(range(200, 501, 50)))


# --- one neuron ---------------------------------------------------------


def neuron_loss(x=(2.0, -1.0), w=(0.5, 1.0), b=-0.5, y=1.0):
    """Return the loss Value of one sigmoid neuron on one example.

    The neuron computes ``a = sigmoid(w1 x1 + w2 x2 + b)`` and the loss
    is ``(a - y) ** 2``. Every value carries a short label for drawing:
    the leaves x1, x2, w1, w2, b and y, the results w1*x1, w2*x2,
    w1*x1+w2*x2, z, a, a-y and loss. Defaults are the chapter's worked
    example.
    """
    x1, x2 = Value(x[0], "x1"), Value(x[1], "x2")
    w1, w2 = Value(w[0], "w1"), Value(w[1], "w2")
    b, y = Value(b, "b"), Value(y, "y")

    first, second = w1 * x1, w2 * x2
    first.label, second.label = "w1*x1", "w2*x2"
    total = first + second
    total.label = "w1*x1+w2*x2"
    z = total + b
    z.label = "z"

    a = z.sigmoid()
    a.label = "a"
    gap = a - y
    gap.label = "a-y"
    loss = gap ** 2
    loss.label = "loss"
    return loss


# Width and height, in inches, of the neuron's graph: drawn at 80 dots per
# inch, it fills the page's text column without being shrunk.
GRAPH_SIZE = (9.2, 5.6)


def draw_neuron_graph(loss, ax=None, highlight=()):
    """Draw the neuron's computation graph large enough to read; return ax.

    The graph of :func:`neuron_loss` in two rows (inputs to z above, z to
    the loss below), 11-point text, three significant digits; meant for
    an axes of a figure of size :data:`GRAPH_SIZE`. Boxes of the values
    in `highlight` get a thick border.
    """
    ax = plots.ensure_ax(ax)
    return draw_graph(loss, ax=ax, columns=4, fontsize=11, digits=3,
                      highlight=highlight)


def backward_partly(loss, num_done):
    """Run the first `num_done` steps of ``loss.backward()`` and stop.

    Every gradient is cleared, the output's is set to 1, and the first
    `num_done` operations (in reverse topological order) pass their
    gradient back to their inputs.

    Returns
    -------
    list of Value
        The operations in the order they run; the first `num_done` have
        run.
    """
    order = [v for v in reversed(topological_order(loss)) if v.children]
    num_done = checks.integer("num_done", num_done, 0, len(order))
    loss.zero_grad()
    loss.grad = 1.0
    for node in order[:num_done]:
        node._backward()
    return order


def _name(value):
    return value.label or f"the '{value.op}' result"


def _step_title(node):
    inputs = " and ".join(_name(c) for c in dict.fromkeys(node.children))
    return (f"the '{node.op}' that made {_name(node)} passes its grad "
            f"back to {inputs}")


@register("flipbook")
def backward_steps(x=(2.0, -1.0), w=(0.5, 1.0), b=-0.5, y=1.0):
    """Return a flipbook of the backward pass through one neuron.

    Frame k shows the gradients after k operations have passed theirs
    back; gradients not yet reached are still 0.
    """
    loss = neuron_loss(x, w, b, y)
    order = backward_partly(loss, 0)
    fig, ax = plots.new_figure(*GRAPH_SIZE)
    # 80 dots per inch: 736 pixels, the width of the page's column, so the
    # frame is shown at its own size.
    fig.set_dpi(80)

    def update(k):
        backward_partly(loss, k)
        ax.clear()
        if k == 0:
            title = "step 0: forward pass done; the loss's grad is set to 1"
            changed = (loss,)
        else:
            title = f"step {k}: {_step_title(order[k - 1])}"
            changed = order[k - 1].children
        draw_neuron_graph(loss, ax=ax, highlight=changed)
        ax.set_title(title, fontsize=12, loc="left")

    def alt(k):
        backward_partly(loss, k)
        if k == 0:
            return ("Backward step 0: the computation graph of one neuron "
                    "after the forward pass; every box shows its value and "
                    "only the loss has a gradient, 1.")
        node = order[k - 1]
        inputs = list(dict.fromkeys(node.children))
        given = ", ".join(f"{_name(c)} {c.grad:.3g}" for c in inputs)
        now = "its gradient is" if len(inputs) == 1 else "their gradients are"
        return f"Backward step {k}: {_step_title(node)}; {now} now {given}."

    return Flipbook(fig, update, range(len(order) + 1), "backward steps",
                    alt, fmt="{:d}")


# --- decision boundaries ------------------------------------------------


def _class_colors(k):
    return [plots.PALETTE["blue"], plots.PALETTE["orange"],
            plots.PALETTE["green"], plots.PALETTE["purple"]][:k]


def _region_cmap(k):
    colors = _class_colors(max(k, 2))
    if k <= 2:
        return LinearSegmentedColormap.from_list(
            "two_classes", [colors[0], "#ffffff", colors[1]])
    return ListedColormap(colors)


def _regions(model, X, num):
    # P(class 1) for one output, else the predicted class, on a num x num
    # grid over the points X; returns the grid's axes too.
    xx, yy, scores = nn.decision_grid(model, X, num, margin=0.4)
    if model.sizes[-1] == 1:
        regions = sigmoid(scores)
    else:
        regions = scores.argmax(axis=-1)
    return xx[0], yy[:, 0], regions


def _boundary_segments(xs, ys, probability):
    # The 0.5 contour as one polyline, pieces separated by NaN rows.
    import contourpy

    lines = contourpy.contour_generator(xs, ys, probability).lines(0.5)
    if not lines:
        return np.empty((0, 2))
    gap = np.full((1, 2), np.nan)
    return np.vstack([part for line in lines for part in (line, gap)])


def plot_points(X, y, ax=None):
    """Scatter the points coloured by class; return ax."""
    ax = plots.ensure_ax(ax)
    k = int(np.max(y)) + 1
    markers = ["o", "s", "^", "D"]
    for c, color in enumerate(_class_colors(max(k, 2))[:k]):
        ax.scatter(X[y == c, 0], X[y == c, 1], s=14, color=color,
                   marker=markers[c], edgecolors="black", linewidths=0.4,
                   label=f"class {c}", zorder=3)
    ax.set_aspect("equal", adjustable="box")
    return ax


def plot_boundary(model, X, y, ax=None, num=150):
    """Shade where the network predicts each class and draw the points.

    For one output the shading runs from blue (sure of class 0) through
    white to orange (sure of class 1), with the decision boundary as a
    black line; for more outputs each region takes its class's colour.
    """
    ax = plots.ensure_ax(ax)
    num = checks.integer("num", num, 2)
    xs, ys, regions = _regions(model, X, num)
    k = model.sizes[-1]
    extent = (xs[0], xs[-1], ys[0], ys[-1])
    if k == 1:
        ax.imshow(regions, origin="lower", extent=extent, cmap=_region_cmap(1),
                  vmin=0.0, vmax=1.0, alpha=0.45, aspect="auto")
        line = _boundary_segments(xs, ys, regions)
        ax.plot(line[:, 0], line[:, 1], color="black", lw=1.5)
    else:
        ax.imshow(regions, origin="lower", extent=extent, cmap=_region_cmap(k),
                  vmin=-0.5, vmax=k - 0.5, alpha=0.3, aspect="auto",
                  interpolation="nearest")
    plot_points(X, y, ax)
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


@register("flipbook")
def boundary_steps(recipe=MOONS, steps=MOONS_FRAMES):
    """Return a flipbook of the decision boundary forming as training runs.

    Left: the network's belief over the plane and its boundary (black
    line); right: the training loss, with a marker at the current step.
    """
    steps = [checks.integer("step", s, 0, recipe.num_steps) for s in steps]
    X, y, _, history = recipe.train(snapshot_steps=steps)
    num = 90
    xs, ys, _ = _regions(history["snapshots"][steps[0]], X, num)
    fig, (left, right) = plots.new_figure(5.6, 2.7, ncols=2)

    image = left.imshow(
        np.zeros((num, num)), origin="lower", cmap=_region_cmap(1),
        extent=(xs[0], xs[-1], ys[0], ys[-1]), vmin=0.0, vmax=1.0,
        alpha=0.45, aspect="auto")
    boundary, = left.plot([], [], color="black", lw=1.5)
    plot_points(X, y, left)
    left.set_xlim(xs[0], xs[-1])
    left.set_ylim(ys[0], ys[-1])
    left.set_xticks([])
    left.set_yticks([])

    losses = history["loss"]
    right.plot(np.arange(len(losses)), losses, color=plots.PALETTE["blue"])
    marker, = right.plot([], [], "o", ms=8, color=plots.PALETTE["red"],
                         mec="black", zorder=4)
    right.set_xlabel("step")
    right.set_ylabel("training loss")
    right.set_ylim(0.0, 1.05 * losses.max())
    plots.animate(fig, image, boundary, marker, left.title)

    def update(t):
        _, _, probability = _regions(history["snapshots"][t], X, num)
        image.set_data(probability)
        line = _boundary_segments(xs, ys, probability)
        boundary.set_data(line[:, 0], line[:, 1])
        marker.set_data([t], [losses[t]])
        left.set_title(f"step {t}: accuracy {history['accuracy'][t]:.0%}",
                       fontsize=10)

    def alt(t):
        return (f"After {t} steps the training loss is {losses[t]:.3f} and "
                f"the boundary puts {history['accuracy'][t]:.0%} of the "
                "points on their class's side.")

    return Flipbook(fig, update, steps, "training step", alt, fmt="{:d}")
