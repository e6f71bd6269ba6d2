"""axe-core (from the npm registry, installed by ``npm ci`` in tests/browser) run inside a page.

The page never fetches it: the file ``tests/browser/node_modules/axe-core/axe.min.js`` is read
here and evaluated in the page. Without it the accessibility tests skip locally and fail under
``CONV_TEACH_REQUIRE_BROWSER=1`` (CI, where ``.ci/run`` runs ``npm ci``).
"""
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
#: impacts that fail a test (axe's scale: minor, moderate, serious, critical)
FAILING = ("serious", "critical")


def why_no_axe():
    """None if axe-core is installed where the tests load it from, else why not."""
    if not AXE.is_file():
        return (f"axe-core is not installed at {AXE.relative_to(HERE.parents[1])} "
                f"(run `npm ci` in tests/browser)")
    return None


def version():
    return json.loads((AXE.parent / "package.json").read_text())["version"]


def load(page):
    """Evaluate axe in ``page`` (once), hiding any AMD loader so that it sets ``window.axe``."""
    if page.evaluate("() => typeof window.axe === 'object'"):
        return
    src = AXE.read_text(encoding="utf-8")
    page.evaluate("src => { const f = new Function('define', 'module', 'exports', src);"
                  " f.call(window, undefined, undefined, undefined); }", src)
    assert page.evaluate("() => typeof window.axe === 'object'"), "axe-core did not load"


def violations(page, selector):
    """axe's serious or critical violations inside every element matching ``selector``.

    Returns a list of ``"rule (impact): help -- first offending element"`` strings."""
    load(page)
    result = page.evaluate(
        """async sel => {
            const els = [...document.querySelectorAll(sel)];
            if (!els.length) return {missing: true};
            const r = await window.axe.run({include: els.map(e => e)},
                                           {resultTypes: ['violations']});
            return {violations: r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.length, first: v.nodes[0] && v.nodes[0].html.slice(0, 200)}))};
        }""", selector)
    assert not result.get("missing"), f"axe: nothing matches {selector!r} in the page"
    return [f"{v['id']} ({v['impact']}): {v['help']} -- {v['nodes']} element(s), e.g. {v['first']}"
            for v in result["violations"] if v["impact"] in FAILING]
