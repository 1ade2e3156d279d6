"""The text a reader of a saved web page sees: the article, not the page around it.

Two passes. First the page's chrome is taken out of the parsed page and recorded with where
it was (`Discarded`): hidden elements (`hidden`, `aria-hidden="true"`, inline `display:none`
or `visibility:hidden`, `<template>`), text the page's own `<style>` rules hide
(`.promo{display:none}`; `css` says how far the cascade is followed), scripts and
structured data (JSON-LD), image `alt` text, note references ("[1]" linked to a footnote),
then navigation, site header and footer, sidebars and cookie or subscription banners.
Hidden text goes first because main-content extraction alone keeps a `<p hidden>`. Then
trafilatura, the main-content extractor of web-archiving work, picks the article from what
is left (`favor_precision`: a quote must never pass on text that is not the article's);
visible text it leaves out (bylines, captions, "related" links) is recorded as outside the
article.

Linked stylesheets are not in a snapshot and scripts are not run: text that only they hide
is read as visible.

What readers count: the article's body paragraphs. The headline and subheadings are part of
the text (a quote of a headline is the source's words) but are headings, not paragraphs, so
"para. 2" is the article's second paragraph of text, as a reader counting paragraphs on the
page would say.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import lxml.etree
import lxml.html

from drafting.audit.extract import Block, Discarded, Extracted, UnreadableSnapshotError, css

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Elements that start a new block of the reader's text.
BLOCKS = HEADINGS | frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "form", "header", "hr", "li", "main", "nav", "ol",
        "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip
HIDDEN_STYLE = re.compile(r"(?:display\s*:\s*none|visibility\s*:\s*hidden)\b", re.IGNORECASE)
# Words that name a banner in a class or id ("cookie-banner", "newsletterSignup", "gdpr",
# "onetrust-consent-sdk"), each at the start of a word of the name; "subscriber-content"
# (the article of a subscription site) is not one.
BANNER_HINT = re.compile(
    r"(?:^|[^a-z0-9])(?:cookie|consent|gdpr|newsletter|paywall|regwall|sign-?up|"
    r"subscribe(?!r)|subscription)",
    re.IGNORECASE,
)
BANNER_MAX_CHARS = 600
"""A banner is short: a class named "paywall" around 5,000 characters is the article itself
(many sites wrap the subscriber text so), not a banner."""
MAX_ELEMENTS = 100_000
"""Most HTML elements a page may have. The longest real pages (a whole UN report or judgment
saved as HTML) have some tens of thousands; main-content extraction takes about ten seconds
per fifty thousand, so past this bound the audit says so at once instead of working for
minutes (the byte bound alone does not do it: inline images make large files of few
elements, and a dense page makes many elements of few bytes)."""
SCRIPTS = frozenset({"script", "noscript"})
STYLED_HIDDEN = "text the page's stylesheet hides"
_NOTE_MARK = re.compile(r"[\[(]?(?:\d{1,4}|[a-z]|[*†‡§¶]{1,3})[\])]?", re.IGNORECASE)
_NO_MARKERS = re.compile(r"list-style(?:-type)?\s*:\s*none", re.IGNORECASE)
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]")
SILENT = frozenset({"style", "head"})
"""Removed without a record: CSS and the document head hold no text a writer would quote
(the page title is recorded separately)."""


def extract_html(text: str) -> Extracted:
    """The article's blocks and the page's discarded chrome; `UnreadableSnapshotError` when
    the page cannot be parsed."""
    root = _parse(text)
    discarded = list(_title(root))
    discarded.extend(_strip_chrome(root))
    _number_lists(root)
    visible = list(_blocks(root))
    article = _main_content(root)
    if not article:
        # trafilatura finds no article in short or unusual pages (a bare list, a one-line
        # statement); the reader then sees the page's visible text less its chrome, which
        # is what is left.
        return Extracted(tuple(visible), tuple(discarded))
    discarded.extend(_outside(visible, article))
    return Extracted(tuple(article), tuple(discarded))


def _outside(visible: list[Block], article: list[Block]) -> Iterator[Discarded]:
    """Visible blocks whose words are not in the article, in one linear pass: a block is in
    the article when each run of three of its words is (a substring search per block would
    be quadratic on a long page of short blocks)."""
    words = [w for b in article for w in b.text.split()]
    runs = {hash(run) for run in zip(words, words[1:], words[2:], strict=False)}
    known = set(words)
    for block in visible:
        mine = block.text.split()
        if len(mine) < 3:
            inside = all(w in known for w in mine)
        else:
            inside = all(hash(run) in runs for run in zip(mine, mine[1:], mine[2:], strict=False))
        if not inside:
            yield Discarded("the page outside the article", block.text)


def visible_fragment(text: str) -> Extracted:
    """The visible text of a piece of HTML (raw HTML in a Markdown file), chrome recorded."""
    root = _parse(text)
    discarded = list(_strip_chrome(root))
    return Extracted(tuple(_blocks(root)), tuple(discarded))


def _parse(text: str) -> lxml.html.HtmlElement:
    # lxml's HTML parser never fetches anything (no_network) and expands no external
    # entities; comments and processing instructions are not text.
    parser = lxml.html.HTMLParser(
        no_network=True, remove_comments=True, remove_pis=True, huge_tree=False
    )
    # A str with an XML declaration is refused by lxml; the text is decoded already.
    text = re.sub(r"^\s*<\?xml[^>]{0,200}\?>", "", text)
    # Control characters cannot be held in lxml's tree; a browser shows NUL as U+FFFD and
    # a form feed as white space, and so do we (the others too are shown as U+FFFD).
    text = _CONTROLS.sub("\ufffd", text.replace("\f", " "))
    try:
        root = lxml.html.document_fromstring(text or "<html></html>", parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise UnreadableSnapshotError(f"it cannot be read as an HTML page ({exc})") from None
    # Past libxml2's depth limit the rest of the page is silently dropped: say so rather
    # than check quotes against part of a page.
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        raise UnreadableSnapshotError(
            "its HTML is nested too deeply to be read whole (more than 256 levels); save the "
            "page again, or save its text as a .txt file"
        )
    count = sum(1 for _ in root.iter())
    if count > MAX_ELEMENTS:
        raise UnreadableSnapshotError(
            f"the page has {count:,} HTML elements, more than the {MAX_ELEMENTS:,} a snapshot "
            "may have; save the article alone (a reader view or print version), or its text "
            "as a .txt file"
        )
    return root


def _title(root: lxml.html.HtmlElement) -> Iterator[Discarded]:
    for title in root.iter("title"):
        text = _text(title)
        if text:
            yield Discarded("the page's title", text)


def _strip_chrome(root: lxml.html.HtmlElement) -> Iterator[Discarded]:
    """Remove what a reader does not see as the article, and say where each piece was."""
    # Read before anything is removed: selectors see the page as the browser did (the
    # <style> elements themselves go with the scripts).
    styled = css.hidden_elements(root)

    def styled_where(element: lxml.html.HtmlElement) -> str | None:
        return STYLED_HIDDEN if element in styled else None

    where_ofs = (_hidden_where, styled_where, _script_where, _footnote_where, _chrome_where)
    for where_of in where_ofs:
        for element in list(root.iter()):
            if not isinstance(element.tag, str) or not _attached(element, root):
                continue  # a comment, or inside an element removed already
            if element is root or element.tag == "body":
                continue
            where = where_of(element)
            if where is None:
                continue
            text = _text(element)
            if text:
                yield Discarded(where, text)
            element.drop_tree()  # keeps the text that follows the element
        if where_of is _script_where:
            yield from _alt_texts(root)


def _attached(element: lxml.html.HtmlElement, root: lxml.html.HtmlElement) -> bool:
    """Is `element` still in the page? A removed element keeps its own children, and
    belongs to the same document, so only its ancestors tell."""
    top = element
    for top in element.iterancestors():  # noqa: B007 - the last ancestor is wanted
        pass
    return top is root


def _hidden_where(element: lxml.html.HtmlElement) -> str | None:
    if element.tag == "template" or element.get("hidden") is not None:
        return "a hidden element"
    if element.get("aria-hidden", "").strip().lower() == "true":
        return "a hidden element"
    if HIDDEN_STYLE.search(element.get("style", "")):
        return "a hidden element"
    return None


def _script_where(element: lxml.html.HtmlElement) -> str | None:
    if element.tag in SCRIPTS:
        return "a script or structured data"
    if element.tag in SILENT and element.tag != "head":
        element.drop_tree()
    return None


def _footnote_where(element: lxml.html.HtmlElement) -> str | None:
    """A note reference ("him[1] every", "evening.2" with a superscript linked to the note):
    a quotation leaves it out (Chicago 13.7), so it is not part of the text a quote is
    checked against. Only marks that link within the page, or bracketed superscripts, are
    taken: "m<sup>2</sup>" stays."""
    if element.tag == "a" and _links_to_note(element) and _NOTE_MARK.fullmatch(_text(element)):
        return "a footnote mark"
    if element.tag != "sup":
        return None
    text = _text(element)
    if _NOTE_MARK.fullmatch(text) and (
        text.startswith("[") or any(_links_to_note(a) for a in element.iter("a"))
    ):
        return "a footnote mark"
    return None


def _links_to_note(element: lxml.html.HtmlElement) -> bool:
    return bool(element.get("href", "").startswith("#") or element.get("role") == "doc-noteref")


def _alt_texts(root: lxml.html.HtmlElement) -> Iterator[Discarded]:
    for element in root.iter("img", "area", "input"):
        alt = element.attrib.pop("alt", None)
        if alt and alt.strip():
            yield Discarded("image alt text", " ".join(alt.split()))


def _chrome_where(element: lxml.html.HtmlElement) -> str | None:
    tag, role = element.tag, element.get("role", "").strip().lower()
    in_article = any(a.tag in ("article", "main") for a in element.iterancestors())
    if tag == "nav" or role == "navigation":
        return "the page's navigation"
    if tag == "aside" or role == "complementary":
        return "a sidebar"
    if (tag == "header" or role == "banner") and not in_article:
        return "the page's header"
    if (tag == "footer" or role == "contentinfo") and not in_article:
        return "the page's footer"
    hints = f"{element.get('class', '')} {element.get('id', '')}"
    if BANNER_HINT.search(hints) and _is_small(element):
        return "a cookie or subscription banner"
    return None


def _is_small(element: lxml.html.HtmlElement) -> bool:
    if any(True for _ in element.iter("article", "main")):
        return False
    return len(_text(element)) <= BANNER_MAX_CHARS


def _number_lists(root: lxml.html.HtmlElement) -> None:
    """Write each numbered list item's number into its text ("3. The Committee..."), as a
    browser shows it: reports and UN documents saved as HTML often number their paragraphs
    so, and `para. 3` then means that number. Only decimal numbering (the default) is
    written; a list whose inline style hides its markers keeps none."""
    for listing in root.iter("ol"):
        style = listing.get("type", "1")
        if style != "1" or _NO_MARKERS.search(listing.get("style", "")):
            continue
        step = -1 if listing.get("reversed") is not None else 1
        items = [child for child in listing if child.tag == "li"]
        number = _integer(listing.get("start"), len(items) if step < 0 else 1)
        for item in items:
            number = _integer(item.get("value"), number)
            # "<li><p>The Committee" shows the number before the paragraph's first word.
            first = item
            while not (first.text or "").strip() and len(first) and isinstance(first[0].tag, str):
                first = first[0]
            first.text = f"{number}. {(first.text or '').lstrip()}"
            number += step


def _integer(value: str | None, default: int) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        return default


def _main_content(root: lxml.html.HtmlElement) -> list[Block]:
    import trafilatura  # heavy: imported only when a page is read

    # trafilatura logs its doubts about odd pages; they are not the user's problem, and
    # Python would print them on stderr for want of a handler.
    logging.getLogger("trafilatura").addHandler(logging.NullHandler())

    found = trafilatura.extract(
        lxml.html.tostring(root, encoding="unicode"),
        output_format="xml",
        favor_precision=True,
        include_comments=False,
        include_images=False,
        include_links=False,
        include_tables=True,
        deduplicate=False,
        with_metadata=False,
    )
    if not found:
        return []
    main = lxml.etree.fromstring(found.encode("utf-8")).find("main")
    return [] if main is None else list(_xml_blocks(main))


# trafilatura's XML: <head> headings, <p> paragraphs, <list>/<item>, <quote>, <table>/<row>/
# <cell>, <code>; <hi>, <ref> and <lb/> are inline.
_XML_CONTAINERS = frozenset({"list", "quote", "table", "main", "div"})
_XML_BLOCKS = frozenset({"head", "p", "item", "row", "code", "quote", "list", "table"})


def _xml_blocks(element: lxml.etree._Element) -> Iterator[Block]:
    """The blocks of trafilatura's XML; text not inside a block element (trafilatura puts a
    one-sentence page's text straight into <main>) is a block of its own."""
    loose: list[str] = [element.text or ""]
    for child in element:
        if child.tag not in _XML_BLOCKS:
            # inline: <hi>, <ref>, <lb/> (a line break, which separates words)
            inner = " " if child.tag == "lb" else _text(child)
            loose.append(inner + (child.tail or ""))
            continue
        yield from _loose_block(loose)
        if child.tag in _XML_CONTAINERS and any(c.tag in _XML_BLOCKS for c in child):
            yield from _xml_blocks(child)
        elif text := _text(child):
            yield Block(text, heading=child.tag == "head")
        loose = [child.tail or ""]
    yield from _loose_block(loose)


def _loose_block(pieces: list[str]) -> Iterator[Block]:
    text = " ".join("".join(pieces).split())
    if text:
        yield Block(text)


def _blocks(root: lxml.html.HtmlElement) -> Iterator[Block]:
    """The page's visible text, one block per block element (the fallback reader's text)."""
    body = root.find("body")
    current: list[str] = []
    heading = False

    def flush() -> Iterator[Block]:
        text = " ".join("".join(current).split())
        current.clear()
        if text:
            yield Block(text, heading)

    for event, element in lxml.etree.iterwalk(body if body is not None else root, ("start", "end")):
        if isinstance(element.tag, str) and element.tag in BLOCKS:
            yield from flush()
            heading = event == "start" and element.tag in HEADINGS
        if event == "start" and element.text and isinstance(element.tag, str):
            current.append(element.text)
        if event == "end" and element.tail:
            current.append(element.tail)
        if event == "start" and element.tag == "br":
            current.append("\n")
    yield from flush()


def _text(element: lxml.etree._Element) -> str:
    """The element's text with whitespace collapsed, as a browser displays it: inline
    elements run on ("ﬁ<b>nal</b>" is "ﬁnal"), block elements and line breaks separate."""
    pieces: list[str] = []
    for event, node in lxml.etree.iterwalk(element, ("start", "end")):
        if not isinstance(node.tag, str):
            continue
        if node.tag in _SEPARATE:
            pieces.append(" ")
        if event == "start" and node.text:
            pieces.append(node.text)
        if event == "end" and node.tail and node is not element:
            pieces.append(node.tail)
    return " ".join("".join(pieces).split())


# Elements whose edges separate words, in HTML and in trafilatura's XML.
_SEPARATE = BLOCKS | _XML_BLOCKS | frozenset({"br", "lb", "cell", "td", "th", "img"})
