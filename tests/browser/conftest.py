"""Fixtures for the browser suite: the built site, a server, a browser.

The site: `_build/html` is reused when it exists and is newer than every
source file of the book; otherwise the book is built into a temporary
folder with ``jupyter-book build . --all -W -n --keep-going
--path-output TMP`` so that a running build in `_build` is never
disturbed. Set DOWNHILL_SITE to a built `html` folder to test that one.

The browser: Debian's chromium (``/usr/bin/chromium``, or
DOWNHILL_CHROMIUM) driven by Playwright for Python, with no browser of
Playwright's own. Without chromium, Playwright or the npm packages the
tests are skipped, unless the environment variable CI is set: then they
fail.

Every request to a host other than 127.0.0.1 is routed: the scripts the
pages load from CDNs are answered from the npm packages in
``tests/browser/node_modules`` (see `LOCAL_COPIES`); any other outside
request is aborted and recorded as a failure of its page.
"""

import functools
import http.server
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import threading

import pytest
from browser_support import (
    AXE,
    CHROMIUM,
    CHROMIUM_ARGS,
    LOCAL_COPIES,
    MIME,
    REPO,
    REQUIRE_TAG,
    REQUIRE_TAG_LOCAL,
    SOURCE_GLOBS,
    toc_pages,
)


def _unavailable():
    """Why the browser suite cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no chromium at {CHROMIUM}"
    missing = [p for p in [*LOCAL_COPIES.values(), AXE] if not p.exists()]
    if missing:
        return (f"npm packages missing ({missing[0]}): run "
                "`npm ci --prefix tests/browser`")
    return None


def skip_or_fail(reason):
    """Skip on a reader's laptop; fail in CI (CI set) where it must run."""
    reason += "; run .ci/browser-setup.sh to install what is needed"
    if os.environ.get("CI"):
        pytest.fail(f"browser suite cannot run in CI: {reason}",
                    pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def tools():
    reason = _unavailable()
    if reason:
        skip_or_fail(reason)


def _newest_source(root):
    newest = 0.0
    for pattern in SOURCE_GLOBS:
        for path in root.glob(pattern):
            if path.is_file():
                newest = max(newest, path.stat().st_mtime)
    return newest


def _fresh(html):
    index = html / "index.html"
    return (index.exists()
            and all((html / p).exists() for p in toc_pages())
            and index.stat().st_mtime >= _newest_source(REPO))


@pytest.fixture(scope="session")
def site(tools, tmp_path_factory):
    """The folder of the built site: reused if fresh, else built."""
    if os.environ.get("DOWNHILL_SITE"):
        return pathlib.Path(os.environ["DOWNHILL_SITE"]).resolve()
    built = REPO / "_build" / "html"
    if _fresh(built):
        return built
    out = tmp_path_factory.mktemp("site")
    jb = shutil.which("jupyter-book")
    if jb is None:
        skip_or_fail("jupyter-book is not installed")
    log = out / "build.log"
    with open(log, "w") as f:
        result = subprocess.run(
            [jb, "build", ".", "--all", "-W", "-n", "--keep-going",
             "--path-output", str(out)],
            cwd=REPO, stdout=f, stderr=subprocess.STDOUT, timeout=900)
    if result.returncode != 0:
        tail = log.read_text()[-3000:]
        pytest.fail(f"the book does not build (exit {result.returncode}):"
                    f"\n{tail}", pytrace=False)
    return out / "_build" / "html"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(site):
    """Base URL of the site served on 127.0.0.1 on a free port."""
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser_context(tools, server):
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="downhill-chromium-")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        context.route(lambda url: not url.startswith(server), _outside)
        context.route(re.compile(re.escape(server) + r".*\.html(\?.*)?$"),
                      _document)
        try:
            yield context
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


def _outside(route):
    """Answer a CDN script from node_modules; abort anything else."""
    url = route.request.url
    for prefix, local in LOCAL_COPIES.items():
        if url.startswith(prefix):
            path = local
            if local.is_dir():
                path = local / url[len(prefix):].split("?")[0]
            if path.is_file():
                return route.fulfill(
                    path=str(path),
                    content_type=MIME.get(path.suffix, "text/plain"),
                    headers={"Access-Control-Allow-Origin": "*"})
    try:
        route.request.frame.page.downhill_outside.append(url)
    except Exception:  # a request with no page, such as a worker's
        pass
    return route.abort("blockedbyclient")


def _document(route):
    """Serve a page with the require.js tag pointed at the local copy."""
    response = route.fetch()
    body = REQUIRE_TAG.sub(REQUIRE_TAG_LOCAL, response.text())
    route.fulfill(response=response, body=body)
