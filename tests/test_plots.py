"""Plot helpers: rendering, fast redraws and the divergence banner."""

import io

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

import gd
from gd import plots
from gd.batching import minibatch_descent, mse_grad


def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_new_figure_is_not_tracked_by_pyplot():
    fig, ax = plots.new_figure()
    assert plt.get_fignums() == []
    assert pixels(plots.to_png(fig, colors=None)).shape[2] == 3


def test_fast_redraw_matches_a_full_redraw():
    # Draw a moving point with the kept background, then the same state
    # from scratch: the pictures must be the same pixel for pixel.
    fig, ax = plots.new_figure(4, 3)
    ax.plot([0, 1], [0, 1])
    point, = ax.plot([0.2], [0.2], "o")
    plots.animate(fig, point)
    plots.to_png(fig, colors=None)
    point.set_data([0.7], [0.4])
    fast = plots.to_png(fig, colors=None)

    fig2, ax2 = plots.new_figure(4, 3)
    ax2.plot([0, 1], [0, 1])
    ax2.plot([0.7], [0.4], "o")
    full = plots.to_png(fig2, colors=None)
    assert np.array_equal(pixels(fast), pixels(full))


def test_fewer_colours_make_a_smaller_file():
    fig, ax = plots.new_figure()
    plots.contours(gd.surfaces.FoggyMountain(), ax)
    small, large = plots.to_png(fig), plots.to_png(fig, colors=None)
    assert len(small) < len(large)
    assert pixels(small).shape == pixels(large).shape


def test_banner_names_how_a_run_went():
    fig, ax = plots.new_figure()
    box = plots.banner(ax)
    square = gd.surfaces.Parabola()
    plots.show_status(box, gd.run(square, 1.0, lr=1e6, num_steps=5))
    assert box.get_text() == "DIVERGED at step 1: thrown off the map"
    assert box.get_visible()
    plots.show_status(box, gd.run(square, 1.0, lr=1.1, num_steps=5))
    assert box.get_text() == "DIVERGING since step 1"
    plots.show_status(box, gd.run(square, 1.0, lr=0.1, num_steps=5))
    assert box.get_text() == "" and not box.get_visible()
    plots.show_status(box, gd.run(square, 1.0, lr=1e6, num_steps=5),
                      width=12)
    assert max(len(line) for line in box.get_text().splitlines()) <= 12


def test_banner_reads_a_minibatch_history():
    x = np.arange(1.0, 11.0)
    history = minibatch_descent(mse_grad, (0.0, 0.0), x, 2 * x, 4, 10.0,
                                3, rng=0)
    assert history.diverged
    fig, ax = plots.new_figure()
    box = plots.show_status(plots.banner(ax), history)
    assert box.get_text() == (f"DIVERGED at step {history.diverged_at}: "
                              "thrown off the map")


def test_draw_hiker_matches_the_walk(strict):
    trail = gd.surfaces.Trail()
    walk = gd.run(trail, 3.2, lr=0.1, num_steps=30)
    fig, ax = plots.new_figure()
    gd.hiking.draw_hiker(trail, walk, 3, ax=ax)
    trace, tangent, hiker = ax.lines[-3:]
    np.testing.assert_array_equal(trace.get_xdata(), walk.points[:4, 0])
    assert hiker.get_xdata()[0] == walk.points[3, 0]
    # The dashed line has the slope of the ground under the hiker.
    tx, ty = tangent.get_xdata(), tangent.get_ydata()
    slope = (ty[1] - ty[0]) / (tx[1] - tx[0])
    assert np.isclose(slope, trail.grad(walk.points[3])[0])


def test_contours_draw_the_given_box_and_scale():
    loss = gd.linear.LineLoss(np.arange(1.0, 6.0), 2 * np.arange(1.0, 6.0))
    fig, ax = plots.new_figure()
    box = ((0.0, 4.0), (-2.0, 2.0))
    plots.contours(loss, ax, num=30, scale="sqrt", bounds=box)
    assert ax.get_xlim() == box[0] and ax.get_ylim() == box[1]
    fig, ax = plots.new_figure()
    with pytest.raises(ValueError, match="^scale must be"):
        plots.contours(loss, ax, scale="cube")
