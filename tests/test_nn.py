"""Tests of the scalar MLP, its numpy twin, the losses and training."""

import math
import time

import numpy as np
import pytest

from gd import nn
from gd.data import spirals, two_moons

STRICT = {"over": "raise", "invalid": "raise", "divide": "raise"}

ARCHITECTURES = [
    (2, [3, 1], "tanh"),
    (3, [4, 3], "relu"),
    (2, [3, 2, 4], "sigmoid"),
    (1, [2, 1], "linear"),
]


def scalar_grads(mlp):
    """Return the MLP's gradients arranged like ArrayMLP's arrays."""
    grad_weights, grad_biases = [], []
    for layer in mlp.layers:
        grad_weights.append(np.array(
            [[w.grad for w in neuron.w] for neuron in layer.neurons]).T)
        grad_biases.append(np.array([neuron.b.grad
                                     for neuron in layer.neurons]))
    return grad_weights, grad_biases


def test_one_neuron_hand_calculation():
    # Neuron with 2 inputs and bias 0; weights set by hand to 0.5, -1.
    # z = 0.5 * 2 + (-1) * 1 = 0, tanh(0) = 0, slope 1 - 0^2 = 1,
    # so d out / d w = x = (2, 1) and d out / d b = 1.
    neuron = nn.Neuron(2, "tanh", rng=0)
    neuron.w[0].data, neuron.w[1].data = 0.5, -1.0
    out = neuron([2.0, 1.0])
    out.backward()
    assert out.data == 0.0
    assert [w.grad for w in neuron.w] == [2.0, 1.0]
    assert neuron.b.grad == 1.0


def test_initialisation_scheme_and_count():
    model = nn.MLP(4, [8, 3], rng=1)
    assert len(model.parameters()) == 8 * (4 + 1) + 3 * (8 + 1)
    first = np.array([w.data for n in model.layers[0].neurons for w in n.w])
    second = np.array([w.data for n in model.layers[1].neurons for w in n.w])
    assert np.all(np.abs(first) <= 1 / math.sqrt(4))
    assert np.all(np.abs(second) <= 1 / math.sqrt(8))
    assert all(n.b.data == 0.0 for layer in model.layers
               for n in layer.neurons)


@pytest.mark.parametrize("n_in, sizes, activation", ARCHITECTURES)
def test_same_seed_gives_same_weights(n_in, sizes, activation):
    twin = nn.ArrayMLP(n_in, sizes, activation, rng=3)
    copied = nn.ArrayMLP.from_mlp(nn.MLP(n_in, sizes, activation, rng=3))
    for a, b in zip(twin.parameters(), copied.parameters()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("n_in, sizes, activation", ARCHITECTURES)
def test_scalar_and_array_networks_agree(n_in, sizes, activation):
    rng = np.random.default_rng(11)
    mlp = nn.MLP(n_in, sizes, activation, rng=rng)
    # Non-zero biases, so that their gradients are tested too.
    for p in mlp.parameters():
        if p.label == "b":
            p.data = float(rng.normal(scale=0.3))
    twin = nn.ArrayMLP.from_mlp(mlp)
    X = rng.normal(size=(6, n_in))
    y = rng.integers(0, max(sizes[-1], 2), size=6)

    outputs = np.array([[v.data for v in mlp(list(x))] for x in X])
    np.testing.assert_allclose(twin.forward(X), outputs, rtol=0, atol=1e-10)

    loss = mlp.loss(X, y)
    loss.backward()
    twin_loss, grad_weights, grad_biases = twin.loss_and_grads(X, y)
    assert twin_loss == pytest.approx(loss.data, abs=1e-10)
    expected_weights, expected_biases = scalar_grads(mlp)
    for got, expected in zip(grad_weights + grad_biases,
                             expected_weights + expected_biases):
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)


def test_zero_grad_clears_parameters():
    mlp = nn.MLP(2, [3, 1], rng=0)
    mlp.loss([[1.0, 2.0]], [1]).backward()
    assert any(p.grad != 0.0 for p in mlp.parameters())
    mlp.zero_grad()
    assert all(p.grad == 0.0 for p in mlp.parameters())


def test_array_gradients_match_finite_differences():
    X, y = spirals(30, classes=3, rng=4)
    model = nn.ArrayMLP(2, [5, 3], "tanh", rng=2)
    _, grad_weights, _ = model.loss_and_grads(X, y)
    W = model.weights[0]
    h = 1e-6
    for i, j in [(0, 0), (1, 3), (0, 4)]:
        W[i, j] += h
        up = model.loss(X, y)
        W[i, j] -= 2 * h
        down = model.loss(X, y)
        W[i, j] += h
        assert grad_weights[0][i, j] == pytest.approx(
            (up - down) / (2 * h), rel=1e-5, abs=1e-9)


def test_binary_cross_entropy_hand_values_and_stability():
    # z = 0: log 2 whatever the label; z = 1000, y = 1: 0;
    # z = -1000, y = 1: 1000; z = 1000, y = 0: 1000.
    with np.errstate(**STRICT):
        assert nn.binary_cross_entropy([0.0], [1]) == pytest.approx(
            math.log(2), abs=1e-15)
        assert nn.binary_cross_entropy([1000.0], [1]) == 0.0
        assert nn.binary_cross_entropy([-1000.0, 1000.0], [1, 0]) == 1000.0
        # slope (sigmoid(z) - y) / n: (0.5 - 1) / 2 and (1 - 0) / 2.
        np.testing.assert_allclose(
            nn.binary_cross_entropy_grad([0.0, 1000.0], [1, 0]),
            [-0.25, 0.5], rtol=0, atol=1e-15)


def test_softmax_cross_entropy_grad_hand_values():
    # One row of equal logits, label 1: softmax 1/3 each,
    # gradient (1/3, 1/3 - 1, 1/3).
    grad = nn.softmax_cross_entropy_grad([[5.0, 5.0, 5.0]], [1])
    np.testing.assert_allclose(grad, [[1 / 3, -2 / 3, 1 / 3]], atol=1e-15)
    assert nn.softmax_cross_entropy([[5.0, 5.0, 5.0]], [1]) == pytest.approx(
        math.log(3), abs=1e-15)


def test_training_two_moons():
    # Seed 0 for both data and weights; lr 0.5 for 1000 full-batch steps
    # reaches 100% training accuracy (first at step 375).
    X, y = two_moons(200, rng=0, noise=0.1)
    model = nn.ArrayMLP(2, [16, 16, 1], "tanh", rng=0)
    start = time.perf_counter()
    history = nn.train(model, X, y, lr=0.5, num_steps=1000,
                       snapshot_steps=[0, 100, 1000])
    seconds = time.perf_counter() - start

    assert history["diverged_at"] is None
    assert len(history["loss"]) == len(history["accuracy"]) == 1001
    assert history["accuracy"][-1] >= 0.995
    assert history["loss"][-1] < 0.01
    assert history["loss"][-1] < history["loss"][0]
    assert sorted(history["snapshots"]) == [0, 100, 1000]
    np.testing.assert_array_equal(history["snapshots"][1000].weights[0],
                                  model.weights[0])
    assert np.mean(model.predict(X) == y) == history["accuracy"][-1]
    assert seconds < 1.0


def test_training_multiclass_and_snapshot_independence():
    X, y = spirals(90, classes=3, rng=0, noise=0.1)
    model = nn.ArrayMLP(2, [16, 3], "tanh", rng=0)
    before = model.copy()
    history = nn.train(model, X, y, lr=1.0, num_steps=300,
                       snapshot_steps=[0])
    assert history["loss"][-1] < history["loss"][0]
    np.testing.assert_array_equal(history["snapshots"][0].weights[0],
                                  before.weights[0])
    assert not np.array_equal(before.weights[0], model.weights[0])


def test_training_stops_when_it_diverges():
    X, y = two_moons(50, rng=1)
    model = nn.ArrayMLP(2, [32, 32, 1], "relu", rng=0)
    history = nn.train(model, X, y, lr=1e150, num_steps=50)
    assert history["diverged_at"] is not None
    assert len(history["loss"]) == history["diverged_at"]
    assert all(np.all(np.isfinite(p)) for p in model.parameters())


def test_decision_grid_shapes():
    X, y = two_moons(40, rng=0)
    binary = nn.ArrayMLP(2, [4, 1], rng=0)
    xx, yy, scores = nn.decision_grid(binary, X, num=30)
    assert xx.shape == yy.shape == scores.shape == (30, 30)
    assert xx.min() == pytest.approx(X[:, 0].min() - 0.5)
    multi = nn.ArrayMLP(2, [4, 3], rng=0)
    assert nn.decision_grid(multi, X, num=20)[2].shape == (20, 20, 3)
    assert multi.predict_proba(X).sum(axis=1) == pytest.approx(1.0)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="activation"):
        nn.MLP(2, [3, 1], activation="swish")
    with pytest.raises(ValueError, match="sizes"):
        nn.ArrayMLP(2, [])
    with pytest.raises(ValueError, match="lr"):
        nn.train(nn.ArrayMLP(2, [1]), np.zeros((3, 2)), [0, 1, 0], lr=0)
    with pytest.raises(ValueError, match="labels"):
        nn.ArrayMLP(2, [1]).loss(np.zeros((2, 2)), [0, 2])
    with pytest.raises(ValueError, match="shape"):
        nn.ArrayMLP(2, [1]).forward(np.zeros((2, 3)))
