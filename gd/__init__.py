"""Downhill's shared code: everything a chapter computes or draws.

One module per responsibility:

- `surfaces`: loss surfaces with exact gradients and known minima;
- `optimizers`: optimizers behind one interface;
- `runner`: walk downhill and record the path;
- `plots`: plot helpers and the book's colour-blind-safe palette;
- `widgets`: the two kinds of slider, flipbooks and live explorers;
- `data`: small data sets made from a seeded generator;
- `hiking`: chapter 1's pictures and sliders;
- `autodiff`, `nn`: a scalar automatic-differentiation engine and small
  networks on it, with a vectorized numpy twin;
- `backprop`: chapter 3's pictures and sliders.
"""

from gd import (
    autodiff,
    backprop,
    checks,
    data,
    hiking,
    nn,
    optimizers,
    plots,
    runner,
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
    "checks",
    "data",
    "hiking",
    "nn",
    "optimizers",
    "plots",
    "run",
    "run_many",
    "runner",
    "surfaces",
    "widgets",
]
