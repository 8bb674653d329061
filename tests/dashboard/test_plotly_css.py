"""static/css/plotly.css holds the style rules plotly.js would otherwise write into a <style>
element of its own when it loads: the Content-Security-Policy allows styles from the app's
files only (no 'unsafe-inline'), which would block that element. The pages that draw charts
link the file with id="plotly.js-style-global" and class="no-inline-styles", which tells
plotly.js (since 2.35) the rules are there and to add none; an empty element with the id of
maplibre's <style> keeps plotly.js from adding the map styles (no chart draws a map)
(templates/dashboard/_plotly_styles.html).

The file is made from the installed plotly.js: this test fails when plotly is upgraded and its
rules change; `PLOTLY_CSS_UPDATE=1 pytest tests/dashboard/test_plotly_css.py` writes it anew.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import plotly

from dashboard.finders import _PACKAGE_DATA

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "plotly.css"
# One `selector: declarations` pair of plotly's rules object (src/build/plotcss.js, minified:
# a key is quoted, or a bare name).
_PAIR = re.compile(
    r"""\s*(?:(?P<quoted>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<bare>[A-Za-z_$][\w$]*))"""
    r"""\s*:\s*(?P<rule>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*(?:,|$)"""
)


def plotly_rules() -> list[tuple[str, str]]:
    """plotly.js's global style rules as (selector, declarations), in its own order."""
    script = (_PACKAGE_DATA / "plotly.min.js").read_text(encoding="utf-8")
    first = script.index('"X,X div":')
    opening = script.rindex("{", 0, first)
    body = script[opening + 1 : script.index("};for(", opening)]
    assert '.replace(/X/g,".js-plotly-plot .plotly").replace(/Y/g,".plotly-notifier")' in script
    rules, position = [], 0
    while position < len(body):
        pair = _PAIR.match(body, position)
        assert pair is not None, f"plotly's rules changed shape near {body[position:][:60]!r}"
        key = pair["bare"] or ast.literal_eval(pair["quoted"])
        selector = re.sub("^,", " ,", key).replace("X", ".js-plotly-plot .plotly")
        rules.append((selector.replace("Y", ".plotly-notifier"), ast.literal_eval(pair["rule"])))
        position = pair.end()
    return rules


def expected_css() -> str:
    version = re.search(r"plotly\.js v([\d.]+)", (_PACKAGE_DATA / "plotly.min.js").read_text())
    header = (
        f"/* plotly.js v{version[1] if version else '?'} (MIT licence, (c) Plotly, Inc.): the "
        "style rules it would add in a <style>\n"
        f"   element. Made from plotly {plotly.__version__}'s package by "
        "tests/dashboard/test_plotly_css.py; do not edit. */\n"
    )
    # plotly inserts each rule at the top of its sheet, so the last it adds comes first.
    lines = [f"{selector}{{{rule}}}" for selector, rule in reversed(plotly_rules())]
    return header + "\n".join(lines) + "\n"


def test_the_static_plotly_css_holds_the_rules_of_the_installed_plotly_js() -> None:
    expected = expected_css()
    if os.environ.get("PLOTLY_CSS_UPDATE") == "1":
        CSS.write_text(expected, encoding="utf-8")
    assert len(plotly_rules()) > 40
    assert CSS.read_text(encoding="utf-8") == expected, "run PLOTLY_CSS_UPDATE=1 pytest " + __file__


def maplibre_style_id() -> str:
    """The id of the <style> element plotly.js fills with maplibre's map styles unless an
    element with that id is already on the page."""
    script = (_PACKAGE_DATA / "plotly.min.js").read_text(encoding="utf-8")
    found = re.findall(
        r'if\(!document\.getElementById\("(\w+)"\)\)\{var (\w)=document\.createElement\("style"\)',
        script,
    )
    assert len(found) == 1, "plotly.js adds <style> elements in new places: check them"
    assert script.count('createElement("style")') == 2  # the global rules' and maplibre's
    return found[0][0]


def test_the_chart_pages_keep_plotly_from_adding_style_elements() -> None:
    templates = Path(__file__).resolve().parents[2] / "templates" / "dashboard"
    styles = (templates / "_plotly_styles.html").read_text(encoding="utf-8")
    link = (
        '<link rel="stylesheet" id="plotly.js-style-global" class="no-inline-styles" '
        "href=\"{% static 'css/plotly.css' %}\">"
    )
    assert link in styles
    assert f'<template id="{maplibre_style_id()}"></template>' in styles
    include = '{% include "dashboard/_plotly_styles.html" %}'
    for name in ("index.html", "indicator_detail.html"):
        page = (templates / name).read_text(encoding="utf-8")
        assert include in page and "vendor/plotly.min.js" in page, name
