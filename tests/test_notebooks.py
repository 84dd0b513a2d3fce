"""Notebook hygiene: what every chapter must be before it is committed.

nbval (configured in pyproject.toml) re-executes every notebook; these
tests read the notebooks as files.
"""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from IPython.core.inputtransformer2 import TransformerManager

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
REPO_URL = "https://github.com/downhill-book/downhill"


def cells(path, kind="code"):
    notebook = json.loads(path.read_text())
    return [c for c in notebook["cells"] if c["cell_type"] == kind]


def source(cell):
    text = cell["source"]
    return text if isinstance(text, str) else "".join(text)


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def toc_files():
    text = (ROOT / "_toc.yml").read_text()
    return re.findall(r"file:\s*(\S+)", text)


def test_there_are_chapters():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_committed_outputs(path):
    for i, cell in enumerate(cells(path)):
        assert not cell.get("outputs"), f"cell {i} has stored outputs"
        assert cell.get("execution_count") is None, f"cell {i} was run"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_plotting_cells_end_with_show(path):
    for cell in cells(path):
        text = source(cell).strip()
        if "plt.subplots" in text or "plt.figure" in text:
            assert text.splitlines()[-1].strip() == "plt.show()", text
        assert not text.endswith(";"), f"ends with a bare ';': {text}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_figures_have_caption_and_alt_text(path):
    for cell in cells(path):
        text = source(cell)
        if "plt.show()" not in text:
            continue
        mystnb = cell["metadata"].get("mystnb", {})
        alt = mystnb.get("image", {}).get("alt", "")
        caption = mystnb.get("figure", {}).get("caption", "")
        assert len(alt.split()) >= 8, f"alt text too short: {text[:80]}"
        assert len(caption.split()) >= 5, f"no caption: {text[:80]}"


UNSEEDED = re.compile(
    r"np\.random\.(rand|randn|randint|random|normal|uniform|choice|"
    r"shuffle|permutation|seed)\(|default_rng\(\s*\)|^\s*import random\b",
    re.MULTILINE)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_unseeded_randomness(path):
    for cell in cells(path):
        assert not UNSEEDED.search(source(cell)), source(cell)


def test_gd_uses_no_global_random_state():
    for module in (ROOT / "gd").glob("*.py"):
        text = module.read_text()
        assert not UNSEEDED.search(text), module.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_visible_cells_are_short(path):
    for cell in cells(path):
        hidden = any(t.startswith(("hide", "remove")) for t in tags(cell))
        lines = [ln for ln in source(cell).splitlines() if ln.strip()]
        assert hidden or len(lines) <= 20, source(cell)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_live_explorers_are_removed_from_the_website(path):
    import gd  # noqa: F401  (fills the registry)
    from gd.widgets import EXPLORERS

    names = {key.rsplit(".", 1)[1] for key in EXPLORERS}
    for cell in cells(path):
        called = set(re.findall(r"\b(\w+)\(", source(cell))) & names
        if called:
            assert "remove-output" in tags(cell), (
                f"{sorted(called)} makes a live explorer: tag the cell "
                "'remove-output' so no dead controls reach the website")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_skeleton(path):
    text = "\n".join(source(c) for c in cells(path, "markdown"))
    assert re.match(r"# \d+\. ", text), "title '# N. ...' first"
    for part in ("**In short.**", "**What you will be able to do.**",
                 "## Summary", "## Exercises", "## Where to go next"):
        assert part in text, f"missing {part}"
    solutions = [c for c in cells(path) if "hide-cell" in tags(c)]
    assert len(solutions) >= 3, "at least three exercises with solutions"
    for cell in solutions:
        assert "assert" in source(cell), "a solution checks its answer"
        # Collapsed in Jupyter too, not only on the website.
        hidden = cell["metadata"].get("jupyter", {})
        assert hidden.get("source_hidden") and hidden.get("outputs_hidden")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_colab_setup_cell_is_first_hidden_and_idle_elsewhere(path):
    first = cells(path)[0]
    assert "remove-cell" in tags(first)
    python = TransformerManager().transform_cell(source(first))
    ast.parse(python)
    assert f"git+{REPO_URL}@main" in source(first)

    calls = []

    class Shell:
        def run_line_magic(self, name, line):
            calls.append((name, line))

    # Outside Colab: nothing happens.
    exec(python, {"get_ipython": Shell})
    assert calls == []
    # In Colab: one quiet pip install of the book's package from main.
    fake = type(sys)("google.colab")
    sys.modules["google.colab"] = fake
    try:
        exec(python, {"get_ipython": Shell})
    finally:
        del sys.modules["google.colab"]
    assert len(calls) == 1 and calls[0][0] == "pip"
    assert "install -q" in calls[0][1]


def test_every_chapter_is_in_the_table_of_contents():
    listed = set(toc_files())
    for path in NOTEBOOKS:
        assert f"chapters/{path.stem}" in listed, path.name
    for entry in listed:
        matches = list(ROOT.glob(entry + ".*"))
        assert matches, f"_toc.yml lists {entry}, which does not exist"


def test_launch_links_name_main_and_existing_files():
    config = (ROOT / "_config.yml").read_text()
    assert re.search(r"^\s+branch:\s*main\s*$", config, re.MULTILINE)
    assert re.search(rf"^\s+url:\s*{re.escape(REPO_URL)}\s*$", config,
                     re.MULTILINE)
    assert re.search(r'^\s+path_to_book:\s*""\s*$', config, re.MULTILINE)
    # With the book at the top of the repository, a page's launch link
    # names the file at its path in the repository, on branch main.
    for entry in toc_files():
        files = list(ROOT.glob(entry + ".*"))
        assert files and files[0].exists()
    built = ROOT / "_build" / "html"
    for page in built.glob("chapters/*.html"):
        html = page.read_text()
        for link in re.findall(
                r"https://(?:mybinder\.org|colab\.research\.google\.com)"
                r"[^\"']+", html):
            assert "/main" in link, link
            name = re.search(r"(chapters/[\w.-]+\.ipynb)", link).group(1)
            assert (ROOT / name).exists(), link


def test_gd_imports_from_any_folder(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import gd, sys; print(gd.__file__)"],
        cwd=tmp_path, capture_output=True, text=True, check=True)
    assert Path(result.stdout.strip()).parent == ROOT / "gd"


def test_binder_installs_the_same_pins_and_the_package():
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if "==" in line:
            name, version = line.split("#")[0].strip().split("==")
            pins[name] = version
    lines = [ln.strip() for ln in
             (ROOT / "binder" / "requirements.txt").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert "." in lines or "-e ." in lines
    for line in lines:
        if "==" in line:
            name, version = line.split("==")
            assert pins.get(name) == version, line
