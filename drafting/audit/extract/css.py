"""Which elements of a saved page its own stylesheet hides (`display: none`,
`visibility: hidden` or `collapse`), so that their text is not taken for text a reader sees.

Pages saved as one file (SingleFile, "Save page as... complete" with the CSS inlined) and
pages with collapsed or alternative variants hide text with class rules, not with the
`hidden` attribute: `<style>.promo{display:none}</style> ... <p class="promo">`. A quote
taken from such text must not pass as what the reader of the page saw.

What is read, and the approximation made (conservative: a rule that cannot be read, or
whose condition cannot be told, hides nothing):

- The page's `<style>` elements only: linked stylesheets are not in the snapshot, and
  scripts (which often show or hide text after loading) are not run.
- A sheet's top-level rules apply everywhere. Every at-rule block (`@supports`, `@layer`,
  `@font-face`, `@keyframes`, `@import`, ...) is skipped, and so are rules nested inside a
  rule. A `@media` block (or a `<style media=...>`) that may apply to a screen is a
  *condition*: its rules can show an element the top-level rules hide (Bootstrap's
  `d-none d-md-block` is shown on a wide screen) but never hide one; an element is hidden
  when it is hidden with the top-level rules alone and with them plus each condition's rules
  in turn. Print-only and speech-only media are skipped.
- The cascade for `display` and for `visibility` separately: `!important` first, then the
  inline `style` attribute, then specificity, then source order; in one rule the last
  declaration of a property wins. Any value but `none` (for `visibility`, `hidden` or
  `collapse`) shows, so a value we cannot evaluate (`var(--x)`) never hides.
- Selectors are matched by cssselect (the selector engine behind lxml's `.cssselect()`). A
  selector it cannot read or translate is ignored, and so is one with a pseudo-element or a
  state a reader changes (`:hover`, `:focus`, `:checked`, `:target`, ...): a rule that hides
  on hover hides nothing here, and one that shows on hover shows nothing.
- A hidden element's whole subtree is hidden: a child that sets `visibility: visible` again
  inside a `visibility: hidden` parent is not looked for, nor is text moved off-screen or
  clipped to nothing (screen-reader-only text).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import cssselect
import cssselect.parser
import lxml.etree
import lxml.html

MAX_RULES = 5_000
"""Most rules that set `display` or `visibility` read from one page. A framework's whole
stylesheet has some hundreds (most of its thousands of rules set colours and spacing); past
this bound the rest of the page's CSS is not read: what it would hide is read as visible
(as before stylesheets were read at all), and what it would show again stays hidden, so a
quote from it fails and says where, never passes wrongly."""
MAX_TOKENS = 500_000
"""Most tokens (runs of text, braces, semicolons) read from one page's stylesheets, about a
second's reading: a framework's whole CSS has some tens of thousands. Past it the rest is
not read, as past `MAX_RULES`."""
MAX_SELECTORS = 20_000
"""Most distinct selector lists matched against one page."""
MAX_WORK = 50_000_000
"""Most steps (of about 20 ns, `_Page._cost`) spent matching selectors on one page: about a
second. A real page's stylesheet needs a small part of it; a hostile one stops here."""
MAX_MATCHES = 1_000_000
"""Most (selector, element) matches gathered on one page."""
MAX_SELECTOR_CHARS = 20_000
"""A longer selector list is not a real page's (hostile or generated): the rule is ignored."""
DYNAMIC = frozenset(
    {
        "hover", "focus", "active", "checked", "target", "focus-within", "focus-visible",
        "visited", "target-within", "indeterminate", "default",
    }
)  # fmt: skip
"""Pseudo-classes of a state the reader changes, or the browser's history: not the page as
it was saved."""
HIDES = {"display": frozenset({"none"}), "visibility": frozenset({"hidden", "collapse"})}
SCREEN_TYPES = frozenset({"all", "screen"})
_EVERY_SCREEN = frozenset({"all", "screen", "only all", "only screen"})
UNRENDERED = frozenset({"html", "head", "body", "title", "meta", "link", "base", "style", "script"})
"""Never taken as hidden: what a browser does not render anyway, and the page's `<html>`
and `<body>` (pages that hide the whole body until their scripts have run, which a saved
page's reader has seen done)."""
# The characters that change the scanner's state; everything between them is copied.
_SPECIAL = re.compile(r"""[{};"'\\]|/\*""")
_STRING_END = {'"': re.compile(r'["\\\n]'), "'": re.compile(r"['\\\n]")}
_TRANSLATOR = cssselect.HTMLTranslator()
_ASCII_SPACES = str.maketrans("\t\n\f\r", "    ")  # what separates an HTML class list
_Rank = tuple[bool, bool, tuple[int, int, int], int]
"""(important, inline, specificity, order): the larger wins the cascade."""
_Vote = dict[tuple[str, str], tuple[_Rank, bool]]
"""Per (condition, property), the winning declaration's rank and whether it hides."""


@dataclass(frozen=True, slots=True)
class Declaration:
    """One `display` or `visibility` declaration."""

    prop: str
    hides: bool
    important: bool


@dataclass(frozen=True, slots=True)
class Rule:
    """A style rule that sets `display` or `visibility`."""

    selectors: str
    declarations: tuple[Declaration, ...]
    condition: str = ""
    """"" for a top-level rule; else the media query that must hold for it to apply."""


def hidden_elements(root: lxml.html.HtmlElement) -> set[lxml.html.HtmlElement]:
    """The elements of the page that its own `<style>` elements hide (not their
    descendants: hiding an element hides what it holds)."""
    rules = list(page_rules(root))
    if not rules:
        return set()
    votes = _Page(root).votes(_by_selector(rules))
    return {
        element
        for element, vote in votes.items()
        if element.tag not in UNRENDERED and _hidden(element, vote)
    }


def page_rules(root: lxml.html.HtmlElement) -> Iterator[Rule]:
    """The display and visibility rules of the page's stylesheets, in source order, at most
    `MAX_RULES`."""
    count, left = 0, [MAX_TOKENS]
    for style in root.iter("style"):
        kind = (style.get("type") or "text/css").strip().lower()
        condition = _media(style.get("media"))
        if kind != "text/css" or condition is None:
            continue  # not CSS (a template's own language), or print-only
        if any(a.tag in ("noscript", "template") for a in style.iterancestors()):
            continue  # a browser running scripts does not apply it, nor a template's
        for rule in sheet_rules(style.text or "", condition, left):
            yield rule
            count += 1
            if count >= MAX_RULES:
                return
        if left[0] <= 0:
            return


def sheet_rules(css: str, condition: str = "", left: list[int] | None = None) -> Iterator[Rule]:
    """The display and visibility rules of one stylesheet: its top-level rules, and those of
    top-level `@media` blocks that may apply to a screen (conditional unless the block
    applies to every screen). `condition` is the sheet's own (`<style media>`); `left`
    holds how many more tokens the page's sheets may have (`MAX_TOKENS`)."""
    for prelude, body in _top_level(_limited(_tokens(css), left or [MAX_TOKENS])):
        if body is None:
            continue  # an at-rule statement (@import, @charset)
        if not prelude.startswith("@"):
            yield from _rule(prelude, body, condition)
            continue
        media = prelude[:6].lower() == "@media" and prelude[6:7] in ("", " ", "(")
        inner = _media(prelude[6:]) if media else None
        if inner is None:
            continue  # every other at-rule block, and print-only media
        joined = " and ".join(c for c in (condition, inner) if c)
        for nested, block in _top_level(iter(body)):
            # one level: a block inside the @media block (another @media) is not read
            if block is not None and not nested.startswith("@"):
                yield from _rule(nested, block, joined)


def _rule(prelude: str, body: list[tuple[str, str]], condition: str) -> Iterator[Rule]:
    declarations = declarations_of(body)
    if declarations and prelude and len(prelude) <= MAX_SELECTOR_CHARS:
        yield Rule(prelude, declarations, condition)


# ------------------------------------------------------------------------ the scanner


def _tokens(css: str) -> Iterator[tuple[str, str]]:
    """The sheet as ("", text) runs and ("{" | "}" | ";", "") structure, in one linear pass:
    comments become a space (an unterminated one runs to the end, as in CSS); strings and
    escaped characters are text, so a brace inside them is not structure."""
    pos, size = 0, len(css)
    while pos < size:
        found = _SPECIAL.search(css, pos)
        if found is None:
            yield "", css[pos:]
            return
        start, mark = found.start(), found.group()
        if start > pos:
            yield "", css[pos:start]
        if mark == "/*":
            end = css.find("*/", start + 2)
            pos = size if end < 0 else end + 2
            yield "", " "
        elif mark in _STRING_END:
            pos = _string_end(css, start + 1, mark)
            yield "", css[start:pos]
        elif mark == "\\":
            pos = min(size, start + 2)
            yield "", css[start:pos]
        else:
            pos = start + 1
            yield mark, ""


def _limited(tokens: Iterator[tuple[str, str]], left: list[int]) -> Iterator[tuple[str, str]]:
    """`tokens` while `left[0]` (shared by the page's sheets) lasts."""
    for token in tokens:
        if left[0] <= 0:
            return
        left[0] -= 1
        yield token


def _string_end(css: str, pos: int, quote: str) -> int:
    """Where the string opened before `pos` ends: after its closing quote, or at the end
    of its line (an unclosed string ends there in CSS), or at the end of the sheet."""
    stop = _STRING_END[quote]
    while True:
        found = stop.search(css, pos)
        if found is None:
            return len(css)
        mark = found.group()
        if mark == "\\":
            pos = found.end() + 1
            continue
        return found.end() if mark == quote else found.start()


def _top_level(
    tokens: Iterator[tuple[str, str]],
) -> Iterator[tuple[str, list[tuple[str, str]] | None]]:
    """Each top-level item as (prelude, the tokens of its block), or (prelude, None) for an
    at-rule statement ended by ";". Nesting is counted, never recursed into, so a sheet of
    a million "{" costs a million steps and no stack; a block left open ends with the
    sheet, as in CSS."""
    prelude: list[str] = []
    body: list[tuple[str, str]] = []
    depth = 0
    at_rule: bool | None = None  # does the prelude start with "@"? (None: nothing yet)
    for kind, text in tokens:
        if depth == 0:
            if kind == "{":
                depth, body = 1, []
            elif kind == ";" and at_rule:
                yield _prelude(prelude), None
                prelude, at_rule = [], None
            else:
                prelude.append(text or kind)  # a stray ";" or "}" spoils the selector
                if at_rule is None and (text or kind).strip():
                    at_rule = (text or kind).lstrip().startswith("@")
            continue
        depth += (kind == "{") - (kind == "}")
        if depth == 0:
            yield _prelude(prelude), body
            prelude, at_rule = [], None
        else:
            body.append((kind, text))
    if depth:
        yield _prelude(prelude), body


def _prelude(pieces: list[str]) -> str:
    # "<!--" and "-->" around a whole sheet (old pages hid CSS from old browsers so) are
    # ignored at the top level of a sheet.
    return " ".join("".join(pieces).replace("<!--", " ").replace("-->", " ").split())


def declarations_of(body: Iterable[tuple[str, str]]) -> tuple[Declaration, ...]:
    """The `display` and `visibility` declarations of a block, the last of each property
    and importance (an earlier `!important` one still beats a later plain one); text inside
    nested blocks (CSS nesting) is not the rule's own."""
    found: dict[tuple[str, bool], Declaration] = {}
    depth, current = 0, list[str]()
    for kind, text in [*body, (";", "")]:
        if kind in ("{", "}"):
            depth = max(0, depth + (1 if kind == "{" else -1))
            current = [] if kind == "}" and depth == 0 else current
        elif depth:
            continue
        elif kind == ";":
            declaration = _declaration("".join(current))
            current = []
            if declaration is not None:
                found.pop((declaration.prop, declaration.important), None)
                found[declaration.prop, declaration.important] = declaration
        else:
            current.append(text)
    return tuple(found.values())


def _declaration(text: str) -> Declaration | None:
    name, colon, value = text.partition(":")
    prop = name.strip().lower()
    if not colon or prop not in HIDES:
        return None
    value = value.strip()
    important = False
    bang = value.rfind("!")
    if bang >= 0 and value[bang + 1 :].strip().lower() == "important":
        value, important = value[:bang].strip(), True
    if not value:
        return None  # an empty declaration is invalid and hides nothing
    return Declaration(prop, value.lower() in HIDES[prop], important)


def inline_declarations(style: str) -> tuple[Declaration, ...]:
    """The `display` and `visibility` declarations of a `style` attribute."""
    return declarations_of(_tokens(style))


# ------------------------------------------------------------------------ media


def _media(query: str | None) -> str | None:
    """A media query list (of `<style media>` or `@media`) as a condition: "" when it holds
    on every screen (none, `all`, `screen`, or a list holding one of them), the query when
    it may hold on one, None when it never does (print, speech)."""
    queries = [" ".join(q.split()) for q in (query or "").lower().split(",")]
    if query is None or not query.strip() or any(q in _EVERY_SCREEN for q in queries):
        return ""
    return " ".join(query.split()) if _may_apply_to_screen(query) else None


def _may_apply_to_screen(query_list: str) -> bool:
    """Might one of the comma-separated media queries hold on a screen? The media type
    decides; features (widths, colours, preferences) are taken to hold on some screen."""
    for query in query_list.lower().split(","):
        words = query.replace("(", " (").split()
        if words and words[0] == "only":
            words = words[1:]
        negated = bool(words) and words[0] == "not"
        kind = words[1] if negated and len(words) > 1 else (words[0] if words else "all")
        if kind.startswith("("):
            return True  # features only: any media type
        if (kind in SCREEN_TYPES) != negated:
            return True
    return False


# ------------------------------------------------------------------------ matching


def _by_selector(rules: list[Rule]) -> dict[str, dict[tuple[str, str], tuple[bool, int, bool]]]:
    """Per distinct selector list, in order of first use: per (condition, property) its
    winning declaration as (important, order, hides). A selector list matches the same
    elements with the same specificity in every rule, so among its own rules importance
    then order decide, and a framework's thousand repeats cost one match."""
    found: dict[str, dict[tuple[str, str], tuple[bool, int, bool]]] = {}
    for order, rule in enumerate(rules):
        best = found.setdefault(rule.selectors, {})
        for declaration in rule.declarations:
            key = (rule.condition, declaration.prop)
            mine = (declaration.important, order, declaration.hides)
            if key not in best or mine[:2] > best[key][:2]:
                best[key] = mine
    return found


class _Page:
    """The page as selectors are matched against it, with a bound on the work.

    Each compound selector ("p.note", "div:not(.open)") is one XPath step over the page
    (`descendant-or-self::p[...]`, linear in its elements); combinators are followed here,
    from left to right, each in one pass whatever the nesting (libxml2's own descendant and
    sibling steps grow with the square of the page on deep or long pages). Positional
    pseudo-classes and `:has()` make libxml2 count siblings or search subtrees per element,
    so they are charged for that. Past `MAX_WORK` steps, or `MAX_MATCHES` matched
    elements, the selectors that remain are not matched: what they would hide is read as
    visible, and what they would show stays hidden (the quote then fails, saying where)."""

    def __init__(self, root: lxml.html.HtmlElement) -> None:
        self.root = root
        self.everything: set[lxml.html.HtmlElement] = set()
        self.index: dict[str, set[lxml.html.HtmlElement]] = {}
        """The elements of each tag ("<p"), id ("#note") and class (".promo")."""
        self.nesting = 0  # the sum of every element's depth: what a subtree search costs
        self.siblings = 0  # the sum of squared child counts: what counting siblings costs
        self.work = 0
        self.matched = 0
        self._survey()

    def _survey(self) -> None:
        depth = 0
        for event, element in lxml.etree.iterwalk(self.root, ("start", "end")):
            depth += 1 if event == "start" else -1
            if event == "end" or not isinstance(element.tag, str):
                continue
            self.everything.add(element)
            self.nesting += depth
            self.siblings += len(element) ** 2
            names = element.get("class", "").translate(_ASCII_SPACES).split(" ")
            keys = [f"<{element.tag}", f"#{element.get('id', '')}"]
            for key in keys + [f".{name}" for name in names if name]:
                self.index.setdefault(key, set()).add(element)

    def votes(
        self, selectors: dict[str, dict[tuple[str, str], tuple[bool, int, bool]]]
    ) -> dict[lxml.html.HtmlElement, _Vote]:
        """Per element some selector matches, the winning declarations that match it."""
        votes: dict[lxml.html.HtmlElement, _Vote] = {}
        for text, best in list(selectors.items())[:MAX_SELECTORS]:
            for specificity, elements in self._evaluate(text):
                for element in elements:
                    vote = votes.setdefault(element, {})
                    for key, (important, order, hides) in best.items():
                        rank = (important, False, specificity, order)
                        if key not in vote or rank > vote[key][0]:
                            vote[key] = (rank, hides)
            if self.work > MAX_WORK or self.matched > MAX_MATCHES:
                break
        return votes

    def _evaluate(
        self, selectors: str
    ) -> Iterator[tuple[tuple[int, int, int], list[lxml.html.HtmlElement]]]:
        """Per selector of the list that can be evaluated: its specificity and the elements
        it matches. A list cssselect cannot parse is ignored whole, as a browser ignores a
        rule with an invalid selector."""
        try:
            parsed = cssselect.parse(selectors)
        except (cssselect.SelectorError, RecursionError):
            return
        for selector in parsed:
            tree = selector.parsed_tree
            if selector.pseudo_element is not None or _dynamic(tree):
                continue
            if not _required(tree) <= self.index.keys():
                continue  # names a class, id or tag the page does not have: matches nothing
            elements = self._select(tree)
            if elements is not None:
                self.matched += len(elements)
                yield selector.specificity(), elements

    def _select(self, tree: object) -> list[lxml.html.HtmlElement] | None:
        """The elements `tree` matches; None when it cannot be
        translated or would cost more than the work left."""
        chain: list[tuple[str, object]] = []
        while isinstance(tree, cssselect.parser.CombinedSelector):
            chain.append((tree.combinator, tree.subselector))
            tree = tree.selector
        chain.append(("", tree))
        chain.reverse()
        if any(c and c not in _COMBINATORS for c, _ in chain):
            return None
        cost = sum(self._cost(compound, combinator) for combinator, compound in chain)
        if self.work + cost > MAX_WORK:
            return None
        self.work += cost
        found: set[lxml.html.HtmlElement] = set()
        for combinator, compound in chain:
            matches = self._compound(compound)
            if matches is None:
                return None
            found = matches if not combinator else _COMBINATORS[combinator](matches, found)
            if not found:
                return []
        return list(found)

    def _cost(self, compound: object, combinator: str) -> int:
        """What matching `compound` costs, in steps of about 20 ns (one sibling counted by
        libxml2): an XPath step tests each element of the page (about 1 µs each), a
        compound of tags, ids and classes only is a set intersection, a combinator is one
        pass in Python; positional pseudo-classes count siblings, `:has()` searches."""
        size = len(self.everything)
        keys = _simple(compound)
        if keys is None:
            cost = 50 * size
        else:
            cost = 5 * min((len(self.index.get(key, ())) for key in keys), default=size)
        cost += 25 * size if combinator else 0
        for node in _parts(compound):
            name = _pseudo_name(node)
            if name in _POSITIONAL:
                cost += self.siblings
            elif name == "has":
                cost += self.nesting + self.siblings
        return cost

    def _compound(self, compound: object) -> set[lxml.html.HtmlElement] | None:
        keys = _simple(compound)
        if keys is not None:
            sets = sorted((self.index.get(key, set()) for key in keys), key=len)
            return set(sets[0]).intersection(*sets[1:]) if sets else set(self.everything)
        try:
            expression = _TRANSLATOR.xpath(compound)  # type: ignore[arg-type]
            found = self.root.xpath(f"descendant-or-self::{expression}")
        except (cssselect.SelectorError, lxml.etree.XPathError, RecursionError):
            return None
        if not isinstance(found, list):
            return None
        return {e for e in found if isinstance(e, lxml.html.HtmlElement)}


def _simple(compound: object) -> list[str] | None:
    """The index keys of a compound of a tag, ids and classes only ("p.note#x": "<p",
    ".note", "#x"; "*": none), or None for any other compound."""
    keys: list[str] = []
    node = compound
    while not isinstance(node, cssselect.parser.Element):
        if isinstance(node, cssselect.parser.Class):
            keys.append(f".{node.class_name}")
        elif isinstance(node, cssselect.parser.Hash):
            keys.append(f"#{node.id}")
        else:
            return None
        node = node.selector
    if node.namespace is not None:
        return None
    if node.element not in (None, "*"):
        keys.append(f"<{node.element.lower()}")
    return keys


def _descendants(
    matches: set[lxml.html.HtmlElement], left: set[lxml.html.HtmlElement]
) -> set[lxml.html.HtmlElement]:
    """Those of `matches` with an ancestor in `left`."""
    return _reached(matches, left, lxml.html.HtmlElement.getparent)


def _children(
    matches: set[lxml.html.HtmlElement], left: set[lxml.html.HtmlElement]
) -> set[lxml.html.HtmlElement]:
    return {e for e in matches if e.getparent() in left}


def _next(
    matches: set[lxml.html.HtmlElement], left: set[lxml.html.HtmlElement]
) -> set[lxml.html.HtmlElement]:
    """Those of `matches` right after an element of `left` (`+`)."""
    return {e for e in matches if _previous(e) in left}


def _later(
    matches: set[lxml.html.HtmlElement], left: set[lxml.html.HtmlElement]
) -> set[lxml.html.HtmlElement]:
    """Those of `matches` after a sibling in `left` (`~`)."""
    return _reached(matches, left, _previous)


def _previous(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    before = element.getprevious()
    while before is not None and not isinstance(before.tag, str):
        before = before.getprevious()
    return before


def _reached(
    matches: set[lxml.html.HtmlElement],
    left: set[lxml.html.HtmlElement],
    step: Callable[[lxml.html.HtmlElement], lxml.html.HtmlElement | None],
) -> set[lxml.html.HtmlElement]:
    """Those of `matches` from which repeated `step`s (to the parent, to the previous
    sibling) reach an element of `left`. Each element's answer is worked out once and kept,
    so the whole costs one pass over the page however deep or long it is."""
    known: dict[lxml.html.HtmlElement, bool] = {}
    reached = set()
    for element in matches:
        path = [element]
        node = step(element)
        while node is not None and node not in left and node not in known:
            path.append(node)
            node = step(node)
        answer = node is not None and (node in left or known[node])
        known.update(dict.fromkeys(path, answer))
        if answer:
            reached.add(element)
    return reached


_COMBINATORS: dict[
    str,
    Callable[[set[lxml.html.HtmlElement], set[lxml.html.HtmlElement]], set[lxml.html.HtmlElement]],
] = {" ": _descendants, ">": _children, "+": _next, "~": _later}
_POSITIONAL = frozenset(
    {
        "first-child", "last-child", "only-child", "first-of-type", "last-of-type",
        "only-of-type", "nth-child", "nth-last-child", "nth-of-type", "nth-last-of-type",
    }
)  # fmt: skip


def _pseudo_name(node: object) -> str:
    if isinstance(node, cssselect.parser.Pseudo):
        return node.ident.lower()
    if isinstance(node, cssselect.parser.Function):
        return node.name.lower()
    if isinstance(node, cssselect.parser.Relation):
        return "has"
    return ""


def _parts(tree: object) -> Iterator[object]:
    """The nodes of a parsed selector, its arguments included, without recursion. Read by
    attribute name, as cssselect's node classes differ between versions (`:has()` holds
    `subselector` in 1.2, `arguments` pairs later)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for name in ("selector", "subselector", "parsed_tree"):
            child = getattr(node, name, None)
            if isinstance(child, list | tuple):
                stack.extend(child)
            elif child is not None:
                stack.append(child)
        stack.extend(getattr(node, "selector_list", None) or ())
        if isinstance(node, cssselect.parser.Relation):
            stack.extend(pair[1] for pair in getattr(node, "arguments", ()))


def _dynamic(tree: object) -> bool:
    """Does the selector depend on a state the reader changes, anywhere (`:not(:hover)`
    too)?"""
    return any(_pseudo_name(node) in DYNAMIC for node in _parts(tree))


def _required(tree: object) -> set[str]:
    """Classes, ids and tags every element of a match must have, read along the selector's
    compounds and combinators only (not inside `:not()`, `:is()` or `:has()`)."""
    required: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, cssselect.parser.CombinedSelector):
            stack += [node.selector, node.subselector]
            continue
        if isinstance(node, cssselect.parser.Class):
            required.add(f".{node.class_name}")
        elif isinstance(node, cssselect.parser.Hash):
            required.add(f"#{node.id}")
        elif (
            isinstance(node, cssselect.parser.Element)
            and node.element not in (None, "*")
            and node.namespace is None
        ):
            required.add(f"<{node.element.lower()}")
        inner = getattr(node, "selector", None)
        if inner is not None:
            stack.append(inner)
    return required


# ------------------------------------------------------------------------ the cascade


def _hidden(element: lxml.html.HtmlElement, vote: _Vote) -> bool:
    """Hidden with the top-level rules (and the `style` attribute), and still hidden with
    each condition's rules added in turn."""
    base: dict[str, tuple[_Rank, bool] | None] = {}
    for declaration in inline_declarations(element.get("style", "")):
        rank = (declaration.important, True, (0, 0, 0), 0)
        base[declaration.prop] = (rank, declaration.hides)
    for (condition, prop), winner in vote.items():
        if not condition:
            base[prop] = _better(base.get(prop), winner)
    if not _hides(base):
        return False
    for condition in {condition for condition, _ in vote if condition}:
        with_it = {prop: _better(base.get(prop), vote.get((condition, prop))) for prop in HIDES}
        if not _hides(with_it):
            return False
    return True


def _better(
    one: tuple[_Rank, bool] | None, other: tuple[_Rank, bool] | None
) -> tuple[_Rank, bool] | None:
    """The winner of two declarations (either may be missing)."""
    if one is None or (other is not None and other[0] > one[0]):
        return other
    return one


def _hides(winners: dict[str, tuple[_Rank, bool] | None]) -> bool:
    return any(winner is not None and winner[1] for winner in winners.values())
