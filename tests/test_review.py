"""The reviewer's view: the HTML page driven in headless Chromium, the Word review edition read
by python-docx and after a LibreOffice round trip, and the page's size on a large brief.

Set DRAFT_REVIEW_SCREENSHOT=docs/review.png to refresh the README's screenshot from the browser
test (it always keeps one under build/test-artefacts/).
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
from conftest import REPO, SAMPLE, require_tool, run_draft

from drafting.render.templating import MAX_OUTPUT

ARTEFACTS = REPO / "build" / "test-artefacts"
HOSTILE_SNAPSHOT = (
    "Field notes from the detention visit\n\n"
    "Guards 🔒 said the door stays locked 😶 at night. "
    '<img src="http://192.0.2.1/pixel.png"> <script>fetch("http://192.0.2.1/s")</script>\n\n'
    "The detainees said they were held without light for three days 🕯 in the basement cell.\n"
)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _report(ws: Path) -> Path:
    return ws / "reports" / SAMPLE / "report.yaml"


def reviewed_workspace(ws: Path) -> Path:
    """The sample with one of each outcome a reviewer meets, and hostile text everywhere a
    source or claim can put it."""
    report = _report(ws)
    # fuzzy: one mistyped word
    _replace(report, "get footage out of four more prisons", "get footge out of four more prisons")
    # error: a quote the source does not hold
    _replace(
        report,
        "part of a systemic, organised operation designed to blackmail or force prisoners into",
        "part of a systemic, organised campaign designed to frighten prisoners into",
    )
    # a locator that disagrees with where the quote is
    _replace(
        report,
        "secretly copying the footage\n        locator: para. 8",
        "secretly copying the footage\n        locator: para. 9",
    )
    # a claim whose text and source hold markup and characters beyond U+FFFF
    _replace(
        report,
        "He claimed that the torture was carried out",
        'He claimed <img src="http://192.0.2.1/claim.png"> that the torture was carried out',
    )
    snapshot = ws / "sources" / "archive" / "field-notes.txt"
    snapshot.write_text(HOSTILE_SNAPSHOT, encoding="utf-8")
    digest = hashlib.sha256(snapshot.read_bytes()).hexdigest()
    with (ws / "sources" / "library.bib").open("a", encoding="utf-8") as bib:
        bib.write(
            "\n@misc{field-notes,\n  title = {[Field notes of a detention visit]},\n"
            "  author = {{Example Rights Monitor}},\n  date = {2021-11-20},\n"
            "  url = {https://example.org/notes},\n  file = {archive/field-notes.txt},\n"
            f"  sha256 = {{{digest}}},\n}}\n"
        )
    pdf = ws / "sources" / "archive" / "visit-report.pdf"
    shutil.copyfile(REPO / "tests" / "fixtures" / "quotes" / "report-labelled.pdf", pdf)
    with (ws / "sources" / "library.bib").open("a", encoding="utf-8") as bib:
        bib.write(
            "\n@report{visit-report,\n  title = {Report of a monitoring visit},\n"
            "  author = {{Example Rights Monitor}},\n  date = {2021-11-21},\n"
            "  url = {https://example.org/visit},\n  file = {archive/visit-report.pdf},\n"
            f"  sha256 = {{{hashlib.sha256(pdf.read_bytes()).hexdigest()}}},\n}}\n"
        )
    _replace(
        report,
        "  officers-fired:\n",
        "  reception-room:\n"
        "    text: Monitors were shown a room that staff called the reception room.\n"
        "    sources:\n"
        "      - key: visit-report\n"
        "        quote: the group was shown a room that staff called the reception room\n"
        "        locator: p. 1\n"
        "  held-in-dark:\n"
        "    text: Detainees said they were held for three days without light.\n"
        "    sources:\n"
        "      - key: field-notes\n"
        "        quote: held without light for three days 🕯 in the basement cell\n"
        "        locator: para. 3\n"
        "  door-locked:\n"
        "    text: Guards said the door is locked at night.\n"
        "    sources:\n"
        "      - key: field-notes\n"
        "        quote: Guards 🔒 said the door [...] at night\n"
        "  officers-fired:\n",
    )
    _replace(
        report,
        "- [leaked-footage, officers-fired]",
        "- [leaked-footage, held-in-dark, door-locked, reception-room, officers-fired]",
    )
    return ws


def _review(ws: Path, *args: str) -> Path:
    result = run_draft("review", ws / "reports" / SAMPLE, *args)
    assert "wrote " in result.stdout, result.stdout + result.stderr
    stem = SAMPLE if "public" in args else f"{SAMPLE}.internal"
    return ws / "build" / f"{stem}.review.html"


# ------------------------------------------------------------------------- the HTML file


def test_review_page_is_self_contained_and_escapes_everything(sample: Path) -> None:
    page = _review(reviewed_workspace(sample)).read_text(encoding="utf-8")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None and "default-src 'none'" in csp.group(1)
    # only our own script may run: the policy names its digest, never 'unsafe-inline'
    script = re.search(r"<script>(.*?)</script>", page, re.S)
    assert script is not None
    digest = base64.b64encode(hashlib.sha256(script.group(1).encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp.group(1)
    assert "script-src 'unsafe-inline'" not in csp.group(1)
    assert "<title>INTERNAL review: " in page
    # nothing loads from anywhere: no src/href to another document, no @import or url()
    assert not re.search(r"""<[^>]*\s(?:src|href)=(?!["']?#)""", page)
    assert "@import" not in page and "url(" not in page
    # hostile text is text: the only <script> is ours, no <img> at all
    assert page.count("<script>") == 1
    assert "<img" not in page
    assert "&lt;img src=&#34;http://192.0.2.1/claim.png&#34;&gt;" in page
    assert "&lt;script&gt;fetch(" in page


def test_check_format_html_writes_the_same_page_and_keeps_check_exit_codes(sample: Path) -> None:
    ws = reviewed_workspace(sample)
    result = run_draft("check", ws / "reports" / SAMPLE, "--format", "html")
    assert result.exit_code == 1  # the missing quote is an error
    assert "error[quote-not-found]" in result.stderr
    written = ws / "build" / f"{SAMPLE}.internal.review.html"
    assert f"wrote {written}" in result.stdout
    first = written.read_bytes()
    run_draft("review", ws / "reports" / SAMPLE)
    assert written.read_bytes() == first  # reproducible


def test_outcomes_symbols_and_footnote_numbers(sample: Path) -> None:
    page = _review(reviewed_workspace(sample)).read_text(encoding="utf-8")
    # every claim of the brief is marked with its outcome in words for screen readers
    labels = re.findall(r'data-id="([\w-]+)" data-outcome="(\w+)" data-note="(\d+)"', page)
    outcome = {cid: (kind, int(note)) for cid, kind, note in labels}
    assert outcome["video-source"][0] == "exact"
    assert outcome["four-more-prisons"][0] == "fuzzy"
    assert outcome["blackmail"][0] == "error"
    assert outcome["savelyev-copied"][0] == "warning"
    # footnotes numbered in reading order, as in the Word file
    assert sorted(n for _, n in outcome.values()) == list(range(1, len(outcome) + 1))
    assert outcome["leaked-footage"][1] == 1 and outcome["held-in-dark"][1] == 2
    assert outcome["door-locked"][0] == "exact"
    # read without colour: a symbol beside each footnote, and words for screen readers
    fuzzy_note = outcome["four-more-prisons"][1]
    assert re.search(
        rf'aria-label="footnote {fuzzy_note}, fuzzy">{fuzzy_note}<span class="sym" '
        r'aria-hidden="true">~</span>',
        page,
    )
    assert '<span class="sr-only"> (fuzzy)</span>' in page
    summary = re.search(r'data-outcome="error">(\d+)<', page)
    assert summary is not None and summary.group(1) == "1"


SHOWN = """(() => {
  const d = document.querySelector('.claim-detail.shown');
  const c = d.querySelector('.citation');
  const m = c.querySelector('.viewer mark');
  const r = m.getBoundingClientRect();
  const v = c.querySelector('.viewer').getBoundingClientRect();
  return {
    id: d.id, mark: m.textContent, badge: c.querySelector('.para-badge').textContent,
    found: c.querySelector('.found-at').textContent.trim(),
    visible: r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth
      && r.top >= v.top && r.bottom <= v.bottom,
    digest: c.querySelector('.digest-state').textContent};
})()"""
"""What the right-hand pane shows for the selected claim's first citation."""
FOCUSED = "['data-id', 'data-outcome'].map(a => document.activeElement.getAttribute(a))"


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return require_tool(name)
    return require_tool("chromium")


def test_browser_screenshot_of_the_sample_as_it_is(sample: Path, tmp_path: Path) -> None:
    """The README's screenshot: the sample brief unchanged (its claims are the seeds' own
    words; the other browser test's workspace adds invented ones to reach every outcome)."""
    from cdp import open_page

    chromium = _chromium()
    url = _review(sample).resolve().as_uri()
    with open_page(chromium, url, tmp_path / "profile") as page:
        note = page.evaluate(
            "document.querySelector('#brief .claim[data-id=\"video-source\"]')"
            ".getAttribute('data-claim')"
        )
        page.click(f'#brief a.note[data-claim="{note}"]')
        shown = page.evaluate(SHOWN)
        assert shown["visible"] and shown["badge"] == "para. 4", shown
        screenshot = page.screenshot(ARTEFACTS / "review.png")
        wanted = os.environ.get("DRAFT_REVIEW_SCREENSHOT")
        if wanted:
            shutil.copyfile(screenshot, REPO / wanted)


def test_browser_click_a_footnote_shows_the_highlighted_passage(
    sample: Path, tmp_path: Path
) -> None:
    from cdp import open_page

    chromium = _chromium()
    path = _review(reviewed_workspace(sample))
    url = path.resolve().as_uri()
    with open_page(chromium, url, tmp_path / "profile") as page:
        note = page.evaluate(
            "document.querySelector('#brief .claim[data-id=\"video-source\"]')"
            ".getAttribute('data-claim')"
        )
        page.click(f'#brief a.note[data-claim="{note}"]')
        shown = page.evaluate(SHOWN)
        assert shown["id"] == f"{note}-detail"
        assert (
            shown["mark"]
            == "obtained by an ex-prisoner and sent to human rights platform Gulagu.net"
        )
        assert shown["badge"] == "para. 4" and shown["found"].startswith("para. 4 (")
        assert shown["visible"], shown
        assert shown["digest"] == "matches"
        # the page never scrolls as a whole: the summary stays in view above both panes
        assert page.evaluate(
            "[scrollY, document.querySelector('.top').getBoundingClientRect().top]"
        ) == [0, 0]
        page.screenshot(ARTEFACTS / "review-outcomes.png")

        # a passage after characters beyond U+FFFF is still marked exactly
        page.click('#brief .claim[data-id="held-in-dark"]')
        mark = page.evaluate(
            "document.querySelector('.claim-detail.shown .viewer mark').textContent"
        )
        assert mark == "held without light for three days 🕯 in the basement cell"

        # a PDF: the passage on its page, by the page's printed label
        page.click('#brief .claim[data-id="reception-room"]')
        pdf = page.evaluate(
            "(() => { const c = document.querySelector('.claim-detail.shown .citation');"
            " return [c.querySelector('.viewer mark').textContent,"
            " c.querySelector('.para-badge').textContent, c.querySelector('.page').textContent,"
            " c.querySelector('.c-outcome').textContent]; })()"
        )
        assert (
            " ".join(pdf[0].split())
            == "the group was shown a room that staff called the reception room"
        )
        assert pdf[1].endswith("p. 1") and pdf[2] == "p. 1" and pdf[3] == "normalised"

        # an elided quote: each fragment marked, the words left out not
        page.click('#brief .claim[data-id="door-locked"]')
        marks = page.evaluate(
            "Array.from(document.querySelectorAll('.claim-detail.shown .viewer mark'),"
            " m => m.textContent)"
        )
        assert marks == ["Guards 🔒 said the door", "at night"]

        # n: the next claim that needs attention after the one shown, then the one after it,
        # with what a fuzzy match changed; p goes back
        page.key("n")
        assert page.evaluate(FOCUSED) == ["savelyev-copied", "warning"]
        page.key("n")
        fuzzy = page.evaluate(
            "(() => { const d = document.querySelector('.claim-detail.shown');"
            " return [d.querySelector('.outcome').textContent,"
            " d.querySelector('.diff del').textContent, d.querySelector('.diff ins').textContent,"
            " document.activeElement.getAttribute('data-id')]; })()"
        )
        assert fuzzy[:3] == ["fuzzy", "footge", "footage"]
        assert fuzzy[3] == "four-more-prisons"
        page.key("p")
        assert (
            page.evaluate(
                "document.querySelector('.claim-detail.shown .problems code').textContent"
            )
            == "locator-mismatch"
        )

        # only claims that need attention
        page.click("#attention-only")
        hidden = page.evaluate(
            "getComputedStyle(document.querySelector("
            "'#brief .claim[data-id=\"video-source\"]')).display"
        )
        assert hidden == "none"
        requests = page.requests()
    assert requests == [url], f"the page asked for more than itself: {requests}"


# ---------------------------------------------------------------------- the Word edition


def _comments(path: Path) -> list[tuple[str, str]]:
    document = docx.Document(str(path))
    return [(c.author, c.text) for c in document.comments]


def test_review_docx_has_one_comment_per_claim_and_the_brief_none(sample: Path) -> None:
    _replace(
        _report(sample),
        "get footage out of four more prisons",
        "get footge out of four more prisons",
    )
    result = run_draft("build", sample / "reports" / SAMPLE, "--review")
    assert result.exit_code == 0, result.stderr
    build = sample / "build"
    comments = _comments(build / f"{SAMPLE}.review.docx")
    with zipfile.ZipFile(build / f"{SAMPLE}.review.docx") as review:
        body = review.read("word/document.xml").decode("utf-8")
    claims = len(re.findall(r'<w:bookmarkStart [^>]*w:name="c_', body))
    assert claims > 15 and len(comments) == claims
    assert {author for author, _ in comments} == {"draft check"}
    fuzzy = next(text for _, text in comments if "'four-more-prisons'" in text)
    assert "FUZZY" in fuzzy and "para. 15" in fuzzy
    assert "closest passage: “other whistleblowers have managed to get footage" in fuzzy
    assert "warning[quote-fuzzy]" in fuzzy
    # the brief itself never carries comments
    with zipfile.ZipFile(build / f"{SAMPLE}.docx") as brief:
        assert not [n for n in brief.namelist() if "comments" in n]
    assert _comments(build / f"{SAMPLE}.docx") == []
    # draft verify reads the review edition as the brief it is, listing the comments only
    verified = run_draft("verify", build / f"{SAMPLE}.review.docx")
    assert verified.exit_code == 0, verified.stdout
    assert verified.stdout.count("comment by draft check") == claims
    # and building again without --review leaves the review edition out
    (build / f"{SAMPLE}.review.docx").unlink()
    run_draft("build", sample / "reports" / SAMPLE)
    assert not (build / f"{SAMPLE}.review.docx").exists()


def test_review_docx_comments_survive_libreoffice(sample: Path, tmp_path: Path) -> None:
    soffice = require_tool("soffice")
    assert run_draft("build", sample / "reports" / SAMPLE, "--review").exit_code == 0
    review = sample / "build" / f"{SAMPLE}.review.docx"
    expected = _comments(review)
    out = tmp_path / "lo"
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(review)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    with zipfile.ZipFile(out / review.name) as saved:
        xml = saved.read("word/comments.xml").decode("utf-8")
    authors = re.findall(r'w:author="([^"]*)"', xml)
    assert len(authors) == len(expected) and set(authors) == {"draft check"}
    again = _comments(out / review.name)
    assert [text.split("\n")[0] for _, text in again] == [t.split("\n")[0] for _, t in expected]


# ------------------------------------------------------------------------------- size


def large_workspace(root: Path, claims: int, sources: int) -> Path:
    """A brief of `claims` claims quoting `sources` archived sources, every quote exact."""
    (root / "sources" / "archive").mkdir(parents=True)
    entries, texts = [], []
    for s in range(sources):
        text = "\n\n".join(
            f"Source {s} paragraph {p}: witness number {s * 100 + p} described cell {p} "
            f"of block {s} in detail."
            for p in range(1, 21)
        )
        texts.append(text)
        file = root / "sources" / "archive" / f"s{s}.txt"
        file.write_text(text + "\n", encoding="utf-8")
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        entries.append(
            f"@online{{s{s},\n  title = {{Report {s}}},\n  author = {{{{Monitor {s}}}}},\n"
            f"  date = {{2021-01-01}},\n  url = {{https://example.org/{s}}},\n"
            f"  file = {{archive/s{s}.txt}},\n  sha256 = {{{digest}}},\n}}\n"
        )
    (root / "sources" / "library.bib").write_text("\n".join(entries), encoding="utf-8")
    lines = ["title: A large brief", "organisation: Example", "date: 2021-11-25", "sections:"]
    lines += ["  - heading: Findings", "    paragraphs:"]
    lines += [f"      - [c{c}]" for c in range(claims)]
    lines.append("claims:")
    for c in range(claims):
        s, p = c % sources, c % 20 + 1
        lines += [
            f"  c{c}:",
            f"    text: Witness {s * 100 + p} described cell {p} of block {s}.",
            "    sources:",
            f"      - key: s{s}",
            f"        quote: witness number {s * 100 + p} described cell {p} of block {s}",
            f"        locator: para. {p}",
        ]
    (root / "reports" / "large").mkdir(parents=True)
    (root / "reports" / "large" / "report.yaml").write_text("\n".join(lines) + "\n")
    return root / "reports" / "large"


def test_large_brief_includes_each_snapshot_once(tmp_path: Path) -> None:
    report = large_workspace(tmp_path, claims=320, sources=40)
    result = run_draft("review", report)
    assert result.exit_code == 0, result.stderr
    page = (tmp_path / "build" / "large.internal.review.html").read_text(encoding="utf-8")
    for s in range(40):
        paragraph = f"Source {s} paragraph 7: witness number {s * 100 + 7} described"
        assert page.count(html.escape(paragraph)) == 1, s
    assert page.count('class="citation') == 320
    # each citation points into its snapshot by offsets, never by a copy of the text
    assert len(page) < 320 * 3_000 + 40 * 2_500


# --------------------------------------------------------------------- templates, failures


def test_a_workspace_template_overrides_the_page_and_still_escapes(sample: Path) -> None:
    _replace(_report(sample), "He claimed that the torture", "He claimed <b>that</b> the torture")
    (sample / "templates").mkdir()
    (sample / "templates" / "review.html.j2").write_text(
        "<h1>{{ page.title }}</h1>{% for c in page.claims %}<p>{{ c.text }}</p>{% endfor %}\n"
    )
    page = _review(sample).read_text(encoding="utf-8")
    assert page.startswith("<h1>A conveyor belt of torture</h1>")
    assert "He claimed &lt;b&gt;that&lt;/b&gt; the torture" in page


def test_a_failing_review_template_is_located_and_writes_nothing(sample: Path) -> None:
    (sample / "templates").mkdir()
    (sample / "templates" / "review.html.j2").write_text("line one\n{{ page.nothing_here }}\n")
    result = run_draft("review", sample / "reports" / SAMPLE)
    assert result.exit_code == 1
    assert "review.html.j2:2: error[template-undefined]" in result.stderr
    assert not (sample / "build" / f"{SAMPLE}.internal.review.html").exists()


def test_no_page_for_a_report_that_cannot_be_read(sample: Path) -> None:
    _report(sample).write_text("title: [unclosed\n", encoding="utf-8")
    result = run_draft("review", sample / "reports" / SAMPLE)
    assert result.exit_code == 1
    assert "error[yaml-syntax]" in result.stderr
    assert not (sample / "build").exists()


def test_a_brief_with_an_unknown_source_is_reviewed_as_a_list_of_claims(sample: Path) -> None:
    _replace(
        _report(sample),
        "      - key: dailystar-torture-conveyor\n        quote: said he spent two years",
        "      - key: nowhere-2021\n        quote: said he spent two years",
    )
    result = run_draft("review", sample / "reports" / SAMPLE)
    assert result.exit_code == 1 and "error[unknown-source]" in result.stderr
    page = (sample / "build" / f"{SAMPLE}.internal.review.html").read_text(encoding="utf-8")
    assert "The brief cannot be rendered until its errors are fixed" in page
    assert 'data-id="savelyev-copied" data-outcome="error"' in page
    assert "unknown-source" in page


# ------------------------------------------------------------------------------ editions

SECRETS = ("Sidorov", "witness-sidorov-2021", "He advised me to say nothing")
"""The sample's confidential witness: its name, key, and words of its archived interview."""


def test_internal_review_shows_everything_and_says_so(sample: Path) -> None:
    page = _review(sample).read_text(encoding="utf-8")
    assert "<title>INTERNAL review: " in page and "INTERNAL document." in page
    for secret in SECRETS:
        assert secret in page


def test_public_review_shows_redacted_labels_only(sample: Path) -> None:
    path = _review(sample, "--edition", "public")
    assert path.name == f"{SAMPLE}.review.html"
    page = path.read_text(encoding="utf-8")
    assert "<title>Review (public edition): " in page and "INTERNAL" not in page
    for secret in SECRETS:
        assert secret not in page
    assert "a confidential source" in page
    assert "name withheld for security reasons" in page  # the footnote's redacted title


def test_review_docx_follows_the_edition(sample: Path) -> None:
    assert run_draft("build", sample / "reports" / SAMPLE, "--review").exit_code == 0
    public = "\n".join(text for _, text in _comments(sample / "build" / f"{SAMPLE}.review.docx"))
    assert "a confidential source" in public
    for secret in SECRETS:
        assert secret not in public
    internal = run_draft("build", sample / "reports" / SAMPLE, "--edition", "internal", "--review")
    assert internal.exit_code == 0, internal.stderr
    comments = _comments(sample / "build" / f"{SAMPLE}.internal.review.docx")
    assert any("witness-sidorov-2021" in text for _, text in comments)


def test_a_claim_placed_twice_has_one_anchor_and_two_footnotes(sample: Path) -> None:
    _replace(
        _report(sample),
        "- [eight-men, figures-differ]",
        "- [eight-men, figures-differ, video-source]",
    )
    page = _review(sample).read_text(encoding="utf-8")
    marks = re.findall(r'<a href="#(claim-\d+)-detail"( id="[^"]*")? class="claim', page)
    placed = [m for m in marks if m[0] == _anchor_of(page, "video-source")]
    assert len(placed) == 2 and [bool(i) for _, i in placed] == [True, False]
    assert len(set(re.findall(r'\sid="([^"]+)"', page))) == len(re.findall(r'\sid="', page))


def _anchor_of(page: str, claim: str) -> str:
    found = re.search(rf'data-claim="(claim-\d+)" data-id="{claim}"', page)
    assert found is not None
    return found.group(1)


def test_a_page_longer_than_the_template_output_bound_is_not_a_runaway(sample: Path) -> None:
    """The page shows every cited snapshot: 21 million characters of them once failed as "a
    loop that never ends"."""
    snapshot = sample / "sources" / "archive" / "saratov-leak-2021.txt"
    old = hashlib.sha256(snapshot.read_bytes()).hexdigest()
    filler = "".join(f"Filler paragraph {n} of an archived appendix.\n\n" for n in range(450_000))
    snapshot.write_bytes(snapshot.read_bytes() + filler.encode())
    bib = sample / "sources" / "library.bib"
    new = hashlib.sha256(snapshot.read_bytes()).hexdigest()
    bib.write_text(bib.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    assert len(filler) > MAX_OUTPUT
    result = run_draft("review", sample / "reports" / SAMPLE)
    assert result.exit_code == 0, result.stderr
    page = sample / "build" / f"{SAMPLE}.internal.review.html"
    assert page.stat().st_size > MAX_OUTPUT
