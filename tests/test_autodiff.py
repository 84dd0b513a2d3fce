"""Tests of the scalar autodiff engine against hand calculations and
central finite differences."""

import math

import matplotlib
import numpy as np
import pytest

from gd import autodiff
from gd.autodiff import Value

matplotlib.use("Agg")

STRICT = {"over": "raise", "invalid": "raise", "divide": "raise"}


def numeric_grad(f, xs, h=1e-6):
    """Central differences (f(x + h) - f(x - h)) / 2h, one input at a
    time, with f taking and returning plain floats."""
    grads = []
    for i in range(len(xs)):
        up = list(xs)
        down = list(xs)
        up[i] += h
        down[i] -= h
        grads.append((f(*up) - f(*down)) / (2 * h))
    return grads


def engine_grad(f, xs):
    values = [Value(x) for x in xs]
    f(*values).backward()
    return [v.grad for v in values]


def test_two_paths_hand_calculation():
    # c = a + b = 5, d = a b = 6, y = c + d + c d.
    # dy/dc = 1 + d = 7, dy/dd = 1 + c = 6.
    # dy/da = dy/dc * 1 + dy/dd * b = 7 + 6 * 3 = 25.
    # dy/db = dy/dc * 1 + dy/dd * a = 7 + 6 * 2 = 19.
    a, b = Value(2.0), Value(3.0)
    c = a + b
    d = a * b
    y = (c + d) + c * d
    y.backward()
    assert y.data == 41.0
    assert a.grad == 25.0
    assert b.grad == 19.0


def test_value_used_twice():
    # b = 2a, c = 2b = 4a, so dc/da = 4.
    a = Value(1.0)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4.0


def test_backward_accumulates_and_zero_grad_resets():
    # z = x^4, dz/dx = 4 x^3 = 4 * 27 = 108 at x = 3.
    x = Value(3.0)
    z = (x * x) * (x * x)
    z.backward()
    assert x.grad == 108.0

    z.zero_grad()
    assert x.grad == 0.0
    z.backward()
    assert x.grad == 108.0

    z.backward()
    assert x.grad == 216.0


def test_zero_grad_clears_every_node():
    x = Value(3.0)
    y = (x * 2.0).tanh() + x
    y.backward()
    y.zero_grad()
    assert all(node.grad == 0.0 for node in autodiff.topological_order(y))


ONE_ARGUMENT = [
    ("neg", lambda a: -a, (-3, 3)),
    ("exp", lambda a: a.exp() if isinstance(a, Value) else math.exp(a),
     (-3, 3)),
    ("log", lambda a: a.log() if isinstance(a, Value) else math.log(a),
     (0.1, 5)),
    ("tanh", lambda a: a.tanh() if isinstance(a, Value) else math.tanh(a),
     (-3, 3)),
    ("sigmoid",
     lambda a: a.sigmoid() if isinstance(a, Value) else 1 / (1 + math.exp(-a)),
     (-6, 6)),
    ("relu", lambda a: a.relu() if isinstance(a, Value) else max(a, 0.0),
     (-3, 3)),
    ("softplus",
     lambda a: a.softplus() if isinstance(a, Value)
     else math.log(1 + math.exp(a)),
     (-6, 6)),
    ("square", lambda a: a ** 2, (-3, 3)),
    ("cube", lambda a: a ** 3, (-3, 3)),
    ("inverse", lambda a: a ** -1, (0.5, 3)),
    ("negative power", lambda a: a ** -2.5, (0.5, 3)),
    ("square root", lambda a: a ** 0.5, (0.5, 3)),
    ("fractional power", lambda a: a ** 1.7, (0.5, 3)),
    ("power 0", lambda a: a ** 0, (0.5, 3)),
    ("radd", lambda a: 2.5 + a, (-3, 3)),
    ("rsub", lambda a: 1 - a, (-3, 3)),
    ("rmul", lambda a: 2 * a, (-3, 3)),
    ("rtruediv", lambda a: 1 / a, (0.5, 3)),
    ("add number", lambda a: a + 4, (-3, 3)),
    ("sub number", lambda a: a - 4, (-3, 3)),
    ("div number", lambda a: a / 4, (-3, 3)),
]

TWO_ARGUMENTS = [
    ("add", lambda a, b: a + b, (-3, 3)),
    ("sub", lambda a, b: a - b, (-3, 3)),
    ("mul", lambda a, b: a * b, (-3, 3)),
    ("truediv", lambda a, b: a / b, (0.5, 3)),
    ("mixed", lambda a, b: (a * b + 1) ** 2 / (b * b + a * a), (0.5, 3)),
]


@pytest.mark.parametrize("name, f, domain", ONE_ARGUMENT,
                         ids=[c[0] for c in ONE_ARGUMENT])
def test_one_argument_ops_match_finite_differences(name, f, domain):
    rng = np.random.default_rng(2024)
    for x in rng.uniform(*domain, size=5):
        x = float(x)
        if name == "relu" and abs(x) < 1e-3:
            continue
        expected = numeric_grad(lambda v: f(v), [x])
        assert engine_grad(f, [x]) == pytest.approx(expected, rel=1e-6,
                                                    abs=1e-7)


@pytest.mark.parametrize("name, f, domain", TWO_ARGUMENTS,
                         ids=[c[0] for c in TWO_ARGUMENTS])
def test_two_argument_ops_match_finite_differences(name, f, domain):
    rng = np.random.default_rng(7)
    for a, b in rng.uniform(*domain, size=(5, 2)):
        xs = [float(a), float(b)]
        expected = numeric_grad(f, xs)
        assert engine_grad(f, xs) == pytest.approx(expected, rel=1e-6,
                                                   abs=1e-7)


def test_power_hand_values():
    # d/dx x^-2.5 = -2.5 x^-3.5; at x = 4: -2.5 / 128 = -0.01953125.
    x = Value(4.0)
    y = x ** -2.5
    y.backward()
    assert y.data == 4.0 ** -2.5
    assert x.grad == pytest.approx(-2.5 / 128.0, rel=1e-15)


def test_value_exponent_is_refused():
    with pytest.raises(TypeError, match="Value \\*\\* Value is not supported"):
        Value(2.0) ** Value(3.0)


def test_cycle_is_refused():
    a = Value(1.0)
    b = a * 2.0
    a._prev = (b,)
    with pytest.raises(ValueError, match="cycle"):
        b.backward()
    with pytest.raises(ValueError, match="cycle"):
        autodiff.topological_order(b)


@pytest.mark.parametrize("x", [0.0, -1.0])
def test_log_of_non_positive_is_refused(x):
    with pytest.raises(ValueError, match="positive"):
        Value(x).log()


def test_exp_overflow_is_an_error_not_inf():
    with pytest.raises(OverflowError, match="exp overflowed"):
        Value(1000.0).exp()
    with pytest.raises(OverflowError):
        Value(1e200) ** 2


def test_other_refusals():
    with pytest.raises(ValueError, match="fractional exponent"):
        Value(-8.0) ** (1 / 3)
    with pytest.raises(ZeroDivisionError):
        Value(1.0) / 0
    with pytest.raises(ZeroDivisionError):
        Value(0.0) ** -1
    with pytest.raises(TypeError, match="plain real number"):
        Value(1.0) + "2"
    with pytest.raises(ValueError, match="finite"):
        Value(float("nan"))


def test_value_sigmoid_saturates_exactly():
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(0.0).sigmoid().data == 0.5
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(-1000.0).softplus().data == 0.0
    assert Value(1000.0).softplus().data == 1000.0


def test_array_sigmoid_and_softmax_are_stable():
    with np.errstate(**STRICT):
        s = autodiff.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
        p = autodiff.softmax(np.array([1000.0, 1001.0, 1002.0]))
    np.testing.assert_array_equal(s, [0.0, 0.5, 1.0])
    # e^k / (1 + e + e^2) for k = 0, 1, 2.
    np.testing.assert_allclose(
        p, [0.0900305732, 0.2447284711, 0.6652409558], rtol=0, atol=1e-10)


def test_log_softmax_and_cross_entropy_hand_values():
    logits = np.array([[1000.0, 1001.0, 1002.0], [0.0, 0.0, 0.0]])
    with np.errstate(**STRICT):
        log_p = autodiff.log_softmax(logits)
        loss = autodiff.cross_entropy(logits, [2, 0])
    # log(1 + e + e^2) = 2.4076059644; uniform row: log 3.
    lse = math.log(1 + math.e + math.e ** 2)
    np.testing.assert_allclose(log_p[0], [-lse, 1 - lse, 2 - lse],
                               rtol=0, atol=1e-12)
    np.testing.assert_allclose(log_p[1], -math.log(3), rtol=0, atol=1e-15)
    # Row losses: -(2 - lse) and log 3; the mean of the two.
    assert loss == pytest.approx((lse - 2 + math.log(3)) / 2, abs=1e-12)


def test_cross_entropy_refuses_bad_labels():
    with pytest.raises(ValueError, match="labels"):
        autodiff.cross_entropy(np.zeros((2, 3)), [0, 3])
    with pytest.raises(ValueError, match="shape"):
        autodiff.cross_entropy(np.zeros((2, 3)), [0])


def test_graph_lists_each_use():
    a = Value(1.0, label="a")
    b = a + a
    c = b * 3.0
    nodes, edges = autodiff.graph(c)
    assert nodes[-1] is c
    assert len(nodes) == 4
    assert edges.count((a, b)) == 2
    order = {id(node): i for i, node in enumerate(nodes)}
    assert all(order[id(child)] < order[id(parent)]
               for child, parent in edges)


def test_deep_graph_does_not_hit_the_recursion_limit():
    x = Value(0.5)
    y = x
    for _ in range(5000):
        y = y + x
    y.backward()
    assert x.grad == 5001.0


def test_draw_graph_returns_axes():
    import matplotlib.pyplot as plt

    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    y = (a + b) * a
    y.backward()
    ax = autodiff.draw_graph(y)
    shown = [t.get_text() for t in ax.texts]
    # y = (a + b) a = 10, dy/da = 2a + b = 7, dy/db = a = 2.
    assert "data 10\ngrad 1" in shown
    assert "a\ndata 2\ngrad 7" in shown
    assert "b\ndata 3\ngrad 2" in shown
    fig, ax2 = plt.subplots()
    assert autodiff.draw_graph(y, ax=ax2) is ax2
    plt.close("all")


def test_palette_is_okabe_ito():
    assert set(autodiff.PALETTE.values()) == {
        "#000000", "#E69F00", "#56B4E9", "#009E73",
        "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
