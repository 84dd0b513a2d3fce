"""Every registered explorer and flipbook, driven to its extremes."""


import ipywidgets as widgets
import matplotlib.pyplot as plt
import pytest

import gd  # noqa: F401  (imports every module, which fills the registry)
from gd import plots
from gd.widgets import EXPLORERS, FLIPBOOKS, Explorer, Flipbook


def positions(control):
    """The values to drive a control to: its extremes and its default."""
    if isinstance(control, widgets.FloatLogSlider):
        return [control.base**control.min, control.base**control.max,
                control.value]
    if hasattr(control, "min"):
        return [control.min, control.max, control.value]
    if hasattr(control, "options"):
        values = [o[1] if isinstance(o, tuple) else o
                  for o in control.options]
        return values + [control.value]
    raise TypeError(f"no sweep defined for {type(control).__name__}")


def test_registry_is_not_empty():
    assert EXPLORERS and FLIPBOOKS


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_explorer_extremes(name, strict):
    explorer = EXPLORERS[name]()
    assert isinstance(explorer, Explorer)
    defaults = explorer.values
    for control_name, control in explorer.controls.items():
        for value in positions(control):
            explorer.set(**{control_name: value})
            assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"
            assert explorer.status
        explorer.set(**defaults)
    # Every pair of controls at their extremes together.
    names = list(explorer.controls)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            for va in positions(explorer.controls[a])[:2]:
                for vb in positions(explorer.controls[b])[:2]:
                    explorer.set(**{a: va, b: vb})
        explorer.set(**defaults)


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_explorer_moves_leave_no_figures(name, strict):
    explorer = EXPLORERS[name]()
    control_name, control = next(
        (n, c) for n, c in explorer.controls.items() if hasattr(c, "min"))
    lo, hi = positions(control)[:2]
    for i in range(25):
        explorer.controls[control_name].value = lo + (hi - lo) * i / 24
    assert plt.get_fignums() == []


@pytest.mark.parametrize("name", sorted(FLIPBOOKS))
def test_flipbook_has_one_frame_per_value(name, strict):
    book = FLIPBOOKS[name]()
    assert isinstance(book, Flipbook)
    assert len(book.frames) == len(book.values) == len(book.alts)
    assert len(book.stack.children) == len(book.values)
    assert len(book.slider.options) == len(book.values)
    assert all(f[:8] == b"\x89PNG\r\n\x1a\n" for f in book.frames)
    assert all(alt.strip() for alt in book.alts)
    # Frames differ: the slider changes the picture.
    assert len(set(book.frames)) > 1
    assert book.slider.index == book.stack.selected_index


def test_flipbook_rejects_labels_that_collide():
    fig, ax = plots.new_figure()
    with pytest.raises(ValueError, match="fmt"):
        Flipbook(fig, lambda v: None, [0.1, 0.11], "lr", str, fmt="{:.1f}")


def test_explorer_set_rejects_unknown_controls():
    fig, ax = plots.new_figure()
    explorer = Explorer(fig, lambda a: "ok",
                        {"a": gd.widgets.slider("a", 0, 1, 0.5)})
    with pytest.raises(ValueError, match="no control named"):
        explorer.set(b=1)


def test_explorer_set_names_the_accepted_range():
    fig, ax = plots.new_figure()
    explorer = Explorer(
        fig, lambda a, b, c: "ok",
        {"a": gd.widgets.slider("a", -4, 4, 0.5),
         "b": gd.widgets.slider("b", 1e-3, 3.0, 0.1, log=True),
         "c": widgets.Dropdown(options=["x", "y"], value="x")})
    explorer.set(a=-4, b=3.0, c="y")
    with pytest.raises(ValueError, match="a must be from -4 to 4"):
        explorer.set(a=5)
    with pytest.raises(ValueError, match="b must be from 0.001 to 3"):
        explorer.set(b=100)
    with pytest.raises(ValueError, match=r"c must be one of \['x', 'y'\]"):
        explorer.set(c="z")
