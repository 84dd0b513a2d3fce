"""A scalar automatic-differentiation engine, small enough to read.

A :class:`Value` holds one number (``data``), the slope of the final
output with respect to it (``grad``), and a record of how it was made:
the values it came from and the operation that joined them. Calling
``backward()`` on the output walks that record from the output back to
the inputs and applies the chain rule once per operation.

Conventions, stated once:

- Gradients of leaves (inputs and parameters, values made by hand)
  accumulate: a second ``backward()`` without ``zero_grad()`` adds the
  same gradient again, as in PyTorch. Gradients of intermediate values
  are recomputed by every ``backward()``.
- Every value stays finite. An operation whose result would overflow
  (``exp`` of a large number, a huge power) raises ``OverflowError``
  instead of returning ``inf``; ``log`` of a value that is not positive
  raises ``ValueError``.
- ``relu`` has slope 0 at exactly 0.

The module also holds numerically stable array versions of the
functions a classifier needs (:func:`sigmoid`, :func:`softmax`,
:func:`log_softmax`, :func:`cross_entropy`) and helpers to inspect and
draw a computation graph.

References
----------
D. E. Rumelhart, G. E. Hinton and R. J. Williams, "Learning
representations by back-propagating errors", Nature 323 (1986), 533-536.

A. Karpathy, micrograd (2020), https://github.com/karpathy/micrograd,
whose shape this engine follows.
"""

import math
import numbers

import numpy as np

from gd import checks
from gd.plots import PALETTE


class Value:
    """A number that remembers how it was made, so gradients can flow back.

    Parameters
    ----------
    data : float
        The number, finite.
    label : str, default ""
        A name shown when the graph is drawn, such as ``"w1"``.

    Attributes
    ----------
    data : float
        The number.
    grad : float
        d(output) / d(this value), filled in by ``backward()``; 0 at first.
    label : str
        The name for drawing.
    children : tuple of Value
        The values this one was computed from (empty for a leaf).
    op : str
        The operation that made this value (``""`` for a leaf).

    Examples
    --------
    >>> a, b = Value(2.0), Value(3.0)
    >>> y = a * b + a
    >>> y.backward()
    >>> a.grad, b.grad
    (4.0, 2.0)
    """

    def __init__(self, data, label="", *, _children=(), _op=""):
        if isinstance(data, Value):
            raise TypeError("data must be a plain number, got a Value")
        ok_type = (isinstance(data, numbers.Real)
                   and not isinstance(data, bool))
        if not ok_type:
            raise TypeError(
                f"Value holds a plain real number, got {data!r}; "
                "only Values and ints or floats can be combined")
        if not math.isfinite(data):
            raise ValueError(f"Value data must be finite, got {data!r}")
        self.data = float(data)
        self.grad = 0.0
        self.label = str(label)
        self._prev = tuple(_children)
        self._op = _op
        self._backward = _no_backward

    @property
    def children(self):
        """The values this one was computed from."""
        return self._prev

    @property
    def op(self):
        """The label of the operation that made this value."""
        return self._op

    def __repr__(self):
        name = f"label={self.label!r}, " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # --- arithmetic -----------------------------------------------------

    def __add__(self, other):
        other = _lift(other)
        out = _result(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = _lift(other)
        out = _result(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, exponent):
        if isinstance(exponent, Value):
            raise TypeError(
                "Value ** Value is not supported: the exponent must be a "
                "plain int or float (for a variable exponent write "
                "(b * a.log()).exp())")
        p = _plain("exponent", exponent)
        x = self.data
        if x == 0.0 and p < 0:
            raise ZeroDivisionError(
                f"0 ** {p:g} is undefined: the base must not be 0 for a "
                "negative exponent")
        if x < 0.0 and not p.is_integer():
            raise ValueError(
                f"({x:g}) ** {p:g} is not a real number: a fractional "
                "exponent needs a positive base")
        try:
            y = x ** p
        except OverflowError:
            y = math.inf
        out = _result(y, (self,), f"**{p:g}")

        def _backward():
            if p == 0.0:
                return
            if x == 0.0 and p < 1.0:
                raise ZeroDivisionError(
                    f"the slope of x ** {p:g} is infinite at x = 0")
            self.grad += p * x ** (p - 1.0) * out.grad

        out._backward = _backward
        return out

    def __neg__(self):
        out = _result(-self.data, (self,), "neg")

        def _backward():
            self.grad -= out.grad

        out._backward = _backward
        return out

    def __sub__(self, other):
        other = _lift(other)
        out = _result(self.data - other.data, (self, other), "-")

        def _backward():
            self.grad += out.grad
            other.grad -= out.grad

        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = _lift(other)
        if other.data == 0.0:
            raise ZeroDivisionError("division of a Value by zero")
        out = _result(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad += out.grad / other.data
            other.grad -= self.data / other.data ** 2 * out.grad

        out._backward = _backward
        return out

    def __radd__(self, other):
        return _lift(other) + self

    def __rmul__(self, other):
        return _lift(other) * self

    def __rsub__(self, other):
        return _lift(other) - self

    def __rtruediv__(self, other):
        return _lift(other) / self

    # --- functions of one value -----------------------------------------

    def exp(self):
        """Return e ** self; raise OverflowError above about 709.78."""
        try:
            y = math.exp(self.data)
        except OverflowError:
            y = math.inf
        out = _result(y, (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self):
        """Return the natural logarithm; raise ValueError unless self > 0."""
        x = self.data
        if x <= 0.0:
            raise ValueError(
                f"log is defined for positive values only, got {x:g}")
        out = _result(math.log(x), (self,), "log")

        def _backward():
            self.grad += out.grad / x

        out._backward = _backward
        return out

    def tanh(self):
        """Return the hyperbolic tangent, between -1 and 1."""
        out = _result(math.tanh(self.data), (self,), "tanh")

        def _backward():
            self.grad += (1.0 - out.data ** 2) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self):
        """Return 1 / (1 + e ** -self), computed without overflow."""
        out = _result(_sigmoid_float(self.data), (self,), "sigmoid")

        def _backward():
            self.grad += out.data * (1.0 - out.data) * out.grad

        out._backward = _backward
        return out

    def relu(self):
        """Return max(0, self); the slope at exactly 0 is taken as 0."""
        out = _result(max(0.0, self.data), (self,), "relu")

        def _backward():
            self.grad += (out.data > 0.0) * out.grad

        out._backward = _backward
        return out

    def softplus(self):
        """Return log(1 + e ** self), computed without overflow.

        Its slope is the sigmoid, so ``z.softplus() - y * z`` is the
        binary cross-entropy of a logit `z` with label `y`.
        """
        x = self.data
        y = max(x, 0.0) + math.log1p(math.exp(-abs(x)))
        out = _result(y, (self,), "softplus")

        def _backward():
            self.grad += _sigmoid_float(x) * out.grad

        out._backward = _backward
        return out

    # --- gradients ------------------------------------------------------

    def backward(self):
        """Fill in ``grad`` of every value this one depends on.

        The output's own slope d(self)/d(self) = 1 is the seed. Values are
        visited from the output back to the inputs (reverse topological
        order), so a value used twice has received both contributions
        before it passes its gradient on. Leaves accumulate; see the module
        docstring.

        Raises
        ------
        ValueError
            If the graph has a cycle.
        """
        order = topological_order(self)
        for node in order:
            if node._prev:
                node.grad = 0.0

        self.grad += 1.0

        for node in reversed(order):
            node._backward()

    def zero_grad(self):
        """Set ``grad`` to 0 for this value and everything below it."""
        for node in topological_order(self):
            node.grad = 0.0


def topological_order(value):
    """Return every value `value` depends on, inputs first, itself last.

    Each value appears after all the values it was computed from.

    Parameters
    ----------
    value : Value
        The output of the graph.

    Returns
    -------
    list of Value

    Raises
    ------
    ValueError
        If the graph has a cycle (it can only get one if someone edits a
        value's record by hand).
    """
    if not isinstance(value, Value):
        raise TypeError(f"value must be a Value, got {value!r}")
    order, done, on_path = [], set(), {value}
    stack = [(value, iter(value._prev))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            on_path.discard(node)
            done.add(node)
            order.append(node)
        elif child in on_path:
            raise ValueError(
                f"the computation graph has a cycle through {child!r}; "
                "backpropagation needs a graph without cycles")
        elif child not in done:
            on_path.add(child)
            stack.append((child, iter(child._prev)))
    return order


def graph(value):
    """Return the nodes and edges of the computation graph below `value`.

    Parameters
    ----------
    value : Value
        The output of the graph.

    Returns
    -------
    nodes : list of Value
        In topological order, inputs first.
    edges : list of (Value, Value)
        One ``(child, parent)`` pair per use: a value used twice by the
        same operation (``a + a``) gives two equal pairs.
    """
    nodes = topological_order(value)
    edges = [(child, node) for node in nodes for child in node._prev]
    return nodes, edges


def draw_graph(value, ax=None, *, columns=None, fontsize=8, digits=4,
               highlight=()):
    """Draw the computation graph below `value`, inputs left, output right.

    Each value is a box showing its label (if any), data and grad; the
    operation that made it sits in a circle just to its left. Leaves are
    sky blue, intermediate values orange, the output green (colours from
    the book's palette, :data:`gd.plots.PALETTE`). A value is placed one
    column right of its deepest input; a leaf sits one column left of its
    first use.

    Parameters
    ----------
    value : Value
        The output of the graph.
    ax : matplotlib Axes, optional
        Where to draw; a new figure sized to the graph if None.
    columns : int, optional
        At most this many columns side by side: a longer graph is wrapped
        onto further rows, each below the last and starting at the left,
        like lines of text. An arrow into a later row runs down through
        the gap between the rows. All columns in one row if None.
    fontsize : float, default 8
        Font size of the boxes, in points; the operations use the same.
    digits : int, default 4
        Significant digits of the data and grad shown.
    highlight : collection of Value, optional
        Values whose boxes get a thick border (say, the ones that just
        received a gradient).

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgb

    nodes, edges = graph(value)
    place = _layout(nodes, edges)
    num_columns = 1 + max(x for x, _ in place.values())
    if columns is None:
        columns = num_columns
    columns = checks.integer("columns", columns, 1)
    digits = checks.integer("digits", digits, 1)
    fontsize = checks.real("fontsize", fontsize, 0.0, low_open=True)
    place, bands = _wrap(place, columns)
    width = 1 + max(x for x, _ in place.values())
    height = 1 + max(y for _, y in place.values())

    if ax is None:
        scale = fontsize / 8
        size = (scale * (1.6 * width + 0.2), scale * (0.9 * height + 0.2))
        ax = plt.figure(figsize=size).add_axes((0.0, 0.0, 1.0, 1.0))

    boxes, ops = {}, {}
    for node in nodes:
        x, y = place[node]
        if node is value:
            colour = PALETTE["green"]
        elif node._prev:
            colour = PALETTE["orange"]
        else:
            colour = PALETTE["sky"]
        # An opaque pale fill, so that no arrow shows through a box.
        fill = tuple(0.7 + 0.3 * c for c in to_rgb(colour))
        lines = [node.label] if node.label else []
        lines += [f"data {node.data:.{digits}g}",
                  f"grad {node.grad:.{digits}g}"]
        boxes[node] = ax.text(
            x, y, "\n".join(lines), ha="center", va="center",
            multialignment="left", family="monospace", fontsize=fontsize,
            zorder=3,
            bbox={"boxstyle": "round,pad=0.35",
                  "linewidth": 3.0 if node in highlight else 1.2,
                  "facecolor": fill, "edgecolor": colour})
        if node._op:
            # A circle fits one or two characters; around a longer name
            # ("**2", "sigmoid") it would touch the text or cover the
            # boxes beside it, so longer names get a rounded box.
            shape = "circle,pad=0.2" if len(node._op) <= 2 else \
                "round,pad=0.3"
            ops[node] = ax.text(
                x - 0.55, y, node._op, ha="center", va="center",
                fontsize=fontsize, zorder=3,
                bbox={"boxstyle": shape, "linewidth": 0.8,
                      "facecolor": "white", "edgecolor": PALETTE["black"]})
            _arrow(ax, boxes[node], ops[node], 0.0)

    seen, turns = {}, []
    for child, parent in edges:
        k = seen.get((child, parent), 0)
        seen[(child, parent)] = k + 1
        if bands[child] == bands[parent]:
            _arrow(ax, ops[parent], boxes[child], 0.3 * k)
            continue
        # Into a later row: right out of the box, down to the gap above
        # the parent's row, left, down, and into the operation.
        (x0, y0), (x1, y1) = place[child], place[parent]
        gap = max(y for node, (_, y) in place.items()
                  if bands[node] == bands[parent]) + 0.6
        turn = x1 - 0.9 - 0.1 * k
        turns.append(turn + 0.3)
        ax.plot([x0, x0 + 0.5, x0 + 0.5, turn, turn],
                [y0, y0, gap, gap, y1], color=PALETTE["black"], lw=0.8,
                zorder=2)
        _arrow(ax, ops[parent], (turn, y1), 0.0)

    xs = [x for x, _ in place.values()] + turns
    ax.set_xlim(min(xs) - 0.55, max(xs) + 0.55)
    ax.set_ylim(-0.55, height - 0.45)
    ax.set_axis_off()
    return ax


# --- array functions ----------------------------------------------------


def sigmoid(z):
    """Return the logistic function 1 / (1 + e ** -z), elementwise.

    Uses ``e ** -|z|``, which never overflows: 1 / (1 + e ** -|z|) for
    z >= 0 and e ** -|z| / (1 + e ** -|z|) for z < 0. Very large
    ``|z|`` give exactly 0 or 1.

    Parameters
    ----------
    z : array_like

    Returns
    -------
    ndarray of the shape of `z` (a 0-d array for a number)
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softmax(z, axis=-1):
    """Return e ** z divided by its sum along `axis`.

    The maximum along `axis` is subtracted first; the result is the same
    and the exponentials cannot overflow.

    Parameters
    ----------
    z : array_like
        Finite scores (logits).
    axis : int, default -1
        The axis that holds the classes.

    Returns
    -------
    ndarray of the shape of `z`, non-negative, summing to 1 along `axis`
    """
    z = _finite("z", z)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(z, axis=-1):
    """Return log(softmax(z)), computed without overflow or log(0).

    Parameters
    ----------
    z : array_like
        Finite scores (logits).
    axis : int, default -1
        The axis that holds the classes.

    Returns
    -------
    ndarray of the shape of `z`, at most 0
    """
    z = _finite("z", z)
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def cross_entropy(logits, labels):
    """Return the mean softmax cross-entropy of rows of `logits`.

    The loss of one row is ``-log softmax(row)[label]``, computed through
    :func:`log_softmax` so that no probability is rounded to 0.

    Parameters
    ----------
    logits : array_like of shape (n, k)
        Finite scores, one row per example and one column per class.
    labels : array_like of int, shape (n,)
        The true class of each row, from 0 to k - 1.

    Returns
    -------
    float
    """
    logits = _logits(logits)
    n, k = logits.shape
    labels = _class_labels(labels, n, k)
    log_p = log_softmax(logits, axis=1)
    return float(-log_p[np.arange(n), labels].mean())


# --- private helpers ----------------------------------------------------


def _no_backward():
    """A leaf has nothing to pass its gradient on to."""


def _lift(other):
    return other if isinstance(other, Value) else Value(other)


def _plain(name, value):
    ok_type = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok_type or not math.isfinite(value):
        raise TypeError(
            f"{name} must be a finite plain int or float, got {value!r}")
    return float(value)


def _result(data, children, op):
    if not math.isfinite(data):
        raise OverflowError(
            f"{op} overflowed: the result is too large for a float; "
            "Values are kept finite")
    return Value(data, _children=children, _op=op)


def _sigmoid_float(x):
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _finite(name, z):
    z = np.asarray(z, dtype=float)
    if not np.all(np.isfinite(z)):
        raise ValueError(f"{name} must be finite, got {z!r}")
    return z


def _logits(logits):
    """Return `logits` as a finite float array of shape (n, k), n >= 1."""
    logits = _finite("logits", logits)
    if logits.ndim != 2 or logits.shape[0] == 0:
        raise ValueError(
            f"logits must have shape (n, k) with n >= 1, got {logits.shape}")
    return logits


def _class_labels(labels, n, k):
    """Return `labels` as an int array of shape (n,) with values 0..k-1."""
    labels = np.asarray(labels)
    if labels.shape != (n,):
        raise ValueError(
            f"labels must have shape ({n},), got {labels.shape}")
    if labels.dtype.kind == "f" and np.all(labels == np.round(labels)):
        labels = labels.astype(int)
    if labels.dtype.kind not in "iub":
        raise ValueError(
            f"labels must be whole numbers from 0 to {k - 1}, got {labels!r}")
    labels = labels.astype(int)
    if labels.size and (labels.min() < 0 or labels.max() > k - 1):
        raise ValueError(
            f"labels must be from 0 to {k - 1}, got values from "
            f"{labels.min()} to {labels.max()}")
    return labels


def _layout(nodes, edges):
    """Return an (x, y) place for each node of the graph.

    x is the column: one right of the deepest input, and for a leaf one
    left of its first use. Columns are then filled from the output
    leftwards, each ordered by the mean height of the nodes it feeds, so
    that few arrows cross; columns are centred vertically.
    """
    column = {}
    for node in nodes:
        column[node] = 1 + max((column[c] for c in node._prev), default=-1)
    parents = {node: [] for node in nodes}
    for child, parent in edges:
        parents[child].append(parent)
    for node in nodes:
        if not node._prev and parents[node]:
            column[node] = min(column[p] for p in parents[node]) - 1

    by_column = {}
    for index, node in enumerate(nodes):
        by_column.setdefault(column[node], []).append((index, node))
    tallest = max(len(members) for members in by_column.values())

    place = {}
    for x in sorted(by_column, reverse=True):
        members = by_column[x]

        def height(item):
            ys = [place[p][1] for p in parents[item[1]]]
            return (-sum(ys) / len(ys) if ys else 0.0, item[0])

        members.sort(key=height)
        top = (tallest - 1) / 2 + (len(members) - 1) / 2
        for row, (_, node) in enumerate(members):
            place[node] = (x, top - row)
    return place


def _wrap(place, columns):
    """Return `place` wrapped onto rows of `columns` columns, and bands.

    Column x goes to band (row of the picture) x // columns, at x %
    columns; band 0 is on top. Each band is as tall as its tallest
    column, and 1.2 units separate the bands.
    """
    bands = {node: x // columns for node, (x, _) in place.items()}
    tallest = {}
    for node, (x, _) in place.items():
        count = sum(1 for other, (x2, _) in place.items() if x2 == x)
        tallest[bands[node]] = max(tallest.get(bands[node], 0), count)
    overall = max(tallest.values())
    bottom, base = {}, 0.0
    for band in sorted(tallest, reverse=True):
        bottom[band] = base
        base += tallest[band] + 0.2
    wrapped = {}
    for node, (x, y) in place.items():
        band = bands[node]
        shift = (overall - tallest[band]) / 2
        wrapped[node] = (x % columns, y - shift + bottom[band])
    return wrapped, bands


def _arrow(ax, head, tail, rad):
    # To the left edge of the artist `head`, from the right edge of the
    # artist `tail` or, if `tail` is an (x, y) pair, from that data point.
    if isinstance(tail, tuple):
        start, coords, shrink = tail, "data", 0
    else:
        start, coords, shrink = (1.0, 0.5), tail, 1
    ax.annotate(
        "", xy=(0.0, 0.5), xycoords=head, xytext=start, textcoords=coords,
        zorder=2,
        arrowprops={"arrowstyle": "-|>", "color": PALETTE["black"],
                    "lw": 0.8, "shrinkA": shrink, "shrinkB": 1,
                    "connectionstyle": f"arc3,rad={rad}"})
