"""Loss surfaces: the ground the hiker walks on.

Each surface gives its height ``f(x)`` and its exact gradient
``grad(x)``, both vectorized: ``x`` has shape ``(..., dim)``, so one call
evaluates a single point or a whole grid. Each lists its known minima,
and the box ``bounds`` its pictures show.
"""

import numpy as np

from gd import checks


class Surface:
    """A loss surface with an exact gradient and known minima.

    Attributes
    ----------
    name : str
        A short name for legends and titles.
    dim : int
        1 for a trail, 2 for a map.
    bounds : tuple
        ``((xmin, xmax),)`` in 1-D, ``((xmin, xmax), (ymin, ymax))`` in
        2-D: the box pictures show.
    minima : list of ndarray
        Every local minimum inside `bounds`, each of shape ``(dim,)``.
    """

    name = "surface"
    dim = 2

    def __init__(self, bounds, minima=()):
        self.bounds = tuple(tuple(float(v) for v in b) for b in bounds)
        self.minima = [np.asarray(m, dtype=float) for m in minima]

    def f(self, x):
        """Return the height at `x`, an array of shape ``(..., dim)``."""
        return self._f(*_split(x, self.dim))

    def grad(self, x):
        """Return the gradient at `x`, with the shape of `x`."""
        parts = self._grad(*_split(x, self.dim))
        return np.stack(np.broadcast_arrays(*parts), axis=-1)

    @property
    def global_minimum(self):
        """The lowest of the listed minima."""
        heights = [float(self.f(m)) for m in self.minima]
        return self.minima[int(np.argmin(heights))]

    def grid(self, num=200):
        """Return coordinates and heights on a regular grid over `bounds`.

        In 1-D, ``(xs, heights)``; in 2-D, ``(X, Y, heights)`` with
        arrays of shape ``(num, num)``.
        """
        num = checks.integer("num", num, 2, 2000)
        axes = [np.linspace(lo, hi, num) for lo, hi in self.bounds]
        if self.dim == 1:
            return axes[0], self.f(axes[0][:, None])
        X, Y = np.meshgrid(*axes)
        return X, Y, self.f(np.stack([X, Y], axis=-1))

    def __repr__(self):
        return f"<{self.name}: {self.dim}-D surface>"

    def _f(self, *coords):
        raise NotImplementedError

    def _grad(self, *coords):
        raise NotImplementedError


def _split(x, dim):
    x = np.asarray(x, dtype=float)
    if x.ndim == 0 or x.shape[-1] != dim:
        raise ValueError(
            f"x must have shape (..., {dim}) for a {dim}-D surface, "
            f"got shape {x.shape}")
    return [x[..., i] for i in range(dim)]


class Parabola(Surface):
    """The simplest valley: ``f(x) = (a / 2) x**2``.

    Parameters
    ----------
    a : float, default 2.0
        The curvature, greater than 0. The default gives ``f(x) = x**2``.
    """

    name = "parabola"
    dim = 1

    def __init__(self, a=2.0, bounds=((-2.0, 2.0),)):
        self.a = checks.real("a", a, 0.0, low_open=True)
        super().__init__(bounds, minima=[[0.0]])

    def _f(self, x):
        return 0.5 * self.a * x**2

    def _grad(self, x):
        return (self.a * x,)


class Trail(Surface):
    """A one-dimensional trail with two valleys of different depths.

    ``f(x) = x**4 / 20 - x**2 / 2 + x / 4 + 2``: a shallow valley on the
    right, a deeper one on the left, a hump between them.
    """

    name = "trail"
    dim = 1

    def __init__(self, bounds=((-4.0, 4.0),)):
        # The minima are the real roots of f'(x) = x**3 / 5 - x + 1 / 4
        # where f'' = 3 x**2 / 5 - 1 is positive.
        roots = np.roots([0.2, 0.0, -1.0, 0.25])
        real = np.sort(roots[np.abs(roots.imag) < 1e-12].real)
        minima = [[r] for r in real if 0.6 * r**2 - 1 > 0]
        super().__init__(bounds, minima=minima)
        self.maxima = [np.array([r]) for r in real if 0.6 * r**2 - 1 < 0]

    def _f(self, x):
        return x**4 / 20 - x**2 / 2 + x / 4 + 2

    def _grad(self, x):
        return (x**3 / 5 - x + 0.25,)


class Bowl(Surface):
    """A quadratic bowl ``f(p) = p^T A p / 2`` with a chosen shape.

    ``A = R diag(1, condition) R^T``, where R turns by `angle` degrees.
    The condition number says how much steeper the walls are one way
    than the other.

    Parameters
    ----------
    condition : float, default 10.0
        Ratio of the largest to the smallest curvature, from 1 to 1e6.
    angle : float, default 0.0
        Turn of the valley's long axis, in degrees.
    """

    name = "bowl"
    dim = 2

    def __init__(self, condition=10.0, angle=0.0,
                 bounds=((-3.0, 3.0), (-3.0, 3.0))):
        self.condition = checks.real("condition", condition, 1.0, 1e6)
        angle = checks.real("angle", angle)
        c, s = np.cos(np.radians(angle)), np.sin(np.radians(angle))
        R = np.array([[c, -s], [s, c]])
        self.hessian = R @ np.diag([1.0, self.condition]) @ R.T
        super().__init__(bounds, minima=[[0.0, 0.0]])

    def _f(self, x, y):
        A = self.hessian
        return 0.5 * (A[0, 0] * x**2 + 2 * A[0, 1] * x * y + A[1, 1] * y**2)

    def _grad(self, x, y):
        A = self.hessian
        return A[0, 0] * x + A[0, 1] * y, A[1, 0] * x + A[1, 1] * y


class FoggyMountain(Surface):
    """A mountainside with several valleys, a peak and a ridge.

    A wide gentle bowl with Gaussian dips (valleys) and bumps (peaks)
    laid on it. The minima are found once, when the surface is made, by
    Newton's method on the exact gradient from the centre of each dip.
    """

    name = "foggy mountain"
    dim = 2

    # (x, y, depth, width): a negative depth digs a valley.
    features = (
        (-1.8, 1.4, -2.2, 0.9),
        (1.9, 1.6, -1.4, 0.8),
        (0.8, -1.9, -3.0, 1.0),
        (0.2, 0.4, 1.6, 0.7),
        (-1.6, -1.0, 1.0, 0.6),
    )

    def __init__(self, bounds=((-3.5, 3.5), (-3.5, 3.5))):
        super().__init__(bounds)
        starts = [(fx, fy) for fx, fy, depth, _ in self.features
                  if depth < 0]
        self.minima = _polish_minima(self, starts)

    def _f(self, x, y):
        height = 0.08 * (x**2 + y**2)
        for fx, fy, depth, width in self.features:
            r2 = (x - fx) ** 2 + (y - fy) ** 2
            height = height + depth * np.exp(-r2 / (2 * width**2))
        return height + 3.0

    def _grad(self, x, y):
        gx, gy = 0.16 * x, 0.16 * y
        for fx, fy, depth, width in self.features:
            r2 = (x - fx) ** 2 + (y - fy) ** 2
            bump = depth * np.exp(-r2 / (2 * width**2)) / width**2
            gx = gx - bump * (x - fx)
            gy = gy - bump * (y - fy)
        return gx, gy


class Rosenbrock(Surface):
    """Rosenbrock's banana valley ``(a - x)**2 + b (y - x**2)**2``.

    The minimum at ``(a, a**2)`` sits at the bottom of a long, curved,
    nearly flat valley.

    References
    ----------
    H. H. Rosenbrock, "An automatic method for finding the greatest or
    least value of a function", The Computer Journal 3 (1960), 175-184.
    """

    name = "Rosenbrock"
    dim = 2

    def __init__(self, a=1.0, b=100.0, bounds=((-2.0, 2.0), (-1.0, 3.0))):
        self.a = checks.real("a", a)
        self.b = checks.real("b", b, 0.0, low_open=True)
        super().__init__(bounds, minima=[[self.a, self.a**2]])

    def _f(self, x, y):
        return (self.a - x) ** 2 + self.b * (y - x**2) ** 2

    def _grad(self, x, y):
        gx = -2 * (self.a - x) - 4 * self.b * x * (y - x**2)
        gy = 2 * self.b * (y - x**2)
        return gx, gy


class Himmelblau(Surface):
    """Himmelblau's function, four valleys all at height zero.

    ``(x**2 + y - 11)**2 + (x + y**2 - 7)**2``; one minimum is (3, 2),
    the other three are irrational and found here by Newton's method from
    their published approximate positions.

    References
    ----------
    D. M. Himmelblau, Applied Nonlinear Programming, McGraw-Hill, 1972.
    """

    name = "Himmelblau"
    dim = 2

    def __init__(self, bounds=((-5.0, 5.0), (-5.0, 5.0))):
        super().__init__(bounds)
        starts = [(3.0, 2.0), (-2.805118, 3.131312),
                  (-3.779310, -3.283186), (3.584428, -1.848126)]
        self.minima = _polish_minima(self, starts)

    def _f(self, x, y):
        return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2

    def _grad(self, x, y):
        u = x**2 + y - 11
        v = x + y**2 - 7
        return 4 * x * u + 2 * v, 2 * u + 4 * y * v


class Saddle(Surface):
    """A saddle between two valleys: ``x**2 + y**4 / 4 - y**2 / 2``.

    At the origin the ground is flat but it is not a valley: it curves up
    along x and down along y. The valleys sit at (0, 1) and (0, -1).
    """

    name = "saddle"
    dim = 2

    def __init__(self, bounds=((-2.0, 2.0), (-2.0, 2.0))):
        super().__init__(bounds, minima=[[0.0, -1.0], [0.0, 1.0]])
        self.saddles = [np.zeros(2)]

    def _f(self, x, y):
        return x**2 + y**4 / 4 - y**2 / 2

    def _grad(self, x, y):
        return 2 * x, y**3 - y


def _polish_minima(surface, starts, steps=50):
    # Newton's method on grad = 0, with a Jacobian from central
    # differences of the exact gradient: the fixed point is where the
    # exact gradient vanishes, so the answer is exact to rounding.
    minima = []
    for start in starts:
        p = np.array(start, dtype=float)
        for _ in range(steps):
            J = _jacobian(surface.grad, p)
            delta = np.linalg.solve(J, surface.grad(p))
            p = p - delta
            if np.max(np.abs(delta)) < 1e-15:
                break
        if not np.all(np.linalg.eigvalsh(_jacobian(surface.grad, p)) > 0):
            raise RuntimeError(f"{surface.name}: no minimum near {start}")
        minima.append(p)
    return minima


def _jacobian(grad, p, h=1e-6):
    cols = []
    for i in range(p.size):
        e = np.zeros_like(p)
        e[i] = h
        cols.append((grad(p + e) - grad(p - e)) / (2 * h))
    J = np.column_stack(cols)
    return 0.5 * (J + J.T)


def all_surfaces():
    """Return one of each surface with its default settings, by name."""
    made = [Parabola(), Trail(), Bowl(), FoggyMountain(), Rosenbrock(),
            Himmelblau(), Saddle()]
    return {s.name: s for s in made}
