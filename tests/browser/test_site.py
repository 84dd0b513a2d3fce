"""The reader's view of every page of the book, in a real browser.

Pages come from _toc.yml, so a chapter added there is checked without
editing this file. Each page is opened once and checked in order; the
test of JavaScript errors runs last, so it also sees errors raised by
the sliders being moved and by dark mode.
"""

import re
import urllib.parse

import pytest
from browser_support import AXE, REPO, toc_pages

PAGES = toc_pages()

# Console errors that come from third-party code the book loads as it
# is and cannot change through its own configuration, each with why it
# is accepted. Matched against "message @ url".
KNOWN_CONSOLE_ERRORS = {
    r"Cannot read properties of undefined \(reading 'Queue'\)":
        "@jupyter-widgets/html-manager 1.0.6 typesets widget labels with "
        "MathJax 2's MathJax.Hub.Queue, but Sphinx 7.4 loads MathJax 3; "
        "raised once per widget on pages with both math and widgets, and "
        "the widgets still work",
    r"(HTTP 404 for|status of 404 .* @) .*/@jupyter-widgets/html-manager/"
    r"dist/"
    r"[0-9a-f]+\.(woff2?|ttf|eot|svg)$":
        "html-manager 1.0.6 looks for its icon fonts next to the page "
        "instead of on the CDN (its AMD module name resolves against the "
        "page); the flipbooks use no icons",
    r"Cannot read properties of null \(reading 'processLuminoMessage'\)":
        "html-manager 1.0.6's Stack view sometimes gets a layout message "
        "for a frame view it has already removed when the slider moves "
        "fast; it happens at random and the next frame still shows",
}

# axe-core violations caused by markup of the theme (sphinx-book-theme
# 1.3 / pydata-sphinx-theme 0.17), Sphinx 7.4 or ipywidgets 8 that the
# book cannot change through its configuration or CSS. Rule id ->
# (CSS selector that every offending element must match, reason); a
# violation of the rule elsewhere still fails.
AXE_ALLOWED = {
    "label-content-name-mismatch": (
        ".search-button__button, .theme-switch-button, details.hide > summary",
        "pydata-sphinx-theme's search buttons are labelled 'Search' but "
        "show 'Search... Ctrl+K', its theme switch's label is not its "
        "visible text, and myst-nb 1.4 labels every hidden-cell toggle "
        "'Toggle hidden content' while showing 'Show code cell source'"),
    "aria-input-field-name": (
        ".downhill-flipbook .noUi-handle",
        "ipywidgets 8 draws a slider as a noUiSlider handle with "
        "role=slider and no accessible name (its description is a "
        "separate <label> not tied to it); gd cannot set attributes on "
        "it, and each flipbook has a static figure beside it"),
    "aria-required-children": (
        ".citation-list",
        "Sphinx 7.4 writes the bibliography as role=list holding "
        "role=doc-biblioentry items, which axe does not accept as list "
        "items"),
}

MIN_ALT_WORDS = 5
FILENAME = re.compile(r"^\S+\.(png|jpe?g|gif|svg|webp)$|^(image|figure|"
                      r"img|png|picture|plot)\s*\d*$", re.IGNORECASE)


def _settle(page):
    """Wait until every embedded widget has rendered and math is set."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("""() => {
        const views = document.querySelectorAll(
            'script[type="application/vnd.jupyter.widget-view+json"]');
        const done = document.querySelectorAll(
            '.widget-subarea > .lm-Widget');
        return done.length >= views.length;
    }""")
    page.evaluate("""async () => {
        if (window.MathJax && MathJax.startup && MathJax.startup.promise)
            await MathJax.startup.promise;
    }""")


@pytest.fixture(scope="module", params=PAGES)
def book_page(request, browser_context, server):
    """One page of the book, open in the browser, with its error log."""
    page = browser_context.new_page()
    page.downhill_outside = []
    page.downhill_errors = []

    def on_console(message):
        if message.type == "error":
            url = message.location.get("url", "")
            page.downhill_errors.append(f"{message.text} @ {url}")

    page.on("console", on_console)
    page.on("pageerror",
            lambda error: page.downhill_errors.append(
                f"uncaught {error.name}: {error.message}"))
    page.on("response",
            lambda r: r.status >= 400 and page.downhill_errors.append(
                f"HTTP {r.status} for {r.url}"))
    page.downhill_name = request.param
    response = page.goto(server + request.param, wait_until="load")
    page.downhill_status = response.status if response else None
    _settle(page)
    yield page
    page.close()


def test_page_is_built(book_page):
    assert book_page.downhill_status == 200, (
        f"{book_page.downhill_name} is in _toc.yml but the site answers "
        f"{book_page.downhill_status}")


def test_widgets_render(book_page):
    """Every widget on the page rendered (no 'could not be displayed')."""
    failed = book_page.evaluate("""() => {
        const views = [...document.querySelectorAll(
            'script[type="application/vnd.jupyter.widget-view+json"]')];
        return views.filter(v => {
            const area = v.parentElement.querySelector('.widget-subarea');
            return !area || !area.querySelector('.lm-Widget');
        }).length;
    }""")
    assert failed == 0, f"{failed} widget(s) did not render"


def test_images_load_and_have_alt_text(book_page):
    images = book_page.evaluate("""() => [...document.images].map(img => ({
        content: !!img.closest('article'),
        src: img.currentSrc.startsWith('data:') ? 'data:... in '
             + (img.closest('.downhill-flipbook') ? 'a flipbook'
                : 'the page') : img.currentSrc,
        alt: img.getAttribute('alt'),
        complete: img.complete,
        width: img.naturalWidth,
    }))""")
    problems = []
    for img in images:
        alt = (img["alt"] or "").strip()
        if not img["complete"] or img["width"] == 0:
            problems.append(f"does not load: {img['src']}")
        if not alt:
            problems.append(f"no alt text: {img['src']}")
        elif not img["content"]:
            continue  # the theme's icons: a short name is right there
        elif FILENAME.match(alt):
            problems.append(f"alt text is a file name ({alt!r}): "
                            f"{img['src']}")
        elif len(alt.split()) < MIN_ALT_WORDS:
            problems.append(f"alt text too short to say what to notice "
                            f"({alt!r}): {img['src']}")
    assert not problems, "\n".join(problems)


def _token(text):
    """A regex finding `text` as a whole number or word, not a part."""
    return re.compile(r"(?<![\w.])" + re.escape(text) + r"(?![\w]|\.\d)",
                      re.IGNORECASE)


def _frame(flipbook):
    """The visible frame of a flipbook: (src, alt)."""
    return flipbook.evaluate("""fb => {
        const imgs = [...fb.querySelectorAll('img')].filter(
            i => i.offsetParent !== null);
        if (imgs.length !== 1) return [null, 'visible frames: ' + imgs.length];
        return [imgs[0].src, imgs[0].alt];
    }""")


MAX_STEPS = 60


def test_flipbooks_follow_their_slider(book_page):
    """Each key press moves the slider and shows the matching frame."""
    page = book_page
    problems = []
    flipbooks = page.locator(".downhill-flipbook")
    for i in range(flipbooks.count()):
        fb = flipbooks.nth(i)
        label = fb.locator(".widget-label").first.inner_text()
        name = f"flipbook {i + 1} ({label!r})"
        handle = fb.locator(".noUi-handle")
        readout = fb.locator(".widget-readout")
        if handle.count() != 1 or readout.count() != 1:
            problems.append(f"{name}: expected one slider with a readout")
            continue
        low = float(handle.get_attribute("aria-valuemin"))
        high = float(handle.get_attribute("aria-valuemax"))
        now = float(handle.get_attribute("aria-valuenow"))
        key = "ArrowRight" if now < high else "ArrowLeft"
        steps = int(min(MAX_STEPS, abs((high if key == "ArrowRight"
                                        else low) - now)))
        src, alt = _frame(fb)
        shown = readout.inner_text().strip()
        if not src or not _token(shown).search(alt or ""):
            problems.append(f"{name}: at {shown!r} the frame's alt text "
                            f"is {alt!r}")
        if steps == 0:
            problems.append(f"{name}: a slider with a single value")
        handle.focus()
        for step in range(steps):
            page.keyboard.press(key)
            try:
                page.wait_for_function(
                    "([r, old]) => r.innerText.trim() !== old",
                    arg=[readout.element_handle(), shown], timeout=3000)
            except Exception:
                problems.append(f"{name}: {key} at {shown!r} did not move "
                                f"the slider")
                break
            value = readout.inner_text().strip()
            new_src, new_alt = _frame(fb)
            if new_src is None or new_src == src:
                problems.append(f"{name}: moving from {shown!r} to "
                                f"{value!r} did not change the picture "
                                f"({new_alt})")
                break
            if not _token(value).search(new_alt):
                problems.append(f"{name}: the slider reads {value!r} but "
                                f"the frame's alt text is {new_alt!r}")
                break
            shown, src = value, new_src
    assert not problems, "\n".join(problems)


CONTROLS = ("input, select, textarea, button, .noUi-target, "
            ".widget-slider, .widget-dropdown, .widget-select, "
            ".widget-toggle-buttons, .widget-toggle-button, "
            ".widget-checkbox, .widget-radio, .widget-text, .widget-button")


def test_no_controls_outside_flipbooks(book_page):
    """A widget control outside a flipbook would change nothing here."""
    stray = book_page.evaluate("""sel => {
        const out = [];
        document.querySelectorAll('.downhill-explorer').forEach(e =>
            out.push('a live explorer (.downhill-explorer)'));
        document.querySelectorAll('.widget-subarea').forEach(area =>
            area.querySelectorAll(sel).forEach(c => {
                if (!c.closest('.downhill-flipbook'))
                    out.push(c.className || c.tagName);
            }));
        return out;
    }""", CONTROLS)
    assert not stray, ("widget controls on the website that move nothing "
                       "(live explorers must be tagged remove-output): "
                       f"{stray}")


def _source(page_name):
    stem = page_name[:-len(".html")]
    for suffix in (".ipynb", ".md"):
        if (REPO / (stem + suffix)).exists():
            return stem + suffix
    return None


def test_launch_and_download_links(book_page, site):
    page_name = book_page.downhill_name
    source = _source(page_name)
    links = book_page.evaluate(
        "() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
    binder = [u for u in links if "mybinder.org/v2/" in u]
    colab = [u for u in links if "colab.research.google.com" in u]
    downloads = [u for u in links if "/_sources/" in u]
    problems = []
    if source and source.endswith(".ipynb"):
        for kind, found in [("Binder", binder), ("Colab", colab)]:
            if not found:
                problems.append(f"no {kind} link on a notebook page")
        if not any(u.split("?")[0].endswith(".ipynb") for u in downloads):
            problems.append("no link to download the notebook")
    launchers = {
        "Binder": (binder, r"/v2/gh/[^/]+/[^/]+/([^?]+)\?urlpath=(?:tree|"
                           r"lab/tree)/(.+)$"),
        "Colab": (colab, r"/github/[^/]+/[^/]+/blob/([^/]+)/(.+)$"),
    }
    for name, (urls, form) in launchers.items():
        for url in urls:
            m = re.search(form, url)
            if not m:
                problems.append(f"{name} link of an unknown form: {url}")
                continue
            branch, path = m.group(1), urllib.parse.unquote(m.group(2))
            if branch != "main":
                problems.append(
                    f"{name} link names branch {branch!r}: {url}")
            if not (REPO / path).is_file():
                problems.append(f"{name} link opens {path}, which is not "
                                "in the repository")
    for url in downloads:
        rel = urllib.parse.unquote(
            urllib.parse.urlparse(url).path).split("/_sources/", 1)[1]
        if not (site / "_sources" / rel).is_file():
            problems.append(f"download link to a missing file: {url}")
        if not (REPO / rel).is_file():
            problems.append(f"download link offers {rel}, which is not in "
                            "the repository")
    assert not problems, "\n".join(problems)


def _axe(page):
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    allowed = {rule: sel for rule, (sel, _) in AXE_ALLOWED.items()}
    return page.evaluate("""async allowed => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        const excused = (v, n) => {
            if (!(v.id in allowed) || n.target.length !== 1) return false;
            const el = document.querySelector(n.target[0]);
            return !!el && el.matches(allowed[v.id]);
        };
        return r.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({...v, nodes: v.nodes.filter(n => !excused(v, n))}))
            .filter(v => v.nodes.length > 0)
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 5).map(
                            n => n.target.join(' ')),
                        count: v.nodes.length}));
    }""", allowed)


def _report(violations):
    return "\n".join(
        f"{v['impact']} {v['id']} ({v['help']}) on {v['count']} "
        f"element(s), such as {v['nodes']}" for v in violations)


def _set_theme(page, theme):
    page.evaluate("""theme => {
        document.documentElement.dataset.mode = theme;
        document.documentElement.dataset.theme = theme;
    }""", theme)
    page.wait_for_timeout(100)


def test_accessibility_light(book_page):
    _set_theme(book_page, "light")
    bad = _axe(book_page)
    assert not bad, _report(bad)


def test_dark_mode_figures_stay_readable(book_page):
    """In dark mode every figure sits on an opaque light background."""
    page = book_page
    _set_theme(page, "dark")
    problems = page.evaluate("""() => {
        const out = [];
        const parse = c => (c.match(/[\\d.]+/g) || []).map(Number);
        const light = c => {
            const [r, g, b, a] = parse(c);
            return (a === undefined || a === 1)
                && 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.9 * 255;
        };
        const article = document.querySelector('article') || document.body;
        for (const img of article.querySelectorAll('img')) {
            if (!img.naturalWidth) continue;
            const canvas = document.createElement('canvas');
            canvas.width = img.naturalWidth;
            canvas.height = img.naturalHeight;
            const ctx = canvas.getContext('2d');
            ctx.drawImage(img, 0, 0);
            const data = ctx.getImageData(0, 0, canvas.width,
                                          canvas.height).data;
            let transparent = 0;
            for (let i = 3; i < data.length; i += 4)
                if (data[i] < 255) transparent++;
            const bg = getComputedStyle(img).backgroundColor;
            if (transparent > 0 && !light(bg))
                out.push(`${img.alt.slice(0, 60)}...: ${transparent} `
                         + `see-through pixels on background ${bg}`);
        }
        return out;
    }""")
    assert not problems, "\n".join(problems)


def test_accessibility_dark(book_page):
    _set_theme(book_page, "dark")
    bad = _axe(book_page)
    _set_theme(book_page, "light")
    assert not bad, _report(bad)


def test_no_javascript_errors(book_page):
    """No error in the console, and no request to another host left."""
    errors = [e for e in book_page.downhill_errors
              if not any(re.search(p, e) for p in KNOWN_CONSOLE_ERRORS)]
    outside = book_page.downhill_outside
    assert not errors and not outside, (
        "console errors:\n" + "\n".join(errors)
        + "\nrequests to other hosts (blocked):\n" + "\n".join(outside))


def test_every_built_page_is_in_the_toc(site):
    """The suite sees every page: nothing built outside _toc.yml."""
    skip = {"genindex.html", "search.html"}
    built = {p.relative_to(site).as_posix() for p in site.rglob("*.html")
             if not p.relative_to(site).parts[0].startswith("_")}
    extra = built - set(PAGES) - skip - {"index.html"}
    assert not extra, f"built pages not in _toc.yml: {sorted(extra)}"
