"""Downhill's shared code: everything a chapter computes or draws.

One module per responsibility:

- `surfaces`: loss surfaces with exact gradients and known minima;
- `optimizers`: optimizers behind one interface;
- `runner`: walk downhill and record the path;
- `plots`: plot helpers and the book's colour-blind-safe palette;
- `widgets`: the two kinds of slider, flipbooks and live explorers;
- `data`: small data sets made from a seeded generator;
- `linear`: a line (and linear model) fitted by mean squared error, its
  curvature and the learning-rate limits 1/L and 2/L;
- `schedules`: learning-rate schedules;
- `dial`: chapter 2's pictures and sliders;
- `hiking`: chapter 1's pictures and sliders;
- `autodiff`, `nn`: a scalar automatic-differentiation engine and small
  networks on it, with a vectorized numpy twin;
- `backprop`: chapter 3's pictures and sliders;
- `batching`: mini-batches, gradient noise and streams of data;
- `minibatch`: chapter 4's pictures and sliders.
"""

from gd import (
    autodiff,
    backprop,
    batching,
    checks,
    data,
    dial,
    hiking,
    linear,
    minibatch,
    nn,
    optimizers,
    plots,
    runner,
    schedules,
    surfaces,
    widgets,
)
from gd.optimizers import GradientDescent
from gd.runner import Path, run, run_many

__all__ = [
    "GradientDescent",
    "Path",
    "autodiff",
    "backprop",
    "batching",
    "checks",
    "data",
    "dial",
    "hiking",
    "linear",
    "minibatch",
    "nn",
    "optimizers",
    "plots",
    "run",
    "run_many",
    "runner",
    "schedules",
    "surfaces",
    "widgets",
]
