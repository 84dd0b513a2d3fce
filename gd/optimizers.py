"""Optimizers: one small class each, behind one interface.

Every optimizer takes its hyperparameters in the constructor, creates any
state it needs on first use, moves a point with ``step(params, grad)`` and
forgets its state with ``reset()``. A learning rate may be a number or a
schedule: a callable that maps the step count ``t`` (0 for the first step)
to a learning rate.
"""

import numpy as np

from gd import checks


class Optimizer:
    """The shape every optimizer shares.

    Subclasses implement ``_update(params, grad, lr)`` and return the new
    parameters; they keep any state on ``self`` and clear it in
    ``_reset_state``.
    """

    def __init__(self, lr):
        if callable(lr):
            self.lr = lr
        else:
            self.lr = checks.real("lr", lr, 0.0)
        self.t = 0

    def current_lr(self):
        """Return the learning rate the next step will use."""
        if callable(self.lr):
            return checks.real(f"lr at step {self.t}", self.lr(self.t), 0.0)
        return self.lr

    def step(self, params, grad):
        """Return the parameters after one step against `grad`."""
        params = np.asarray(params, dtype=float)
        grad = np.asarray(grad, dtype=float)
        if params.shape != grad.shape:
            raise ValueError(
                f"grad must have the shape of params {params.shape}, "
                f"got {grad.shape}")
        new = self._update(params, grad, self.current_lr())
        self.t += 1
        return new

    def reset(self):
        """Forget the step count and any state, as if newly made."""
        self.t = 0
        self._reset_state()

    def _update(self, params, grad, lr):
        raise NotImplementedError

    def _reset_state(self):
        pass

    def __repr__(self):
        lr = getattr(self.lr, "__name__", self.lr)
        return f"{type(self).__name__}(lr={lr})"


class GradientDescent(Optimizer):
    """Plain gradient descent: take a step of size `lr` against the slope.

    The update is ``x <- x - lr * g``, where g is the gradient at x.

    Parameters
    ----------
    lr : float or callable, default 0.1
        The learning rate (eta), at least 0, or a schedule ``t -> lr``.

    References
    ----------
    A. Cauchy, "Methode generale pour la resolution des systemes
    d'equations simultanees", Comptes Rendus 25 (1847), 536-538.
    """

    def __init__(self, lr=0.1):
        super().__init__(lr)

    def _update(self, params, grad, lr):
        return params - lr * grad
