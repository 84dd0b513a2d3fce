"""Tests of chapter 3's helpers and of the training runs it reports."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from gd import backprop, data, nn
from gd.widgets import FLIPBOOKS


def test_moons_training_reaches_the_accuracy_the_chapter_claims():
    # The chapter trains exactly this recipe and says the network gets
    # almost every training point right, where a straight line cannot.
    X, y, model, history = backprop.MOONS.train()
    assert history["diverged_at"] is None
    assert history["accuracy"][-1] >= 0.97
    assert np.mean(model.predict(X) == y) == history["accuracy"][-1]

    line = nn.ArrayMLP(2, [1], rng=0)
    line_history = nn.train(line, X, y, lr=backprop.MOONS.lr,
                            num_steps=backprop.MOONS.num_steps)
    assert line_history["accuracy"][-1] <= 0.93
    assert history["accuracy"][-1] - line_history["accuracy"][-1] >= 0.05


def test_moons_training_is_repeatable():
    first = backprop.MOONS.train()[3]
    second = backprop.MOONS.train()[3]
    assert np.array_equal(first["loss"], second["loss"])


def test_spirals_training_reaches_high_accuracy():
    X, y, model, history = backprop.SPIRALS.train()
    assert history["diverged_at"] is None
    assert model.sizes[-1] == 3 and set(np.unique(y)) == {0, 1, 2}
    assert history["accuracy"][-1] >= 0.97


def test_recipes_use_the_shared_data_sets():
    X, y = backprop.MOONS.data()
    X2, y2 = data.two_moons(200, rng=3, noise=0.2)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    X, y = backprop.SPIRALS.data()
    X2, y2 = data.spirals(300, classes=3, rng=3, noise=0.2)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    bad = backprop.Recipe("circles", 10, 0.1, 0, (2, 1), "tanh", 0, 0.1, 1)
    with pytest.raises(ValueError, match="dataset"):
        bad.data()


def test_frames_lie_within_training():
    frames = backprop.MOONS_FRAMES
    assert frames[0] == 0 and frames[-1] == backprop.MOONS.num_steps
    assert list(frames) == sorted(set(frames))


def test_neuron_loss_against_the_chain_rule_by_hand():
    x1, x2, w1, w2, b, y = 2.0, -1.0, 0.5, 1.0, -0.5, 1.0
    loss = backprop.neuron_loss((x1, x2), (w1, w2), b, y)
    loss.backward()
    z = w1 * x1 + w2 * x2 + b
    a = 1.0 / (1.0 + math.exp(-z))
    assert loss.data == pytest.approx((a - y) ** 2, abs=1e-15)
    dz = 2.0 * (a - y) * a * (1.0 - a)
    leaves = {v.label: v for v in _nodes(loss) if not v.children}
    assert leaves["w1"].grad == pytest.approx(dz * x1, abs=1e-15)
    assert leaves["w2"].grad == pytest.approx(dz * x2, abs=1e-15)
    assert leaves["b"].grad == pytest.approx(dz, abs=1e-15)
    assert leaves["x1"].grad == pytest.approx(dz * w1, abs=1e-15)


def _nodes(value):
    from gd.autodiff import topological_order

    return topological_order(value)


def test_backward_partly_stops_where_asked():
    loss = backprop.neuron_loss()
    order = backprop.backward_partly(loss, 0)
    assert loss.grad == 1.0
    assert all(v.grad == 0.0 for v in _nodes(loss) if v is not loss)
    # Operations come output first, and each after all of its users.
    assert order[0] is loss
    for i, node in enumerate(order):
        users = [u for u in order if node in u.children]
        assert all(order.index(u) < i for u in users)

    backprop.backward_partly(loss, len(order))
    partial = {id(v): v.grad for v in _nodes(loss)}
    reference = backprop.neuron_loss()
    reference.backward()
    full = [v.grad for v in _nodes(reference)]
    assert list(partial.values()) == full

    # Halfway, the inputs have not been reached yet.
    backprop.backward_partly(loss, 3)
    leaves = {v.label: v for v in _nodes(loss) if not v.children}
    assert leaves["w1"].grad == 0.0 and leaves["y"].grad != 0.0
    with pytest.raises(ValueError, match="num_done"):
        backprop.backward_partly(loss, len(order) + 1)


def test_backward_steps_frames_and_alt_text():
    book = backprop.backward_steps()
    num_ops = len(backprop.backward_partly(backprop.neuron_loss(), 0))
    assert len(book.frames) == num_ops + 1
    assert "only the loss has a gradient" in book.alts[0]
    assert "w1 -0.585" in book.alts[-1]
    assert plt.get_fignums() == []


def test_neuron_graph_wraps_onto_two_rows_and_highlights():
    # Inputs up to z on the top row, z to the loss on the bottom row; the
    # boxes just handed a gradient have a thick border.
    loss = backprop.neuron_loss()
    loss.backward()
    fig, ax = plt.subplots(figsize=backprop.GRAPH_SIZE)
    a = [v for v in _nodes(loss) if v.label == "a"][0]
    backprop.draw_neuron_graph(loss, ax=ax, highlight=[a])
    boxes = {t.get_text().split("\n")[0]: t for t in ax.texts
             if "\ngrad " in t.get_text()}
    assert len(boxes) == len(_nodes(loss)) == 13
    top = {"x1", "x2", "w1", "w2", "b", "w1*x1", "w2*x2", "w1*x1+w2*x2",
           "z"}
    bottom = {"a", "y", "a-y", "loss"}
    lowest_top = min(boxes[k].get_position()[1] for k in top)
    assert all(boxes[k].get_position()[1] < lowest_top for k in bottom)
    # The bottom row starts again at the left.
    assert boxes["a"].get_position()[0] < boxes["z"].get_position()[0]
    assert boxes["a"].get_text() == "a\ndata 0.378\ngrad -1.24"
    widths = {k: t.get_bbox_patch().get_linewidth() for k, t in boxes.items()}
    assert widths["a"] > widths["z"] == widths["loss"]
    plt.close(fig)


def test_draw_graph_in_one_row_by_default():
    loss = backprop.neuron_loss()
    fig, ax = plt.subplots()
    from gd.autodiff import draw_graph

    draw_graph(loss, ax=ax)
    ys = {t.get_position()[1] for t in ax.texts if "grad" in t.get_text()}
    assert max(ys) - min(ys) <= 3  # four rows at most, no wrapping
    with pytest.raises(ValueError, match="columns"):
        draw_graph(loss, ax=ax, columns=0)
    plt.close(fig)


def test_operation_labels_clear_their_outline():
    # The operation names must sit inside their outlines with room to
    # spare: "*" and "+" in circles, "**2" and "sigmoid" in wider boxes.
    loss = backprop.neuron_loss()
    loss.backward()
    fig, ax = plt.subplots(figsize=backprop.GRAPH_SIZE)
    backprop.draw_neuron_graph(loss, ax=ax)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ops = {t.get_text(): t for t in ax.texts
           if "grad" not in t.get_text() and t.get_bbox_patch()}
    assert {"*", "+", "-", "**2", "sigmoid"} <= set(ops)
    for name, text in ops.items():
        words = text.get_window_extent(renderer)
        outline = text.get_bbox_patch().get_window_extent(renderer)
        room = min(words.x0 - outline.x0, outline.x1 - words.x1,
                   words.y0 - outline.y0, outline.y1 - words.y1)
        assert room >= 2, f"{name!r} touches its outline"
        # A circle only just holds a name wider than tall at its corners.
        shape = type(text.get_bbox_patch().get_boxstyle()).__name__
        assert (shape == "Circle") == (len(name) <= 2), name
    plt.close(fig)


def test_plot_boundary_draws_the_half_probability_line():
    # A network without hidden layers whose logit is x: P = 0.5 on x = 0.
    model = nn.ArrayMLP(2, [1], rng=0)
    model.weights[0][:] = [[1.0], [0.0]]
    model.biases[0][:] = 0.0
    X = np.array([[-1.0, -1.0], [1.0, 1.0], [-0.5, 0.5], [0.5, -0.5]])
    y = np.array([0, 1, 0, 1])
    fig, ax = plt.subplots()
    assert backprop.plot_boundary(model, X, y, ax=ax, num=41) is ax
    xs = ax.lines[0].get_xdata()
    xs = xs[np.isfinite(xs)]
    assert xs.size > 0 and np.allclose(xs, 0.0, atol=1e-12)
    assert len(ax.images) == 1
    plt.close(fig)


def test_plot_boundary_for_three_classes_shades_by_class():
    X, y, model, _ = backprop.SPIRALS.train()
    fig, ax = plt.subplots()
    backprop.plot_boundary(model, X, y, ax=ax, num=30)
    shown = ax.images[0].get_array()
    assert set(np.unique(shown)) <= {0, 1, 2}
    assert len(ax.collections) == 3  # one scatter per class
    plt.close(fig)


def test_factories_are_registered():
    for name in ("backward_steps", "boundary_steps"):
        assert f"gd.backprop.{name}" in FLIPBOOKS
