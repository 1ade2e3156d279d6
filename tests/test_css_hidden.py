"""Which elements a page's own stylesheet hides (drafting/audit/extract/css.py).

Each case is a page: a stylesheet and a body whose elements are named by `id`; the test
says which of them the cascade hides. Hostile stylesheets must neither crash nor take long.
"""

from __future__ import annotations

import time

import lxml.html
import pytest

from drafting.audit.extract import css
from drafting.audit.extract.html import extract_html

# (why, stylesheet, body, ids of the elements hidden)
CASCADE: list[tuple[str, str, str, set[str]]] = [
    ("a class rule hides", ".promo{display:none}", "<p id=a class=promo>x</p><p id=b>y</p>", {"a"}),
    ("visibility hidden hides", ".v{visibility:hidden}", "<p id=a class=v>x</p>", {"a"}),
    (
        "visibility collapse hides",
        "tr.v{visibility:collapse}",
        "<table><tr id=a class=v><td>x</td></tr></table>",
        {"a"},
    ),
    ("visibility visible does not", ".v{visibility:visible}", "<p id=a class=v>x</p>", set()),
    (
        "a more specific rule shows again",
        ".tab{display:none} .tab.active{display:block}",
        "<div id=a class=tab>x</div><div id=b class='tab active'>y</div>",
        {"a"},
    ),
    (
        "a later rule of equal specificity wins",
        ".a{display:none} .b{display:block}",
        "<p id=a class='a b'>x</p>",
        set(),
    ),
    (
        "an earlier rule loses to a later one",
        ".b{display:block} .a{display:none}",
        "<p id=a class='a b'>x</p>",
        {"a"},
    ),
    (
        "an id beats classes",
        "#a{display:none} .x.y.z{display:block}",
        "<p id=a class='x y z'>x</p>",
        {"a"},
    ),
    (
        "important beats specificity",
        ".x{display:none!important} #a.x{display:block}",
        "<p id=a class=x>x</p>",
        {"a"},
    ),
    (
        "important with spaces and capitals",
        ".x{display:none ! IMPORTANT} #a{display:block}",
        "<p id=a class=x>x</p>",
        {"a"},
    ),
    (
        "a later important beats an earlier important",
        ".x{display:none!important} .x{display:block!important}",
        "<p id=a class=x>x</p>",
        set(),
    ),
    (
        "in one rule the last declaration wins",
        ".x{display:none; display:block}",
        "<p id=a class=x>x</p>",
        set(),
    ),
    (
        "an important declaration beats a later plain one in the same rule",
        ".x{display:none!important; display:block}",
        "<p id=a class=x>x</p>",
        {"a"},
    ),
    (
        "an inline style beats a sheet rule",
        ".x{display:none}",
        "<p id=a class=x style='display:block'>x</p>",
        set(),
    ),
    (
        "an important sheet rule beats an inline style",
        ".x{display:none!important}",
        "<p id=a class=x style='display:block'>x</p>",
        {"a"},
    ),
    (
        "an important inline style beats an important sheet rule",
        ".x{display:none!important}",
        "<p id=a class=x style='display:block !important'>x</p>",
        set(),
    ),
    (
        "display and visibility are separate cascades",
        ".x{visibility:hidden} #a{display:block}",
        "<p id=a class=x>x</p>",
        {"a"},
    ),
    (
        "a value that cannot be evaluated shows",
        ".x{display:none} .x.y{display:var(--d)}",
        "<p id=a class='x y'>x</p>",
        set(),
    ),
    (
        "an empty value is ignored",
        ".x{display:none} .x.y{display:}",
        "<p id=a class='x y'>x</p>",
        {"a"},
    ),
    (
        "a descendant selector",
        ".box p{display:none}",
        "<div class=box><div><p id=a>x</p></div></div><p id=b>y</p>",
        {"a"},
    ),
    (
        "a child selector",
        ".box > p{display:none}",
        "<div class=box><p id=a>x</p><div><p id=b>y</p></div></div>",
        {"a"},
    ),
    ("an adjacent sibling", "h2 + p{display:none}", "<h2>t</h2><p id=a>x</p><p id=b>y</p>", {"a"}),
    (
        "a general sibling",
        "h2 ~ p{display:none}",
        "<p id=c>w</p><h2>t</h2><p id=a>x</p><p id=b>y</p>",
        {"a", "b"},
    ),
    (
        "a chain of combinators",
        "main .box > ul li{display:none}",
        "<main><div class=box><ul><li id=a>x</li></ul></div></main>"
        "<div class=box><ul><li id=b>y</li></ul></div>",
        {"a"},
    ),
    (
        "a comma list",
        ".old, .older{display:none}",
        "<p id=a class=old>x</p><p id=b class=older>y</p>",
        {"a", "b"},
    ),
    (
        "an attribute selector",
        "[data-state=closed]{display:none}",
        "<p id=a data-state=closed>x</p><p id=b data-state=open>y</p>",
        {"a"},
    ),
    (
        "a positional pseudo-class",
        ".slide:not(:first-child){display:none}",
        "<div><p id=c class=slide>x</p><p id=a class=slide>y</p><p id=b class=slide>z</p></div>",
        {"a", "b"},
    ),
    (
        "a rule hiding on hover hides nothing",
        ".card:hover p{display:none}",
        "<div class=card><p id=a>x</p></div>",
        set(),
    ),
    (
        "not-hover is still a hover state",
        ".tip:not(:hover){display:none}",
        "<p id=a class=tip>x</p>",
        set(),
    ),
    (
        "a rule showing when checked shows nothing",
        "#t:checked ~ .more{display:block} .more{display:none}",
        "<input id=t type=checkbox checked><p id=a class=more>x</p>",
        {"a"},
    ),
    (
        "focus-within is ignored",
        ".menu:focus-within{display:none}",
        "<div id=a class=menu>x</div>",
        set(),
    ),
    (
        "a pseudo-element is ignored",
        "p::before{display:none} p:after{display:none}",
        "<p id=a>x</p>",
        set(),
    ),
    (
        "a selector list cssselect cannot parse is ignored whole",
        ".x[, .y{display:none}",
        "<p id=a class=x>x</p><p id=b class=y>y</p>",
        set(),
    ),
    (
        "a selector cssselect cannot translate is ignored, the rest of the list kept",
        ".x:unknown-thing, .y{display:none}",
        "<p id=a class=x>x</p><p id=b class=y>y</p>",
        {"b"},
    ),
    (
        "comments are not rules",
        "/* .x{display:none} */ .y{display:none}",
        "<p id=a class=x>x</p><p id=b class=y>y</p>",
        {"b"},
    ),
    (
        "a brace in a string is not structure",
        '.x::after{content:"}"} .y{display:none}',
        "<p id=b class=y>y</p>",
        {"b"},
    ),
    (
        "a brace in an attribute value",
        '[title="}"]{display:none}',
        '<p id=a title="}">x</p>',
        {"a"},
    ),
    (
        "an escaped class name",
        r".md\:hidden{display:none}",
        '<p id=a class="md:hidden">x</p>',
        {"a"},
    ),
    (
        "HTML comment markers around a sheet",
        "<!-- .x{display:none} -->",
        "<p id=a class=x>x</p>",
        {"a"},
    ),
    (
        "@media print hides nothing",
        "@media print{.x{display:none}}",
        "<p id=a class=x>x</p>",
        set(),
    ),
    ("@media screen hides", "@media screen{.x{display:none}}", "<p id=a class=x>x</p>", {"a"}),
    ("@media all hides", "@media all{.x{display:none}}", "<p id=a class=x>x</p>", {"a"}),
    (
        "@media screen, print hides",
        "@media screen, print{.x{display:none}}",
        "<p id=a class=x>x</p>",
        {"a"},
    ),
    (
        "@media without a space",
        "@media(max-width:600px){.x{display:block}} .x{display:none}",
        "<p id=a class=x>x</p>",
        {"a"},
    ),
    (
        "@media without a space can show",
        ".x{display:none} @media(min-width:600px){.x{display:block}}",
        "<p id=a class=x>x</p>",
        set(),
    ),
    (
        "@media not print hides nothing: a condition",
        "@media not print{.x{display:none}}",
        "<p id=a class=x>x</p>",
        set(),
    ),
    (
        "a width query hides nothing",
        "@media (max-width:600px){.x{display:none}}",
        "<p id=a class=x>x</p>",
        set(),
    ),
    (
        "a width query can show",
        ".x{display:none} @media (min-width:768px){.x{display:block}}",
        "<p id=a class=x>x</p>",
        set(),
    ),
    (
        "a width query that shows and hides again",
        ".x{display:none} @media (min-width:768px){.x{display:block} .x.y{display:none}}",
        "<p id=a class='x y'>x</p><p id=b class=x>y</p>",
        {"a"},
    ),
    (
        "a showing query loses to an important base rule",
        ".x{display:none!important} @media (min-width:768px){.x{display:block}}",
        "<p id=a class=x>x</p>",
        {"a"},
    ),
    (
        "a print query cannot show",
        ".x{display:none} @media print{.x{display:block}}",
        "<p id=a class=x>x</p>",
        {"a"},
    ),
    (
        "@supports is skipped",
        "@supports (display:grid){.x{display:none}}",
        "<p id=a class=x>x</p>",
        set(),
    ),
    ("@layer is skipped", "@layer base{.x{display:none}}", "<p id=a class=x>x</p>", set()),
    (
        "an @import statement ends at its semicolon",
        '@import url("a.css"); .x{display:none}',
        "<p id=a class=x>x</p>",
        {"a"},
    ),
    (
        "a nested rule is not the outer rule's declaration",
        ".x{color:red; .y{display:none}}",
        "<div id=a class=x><p class=y>y</p></div>",
        set(),
    ),
    (
        "a declaration after a nested rule is the outer rule's",
        ".x{.y{color:red} display:none}",
        "<div id=a class=x>x</div>",
        {"a"},
    ),
    ("a block left open ends with the sheet", ".x{display:none", "<p id=a class=x>x</p>", {"a"}),
    (
        "a stray closing brace spoils only the next selector",
        "} .x{display:none} .y{display:none}",
        "<p id=a class=x>x</p><p id=b class=y>y</p>",
        {"b"},
    ),
    (
        "the body is never taken as hidden",
        "body{display:none} .x{display:none}",
        "<p id=a class=x>x</p>",
        {"a"},
    ),
    ("class names are case-sensitive", ".Promo{display:none}", "<p id=a class=promo>x</p>", set()),
    ("tag names are not", "P{display:none}", "<p id=a>x</p>", {"a"}),
    (
        "a class list split by tabs and newlines",
        ".x{display:none}",
        "<p id=a class='y\tx\nz'>x</p>",
        {"a"},
    ),
    (
        "a non-breaking space does not split a class list",
        ".x{display:none}",
        "<p id=a class='y\u00a0x'>x</p>",
        set(),
    ),
]


def _page(sheet: str, body: str, media: str = "", kind: str = "") -> lxml.html.HtmlElement:
    attributes = (f' media="{media}"' if media else "") + (f' type="{kind}"' if kind else "")
    return lxml.html.document_fromstring(
        f"<html><head><style{attributes}>{sheet}</style></head><body>{body}</body></html>"
    )


def _hidden_ids(root: lxml.html.HtmlElement) -> set[str]:
    return {e.get("id", "?") for e in css.hidden_elements(root)}


@pytest.mark.parametrize(("why", "sheet", "body", "hidden"), CASCADE, ids=[c[0] for c in CASCADE])
def test_the_cascade(why: str, sheet: str, body: str, hidden: set[str]) -> None:
    assert _hidden_ids(_page(sheet, body)) == hidden


@pytest.mark.parametrize(
    ("media", "kind", "hidden"),
    [
        ("", "", {"a"}),
        ("all", "", {"a"}),
        ("screen", "", {"a"}),
        ("only screen", "", {"a"}),
        ("print", "", set()),
        ("speech", "", set()),
        ("screen and (max-width: 600px)", "", set()),  # a condition: can show, not hide
        ("print, screen", "", {"a"}),
        ("print, (min-width: 600px)", "", set()),
        ("", "text/css", {"a"}),
        ("", "TEXT/CSS", {"a"}),
        ("", "text/x-template", set()),
    ],
)
def test_which_style_elements_are_read(media: str, kind: str, hidden: set[str]) -> None:
    assert _hidden_ids(_page(".x{display:none}", "<p id=a class=x>x</p>", media, kind)) == hidden


def test_a_conditional_style_element_can_show() -> None:
    root = lxml.html.document_fromstring(
        "<html><head><style>.x{display:none}</style>"
        '<style media="(min-width: 768px)">.x{display:block}</style></head>'
        "<body><p id=a class=x>x</p></body></html>"
    )
    assert _hidden_ids(root) == set()


@pytest.mark.parametrize("holder", ["noscript", "template"])
def test_a_style_element_a_browser_does_not_apply_is_not_read(holder: str) -> None:
    root = lxml.html.document_fromstring(
        f"<html><head><{holder}><style>.x{{display:none}}</style></{holder}></head>"
        "<body><p id=a class=x>x</p></body></html>"
    )
    assert _hidden_ids(root) == set()


def test_a_style_element_in_the_body_applies() -> None:
    root = lxml.html.document_fromstring(
        "<html><body><style>.x{display:none}</style><p id=a class=x>x</p></body></html>"
    )
    assert _hidden_ids(root) == {"a"}


def test_the_extracted_text_leaves_out_what_the_sheet_hides() -> None:
    page = (
        "<html><head><style>.x{display:none}</style></head><body><article>"
        "<p>The first paragraph of the article says what the inspectors found there.</p>"
        "<p class=x>A hidden paragraph the page never shows to its readers at all.</p>"
        "<p>The last paragraph of the article says what the ministry answered them.</p>"
        "</article></body></html>"
    )
    extracted = extract_html(page)
    assert all("hidden paragraph" not in block.text for block in extracted.blocks)
    assert [d.where for d in extracted.discarded if "hidden paragraph" in d.text] == [
        "text the page's stylesheet hides"
    ]


def test_only_display_and_visibility_rules_are_kept() -> None:
    rules = list(css.sheet_rules(".a{color:red} .b{display:none;color:blue} .c{margin:0}"))
    assert [(r.selectors, r.declarations) for r in rules] == [
        (".b", (css.Declaration("display", hides=True, important=False),))
    ]


def test_the_number_of_rules_read_is_bounded() -> None:
    sheet = "".join(f".k{i}{{display:none}}" for i in range(css.MAX_RULES + 10))
    root = _page(sheet, "<p id=a class=k1>x</p>")
    assert len(list(css.page_rules(root))) == css.MAX_RULES


def test_rules_past_the_bound_are_not_read() -> None:
    filler = "".join(f".k{i}{{display:block}}" for i in range(css.MAX_RULES))
    root = _page(filler + ".late{display:none}", "<p id=a class=late>x</p><p id=b class=k3>y</p>")
    assert _hidden_ids(root) == set()


SLOW = 5.0
"""Seconds a hostile page may take; each takes well under one here, and quadratic work on
these sizes would take minutes."""
FLAT = "".join(f"<p class='c{i % 50}'>word {i}</p>" for i in range(20_000))
DEEP = ("<div>" * 200 + "<p>x</p>" + "</div>" * 200) * 50


@pytest.mark.parametrize(
    ("why", "sheet", "body"),
    [
        (
            "a hundred thousand rules",
            "".join(f".k{i}{{display:none}}" for i in range(100_000)),
            "<p class=k5>x</p>",
        ),
        (
            "thousands of rules that match",
            "".join(f".c{i % 50} {{display:none}}" for i in range(6000)),
            FLAT,
        ),
        ("a million opening braces", "{" * 1_000_000, "<p>x</p>"),
        ("a million closing braces", "}" * 1_000_000 + ".a{display:none}", "<p class=a>x</p>"),
        ("an unterminated comment", ".a{display:none} /*" + "x{}" * 1_000_000, "<p class=a>x</p>"),
        ("an unterminated string", '.a{content:"' + "\\\\x;" * 300_000, "<p class=a>x</p>"),
        ("a million semicolons", "a;" * 1_000_000, "<p>x</p>"),
        ("a million at-rule statements", "@a;" * 500_000, "<p>x</p>"),
        ("a million backslashes", "\\" * 1_000_000, "<p>x</p>"),
        ("a million declarations", ".a{" + "display:none;" * 500_000 + "}", "<p class=a>x</p>"),
        ("deeply nested :not", ":not(" * 3000 + "p" + ")" * 3000 + "{display:none}", "<p>x</p>"),
        ("a huge selector list", ".a," * 300_000 + ".b{display:none}", "<p class=b>x</p>"),
        (
            "positional pseudo-classes on a long page",
            "p:nth-child(2n+1){display:none} p:last-child{display:none}",
            FLAT,
        ),
        (
            "sibling combinators on a long page",
            "p ~ p{display:none} p + p + p{display:block}",
            FLAT,
        ),
        (
            "descendant combinators on a deep page",
            "div div div div p{display:none} * * *{display:block}",
            DEEP,
        ),
        (
            ":has on a deep page",
            "div:has(p){display:none} div:not(:has(span)) div{display:block}",
            DEEP,
        ),
        (
            "many media blocks",
            "@media (min-width:1px){.a{display:block}}" * 20_000 + ".a{display:none}",
            "<p class=a>x</p>" * 3000,
        ),
    ],
)
def test_a_hostile_stylesheet_is_read_quickly(why: str, sheet: str, body: str) -> None:
    root = _page(sheet, body)
    started = time.perf_counter()
    css.hidden_elements(root)
    assert time.perf_counter() - started < SLOW, why
