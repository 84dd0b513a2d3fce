"""Fixtures shared by the unit tests."""

import warnings

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")


@pytest.fixture
def strict():
    """Turn every warning and numpy overflow or invalid value into an error,
    and check that no pyplot figure is left open afterwards."""
    import matplotlib.pyplot as plt

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            yield
    assert plt.get_fignums() == [], "a figure was left open"
