"""The two kinds of slider.

A *flipbook* draws every frame when its cell runs and lets the browser
flip between them: it needs no kernel, so it works in Jupyter, in Colab
and on the static website. A *live explorer* recomputes and redraws on
every move: it needs a running kernel.

Both draw with one figure made by `gd.plots.new_figure` and an `update`
function that changes the figure's artists in place, so a slider never
stacks plots or leaves figures open.
"""

import base64
import html
import math

import ipywidgets as widgets

from gd import checks
from gd.plots import to_png

# Every factory that makes an explorer or a flipbook, by name, so that
# tests and benchmarks can drive them all; see `register`.
EXPLORERS = {}
FLIPBOOKS = {}


def register(kind):
    """Record a factory in `EXPLORERS` or `FLIPBOOKS` by its name.

    Every factory must work when called with no arguments.
    """
    table = {"explorer": EXPLORERS, "flipbook": FLIPBOOKS}[kind]

    def add(factory):
        table[f"{factory.__module__}.{factory.__name__}"] = factory
        return factory

    return add


class Flipbook:
    """A slider over pre-drawn frames, linked in the browser.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure every frame is drawn on, made by `gd.plots.new_figure`.
    update : callable
        ``update(value)`` changes the figure's artists to show `value`.
    values : sequence
        The slider's positions, at least one; one frame each.
    description : str
        The slider's label, such as ``"learning rate"``.
    alt : callable
        ``alt(value)`` returns the frame's alternative text: what a reader
        who cannot see it should notice.
    fmt : str, default "{:g}"
        How a value is written on the slider.
    initial : optional
        The value shown first; default the first.

    Attributes
    ----------
    frames : list of bytes
        One PNG per value, in order.
    widget : ipywidgets.VBox
        The slider above the frames; also what a notebook displays.
    """

    def __init__(self, fig, update, values, description, alt,
                 fmt="{:g}", initial=None):
        values = list(values)
        if not values:
            raise ValueError("values must hold at least one slider value")
        labels = [fmt.format(v) for v in values]
        if len(set(labels)) != len(labels):
            raise ValueError(
                f"fmt {fmt!r} writes two values the same way; "
                "give a format with more digits")
        self.values = values
        self.frames, self.alts = [], []
        for value in values:
            update(value)
            self.frames.append(to_png(fig))
            self.alts.append(alt(value))
        index = 0 if initial is None else values.index(initial)

        pages = [widgets.HTML(_img(png, text))
                 for png, text in zip(self.frames, self.alts)]
        self.stack = widgets.Stack(pages, selected_index=index)
        self.slider = widgets.SelectionSlider(
            options=labels, index=index, description=description,
            continuous_update=True, readout=True,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="95%", max_width="560px"))
        widgets.jslink((self.slider, "index"), (self.stack,
                                                "selected_index"))
        self.widget = widgets.VBox(
            [self.slider, self.stack],
            layout=widgets.Layout(align_items="flex-start"))
        self.widget.add_class("downhill-flipbook")

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    @property
    def size(self):
        """Total bytes of all frames."""
        return sum(len(f) for f in self.frames)


def _img(png, alt):
    data = base64.b64encode(png).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" '
            f'alt="{html.escape(alt, quote=True)}" '
            'style="max-width:100%;height:auto">')


class Explorer:
    """Controls whose every move recomputes and redraws one figure.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, made by `gd.plots.new_figure`, drawn once per move.
    update : callable
        ``update(**values)`` changes the figure's artists for the current
        control values and returns a short sentence saying what happened
        (shown under the picture), or None.
    controls : dict
        Control name to ipywidgets control, in the order shown. The names
        are the keyword arguments of `update`.

    Attributes
    ----------
    widget : ipywidgets.VBox
        What the notebook displays.
    status : str
        The sentence from the last update.
    """

    def __init__(self, fig, update, controls):
        if not controls:
            raise ValueError("controls must hold at least one control")
        self.fig = fig
        self._update = update
        self.controls = dict(controls)
        self.image = widgets.Image(format="png")
        self.note = widgets.HTML()
        self._holding = False
        for control in self.controls.values():
            control.style = {"description_width": "initial"}
            control.observe(self._on_change, names="value")
        self.widget = widgets.VBox(
            [widgets.HBox(list(self.controls.values()),
                          layout=widgets.Layout(flex_flow="row wrap")),
             self.image, self.note])
        self.widget.add_class("downhill-explorer")
        self.refresh()

    @property
    def values(self):
        """The controls' current values, by name."""
        return {name: c.value for name, c in self.controls.items()}

    def set(self, **values):
        """Move controls to `values` (by name) and redraw once."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(
                f"no control named {sorted(unknown)}; the controls are "
                f"{list(self.controls)}")
        for name, value in values.items():
            _check_allowed(name, self.controls[name], value)
        self._holding = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._holding = False
        self.refresh()

    def refresh(self):
        """Recompute, redraw and show the picture for the current values."""
        self.status = self._update(**self.values) or ""
        self.image.value = to_png(self.fig, colors=None)
        self.note.value = f"<p>{html.escape(self.status)}</p>"

    def _on_change(self, change):
        if not self._holding:
            self.refresh()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def _check_allowed(name, control, value):
    # ipywidgets would quietly clamp a slider value or reject an option
    # with a long traceback; say plainly what the control accepts.
    if isinstance(control, widgets.FloatLogSlider):
        low, high = control.base**control.min, control.base**control.max
    elif hasattr(control, "min"):
        low, high = control.min, control.max
    else:
        options = [o[1] if isinstance(o, tuple) else o
                   for o in getattr(control, "options", ())]
        if options and value not in options:
            raise ValueError(
                f"{name} must be one of {options}, got {value!r}")
        return
    slack = 1e-12 * max(abs(low), abs(high))
    if not low - slack <= value <= high + slack:
        raise ValueError(
            f"{name} must be from {low:g} to {high:g}, got {value!r}")


def slider(description, low, high, value, step=None, log=False,
           fmt=None):
    """Return a float slider with the book's layout.

    With ``log=True`` the slider moves through powers of ten from `low`
    to `high` (both greater than 0).
    """
    low = checks.real("low", low)
    high = checks.real("high", high, low, low_open=True)
    value = checks.real("value", value, low, high)
    layout = widgets.Layout(width="320px")
    if log:
        checks.real("low", low, 0.0, low_open=True)
        return widgets.FloatLogSlider(
            value=value, base=10, min=math.log10(low),
            max=math.log10(high), step=step or 0.01,
            description=description, readout_format=fmt or ".3g",
            continuous_update=True, layout=layout)
    return widgets.FloatSlider(
        value=value, min=low, max=high, step=step or (high - low) / 100,
        description=description, readout_format=fmt or ".2f",
        continuous_update=True, layout=layout)


def int_slider(description, low, high, value):
    """Return a whole-number slider with the book's layout."""
    low = checks.integer("low", low, 0)
    high = checks.integer("high", high, low + 1)
    value = checks.integer("value", value, low, high)
    return widgets.IntSlider(value=value, min=low, max=high,
                             description=description,
                             continuous_update=True,
                             layout=widgets.Layout(width="320px"))
