"""Learning-rate schedules: rules that turn the dial as training goes on.

A schedule maps the step count ``t`` (0 for the first step, then 1, 2,
...) to a learning rate. Pass one as the ``lr`` of any optimizer in
`gd.optimizers`::

    GradientDescent(lr=step_decay(0.8, drop=0.5, every=10))

Each function below checks its arguments and returns a `Schedule`, whose
``__name__`` (the same text as its ``repr``) labels a plot legend.
"""

import math

import numpy as np

from gd import checks


class Schedule:
    """A learning rate that depends on the step count t.

    Made by the functions of this module; calling it with t returns the
    rate for step t.

    Parameters
    ----------
    name : str
        The name of the function that made it.
    rule : callable
        ``rule(t) -> lr`` for a whole number t >= 0.
    **settings
        The arguments the schedule was made with, for its label.

    Attributes
    ----------
    settings : dict
        The arguments the schedule was made with.
    __name__ : str
        A label such as ``"step_decay(lr=0.8, drop=0.5, every=10)"``.
    """

    def __init__(self, name, rule, **settings):
        self.rule = rule
        self.settings = settings
        args = ", ".join(f"{k}={v:g}" for k, v in settings.items())
        self.__name__ = f"{name}({args})"

    def __call__(self, t):
        """Return the learning rate for step `t` (a whole number >= 0)."""
        t = checks.integer("t", t, 0)
        return float(self.rule(t))

    def values(self, num_steps):
        """Return the rates of steps 0 to ``num_steps - 1`` as an array."""
        num_steps = checks.integer("num_steps", num_steps, 0)
        return np.array([self(t) for t in range(num_steps)])

    def __repr__(self):
        return self.__name__


def constant(lr):
    """Return a schedule that keeps the learning rate at `lr`.

    Parameters
    ----------
    lr : float
        The learning rate, at least 0.

    Returns
    -------
    Schedule
    """
    lr = checks.real("lr", lr, 0.0)

    def rule(t):
        return lr

    return Schedule("constant", rule, lr=lr)


def step_decay(lr, drop=0.5, every=10):
    """Return a schedule that multiplies the rate by `drop` every few steps.

    ``lr_t = lr * drop ** (t // every)``.

    Parameters
    ----------
    lr : float
        The rate of the first `every` steps, at least 0.
    drop : float, default 0.5
        The factor applied at each drop, in (0, 1].
    every : int, default 10
        Number of steps between drops, at least 1.

    Returns
    -------
    Schedule
    """
    lr = checks.real("lr", lr, 0.0)
    drop = checks.real("drop", drop, 0.0, 1.0, low_open=True)
    every = checks.integer("every", every, 1)

    def rule(t):
        return lr * drop ** (t // every)

    return Schedule("step_decay", rule, lr=lr, drop=drop, every=every)


def inverse_time(lr, k=0.1):
    """Return a schedule that shrinks the rate like 1 / t.

    ``lr_t = lr / (1 + k t)``: the rate halves at step ``t = 1 / k``, falls
    to a third at ``t = 2 / k``, and so on.

    Parameters
    ----------
    lr : float
        The rate of the first step, at least 0.
    k : float, default 0.1
        The decay per step, at least 0; 0 keeps the rate constant.

    Returns
    -------
    Schedule
    """
    lr = checks.real("lr", lr, 0.0)
    k = checks.real("k", k, 0.0)

    def rule(t):
        return lr / (1 + k * t)

    return Schedule("inverse_time", rule, lr=lr, k=k)


def cosine(lr, num_steps, lr_min=0.0):
    """Return a schedule that glides from `lr` to `lr_min` along a cosine.

    ``lr_t = lr_min + (lr - lr_min) (1 + cos(pi t / num_steps)) / 2`` for
    t up to `num_steps`, then `lr_min` from there on.

    Parameters
    ----------
    lr : float
        The rate of the first step, at least 0.
    num_steps : int
        The step at which the rate reaches `lr_min`, at least 1.
    lr_min : float, default 0.0
        The final rate, from 0 to `lr`.

    Returns
    -------
    Schedule

    References
    ----------
    I. Loshchilov and F. Hutter, "SGDR: Stochastic gradient descent with
    warm restarts", ICLR 2017 (without the restarts).
    """
    lr = checks.real("lr", lr, 0.0)
    num_steps = checks.integer("num_steps", num_steps, 1)
    lr_min = checks.real("lr_min", lr_min, 0.0, lr)

    def rule(t):
        if t >= num_steps:
            return lr_min
        wave = (1 + math.cos(math.pi * t / num_steps)) / 2
        return lr_min + (lr - lr_min) * wave

    return Schedule("cosine", rule, lr=lr, num_steps=num_steps,
                    lr_min=lr_min)
