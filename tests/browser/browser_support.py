"""What the browser suite and the benchmarks share: paths and pages."""

import os
import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]
NODE_MODULES = HERE / "node_modules"
CHROMIUM = os.environ.get("DOWNHILL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# What the book's sources are: a change to any of them makes a built
# site stale.
SOURCE_GLOBS = ["_toc.yml", "_config.yml", "*.md", "references.bib",
                "chapters/*", "gd/*.py", "_static/*"]

# Outside address prefix -> local file or folder that answers it. The
# versions are the ones myst-nb 1.4 and Sphinx 7.4 write into the pages;
# package.json pins the same ones.
LOCAL_COPIES = {
    "https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@1.0.6/":
        NODE_MODULES / "@jupyter-widgets" / "html-manager",
    "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.4/"
    "require.min.js":
        NODE_MODULES / "requirejs" / "require.js",
    "https://cdn.jsdelivr.net/npm/mathjax@3/":
        NODE_MODULES / "mathjax",
}
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
# The page pins the cdnjs build of require.js by its hash; the npm
# package holds the same release unminified, so the suite drops the
# integrity attribute of that one script tag (and only if the tag is
# exactly this one).
REQUIRE_TAG = re.compile(
    r'<script crossorigin="anonymous" integrity="sha256-Ae2Vz/4ePdIu6Zy'
    r'I/5ZGsYnb\+m0JlOmKPjt6XZ9JJkA=" src="https://cdnjs\.cloudflare\.com'
    r'/ajax/libs/require\.js/2\.3\.4/require\.min\.js">')
REQUIRE_TAG_LOCAL = ('<script src="https://cdnjs.cloudflare.com/ajax/libs/'
                     'require.js/2.3.4/require.min.js">')

MIME = {".js": "application/javascript", ".css": "text/css",
        ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf",
        ".eot": "application/vnd.ms-fontobject", ".svg": "image/svg+xml",
        ".json": "application/json"}


def toc_pages(root=REPO):
    """Every page of the book in _toc.yml order, as built HTML paths."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    walk(toc.get("sections"))
    return [re.sub(r"\.(md|ipynb)$", "", f) + ".html" for f in files]
