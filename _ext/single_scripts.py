"""Drop repeated inline scripts from every page.

sphinx-thebe 0.3.1 adds its inline configuration script during
env-before-read-docs, and Sphinx 7.4 then lists it twice on each page;
the second copy redeclares a `const` and throws in the browser.
"""


def _dedupe(app, pagename, templatename, context, doctree):
    seen, kept = set(), []
    for script in context.get("script_files", []):
        body = getattr(script, "attributes", {}).get("body")
        if not script.filename and body:
            if body in seen:
                continue
            seen.add(body)
        kept.append(script)
    context["script_files"] = kept


def setup(app):
    app.connect("html-page-context", _dedupe)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
