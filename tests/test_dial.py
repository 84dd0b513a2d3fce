"""Chapter 2's helpers against independent values."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from gd import data, dial, runner
from gd.surfaces import Parabola


@pytest.fixture(params=[True, False], ids=["standardized", "raw"])
def problem(request):
    # The chapter's data: 30 students from the seed the chapter uses.
    rng = np.random.default_rng(12)
    hours, scores = data.practice_scores(30, rng)
    return dial.LineProblem(hours, scores, standardized=request.param)


def test_runs_just_below_and_above_two_over_L(problem):
    lr_max = problem.limits.lr_max
    below = runner.run(problem.loss, (0.0, 0.0), lr=0.99 * lr_max,
                       num_steps=20_000, tol=1e-6)
    above = runner.run(problem.loss, (0.0, 0.0), lr=1.01 * lr_max,
                       num_steps=20_000, tol=1e-6)
    assert below.converged
    assert above.diverged


def test_limits_drawn_are_where_runs_diverge(problem):
    # Scan rates finely around 2/L: the first rate that diverges and the
    # last that does not sit on either side of the line the figures draw.
    limits = problem.limits
    lrs = limits.lr_max * np.linspace(0.9, 1.1, 40)
    steps, diverged = dial.steps_to_converge(problem.loss, (0.0, 0.0), lrs,
                                             max_steps=20_000)
    assert np.array_equal(diverged, lrs > limits.lr_max)
    assert np.all(steps[~diverged] > 0)
    assert np.all(steps[diverged] == -1)
    # The figure's dashed lines are at exactly these two rates.
    ax = dial.plot_steps_vs_lr(problem, lrs, max_steps=200)
    drawn = sorted(line.get_xdata()[0] for line in ax.get_lines()
                   if line.get_linestyle() == "--")
    assert drawn == [limits.lr_best, limits.lr_max]


def test_hessian_eigenvalue_is_the_curvature_along_its_direction(problem):
    # Independent check of L: the loss along the top eigenvector rises like
    # (L / 2) t**2, measured by a second difference.
    H = problem.loss.hessian()
    values, vectors = np.linalg.eigh(H)
    u = vectors[:, -1]
    t = 1.0
    f = problem.loss.f
    second = (f(problem.best + t * u) - 2 * f(problem.best)
              + f(problem.best - t * u)) / t**2
    assert second == pytest.approx(problem.limits.L, rel=1e-6)


@pytest.mark.parametrize("a, lr, x0, tol_x", [
    (2.0, 0.1, 1.5, 1e-4),
    (3.0, 0.6, -0.7, 1e-6),
    (0.5, 0.3, 1.9, 1e-3),
    (4.0, 0.01, 1.0, 1e-2),
])
def test_steps_match_the_parabola_formula(a, lr, x0, tol_x):
    # On f = (a/2) x**2 each step multiplies x by (1 - lr a), so |x| first
    # drops to tol_x after ceil(log(tol_x / |x0|) / log|1 - lr a|) steps.
    expected = math.ceil(math.log(tol_x / abs(x0))
                         / math.log(abs(1 - lr * a)))
    tol_loss = 0.5 * a * tol_x**2  # the same place measured as a loss
    steps, diverged = dial.steps_to_converge(Parabola(a), x0, [lr],
                                             tol=tol_loss, max_steps=10**5)
    assert steps[0] == expected
    assert not diverged[0]


def test_steps_flags_divergence_on_the_parabola():
    a = 2.0
    lrs = [1.0 / a, 1.9 / a, 2.1 / a, 5.0 / a]
    steps, diverged = dial.steps_to_converge(Parabola(a), 1.0, lrs,
                                             tol=1e-12, max_steps=500)
    assert steps[0] == 1  # 1/L lands on the bottom in one step
    assert list(diverged) == [False, False, True, True]


def test_steps_at_start_and_out_of_budget():
    steps, diverged = dial.steps_to_converge(Parabola(2.0), 0.0, [0.1])
    assert steps[0] == 0 and not diverged[0]
    steps, diverged = dial.steps_to_converge(Parabola(2.0), 1.0, [1e-4],
                                             max_steps=5)
    assert steps[0] == -1 and not diverged[0]


def test_steps_rejects_bad_rates():
    with pytest.raises(ValueError, match="lrs"):
        dial.steps_to_converge(Parabola(), 1.0, [-0.1])


def test_where_on_dial_names_the_zones():
    limits = dial.LineProblem().limits
    words = [dial.where_on_dial(r * limits.lr_best, limits)
             for r in (0.5, 1.0, 1.5, 2.0, 2.5)]
    assert [w.split(":")[0] for w in words] == [
        "below 1/L", "at 1/L", "between 1/L and 2/L", "at 2/L", "above 2/L"]


def test_default_rates_span_both_limits():
    limits = dial.LineProblem().limits
    lrs = dial.default_rates(limits)
    assert min(lrs) < limits.lr_best and max(lrs) > limits.lr_max
    assert lrs == sorted(lrs)


def test_in_hours_gives_the_same_predictions(problem):
    w, b = 3.0, 50.0
    w_h, b_h = problem.in_hours((w, b))
    assert np.allclose(w * problem.x + b, w_h * problem.hours + b_h)


def test_problem_needs_both_arrays():
    with pytest.raises(ValueError, match="both"):
        dial.LineProblem(hours=[1.0, 2.0])


def test_figure_helpers_make_no_warnings(problem, strict):
    fig, axes = plt.subplots(2, 3)
    try:
        walk = runner.run(problem.loss, (0.0, 0.0), lr=0.5 *
                          problem.limits.lr_best, num_steps=10)
        dial.plot_walk_panels(problem, walk, [0, 3, 10], axes)
        dial.plot_dial_panels(problem, [0.5 * problem.limits.lr_best,
                                        2.2 * problem.limits.lr_best],
                              axes[0, :2])
        lrs = problem.limits.lr_best * np.geomspace(0.05, 2.5, 12)
        dial.plot_steps_vs_lr(problem, lrs, ax=axes[1, 2], max_steps=300)
        fig.canvas.draw()
    finally:
        plt.close(fig)


def test_learning_rate_alts_name_the_rate_and_the_zone():
    book = dial.learning_rates()
    limits = dial.LineProblem().limits
    for lr, label, alt in zip(book.values, book.slider.options, book.alts):
        assert alt.startswith(f"Learning rate {label} is ")
        zone = ("below both" if lr < limits.lr_best * 0.999 else
                "exactly 1/L" if lr < limits.lr_best * 1.001 else
                "between 1/L and 2/L" if lr < limits.lr_max else
                "above both")
        assert zone in alt
        # One verdict per frame, and none of the old broken phrasing.
        assert "has still" not in alt and "has diverging" not in alt
        assert alt.endswith(".")


def test_outcome_follows_the_run_status():
    problem = dial.LineProblem()
    lr_best = problem.limits.lr_best
    floor = problem.floor
    cases = [(1.0, 20, "It reached flat ground after 1 step,"),
             (0.1, 20, "After 20 steps it has not yet come to rest,"),
             (2.2, 20, "Its error has been climbing since step 1"),
             (3.0, 200, "At step ")]
    for ratio, num_steps, start in cases:
        path = runner.run(problem.loss, (0.0, 0.0), lr=ratio * lr_best,
                          num_steps=num_steps)
        assert dial.outcome(path, floor).startswith(start)


def test_walk_explorer_names_a_divergence_on_the_picture():
    explorer = dial.walk_explorer()
    # The artists the explorer redraws, as `gd.plots.animate` marked them.
    line, trace, here, title, banner = explorer.fig._downhill_dynamic
    explorer.set(lr=1.5, num_steps=20)
    assert banner.get_visible()
    assert banner.get_text().startswith("DIVERGED at step")
    # The line shown is the last one still on the map: here the start.
    assert line.get_linestyle() == "--"
    assert "step 0" in title.get_text()
    assert np.all(np.isfinite(line.get_ydata()))
    explorer.set(lr=0.15)
    assert not banner.get_visible()
    assert line.get_linestyle() == "-"


def test_walk_explorer_says_where_the_dashed_line_comes_from():
    explorer = dial.walk_explorer()
    explorer.set(w0=0.0, b0=0.0, lr=1.5, num_steps=20)
    status = explorer.status
    assert status.startswith("Diverged: at step ")
    assert "last one whose point is still inside it, at step 0" in status
    assert "on the map" not in status
    assert "+ -" not in status


def test_line_text_writes_the_sign_once():
    assert dial.line_text(23.444, -0.18) == "score = 23.44 x hours - 0.18"
    assert dial.line_text(4.0, 41.65) == "score = 4.00 x hours + 41.65"


def test_dial_panels_name_a_divergence_on_the_picture():
    problem = dial.LineProblem()
    lr_best = problem.limits.lr_best
    fig, axes = plt.subplots(1, 2)
    try:
        dial.plot_dial_panels(problem, [lr_best, 2.1 * lr_best], axes)
        calm, wild = ([t for t in ax.texts if t.get_visible()]
                      for ax in axes)
        assert calm == []
        assert [t.get_text().split()[0] for t in wild] == ["DIVERGING"]
        assert wild[0].get_color() == axes[1].title.get_color()
        assert axes[0].title.get_color() != axes[1].title.get_color()
    finally:
        plt.close(fig)


def test_last_on_map_stops_at_the_edge():
    problem = dial.LineProblem()
    path = runner.run(problem.loss, (0.0, 0.0),
                      lr=2.04 * problem.limits.lr_best, num_steps=30)
    k = dial.last_on_map(problem, path)
    (w0, w1), (b0, b1) = problem.frame
    w, b = path.points[k]
    assert w0 <= w <= w1 and b0 <= b <= b1
    assert 0 < k < path.num_steps
    w, b = path.points[k + 1]
    assert not (w0 <= w <= w1 and b0 <= b <= b1)


def test_noisy_walk_stops_a_blow_up_quietly(strict):
    problem = dial.LineProblem()
    points, losses = dial.noisy_walk(problem, 50.0, 200, 5, rng=0)
    assert len(points) < 201
    assert np.all(np.isfinite(points)) and np.all(np.isfinite(losses))
