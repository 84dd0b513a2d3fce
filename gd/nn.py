"""A small neural network, twice: on the scalar engine and with arrays.

:class:`MLP` is built from :class:`gd.autodiff.Value` objects, one per
weight, so every gradient comes from the engine's ``backward()``. It is
slow and easy to inspect. :class:`ArrayMLP` is its twin with the same
architecture, initialisation and conventions, written with numpy arrays
and a backward pass derived by hand; it is fast enough to train in the
notebook. ``ArrayMLP.from_mlp`` copies the weights across so the two can
be checked against each other.

Conventions, stated once:

- A network with sizes ``[h1, ..., hL, k]`` has hidden layers of width
  h1 to hL using `activation` and a linear last layer that returns k
  logits (scores before the sigmoid or softmax).
- Initialisation: every weight is drawn uniformly from
  [-1/sqrt(n_in), 1/sqrt(n_in)], where n_in is the number of inputs to
  its neuron (the default of PyTorch's ``nn.Linear``); biases start at 0.
  The weights are drawn neuron by neuron, so ``MLP`` and ``ArrayMLP``
  built with the same seed start with the same numbers.
- One output (k = 1): binary classification with labels 0 and 1 and the
  binary cross-entropy of the logit. k >= 2 outputs: classification
  into k classes with the softmax cross-entropy. Losses are means over
  the examples.
- In ``ArrayMLP`` the layer computes ``X @ W + b`` with ``W`` of shape
  (n_in, n_out): column j holds the weights of neuron j.

References
----------
D. E. Rumelhart, G. E. Hinton and R. J. Williams, "Learning
representations by back-propagating errors", Nature 323 (1986), 533-536.
"""

import math

import numpy as np

from gd import checks
from gd.autodiff import (
    Value,
    _class_labels,
    _logits,
    cross_entropy,
    sigmoid,
    softmax,
)

ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")


class Neuron:
    """One neuron: a weighted sum of its inputs plus a bias, then an
    activation.

    Parameters
    ----------
    n_in : int
        Number of inputs, at least 1.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
        The function applied to the weighted sum.
    rng : Generator or int, default 0
        Source of the initial weights, uniform in +-1/sqrt(n_in).
    """

    def __init__(self, n_in, activation="tanh", rng=0):
        n_in = checks.integer("n_in", n_in, 1)
        self.activation = _activation(activation)
        rng = checks.rng(rng)
        bound = 1.0 / math.sqrt(n_in)
        draws = rng.uniform(-bound, bound, size=n_in)
        self.w = [Value(float(wi), label=f"w{i}")
                  for i, wi in enumerate(draws)]
        self.b = Value(0.0, label="b")

    def __call__(self, x):
        """Return the neuron's output for one input `x` (n_in numbers)."""
        if len(x) != len(self.w):
            raise ValueError(
                f"x must hold {len(self.w)} numbers, got {len(x)}")
        z = self.b
        for wi, xi in zip(self.w, x):
            z = z + wi * xi
        return z if self.activation == "linear" else getattr(
            z, self.activation)()

    def parameters(self):
        """Return the weights, then the bias."""
        return self.w + [self.b]

    def __repr__(self):
        return f"Neuron(n_in={len(self.w)}, activation={self.activation!r})"


class Layer:
    """A row of neurons that all see the same input.

    Parameters
    ----------
    n_in : int
        Number of inputs, at least 1.
    n_out : int
        Number of neurons, at least 1.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
    rng : Generator or int, default 0
        Source of the initial weights.
    """

    def __init__(self, n_in, n_out, activation="tanh", rng=0):
        n_out = checks.integer("n_out", n_out, 1)
        rng = checks.rng(rng)
        self.neurons = [Neuron(n_in, activation, rng) for _ in range(n_out)]

    def __call__(self, x):
        """Return a list of the neurons' outputs (always a list)."""
        return [neuron(x) for neuron in self.neurons]

    def parameters(self):
        """Return every neuron's parameters, neuron by neuron."""
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def __repr__(self):
        first = self.neurons[0]
        return (f"Layer(n_in={len(first.w)}, n_out={len(self.neurons)}, "
                f"activation={first.activation!r})")


class MLP:
    """A multilayer perceptron made of scalar Values.

    Parameters
    ----------
    n_in : int
        Number of inputs, at least 1.
    sizes : sequence of int
        Width of each layer, the last being the number of outputs; each at
        least 1.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
        Used by the hidden layers; the last layer is always linear.
    rng : Generator or int, default 0
        Source of the initial weights.

    Examples
    --------
    >>> model = MLP(2, [4, 1], rng=0)
    >>> len(model.parameters())
    17
    """

    def __init__(self, n_in, sizes, activation="tanh", rng=0):
        self.n_in = checks.integer("n_in", n_in, 1)
        self.sizes = _sizes(sizes)
        self.activation = _activation(activation)
        rng = checks.rng(rng)
        dims = [self.n_in] + self.sizes
        last = len(self.sizes) - 1
        self.layers = [
            Layer(dims[i], dims[i + 1],
                  "linear" if i == last else self.activation, rng)
            for i in range(len(self.sizes))
        ]

    def __call__(self, x):
        """Return the list of output Values (logits) for one input `x`."""
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        """Return every parameter Value: layer by layer, neuron by neuron,
        weights before the bias."""
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self):
        """Set the gradient of every parameter to 0."""
        for p in self.parameters():
            p.grad = 0.0

    def loss(self, X, y):
        """Return the mean loss over the rows of `X` as a Value.

        One output: binary cross-entropy of the logit z with label y in
        {0, 1}, written ``softplus(z) - y z``. More outputs: softmax
        cross-entropy ``logsumexp(z) - z[y]``. Both never overflow.

        Parameters
        ----------
        X : array_like of shape (n, n_in)
        y : array_like of int, shape (n,)

        Returns
        -------
        Value
        """
        X, y = _examples(X, y, self.n_in, self.sizes[-1])
        terms = []
        for x, label in zip(X, y):
            z = self(list(x))
            if len(z) == 1:
                terms.append(z[0].softplus() - float(label) * z[0])
            else:
                top = max(zi.data for zi in z)
                exps = [(zi - top).exp() for zi in z]
                lse = sum(exps[1:], exps[0]).log() + top
                terms.append(lse - z[label])
        return sum(terms[1:], terms[0]) / len(terms)

    def __repr__(self):
        return (f"MLP(n_in={self.n_in}, sizes={self.sizes}, "
                f"activation={self.activation!r})")


class ArrayMLP:
    """The twin of :class:`MLP` written with numpy arrays.

    Parameters
    ----------
    n_in : int
        Number of inputs, at least 1.
    sizes : sequence of int
        Width of each layer, the last being the number of outputs.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
        Used by the hidden layers; the last layer is always linear.
    rng : Generator or int, default 0
        Source of the initial weights; the same seed gives the same
        weights as ``MLP``.

    Attributes
    ----------
    weights : list of ndarray
        ``weights[i]`` has shape (n_in of layer i, n_out of layer i).
    biases : list of ndarray
        ``biases[i]`` has shape (n_out of layer i,).
    """

    def __init__(self, n_in, sizes, activation="tanh", rng=0):
        self.n_in = checks.integer("n_in", n_in, 1)
        self.sizes = _sizes(sizes)
        self.activation = _activation(activation)
        rng = checks.rng(rng)
        dims = [self.n_in] + self.sizes
        self.weights, self.biases = [], []
        for fan_in, fan_out in zip(dims[:-1], dims[1:]):
            bound = 1.0 / math.sqrt(fan_in)
            draws = rng.uniform(-bound, bound, size=(fan_out, fan_in))
            self.weights.append(draws.T.copy())
            self.biases.append(np.zeros(fan_out))

    @classmethod
    def from_mlp(cls, mlp):
        """Return an ArrayMLP holding a copy of the weights of `mlp`."""
        if not isinstance(mlp, MLP):
            raise TypeError(f"mlp must be an MLP, got {mlp!r}")
        model = cls(mlp.n_in, mlp.sizes, mlp.activation)
        for i, layer in enumerate(mlp.layers):
            model.weights[i] = np.array(
                [[w.data for w in neuron.w] for neuron in layer.neurons]).T
            model.biases[i] = np.array(
                [neuron.b.data for neuron in layer.neurons])
        return model

    def copy(self):
        """Return an independent copy."""
        model = ArrayMLP(self.n_in, self.sizes, self.activation)
        model.weights = [W.copy() for W in self.weights]
        model.biases = [b.copy() for b in self.biases]
        return model

    def parameters(self):
        """Return the arrays ``[W0, b0, W1, b1, ...]`` (not copies)."""
        return [p for pair in zip(self.weights, self.biases) for p in pair]

    def activations(self, X):
        """Return the input and every layer's output; the last is logits.

        Parameters
        ----------
        X : array_like of shape (n, n_in)

        Returns
        -------
        list of ndarray
            ``[X, a1, ..., logits]``, each of shape (n, width).
        """
        X = _inputs(X, self.n_in)
        act = _ARRAY_ACTIVATIONS[self.activation]
        outputs = [X]
        last = len(self.weights) - 1
        for i, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = outputs[-1] @ W + b
            outputs.append(z if i == last else act(z))
        return outputs

    def forward(self, X):
        """Return the logits, of shape (n, k)."""
        return self.activations(X)[-1]

    __call__ = forward

    def backward(self, outputs, dlogits):
        """Return the gradients of every weight matrix and bias vector.

        Walks the layers from the last to the first with the chain rule:
        ``dW = a_prev.T @ delta``, ``db = delta summed over rows``, and
        ``delta_prev = (delta @ W.T) * slope(a_prev)``.

        Parameters
        ----------
        outputs : list of ndarray
            What :meth:`activations` returned for the same input.
        dlogits : ndarray of shape (n, k)
            The gradient of the loss with respect to the logits.

        Returns
        -------
        grad_weights, grad_biases : list of ndarray
            Shaped like ``weights`` and ``biases``.
        """
        slope = _ARRAY_SLOPES[self.activation]
        num_layers = len(self.weights)
        grad_weights = [None] * num_layers
        grad_biases = [None] * num_layers
        delta = np.asarray(dlogits, dtype=float)
        for i in reversed(range(num_layers)):
            a_prev = outputs[i]
            grad_weights[i] = a_prev.T @ delta
            grad_biases[i] = delta.sum(axis=0)
            if i > 0:
                delta = (delta @ self.weights[i].T) * slope(a_prev)
        return grad_weights, grad_biases

    def loss_and_grads(self, X, y):
        """Return the mean loss and its gradients for every parameter.

        Parameters
        ----------
        X : array_like of shape (n, n_in)
        y : array_like of int, shape (n,)

        Returns
        -------
        loss : float
        grad_weights, grad_biases : list of ndarray
        """
        X, y = _examples(X, y, self.n_in, self.sizes[-1])
        outputs = self.activations(X)
        loss, dlogits = _loss_and_dlogits(outputs[-1], y)
        grad_weights, grad_biases = self.backward(outputs, dlogits)
        return loss, grad_weights, grad_biases

    def loss(self, X, y):
        """Return the mean loss over the rows of `X`."""
        X, y = _examples(X, y, self.n_in, self.sizes[-1])
        return _loss_and_dlogits(self.forward(X), y)[0]

    def decision_function(self, X):
        """Return the logits: shape (n,) for one output, else (n, k).

        For one output the decision boundary is where the logit is 0.
        """
        logits = self.forward(X)
        return logits[:, 0] if logits.shape[1] == 1 else logits

    def predict_proba(self, X):
        """Return P(class 1), shape (n,), for one output; else softmax
        probabilities, shape (n, k)."""
        logits = self.forward(X)
        if logits.shape[1] == 1:
            return sigmoid(logits[:, 0])
        return softmax(logits, axis=1)

    def predict(self, X):
        """Return the predicted class of each row, shape (n,)."""
        return _predict(self.forward(X))

    def __repr__(self):
        return (f"ArrayMLP(n_in={self.n_in}, sizes={self.sizes}, "
                f"activation={self.activation!r})")


def binary_cross_entropy(logits, y):
    """Return the mean binary cross-entropy of logits z and labels y.

    The loss of one example is ``-y log s(z) - (1 - y) log(1 - s(z))``
    with s the sigmoid, computed as ``max(z, 0) - y z + log(1 + e**-|z|)``,
    which equals it and never overflows.

    Parameters
    ----------
    logits : array_like of shape (n,)
        Finite scores.
    y : array_like of shape (n,), values 0 and 1

    Returns
    -------
    float
    """
    z, y = _binary(logits, y)
    return float(np.mean(np.maximum(z, 0.0) - y * z
                         + np.log1p(np.exp(-np.abs(z)))))


def binary_cross_entropy_grad(logits, y):
    """Return the gradient of :func:`binary_cross_entropy` with respect
    to the logits: ``(sigmoid(z) - y) / n``, shape (n,)."""
    z, y = _binary(logits, y)
    return (sigmoid(z) - y) / z.size


def softmax_cross_entropy(logits, y):
    """Return the mean softmax cross-entropy of logits (n, k) and labels
    (n,) with values 0 to k - 1 (the same as
    :func:`gd.autodiff.cross_entropy`)."""
    return cross_entropy(logits, y)


def softmax_cross_entropy_grad(logits, y):
    """Return the gradient of :func:`softmax_cross_entropy` with respect
    to the logits: ``(softmax(z) - onehot(y)) / n``, shape (n, k)."""
    logits = _logits(logits)
    n, k = logits.shape
    y = _class_labels(y, n, k)
    grad = softmax(logits, axis=1)
    grad[np.arange(n), y] -= 1.0
    return grad / n


def train(model, X, y, lr=0.5, num_steps=1000, snapshot_steps=()):
    """Train an ArrayMLP by full-batch gradient descent, in place.

    Each step computes the mean loss over all of `X` and moves every
    weight matrix and bias vector by ``-lr`` times its gradient. The
    full batch makes the run deterministic: no random numbers are used.
    If the loss stops being finite (or numpy overflows) the run stops
    and ``diverged_at`` records the step; the model keeps the last finite
    parameters.

    Parameters
    ----------
    model : ArrayMLP
        The network; its parameters are updated in place.
    X : array_like of shape (n, n_in)
    y : array_like of int, shape (n,)
    lr : float, default 0.5
        Learning rate (eta), greater than 0.
    num_steps : int, default 1000
        Number of updates, at least 0.
    snapshot_steps : iterable of int, default ()
        Steps (0 to num_steps) at which to keep a copy of the model, for
        example to draw the decision boundary forming.

    Returns
    -------
    dict
        ``"loss"`` and ``"accuracy"``: arrays with one entry per step
        from 0 (before any update) to num_steps, measured on (X, y);
        ``"snapshots"``: {step: ArrayMLP copy}; ``"diverged_at"``: the
        step at which the run stopped, or None.
    """
    if not isinstance(model, ArrayMLP):
        raise TypeError(f"model must be an ArrayMLP, got {model!r}")
    lr = checks.real("lr", lr, 0.0, low_open=True)
    num_steps = checks.integer("num_steps", num_steps, 0)
    snapshot_steps = {checks.integer("snapshot step", s, 0, num_steps)
                      for s in snapshot_steps}
    X, y = _examples(X, y, model.n_in, model.sizes[-1])

    losses, accuracies, snapshots = [], [], {}
    diverged_at = None
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for t in range(num_steps + 1):
            try:
                outputs = model.activations(X)
                loss, dlogits = _loss_and_dlogits(outputs[-1], y)
                grad_weights, grad_biases = model.backward(outputs, dlogits)
            except FloatingPointError:
                diverged_at = t
                break
            if not math.isfinite(loss):
                diverged_at = t
                break

            losses.append(loss)
            accuracies.append(float(np.mean(_predict(outputs[-1]) == y)))
            if t in snapshot_steps:
                snapshots[t] = model.copy()
            if t == num_steps:
                break

            for W, dW in zip(model.weights, grad_weights):
                W -= lr * dW
            for b, db in zip(model.biases, grad_biases):
                b -= lr * db

    return {"loss": np.array(losses), "accuracy": np.array(accuracies),
            "snapshots": snapshots, "diverged_at": diverged_at}


def decision_grid(model, X, num=200, margin=0.5):
    """Return a grid over the 2-D points `X` and the model's scores on it.

    Parameters
    ----------
    model : ArrayMLP
        A model with two inputs.
    X : array_like of shape (n, 2)
        The points whose range (plus `margin`) the grid covers.
    num : int, default 200
        Grid points along each axis, at least 2.
    margin : float, default 0.5
        Extra room on each side, at least 0.

    Returns
    -------
    xx, yy : ndarray of shape (num, num)
        Grid coordinates, as from ``numpy.meshgrid``.
    scores : ndarray
        ``model.decision_function`` on the grid: shape (num, num) for one
        output (the boundary is the 0 contour), else (num, num, k).
    """
    X = _inputs(X, 2)
    num = checks.integer("num", num, 2)
    margin = checks.real("margin", margin, 0.0)
    low, high = X.min(axis=0) - margin, X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(low[0], high[0], num),
                         np.linspace(low[1], high[1], num))
    scores = model.decision_function(np.column_stack([xx.ravel(),
                                                      yy.ravel()]))
    return xx, yy, scores.reshape(xx.shape + scores.shape[1:])


# --- private helpers ----------------------------------------------------

def _relu(z):
    return np.maximum(z, 0.0)


def _identity(z):
    return z


_ARRAY_ACTIVATIONS = {"tanh": np.tanh, "relu": _relu, "sigmoid": sigmoid,
                      "linear": _identity}

# Each slope is written in terms of the activation's output a.
_ARRAY_SLOPES = {
    "tanh": lambda a: 1.0 - a ** 2,
    "relu": lambda a: (a > 0.0).astype(float),
    "sigmoid": lambda a: a * (1.0 - a),
    "linear": lambda a: np.ones_like(a),
}


def _activation(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    return activation


def _sizes(sizes):
    try:
        sizes = list(sizes)
    except TypeError:
        raise ValueError(
            f"sizes must be a sequence of layer widths, got {sizes!r}"
        ) from None
    if not sizes:
        raise ValueError("sizes must name at least one layer, got []")
    return [checks.integer(f"sizes[{i}]", s, 1) for i, s in enumerate(sizes)]


def _inputs(X, n_in):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != n_in:
        raise ValueError(
            f"X must have shape (n, {n_in}), got {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must be finite")
    return X


def _examples(X, y, n_in, n_out):
    X = _inputs(X, n_in)
    if X.shape[0] == 0:
        raise ValueError("X must hold at least one example")
    y = _class_labels(y, X.shape[0], max(n_out, 2))
    return X, y


def _binary(logits, y):
    z = np.asarray(logits, dtype=float)
    if z.ndim != 1 or z.size == 0:
        raise ValueError(f"logits must have shape (n,), got {z.shape}")
    if not np.all(np.isfinite(z)):
        raise ValueError("logits must be finite")
    return z, _class_labels(y, z.size, 2)


def _loss_and_dlogits(logits, y):
    """Return the mean loss and its gradient for logits of shape (n, k)."""
    if logits.shape[1] == 1:
        z = logits[:, 0]
        return (binary_cross_entropy(z, y),
                binary_cross_entropy_grad(z, y)[:, None])
    return (softmax_cross_entropy(logits, y),
            softmax_cross_entropy_grad(logits, y))


def _predict(logits):
    if logits.shape[1] == 1:
        return (logits[:, 0] > 0.0).astype(int)
    return np.argmax(logits, axis=1)
