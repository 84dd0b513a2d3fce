"""Measure how fast Downhill runs and how heavy its pages are.

Usage (from the repository's top folder):

    python benchmarks/run.py                  # everything
    python benchmarks/run.py --only widgets   # explorers and flipbooks
    python benchmarks/run.py --only chapters,build,pages
    python benchmarks/run.py --site _build/html --only pages

It prints a Markdown report (the tables of benchmarks/README.md) and
writes the raw numbers to benchmarks/results/latest.json. It times and
reports; it asserts nothing. Targets: a live update under 100 ms, every
chapter under 10 s, the whole book under 60 s, every page under 3 MB.
"""

import argparse
import datetime
import json
import os
import pathlib
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
# The browser suite reads the table of contents the same way.
sys.path.insert(0, str(REPO / "tests" / "browser"))
from browser_support import toc_pages  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
TARGET_UPDATE_MS = 100
TARGET_CHAPTER_S = 10
TARGET_BOOK_S = 60
TARGET_PAGE_MB = 3
REPEATS = 20


def machine():
    import matplotlib
    import numpy

    cpu = "unknown"
    for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = pathlib.Path("/proc/meminfo").read_text().split()[1]
    return {
        "date": datetime.date.today().isoformat(),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(int(mem) / 2**20, 1),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "matplotlib": matplotlib.__version__,
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", ""),
    }


def toc_files():
    """Every page of the book in _toc.yml order, without its suffix."""
    return [page[: -len(".html")] for page in toc_pages(REPO)]


def count_frames(nb):
    """Flipbook frames stored in an executed notebook's widget state."""
    state = nb.metadata.get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {})
    return sum(1 for m in state.values()
               if m.get("model_name") == "HTMLModel"
               and "data:image/png" in m.get("state", {}).get("value", ""))


def bench_chapters():
    """Execute every notebook in chapters/ in a fresh kernel."""
    import nbformat
    from nbclient import NotebookClient

    listed = {f + ".ipynb" for f in toc_files()}
    rows = []
    for path in sorted((REPO / "chapters").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=600, kernel_name="python3",
                                resources={"metadata": {
                                    "path": str(path.parent)}})
        start = time.perf_counter()
        client.execute()
        wall = time.perf_counter() - start
        cells, slowest, slowest_at = 0.0, 0.0, None
        for index, cell in enumerate(nb.cells):
            t = cell.metadata.get("execution", {})
            if "iopub.execute_input" in t and "shell.execute_reply" in t:
                a = datetime.datetime.fromisoformat(
                    t["iopub.execute_input"].replace("Z", "+00:00"))
                b = datetime.datetime.fromisoformat(
                    t["shell.execute_reply"].replace("Z", "+00:00"))
                cells += (b - a).total_seconds()
                if (b - a).total_seconds() > slowest:
                    slowest = (b - a).total_seconds()
                    slowest_at = index
        rows.append({"notebook": path.relative_to(REPO).as_posix(),
                     "in_toc": path.relative_to(REPO).as_posix() in listed,
                     "wall_s": wall, "cells_s": cells,
                     "slowest_cell_s": slowest, "slowest_cell": slowest_at,
                     "frames": count_frames(nb)})
        print(f"  {path.name}: {wall:.1f} s", file=sys.stderr)
    return rows


def bench_build():
    """Build the book from a clean output folder."""
    out = pathlib.Path(tempfile.mkdtemp(prefix="downhill-build-"))
    try:
        start = time.perf_counter()
        result = subprocess.run(
            ["jupyter-book", "build", ".", "--all", "-W", "-n",
             "--keep-going", "--path-output", str(out)],
            cwd=REPO, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        site = RESULTS / "site"
        if result.returncode == 0:
            shutil.rmtree(site, ignore_errors=True)
            shutil.copytree(out / "_build" / "html", site)
        return {"seconds": seconds, "exit": result.returncode,
                "site": str(site), "log_tail": result.stdout[-2000:]}
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _other_value(control):
    """A value of `control` different from its current one."""
    import ipywidgets as widgets

    if isinstance(control, widgets.FloatLogSlider):
        low, high = control.base ** control.min, control.base ** control.max
        return high if control.value != high else low
    if hasattr(control, "options"):
        options = [o[1] if isinstance(o, tuple) else o
                   for o in control.options]
        return next(o for o in options if o != control.value)
    if hasattr(control, "max"):
        return control.max if control.value != control.max else control.min
    raise TypeError(f"cannot move a {type(control).__name__}")


def bench_widgets():
    """Time every explorer's update and every flipbook's build."""
    import matplotlib

    matplotlib.use("Agg")
    import gd  # noqa: F401  (fills the registries)
    from gd.widgets import EXPLORERS, FLIPBOOKS

    explorers = []
    for name, factory in sorted(EXPLORERS.items()):
        explorer = factory()
        defaults = explorer.values
        times = []
        names = list(explorer.controls)
        for i in range(REPEATS):
            control = names[i % len(names)]
            value = _other_value(explorer.controls[control])
            start = time.perf_counter()
            explorer.set(**{control: value})
            times.append(time.perf_counter() - start)
            if i % len(names) == len(names) - 1:
                explorer.set(**defaults)
        explorers.append({"name": name, "controls": names,
                          "median_ms": 1000 * statistics.median(times),
                          "worst_ms": 1000 * max(times)})
    flipbooks = []
    for name, factory in sorted(FLIPBOOKS.items()):
        start = time.perf_counter()
        book = factory()
        seconds = time.perf_counter() - start
        flipbooks.append({"name": name, "build_s": seconds,
                          "frames": len(book.frames),
                          "bytes": book.size})
    return {"explorers": explorers, "flipbooks": flipbooks}


IMG = re.compile(r'<img[^>]*\bsrc="([^"]+)"')


def bench_pages(site):
    """Each built page's HTML plus the local images it shows."""
    site = pathlib.Path(site)
    rows = []
    for stem in toc_files():
        page = site / (stem + ".html")
        if not page.exists():
            rows.append({"page": stem + ".html", "missing": True})
            continue
        html = page.read_text(encoding="utf-8")
        images = 0
        for src in set(IMG.findall(html)):
            if src.startswith(("data:", "http:", "https:", "//")):
                continue
            target = (page.parent / src.split("?")[0]).resolve()
            if target.is_file():
                images += target.stat().st_size
        rows.append({"page": stem + ".html",
                     "html_bytes": len(html.encode()),
                     "image_bytes": images,
                     "total_bytes": len(html.encode()) + images,
                     "embedded_frames": html.count(
                         "data:image/png;base64")})
    return rows


def _mark(ok):
    return "yes" if ok else "**no**"


def report(results):
    out = []
    m = results["machine"]
    out.append(f"Measured on {m['date']}: {m['nproc']} cores "
               f"({m['cpu']}), {m['memory_gib']} GiB, Python "
               f"{m['python']}, numpy {m['numpy']}, matplotlib "
               f"{m['matplotlib']}"
               + (f", OPENBLAS_CORETYPE={m['openblas_coretype']}"
                  if m["openblas_coretype"] else "") + ".\n")
    if "chapters" in results:
        out.append("| notebook | in _toc.yml | fresh kernel, s | cells, s "
                   "| slowest cell, s (index) | frames | under 10 s |")
        out.append("|---|---|---|---|---|---|---|")
        for r in results["chapters"]:
            out.append(f"| {r['notebook']} | {'yes' if r['in_toc'] else 'no'}"
                       f" | {r['wall_s']:.1f} | {r['cells_s']:.1f} | "
                       f"{r['slowest_cell_s']:.2f} ({r['slowest_cell']}) | "
                       f"{r['frames']} | "
                       f"{_mark(r['wall_s'] < TARGET_CHAPTER_S)} |")
        total = sum(r["wall_s"] for r in results["chapters"])
        out.append(f"\nWhole book, one chapter after another: {total:.1f} s"
                   f" (target {TARGET_BOOK_S} s: "
                   f"{_mark(total < TARGET_BOOK_S)}).\n")
    if "build" in results:
        b = results["build"]
        out.append(f"Site build from a clean output folder: "
                   f"{b['seconds']:.1f} s (exit {b['exit']}).\n")
    if "widgets" in results:
        out.append("| explorer | controls | median ms | worst ms | "
                   "under 100 ms |")
        out.append("|---|---|---|---|---|")
        for r in results["widgets"]["explorers"]:
            out.append(f"| {r['name']} | {', '.join(r['controls'])} | "
                       f"{r['median_ms']:.0f} | {r['worst_ms']:.0f} | "
                       f"{_mark(r['worst_ms'] < TARGET_UPDATE_MS)} |")
        out.append("\n| flipbook | build s | frames | KB |")
        out.append("|---|---|---|---|")
        for r in results["widgets"]["flipbooks"]:
            out.append(f"| {r['name']} | {r['build_s']:.2f} | "
                       f"{r['frames']} | {r['bytes'] / 1024:.0f} |")
        out.append("")
    if "pages" in results:
        out.append("| page | HTML KB | local images KB | total KB | "
                   "embedded frames | under 3 MB |")
        out.append("|---|---|---|---|---|---|")
        for r in results["pages"]:
            if r.get("missing"):
                out.append(f"| {r['page']} | not built | | | | |")
                continue
            out.append(
                f"| {r['page']} | {r['html_bytes'] / 1024:.0f} | "
                f"{r['image_bytes'] / 1024:.0f} | "
                f"{r['total_bytes'] / 1024:.0f} | {r['embedded_frames']} | "
                f"{_mark(r['total_bytes'] < TARGET_PAGE_MB * 2**20)} |")
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="chapters,build,widgets,pages",
                        help="comma-separated: chapters, build, widgets, "
                             "pages")
    parser.add_argument("--site", help="a built html folder to weigh "
                        "(default: the one the build step made)")
    args = parser.parse_args(argv)
    parts = set(args.only.split(","))
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = {"machine": machine()}
    if "chapters" in parts:
        results["chapters"] = bench_chapters()
    if "build" in parts:
        results["build"] = bench_build()
    if "widgets" in parts:
        results["widgets"] = bench_widgets()
    if "pages" in parts:
        site = args.site or results.get("build", {}).get("site")
        site = site or str(RESULTS / "site")
        if not pathlib.Path(site).is_dir():
            parser.error(f"no built site at {site}: run the build step "
                         "or pass --site")
        results["pages"] = bench_pages(site)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=1))
    print(report(results))


if __name__ == "__main__":
    main()
